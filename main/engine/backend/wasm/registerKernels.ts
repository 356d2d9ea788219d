import * as tf from '@tensorflow/tfjs';
import { batchNormConfig } from './batchNorm.js';
import { concatConfig, splitVConfig } from './concatSplit.js';
import { conv2DBackpropFilterConfig } from './conv2dBackpropFilter.js';
import { conv2DBackpropInputConfig } from './conv2dBackpropInput.js';
import { identityConfig } from './identity.js';
import { meanConfig, sumConfig } from './leadingAxisSum.js';
import { leakyReluConfig, registerLeakyReluGradient } from './leakyRelu.js';
import { batchMatMulConfig, fusedMatMulConfig } from './matMul.js';
import { captureStockKernel } from './stockKernels.js';
import { tileConfig } from './tile.js';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum.js';

/** Kernels that make the wasm backend train: added where missing, replaced where slow. */
export const trainingKernels: tf.KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  unsortedSegmentSumConfig,
  identityConfig,
  tileConfig,
  leakyReluConfig,
  sumConfig,
  meanConfig,
  batchNormConfig,
  concatConfig,
  splitVConfig,
];

let registered = false;

/**
 * Registers the training kernels for 'wasm'. Must run before the backend is first initialised,
 * since tfjs runs kernel setup (the C++ bindings) only then. Idempotent.
 */
export function registerTrainingKernels(): void {
  if (registered) return;
  for (const config of trainingKernels) {
    if (tf.getKernel(config.kernelName, 'wasm')) {
      captureStockKernel(config.kernelName);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  registerLeakyReluGradient();
  registered = true;
}
