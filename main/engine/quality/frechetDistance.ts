import type { Features } from './features.js';
import { covariance, multiply, sqrtPsd, symmetricEigen, trace } from './linearAlgebra.js';

/**
 * Fréchet distance between Gaussians fitted to two feature sets (the formula of FID, Heusel et
 * al. 2017): |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2). Tr (S1 S2)^1/2 is computed as the sum of
 * square roots of the eigenvalues of S1^1/2 S2 S1^1/2, which is symmetric, so no complex square
 * root is needed.
 */
export function frechetDistance(a: Features, b: Features): number {
  const ga = covariance(a);
  const gb = covariance(b);
  let meanTerm = 0;
  for (let j = 0; j < a.dim; j++) meanTerm += (ga.mean[j] - gb.mean[j]) ** 2;
  const rootA = sqrtPsd(ga.cov);
  const inner = multiply(multiply(rootA, gb.cov), rootA);
  // Symmetrise away rounding so Jacobi sees an exactly symmetric matrix.
  const n = inner.n;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = (inner.data[i * n + j] + inner.data[j * n + i]) / 2;
      inner.data[i * n + j] = m;
      inner.data[j * n + i] = m;
    }
  }
  const traceRoot = symmetricEigen(inner).values.reduce((sum, v) => sum + Math.sqrt(Math.max(0, v)), 0);
  return Math.max(0, meanTerm + trace(ga.cov) + trace(gb.cov) - 2 * traceRoot);
}
