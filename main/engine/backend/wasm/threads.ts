import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import workerThreads from 'node:worker_threads';
import { writeThreadFiles } from './threadFiles.js';

/** The part of emscripten's pthread bookkeeping we touch: its Node worker_threads Workers. */
interface PThreadPool {
  unusedWorkers: Array<{ unref(): void; terminate(): void }>;
  runningWorkers: Array<{ unref(): void }>;
}

const INIT_TIMEOUT_MS = 15_000;

/**
 * Starts the 'wasm' backend on tfjs-backend-wasm's threaded SIMD build, which the package never
 * uses in Node. What stops it is worked around for the duration of the start only; nothing in
 * node_modules is changed:
 * - the multithreading flag, hard-coded false in Node, is set through tf.env();
 * - the worker script is handed out as a blob: URL, which Node's Worker refuses: while the
 *   backend starts, URL.createObjectURL returns a file with the same script instead;
 * - the C++ side caps its pool at half of os.cpus() (it assumes two hardware threads per core):
 *   os.cpus() reports twice the threads wanted;
 * - its workers would inherit the process's Node options (a loader, --inspect, --input-type):
 *   they are started without any, as they only run the package's own plain scripts;
 * - its workers keep a process alive forever: they are unref'd, so a CLI command still exits.
 * Returns the number of threads XNNPACK uses. Throws if the threaded backend does not start.
 */
export async function startThreadedWasm(threads: number): Promise<number> {
  const files = await writeThreadFiles();
  const restore = [
    override(URL, 'createObjectURL', (original) => (blob: Blob) =>
      blob instanceof Blob && blob.type === 'application/javascript' ? files.worker : original.call(URL, blob),
    ),
    override(workerThreads, 'Worker', (Original) =>
      class PlainWorker extends Original {
        constructor(filename: string | URL, options: workerThreads.WorkerOptions = {}) {
          super(filename, { ...options, execArgv: [] });
        }
      },
    ),
    override(os, 'cpus', (original) => () => {
      const real = original.call(os);
      return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
    }),
  ];
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  try {
    const started = await withTimeout(tf.setBackend('wasm'), INIT_TIMEOUT_MS);
    if (!started) throw new Error('the threaded wasm backend did not start');
  } finally {
    for (const undo of restore) undo();
  }
  const backend = tf.backend() as BackendWasm;
  const pool = (backend.wasm as unknown as { PThread?: PThreadPool }).PThread;
  if (!pool) throw new Error('the wasm backend started without threads');
  releaseWorkers(pool);
  return backend.wasm.tfjs.getThreadsCount();
}

/**
 * Emscripten starts 8 workers up front (60-80 MB together); XNNPACK's pool takes `threads - 1`
 * of them at start and never starts another thread. The idle rest is ended (a later thread
 * would need the start-up workarounds again), and every worker unref'd so it does not keep the
 * process alive.
 */
function releaseWorkers(pool: PThreadPool): void {
  for (const worker of pool.unusedWorkers) worker.terminate();
  pool.unusedWorkers.length = 0;
  for (const worker of pool.runningWorkers) worker.unref();
}

/** Puts the wasm backend back to its never-started state and the single-threaded build. */
export function resetToSingleThread(): void {
  const engine = tf.engine();
  const factory = engine.findBackendFactory('wasm');
  const priority = (engine as unknown as { registryFactory: Record<string, { priority: number }> }).registryFactory.wasm?.priority ?? 2;
  tf.removeBackend('wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.registerBackend('wasm', factory, priority);
}

function override<T extends object, K extends keyof T>(target: T, key: K, make: (original: T[K]) => T[K]): () => void {
  const original = target[key];
  target[key] = make(original);
  return () => {
    target[key] = original;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the threaded wasm backend did not start within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
