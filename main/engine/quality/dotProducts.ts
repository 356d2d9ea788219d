import type { Features } from './features.js';

/** Dot products of every row of `a` with every row of `b`: a.count x b.count, row-major. */
export function dotProducts(a: Features, b: Features): Float64Array {
  const { dim } = a;
  const out = new Float64Array(a.count * b.count);
  for (let i = 0; i < a.count; i++) {
    const ai = i * dim;
    for (let j = 0; j < b.count; j++) {
      const bj = j * dim;
      let sum = 0;
      for (let k = 0; k < dim; k++) sum += a.data[ai + k] * b.data[bj + k];
      out[i * b.count + j] = sum;
    }
  }
  return out;
}

/** Dot products of a set with itself, computing each pair once (the matrix is symmetric). */
export function selfDotProducts(a: Features): Float64Array {
  const { dim, count } = a;
  const out = new Float64Array(count * count);
  for (let i = 0; i < count; i++) {
    const ai = i * dim;
    for (let j = i; j < count; j++) {
      const aj = j * dim;
      let sum = 0;
      for (let k = 0; k < dim; k++) sum += a.data[ai + k] * a.data[aj + k];
      out[i * count + j] = sum;
      out[j * count + i] = sum;
    }
  }
  return out;
}

/** The diagonal of a square dot-product matrix: each row's squared length. */
export const squaredNorms = (self: Float64Array, count: number): Float64Array => Float64Array.from({ length: count }, (_, i) => self[i * count + i]);
