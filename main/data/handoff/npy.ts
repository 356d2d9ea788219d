/**
 * Arrays in numpy's .npy format (version 1.0): a header saying dtype and shape, then the raw
 * little-endian values in C order. np.load reads these without pickle, strings included.
 */
export interface NpyArray {
  /** The header, padded so the data starts on a 64-byte boundary as numpy writes it. */
  header: Uint8Array;
  data: Uint8Array;
}

export function npyHeader(descr: string, shape: number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = 10 + dict.length + 1;
  const text = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (text.length > 0xffff) throw new Error(`npy header too long for format 1.0 (${text.length} bytes)`);
  const header = new Uint8Array(10 + text.length);
  header.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, text.length & 0xff, text.length >> 8]);
  for (let i = 0; i < text.length; i++) header[10 + i] = text.charCodeAt(i);
  return header;
}

/** uint8 values of any shape (images N x H x W x C). */
export const npyUint8 = (data: Uint8Array, shape: number[]): NpyArray => ({ header: npyHeader('|u1', shape), data });

/** int64 values, one dimension (labels, as np.int64 indexes everywhere). */
export function npyInt64(values: ArrayLike<number>): NpyArray {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return { header: npyHeader('<i8', [values.length]), data: new Uint8Array(data.buffer) };
}

/** Strings as numpy's fixed-width unicode ('<U n', UTF-32 code points padded with zeros). */
export function npyStrings(values: string[]): NpyArray {
  const points = values.map((v) => Array.from(v, (ch) => ch.codePointAt(0)!));
  const width = Math.max(1, ...points.map((p) => p.length));
  const data = new Uint32Array(values.length * width);
  points.forEach((p, i) => data.set(p, i * width));
  return { header: npyHeader(`<U${width}`, [values.length]), data: new Uint8Array(data.buffer) };
}
