import { dotProducts, selfDotProducts } from './dotProducts.js';
import type { Features } from './features.js';

/**
 * Mean of the cubic polynomial kernel of KID (Bińkowski et al. 2018), (x.y / d + 1)^3, over a
 * matrix of dot products: every entry of a cross matrix, or the distinct pairs of a self matrix.
 */
export function meanKernel(dots: Float64Array, rows: number, cols: number, dim: number, distinctPairsOnly: boolean): number {
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = distinctPairsOnly ? i + 1 : 0; j < cols; j++) sum += (dots[i * cols + j] / dim + 1) ** 3;
  }
  return distinctPairsOnly ? (2 * sum) / (rows * (rows - 1)) : sum / (rows * cols);
}

/**
 * Unbiased squared maximum mean discrepancy with the KID kernel, over all pairs: the mean kernel
 * within each set plus the other's, minus twice the mean across. About 0 when both sets come from
 * the same distribution (slightly negative values are sampling noise).
 */
export function kernelDistance(x: Features, y: Features): number {
  const { dim } = x;
  return meanKernel(selfDotProducts(x), x.count, x.count, dim, true) + meanKernel(selfDotProducts(y), y.count, y.count, dim, true) - 2 * meanKernel(dotProducts(x, y), x.count, y.count, dim, false);
}
