import type { Features } from './features.js';

/** Euclidean distances between every row of `a` and every row of `b`: a.count x b.count, row-major. */
export function pairwiseDistances(a: Features, b: Features): Float64Array {
  const { dim } = a;
  const out = new Float64Array(a.count * b.count);
  for (let i = 0; i < a.count; i++) {
    const ai = i * dim;
    for (let j = 0; j < b.count; j++) {
      const bj = j * dim;
      let sum = 0;
      for (let k = 0; k < dim; k++) {
        const d = a.data[ai + k] - b.data[bj + k];
        sum += d * d;
      }
      out[i * b.count + j] = Math.sqrt(sum);
    }
  }
  return out;
}

/** For each row of a square distance matrix, the distance to its k-th nearest other row. */
export function kthNeighbourDistances(square: Float64Array, count: number, k: number): Float64Array {
  const radii = new Float64Array(count);
  const others = new Float64Array(count - 1);
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let j = 0; j < count; j++) if (j !== i) others[n++] = square[i * count + j];
    others.sort();
    radii[i] = others[Math.min(k, count - 1) - 1];
  }
  return radii;
}

/** Mean distance over all pairs of distinct rows of a square distance matrix. */
export function meanPairDistance(square: Float64Array, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) sum += square[i * count + j];
  return (2 * sum) / (count * (count - 1));
}
