import { columnStats, type Features } from './features.js';

/** A square matrix, row-major. */
export interface Matrix {
  n: number;
  data: Float64Array;
}

export function covariance(f: Features): { mean: Float64Array; cov: Matrix } {
  const { mean } = columnStats(f);
  const n = f.dim;
  const cov = new Float64Array(n * n);
  const centred = new Float64Array(n);
  for (let i = 0; i < f.count; i++) {
    for (let j = 0; j < n; j++) centred[j] = f.data[i * n + j] - mean[j];
    for (let a = 0; a < n; a++) {
      const ca = centred[a];
      for (let b = a; b < n; b++) cov[a * n + b] += ca * centred[b];
    }
  }
  const scale = 1 / Math.max(1, f.count - 1);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      cov[a * n + b] *= scale;
      cov[b * n + a] = cov[a * n + b];
    }
  }
  return { mean, cov: { n, data: cov } };
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  const n = a.n;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b.data[k * n + j];
    }
  }
  return { n, data: out };
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix by cyclic Jacobi
 * rotations: slower than QR for big matrices but exact to rounding and simple, and the feature
 * spaces here have at most a few dozen dimensions.
 */
export function symmetricEigen(m: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = m.n;
  const a = Float64Array.from(m.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: { n, data: v } };
}

/** The square root of a symmetric positive semi-definite matrix (negative rounding noise clipped to 0). */
export function sqrtPsd(m: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(m);
  const n = m.n;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const root = Math.sqrt(Math.max(0, values[k]));
    if (root === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors.data[i * n + k] * root;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors.data[j * n + k];
    }
  }
  return { n, data: out };
}

export const trace = (m: Matrix): number => {
  let t = 0;
  for (let i = 0; i < m.n; i++) t += m.data[i * m.n + i];
  return t;
};
