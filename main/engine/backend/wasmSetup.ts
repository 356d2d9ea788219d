import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from './wasm/registerKernels.js';

/** Prepares the wasm backend for training; returns the number of threads it will use. */
export async function setupWasm(): Promise<number> {
  registerTrainingKernels();
  return 1;
}
