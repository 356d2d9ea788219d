import { existsSync } from 'node:fs';
import type { NativeVariant } from '../../../../shared/backends.js';

export interface NativeRuntime {
  variant: NativeVariant;
  tensorflowVersion: string;
  /** What TensorFlow itself says: a GPU device is in its device list (the binding's isUsingGpuDevice). */
  usingGpu: boolean;
  /** CUDA/cuDNN libraries TensorFlow's log said it could not load, when known. */
  missingLibraries?: string[];
}

/** tfjs-node-gpu 4.22 downloads libtensorflow 2.9.1, built for these. */
const PACKAGE_CUDA = 'CUDA 11.2 and cuDNN 8.1';

/**
 * What a loaded native backend is called, truthfully: "GPU" only when TensorFlow lists a GPU
 * device. The GPU package on a machine where TensorFlow finds no usable GPU still runs, on the
 * CPU, and says so with the reason.
 */
export function describeNativeRuntime(runtime: NativeRuntime): { label: string; device: 'gpu' | 'cpu'; tensorflowVersion: string; note?: string; reason?: string; fix?: string } {
  const { variant, tensorflowVersion: v, usingGpu, missingLibraries } = runtime;
  if (variant === 'cpu') return { label: `CPU (native TensorFlow ${v}, tfjs-node)`, device: 'cpu', tensorflowVersion: v };
  if (usingGpu) return { label: `GPU (CUDA, native TensorFlow ${v}, tfjs-node-gpu)`, device: 'gpu', tensorflowVersion: v };
  const why = missingLibraries?.length ? `TensorFlow could not load ${missingLibraries.join(', ')}` : 'TensorFlow lists no GPU device';
  const reason = `tfjs-node-gpu loaded but found no usable GPU: ${why}`;
  return {
    label: `CPU (native TensorFlow ${v}, tfjs-node-gpu: no usable GPU)`,
    device: 'cpu',
    tensorflowVersion: v,
    note: `gpu: ${reason}`,
    reason,
    fix: v.startsWith('2.9.') ? `its TensorFlow ${v} needs ${PACKAGE_CUDA} installed; or run npx gan-studio backends --setup gpu` : 'install the NVIDIA CUDA and cuDNN libraries this TensorFlow was built for',
  };
}

/** Library names from TensorFlow's "Could not load dynamic library 'libcudart.so.11.0'" log lines. */
export function missingCudaLibraries(log: string): string[] {
  const names = [...log.matchAll(/Could not load dynamic library '([^']+)'/g)].map((m) => m[1]);
  return [...new Set(names)];
}

/**
 * Why the GPU backend cannot be used without even loading it: no NVIDIA driver. Null where one
 * may be present (then only TensorFlow's device list can tell).
 */
export function nvidiaDriverMissing(platform: NodeJS.Platform = process.platform, exists: (p: string) => boolean = existsSync): string | null {
  if (platform === 'darwin') return 'there is no CUDA on macOS';
  if (platform === 'linux' && !exists('/proc/driver/nvidia/version')) return 'no NVIDIA driver is loaded on this machine (/proc/driver/nvidia/version is missing)';
  return null;
}
