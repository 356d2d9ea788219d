import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/**
 * Reads a zip the way Python's zipfile does for StyleGAN's loader and np.load: from the end
 * record (and its zip64 record when present) to the central directory, then each entry's local
 * header to its data. Written independently of main/data/handoff/zipWriter.ts so a test of that
 * writer does not grade itself. Checks each entry's CRC.
 */
export async function readZip(path: string): Promise<Map<string, Uint8Array>> {
  const bytes = new Uint8Array(await readFile(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${path}: no end of central directory record`);
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  let start = view.getUint32(end + 16, true);
  const locator = end - 20;
  if (locator >= 0 && view.getUint32(locator, true) === 0x07064b50) {
    const record = Number(view.getBigUint64(locator + 8, true));
    if (view.getUint32(record, true) !== 0x06064b50) throw new Error(`${path}: zip64 locator points at no zip64 record`);
    count = Number(view.getBigUint64(record + 32, true));
    size = Number(view.getBigUint64(record + 40, true));
    start = Number(view.getBigUint64(record + 48, true));
  }
  const files = new Map<string, Uint8Array>();
  let at = start;
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`${path}: central directory entry ${i} is damaged`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressed = view.getUint32(at + 20, true);
    let uncompressed = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let offset = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64 extra field: the fields whose classic value is 0xffffffff, in this order.
    for (let e = at + 46 + nameLength; e < at + 46 + nameLength + extraLength; ) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        const next = () => Number(view.getBigUint64((f += 8) - 8, true));
        if (uncompressed === 0xffffffff) uncompressed = next();
        if (compressed === 0xffffffff) compressed = next();
        if (offset === 0xffffffff) offset = next();
      }
      e += 4 + length;
    }
    if (view.getUint32(offset, true) !== 0x04034b50) throw new Error(`${path}: ${name} has no local header`);
    const dataStart = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    const data = method === 0 ? raw : new Uint8Array(inflateRawSync(raw));
    if (data.length !== uncompressed) throw new Error(`${path}: ${name} holds ${data.length} bytes, its header says ${uncompressed}`);
    if (crc32(data) !== crc) throw new Error(`${path}: ${name} fails its CRC`);
    files.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  if (at !== start + size) throw new Error(`${path}: the central directory is ${at - start} bytes, the end record says ${size}`);
  return files;
}

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    c ^= data[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** An .npy array: its dtype, shape and raw little-endian values. */
export function parseNpy(bytes: Uint8Array): { descr: string; shape: number[]; data: Uint8Array } {
  if (bytes[0] !== 0x93 || new TextDecoder().decode(bytes.subarray(1, 6)) !== 'NUMPY') throw new Error('not an .npy array');
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const shape = /'shape': \(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shape === undefined || !/'fortran_order': False/.test(header)) throw new Error(`unexpected .npy header ${header}`);
  if ((10 + headerLength) % 64 !== 0) throw new Error('the .npy data does not start on a 64-byte boundary');
  return { descr, shape: shape.split(',').map((s) => s.trim()).filter(Boolean).map(Number), data: bytes.subarray(10 + headerLength) };
}
