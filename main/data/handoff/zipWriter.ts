import { open, type FileHandle } from 'node:fs/promises';

/**
 * A zip archive of stored (uncompressed) entries written straight to a file, as StyleGAN's
 * dataset_tool and numpy's savez write theirs: the PNGs are compressed already and an .npy is
 * read faster uncompressed. Zip64 records are added where a size, an offset or the entry count
 * outgrows the classic fields (a dataset of 70,000 images has more than 65,535 entries), which
 * Python's zipfile and numpy read. Names are marked UTF-8.
 */
export class ZipWriter {
  private offset = 0;
  /** Small writes (headers, PNGs of a few kB) gathered into one system call per few MB. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly central: Uint8Array[] = [];
  private entries = 0;
  private readonly dosTime: number;
  private readonly dosDate: number;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    modified: Date,
  ) {
    this.dosTime = (modified.getHours() << 11) | (modified.getMinutes() << 5) | (modified.getSeconds() >> 1);
    this.dosDate = ((Math.max(modified.getFullYear(), 1980) - 1980) << 9) | ((modified.getMonth() + 1) << 5) | modified.getDate();
  }

  static async create(path: string, modified = new Date()): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'w'), path, modified);
  }

  /** Adds one file whose bytes are the parts one after another (an .npy header and its data, say). */
  async add(name: string, parts: Uint8Array | Uint8Array[]): Promise<void> {
    const chunks = Array.isArray(parts) ? parts : [parts];
    const size = chunks.reduce((sum, c) => sum + c.byteLength, 0);
    let crc = 0;
    for (const c of chunks) crc = crc32(c, crc);
    const nameBytes = UTF8.encode(name);
    const big = size >= 0xffffffff;
    const local = new Bytes(30 + nameBytes.length + (big ? 20 : 0));
    local.u32(0x04034b50).u16(big ? 45 : 20).u16(UTF8_NAMES).u16(STORED).u16(this.dosTime).u16(this.dosDate).u32(crc);
    local.u32(big ? 0xffffffff : size).u32(big ? 0xffffffff : size).u16(nameBytes.length).u16(big ? 20 : 0).bytes(nameBytes);
    if (big) local.u16(0x0001).u16(16).u64(size).u64(size);
    const at = this.offset;
    await this.write(local.array);
    for (const c of chunks) await this.write(c);
    this.central.push(this.centralEntry(nameBytes, crc, size, at));
    this.entries++;
  }

  /** Writes the central directory and closes the file. */
  async close(): Promise<void> {
    try {
      const start = this.offset;
      for (const entry of this.central) await this.write(entry);
      const size = this.offset - start;
      const zip64 = this.entries >= 0xffff || start >= 0xffffffff || size >= 0xffffffff;
      if (zip64) {
        const at = this.offset;
        const record = new Bytes(56 + 20);
        record.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(this.entries).u64(this.entries).u64(size).u64(start);
        record.u32(0x07064b50).u32(0).u64(at).u32(1);
        await this.write(record.array);
      }
      const end = new Bytes(22);
      const count = Math.min(this.entries, 0xffff);
      end.u32(0x06054b50).u16(0).u16(0).u16(count).u16(count).u32(Math.min(size, 0xffffffff)).u32(Math.min(start, 0xffffffff)).u16(0);
      await this.write(end.array);
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes the file without finishing it (the caller removes it). */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private centralEntry(name: Uint8Array, crc: number, size: number, at: number): Uint8Array {
    const bigSize = size >= 0xffffffff;
    const bigOffset = at >= 0xffffffff;
    const extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
    const entry = new Bytes(46 + name.length + (extra ? 4 + extra : 0));
    entry.u32(0x02014b50).u16((3 << 8) | 45).u16(extra ? 45 : 20).u16(UTF8_NAMES).u16(STORED).u16(this.dosTime).u16(this.dosDate).u32(crc);
    entry.u32(bigSize ? 0xffffffff : size).u32(bigSize ? 0xffffffff : size).u16(name.length).u16(extra ? 4 + extra : 0).u16(0).u16(0).u16(0);
    // External attributes: a regular file, rw-r--r--, as unzip on Unix shows it.
    entry.u32((0o100644 << 16) >>> 0).u32(bigOffset ? 0xffffffff : at).bytes(name);
    if (extra) {
      entry.u16(0x0001).u16(extra);
      if (bigSize) entry.u64(size).u64(size);
      if (bigOffset) entry.u64(at);
    }
    return entry.array;
  }

  private async write(data: Uint8Array): Promise<void> {
    this.offset += data.byteLength;
    if (data.byteLength >= FLUSH_BYTES) {
      await this.flush();
      await this.writeAll(data);
      return;
    }
    // Copied: the caller may reuse its buffer once this returns.
    this.pending.push(data.slice());
    this.pendingBytes += data.byteLength;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const joined = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const part of this.pending) {
      joined.set(part, at);
      at += part.byteLength;
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.writeAll(joined);
  }

  private async writeAll(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, done, Math.min(WRITE_CHUNK, data.byteLength - done));
      done += bytesWritten;
    }
  }
}

const UTF8 = new TextEncoder();
const STORED = 0;
/** General purpose flag bit 11: file names are UTF-8. */
const UTF8_NAMES = 0x0800;
const FLUSH_BYTES = 4 * 1024 * 1024;
/** Linux writes at most ~2 GiB per call. */
const WRITE_CHUNK = 256 * 1024 * 1024;

/** Little-endian fields into a fixed buffer. */
class Bytes {
  readonly array: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  constructor(size: number) {
    this.array = new Uint8Array(size);
    this.view = new DataView(this.array.buffer);
  }
  u16(v: number): this {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
    return this;
  }
  u64(v: number): this {
    this.view.setBigUint64(this.at, BigInt(v), true);
    this.at += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.array.set(b, this.at);
    this.at += b.length;
    return this;
  }
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE, as zip and PNG use it), continuing from `crc` over `data`. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
