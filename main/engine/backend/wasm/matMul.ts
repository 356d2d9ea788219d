import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runStock, setShape, setupStockKernel, transpose, type KernelArgs } from './stockKernels.js';

/**
 * Matrix products for the wasm backend. Its C++ only sends the untransposed, batch-1 product to
 * XNNPACK; with transposeA or transposeB it runs a scalar loop 10-40x slower, and every backward
 * pass (dx = dy·Wᵀ, dW = xᵀ·dy) asks for exactly those. Here a batch-sized operand is transposed
 * explicitly, or the product is computed the other way round ((W·dyᵀ)ᵀ) so that the weight
 * matrix is never moved, and the untransposed XNNPACK path does the arithmetic.
 */

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

const batchOf = (x: tf.TensorInfo): number => x.shape.slice(0, -2).reduce((n, d) => n * d, 1);
const rowsOf = (x: tf.TensorInfo): number => x.shape[x.shape.length - 2];
const colsOf = (x: tf.TensorInfo): number => x.shape[x.shape.length - 1];

/** The same data seen as a 2-D matrix; shares the buffer, so it is never released. */
const asMatrix = (x: tf.TensorInfo): tf.TensorInfo => ({ dataId: x.dataId, shape: [rowsOf(x), colsOf(x)], dtype: x.dtype });

/** Only single (unbatched) float32 products have a fast path; the rest stay with the stock kernel. */
const hasFastPath = (a: tf.TensorInfo, b: tf.TensorInfo, attrs: MatMulAttrs): boolean =>
  (attrs.transposeA || attrs.transposeB) &&
  a.dtype === 'float32' &&
  b.dtype === 'float32' &&
  batchOf(a) === 1 &&
  batchOf(b) === 1;

const plainProduct = (backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo =>
  runStock(tf.BatchMatMul, backend, { a, b }, { transposeA: false, transposeB: false });

/** op(a)·op(b) for 2-D a and b with at least one transpose, using only untransposed products. */
function transposedProduct(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, attrs: MatMulAttrs): tf.TensorInfo {
  if (attrs.transposeA && attrs.transposeB) {
    // aᵀ·bᵀ = (b·a)ᵀ: one product and one transpose of the (usually small) result.
    const ba = plainProduct(backend, b, a);
    const out = transpose(backend, ba, [1, 0]);
    release(backend, ba);
    return out;
  }
  if (attrs.transposeA) {
    // dW = xᵀ·dy: transposing x costs less than any reordering of the product.
    const aT = transpose(backend, a, [1, 0]);
    const out = plainProduct(backend, aT, b);
    release(backend, aT);
    return out;
  }
  // a·bᵀ with a [M,K], b [N,K]. Either transpose b (K·N moved, then packed), or compute
  // (b·aᵀ)ᵀ, moving a twice and the result once: far less when a is a small batch (dx = dy·Wᵀ).
  const [m, k] = a.shape;
  const n = b.shape[0];
  if (2 * k * n <= 2 * k * m + n * m) {
    const bT = transpose(backend, b, [1, 0]);
    const out = plainProduct(backend, a, bT);
    release(backend, bT);
    return out;
  }
  const aT = transpose(backend, a, [1, 0]);
  const baT = plainProduct(backend, b, aT);
  const out = transpose(backend, baT, [1, 0]);
  release(backend, aT, baT);
  return out;
}

function batchMatMul(args: KernelArgs<'a' | 'b'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs;
  const attrs = args.attrs as unknown as MatMulAttrs;
  if (!hasFastPath(a, b, attrs)) return runStock(tf.BatchMatMul, backend, { a, b }, args.attrs);
  const out = transposedProduct(backend, asMatrix(a), asMatrix(b), attrs);
  const batchDims = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  return setShape(backend, out, [...batchDims, ...out.shape]);
}

/** Dense layers: bias and activation are fused; a transposed operand is transposed first. */
function fusedMatMul(args: KernelArgs<'a' | 'b'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs;
  const attrs = args.attrs as unknown as MatMulAttrs;
  if (!hasFastPath(a, b, attrs)) return runStock(tf._FusedMatMul, backend, args.inputs, args.attrs);
  const temporaries: tf.TensorInfo[] = [];
  const untransposed = (x: tf.TensorInfo, transposed: boolean): tf.TensorInfo => {
    if (!transposed) return { dataId: x.dataId, shape: [1, rowsOf(x), colsOf(x)], dtype: x.dtype };
    const xT = transpose(backend, asMatrix(x), [1, 0]);
    temporaries.push(xT);
    return { dataId: xT.dataId, shape: [1, ...xT.shape], dtype: xT.dtype };
  };
  const inputs = { ...args.inputs, a: untransposed(a, attrs.transposeA), b: untransposed(b, attrs.transposeB) };
  const out = runStock(tf._FusedMatMul, backend, inputs, { ...args.attrs, transposeA: false, transposeB: false });
  release(backend, ...temporaries);
  const batchDims = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  return setShape(backend, out, [...batchDims, ...out.shape.slice(-2)]);
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  setupFunc: (backend) => {
    setupStockKernel(tf.BatchMatMul, backend as BackendWasm);
    setupStockKernel(tf.Transpose, backend as BackendWasm);
  },
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  setupFunc: (backend) => setupStockKernel(tf._FusedMatMul, backend as BackendWasm),
  kernelFunc: fusedMatMul as unknown as tf.KernelFunc,
};
