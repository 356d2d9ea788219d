import '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { registerTrainingKernels } from './wasm/registerKernels.js';
import { checkWasmArithmetic } from './wasm/selfTest.js';
import { resetToSingleThread, startThreadedWasm } from './wasm/threads.js';

/** XNNPACK's pool in tfjs-backend-wasm takes at most 8 threads. */
const MAX_THREADS = 8;

let setup: Promise<number> | null = null;
let fallbackReason: string | undefined;

/**
 * Prepares the wasm backend for training and returns the number of threads it uses: the training
 * kernels are registered, and on a machine with more than one core the threaded build is started
 * and self-tested, falling back to one thread (with the reason in `wasmThreadsNote()`) if either
 * fails. GAN_STUDIO_WASM_THREADS=1 keeps it to one thread; =N asks for N.
 */
export function setupWasm(): Promise<number> {
  setup ??= prepare();
  return setup;
}

/** Why threads were wanted but not used, if they were not. */
export const wasmThreadsNote = (): string | undefined => fallbackReason;

async function prepare(): Promise<number> {
  registerTrainingKernels();
  const wanted = threadsWanted();
  if (wanted <= 1) return 1;
  try {
    const threads = await startThreadedWasm(wanted);
    checkWasmArithmetic();
    return threads;
  } catch (error) {
    fallbackReason = `wasm threads unavailable, using one: ${error instanceof Error ? error.message : String(error)}`;
    process.emitWarning(fallbackReason);
    resetToSingleThread();
    return 1;
  }
}

/** GAN_STUDIO_WASM_THREADS if set (a whole number from 1), else one per core up to XNNPACK's limit. */
export function threadsWanted(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.GAN_STUDIO_WASM_THREADS?.trim();
  if (!value) return Math.min(availableParallelism(), MAX_THREADS);
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`GAN_STUDIO_WASM_THREADS=${value} is not a thread count; use a whole number from 1 to ${MAX_THREADS}`);
  }
  return Math.min(threads, MAX_THREADS);
}
