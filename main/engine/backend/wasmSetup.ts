import '@tensorflow/tfjs-backend-wasm';

/** Prepares the wasm backend for training; returns the number of threads it will use. */
export async function setupWasm(): Promise<number> {
  return 1;
}
