import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import type { NativeVariant } from '../../../shared/backends.js';
import type { BackendInfo, BackendName } from '../../../shared/training.js';
import { backendNames } from '../../../shared/training.js';
import { describeNativeRuntime, nvidiaDriverMissing } from './native/nativeRuntime.js';
import { findNativePackage, missingBindingReason } from './native/nativePackage.js';

/** The order of DESIGN.md: CUDA, native CPU, WebAssembly, pure JS. */
export const preferenceOrder: BackendName[] = ['gpu', 'native', 'wasm', 'cpu'];

/** A backend that cannot be used here, with the one-line reason and what to do about it. */
export class BackendUnavailable extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
    message = reason,
  ) {
    super(message);
  }
}

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
 * says which it is, what it computes on and why faster ones were passed over. Asking for a
 * backend that cannot load is an error, not a silent fallback.
 */
export async function initBackend(requested?: BackendName): Promise<BackendInfo> {
  const wanted = requested ?? backendFromEnv();
  if (active && (!wanted || wanted === active.name)) return active;
  const candidates = wanted ? [wanted] : preferenceOrder;
  const notes: string[] = [];
  for (const name of candidates) {
    try {
      const loaded = await loaders[name](Boolean(wanted));
      if (loaded.note) notes.push(loaded.note);
      active = { name, label: loaded.label, device: loaded.device, notes, ...(loaded.tensorflowVersion ? { tensorflowVersion: loaded.tensorflowVersion } : {}) };
      return active;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const fix = error instanceof BackendUnavailable ? ` (${error.fix})` : '';
      notes.push(`${name}: ${reason}${fix}`);
      if (!wanted) continue;
      const message = `Backend "${name}" could not be loaded: ${reason}${fix}`;
      throw error instanceof BackendUnavailable ? new BackendUnavailable(reason, error.fix, message) : new Error(message);
    }
  }
  throw new Error(`No TensorFlow.js backend could be loaded:\n${notes.join('\n')}`);
}

interface Loaded {
  label: string;
  device: 'gpu' | 'cpu';
  tensorflowVersion?: string;
  /** Said beside the choice, e.g. why the GPU package computes on the CPU. */
  note?: string;
}

const loaders: Record<BackendName, (asked: boolean) => Promise<Loaded>> = {
  async gpu(asked) {
    const noDriver = nvidiaDriverMissing();
    if (noDriver) throw new BackendUnavailable(noDriver, 'the GPU backend needs an NVIDIA GPU with its driver; training uses the CPU');
    if (!asked) {
      // A loaded TensorFlow cannot be unloaded: when choosing, ask a probe process first whether the
      // GPU package finds a GPU, so that one which would fall back to the CPU does not shut out the
      // (newer, faster) native CPU package.
      const { probeBackend } = await import('./native/probeNative.js');
      const probe = await probeBackend('gpu');
      if (!probe.ok) throw new BackendUnavailable(probe.reason, probe.fix ?? 'run npx gan-studio backends for details');
      if (probe.info.device !== 'gpu') {
        const runtime = describeNativeRuntime({ variant: 'gpu', tensorflowVersion: probe.tensorflowVersion, usingGpu: false, missingLibraries: probe.missingLibraries });
        throw new BackendUnavailable(runtime.reason ?? 'no usable GPU', runtime.fix ?? '');
      }
    }
    return loadNative('gpu');
  },
  native: () => loadNative('cpu'),
  async wasm() {
    const { setupWasm, wasmThreadsNote } = await import('./wasmSetup.js');
    const threads = await setupWasm();
    await setBackendOrThrow('wasm');
    return { label: `CPU (WebAssembly, ${threads} thread${threads === 1 ? '' : 's'} of ${cpus().length} cores)`, device: 'cpu', note: wasmThreadsNote() };
  },
  async cpu() {
    await setBackendOrThrow('cpu');
    return { label: 'CPU (pure JavaScript, slow)', device: 'cpu' };
  },
};

/**
 * Loads a native tfjs package after checking its binding is in place (importing one without it
 * registers half its kernels and then fails, which makes the next import print hundreds of
 * "kernel already registered" warnings), then asks TensorFlow what it computes on.
 */
async function loadNative(variant: NativeVariant): Promise<Loaded> {
  const pkg = findNativePackage(variant);
  const setup = `run: npx gan-studio backends --setup${variant === 'gpu' ? ' gpu' : ''}`;
  if (!pkg) throw new BackendUnavailable(`${variant === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'} is not installed`, 'npm install (it is an optional dependency)');
  const missing = missingBindingReason(pkg.dir);
  if (missing) throw new BackendUnavailable(`${pkg.name}: ${missing}`, setup);
  // TensorFlow's C++ start-up chatter (oneDNN, CPU features) is not for the user; `backends` shows what matters.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    await import(pkg.name);
  } catch (error) {
    throw new BackendUnavailable(`${pkg.name} failed to load: ${(error as Error).message.split('\n')[0]}`, setup);
  }
  await setBackendOrThrow('tensorflow');
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean; binding?: { TF_Version?: string } };
  return describeNativeRuntime({ variant, tensorflowVersion: backend.binding?.TF_Version ?? 'unknown', usingGpu: Boolean(backend.isUsingGpuDevice) });
}

async function setBackendOrThrow(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  // The pure-JS backend greets its first tensor in Node with "install our node backend": the studio
  // already picks tfjs-node where it loads and says why not otherwise, so the banner only misleads.
  if (name === 'cpu') Object.assign(tf.backend(), { firstUse: false });
}
