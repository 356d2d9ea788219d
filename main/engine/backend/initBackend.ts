import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import type { BackendInfo, BackendName } from '../../../shared/training.js';
import { backendNames } from '../../../shared/training.js';

/** The order of DESIGN.md: CUDA, native CPU, WebAssembly, pure JS. */
const preferenceOrder: BackendName[] = ['gpu', 'native', 'wasm', 'cpu'];

let active: BackendInfo | null = null;

/** Reads the override from GAN_STUDIO_BACKEND, refusing unknown names with the list of good ones. */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = env.GAN_STUDIO_BACKEND?.trim();
  if (!value) return undefined;
  if (!(backendNames as readonly string[]).includes(value)) {
    throw new Error(`GAN_STUDIO_BACKEND=${value} is not a backend; use one of ${backendNames.join(', ')}`);
  }
  return value as BackendName;
}

/**
 * Picks the best backend that loads (or the one asked for), makes it tf's active backend and
 * says which it is and why faster ones were passed over. Asking for a backend that cannot load
 * is an error, not a silent fallback.
 */
export async function initBackend(requested?: BackendName): Promise<BackendInfo> {
  const wanted = requested ?? backendFromEnv();
  if (active && (!wanted || wanted === active.name)) return active;
  const candidates = wanted ? [wanted] : preferenceOrder;
  const notes: string[] = [];
  for (const name of candidates) {
    try {
      const label = await loaders[name]();
      if (name === 'wasm') {
        const threadsNote = (await import('./wasmSetup.js')).wasmThreadsNote();
        if (threadsNote) notes.push(threadsNote);
      }
      active = { name, label, device: name === 'gpu' ? 'gpu' : 'cpu', notes };
      return active;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      notes.push(`${name}: ${reason}`);
      if (wanted) throw new Error(`Backend "${name}" could not be loaded: ${reason}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could be loaded:\n${notes.join('\n')}`);
}

export const activeBackend = (): BackendInfo | null => active;

const loaders: Record<BackendName, () => Promise<string>> = {
  async gpu() {
    assertNativeBinding('@tensorflow/tfjs-node-gpu');
    await import('@tensorflow/tfjs-node-gpu');
    await setBackendOrThrow('tensorflow');
    return 'GPU (CUDA, tfjs-node-gpu)';
  },
  async native() {
    assertNativeBinding('@tensorflow/tfjs-node');
    await import('@tensorflow/tfjs-node');
    await setBackendOrThrow('tensorflow');
    return 'CPU (native TensorFlow, tfjs-node)';
  },
  async wasm() {
    const { setupWasm } = await import('./wasmSetup.js');
    const threads = await setupWasm();
    await setBackendOrThrow('wasm');
    return `CPU (WebAssembly, ${threads} thread${threads === 1 ? '' : 's'} of ${cpus().length} cores)`;
  },
  async cpu() {
    await setBackendOrThrow('cpu');
    return 'CPU (pure JavaScript, slow)';
  },
};

/**
 * Checks that a native tfjs package has its compiled binding before importing it: importing one
 * without it registers half its kernels and then fails, which makes the next package's import
 * print hundreds of "kernel already registered" warnings.
 */
function assertNativeBinding(pkg: string): void {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed`);
  }
  const lib = join(dir, 'lib');
  const found = existsSync(lib) && readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
  if (!found) throw new Error(`${pkg} is installed without its native binding (its install step, which downloads libtensorflow, did not run)`);
}

async function setBackendOrThrow(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  // The pure-JS backend greets its first tensor in Node with "install our node backend": the studio
  // already picks tfjs-node where it loads and says why not otherwise, so the banner only misleads.
  if (name === 'cpu') Object.assign(tf.backend(), { firstUse: false });
}
