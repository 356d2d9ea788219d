import * as tf from '@tensorflow/tfjs';

/** Deterministic values in [-1, 1). */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** a·bᵀ for a [m,k] and b [n,k], in plain loops: the reference the wasm result must match. */
function referenceProduct(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[j * k + p];
      out[i * n + j] = sum;
    }
  }
  return out;
}

/**
 * Checks the active wasm backend computes right: a product large enough to be split across
 * threads, through the transposed path every backward pass takes. Throws with what was wrong.
 */
export function checkWasmArithmetic(): void {
  const [m, k, n] = [96, 80, 72];
  const a = values(m * k, 1);
  const b = values(n * k, 2);
  const expected = referenceProduct(a, b, m, k, n);
  const actual = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [n, k]), false, true).dataSync());
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  if (!(worst < 1e-3)) throw new Error(`the wasm backend's arithmetic self-test failed (error ${worst})`);
}
