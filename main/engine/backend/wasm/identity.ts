import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, type KernelArgs } from './stockKernels.js';

/**
 * tf.clone, which the engine calls for every tensor it saves for the backward pass (~200 per
 * MLP GAN step). The stock wasm kernel copies the buffer each time; like the cpu backend's, this
 * one shares it and counts a reference. Safe because nothing writes into a tensor's buffer after
 * it is made: a variable update swaps in a new buffer (which is also what makes XNNPACK, which
 * caches packed weights per buffer, repack).
 */
function identity(args: KernelArgs<'x'>): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs;
  if (x.dtype === 'string') return runStock(tf.Identity, backend, { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
