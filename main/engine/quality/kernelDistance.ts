import type { Features } from './features.js';

/** The cubic polynomial kernel of KID (Bińkowski et al. 2018): (x.y / d + 1)^3. */
const kernel = (a: Float64Array, ai: number, b: Float64Array, bi: number, dim: number): number => {
  let dot = 0;
  for (let k = 0; k < dim; k++) dot += a[ai + k] * b[bi + k];
  return (dot / dim + 1) ** 3;
};

/**
 * Unbiased squared maximum mean discrepancy with the KID kernel over all pairs. About 0 when
 * both sets come from the same distribution (slightly negative values are sampling noise).
 */
export function kernelDistance(x: Features, y: Features): number {
  const { dim } = x;
  const within = (f: Features): number => {
    let sum = 0;
    for (let i = 0; i < f.count; i++) for (let j = i + 1; j < f.count; j++) sum += kernel(f.data, i * dim, f.data, j * dim, dim);
    return (2 * sum) / (f.count * (f.count - 1));
  };
  let cross = 0;
  for (let i = 0; i < x.count; i++) for (let j = 0; j < y.count; j++) cross += kernel(x.data, i * dim, y.data, j * dim, dim);
  return within(x) + within(y) - (2 * cross) / (x.count * y.count);
}
