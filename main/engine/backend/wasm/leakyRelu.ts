import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runStock, setupStockKernel, type KernelArgs } from './stockKernels.js';

/**
 * LeakyReLU, in every layer of the discriminators, forward and backward. The stock wasm kernel
 * and the stock gradient (greater + where) are element loops ~10x slower than XNNPACK's
 * element-wise kernels. Both are x (or dy) times step(x, alpha), which is 1 where x > 0 and
 * alpha elsewhere: the same products, so the same float32 results, in two fast passes.
 */
function leakyRelu(args: KernelArgs<'x'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs;
  const { alpha } = args.attrs as unknown as tf.LeakyReluAttrs;
  if (x.dtype !== 'float32') return runStock(tf.LeakyRelu, backend, { x }, args.attrs);
  const factor = runStock(tf.Step, backend, { x }, { alpha });
  const out = runStock(tf.Multiply, backend, { a: x, b: factor });
  release(backend, factor);
  return out;
}

export const leakyReluConfig: tf.KernelConfig = {
  kernelName: tf.LeakyRelu,
  backendName: 'wasm',
  setupFunc: (backend) => {
    for (const name of [tf.LeakyRelu, tf.Step, tf.Multiply]) setupStockKernel(name, backend as BackendWasm);
  },
  kernelFunc: leakyRelu as unknown as tf.KernelFunc,
};

/**
 * The gradient as dy · step(x, alpha) while the wasm backend is active; on any other backend
 * tfjs's own gradient runs unchanged. (For x = NaN the stock gradient gives alpha·dy and this
 * NaN; a NaN activation has already ended the run by then.)
 */
export function registerLeakyReluGradient(): void {
  const stock = tf.getGradient(tf.LeakyRelu);
  if (!stock) return;
  tf.registerGradient({
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== 'wasm' || Array.isArray(dy)) return stock.gradFunc(dy, saved, attrs);
      const [x] = saved;
      const { alpha } = attrs as unknown as tf.LeakyReluAttrs;
      return { x: () => tf.mul(dy, tf.step(x, alpha)) };
    },
  });
}
