import type { BackendName } from './training.js';

/** One backend as the report shows it: whether it loads here, on what, and if not, why and the fix. */
export interface BackendStatus {
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** True when it loaded in a separate probe process just now. */
  loaded: boolean;
  /** What training on it would be called, e.g. "CPU (native TensorFlow 2.21.0, tfjs-node)". */
  label: string;
  /** Where it computes; null when it did not load. */
  device: 'gpu' | 'cpu' | null;
  /** TensorFlow's own version for the native packages. */
  tensorflowVersion?: string;
  /** Why it did not load, or why it computes on the CPU although it is the GPU package. One line. */
  reason?: string;
  /** What to do about the reason. One line. */
  fix?: string;
}

export interface BackendReport {
  backends: BackendStatus[];
  /** What training picks by default here: the first loaded backend in DESIGN.md's order. */
  defaultChoice: BackendName | null;
}

/** Which native package a variant of the native backend provisions. */
export const nativeVariants = { cpu: '@tensorflow/tfjs-node', gpu: '@tensorflow/tfjs-node-gpu' } as const;
export type NativeVariant = keyof typeof nativeVariants;

/** Where a provisioned native binding and its TensorFlow library came from. */
export type NativeSource = 'package-download' | 'tensorflow-wheel';

/** The outcome of setting up a native backend, one line to the user either way. */
export type NativeSetupResult =
  | { ok: true; variant: NativeVariant; how: 'already-installed' | 'from-cache' | 'provisioned'; source?: NativeSource; tensorflowVersion: string; cacheDir?: string }
  | { ok: false; variant: NativeVariant; reason: string; fix: string };

/** A step of provisioning, for the progress line. */
export interface NativeSetupProgress {
  phase: 'check' | 'download' | 'extract' | 'build' | 'link' | 'verify';
  message: string;
  /** Bytes or items done and in all, where known. */
  done?: number;
  total?: number;
}
