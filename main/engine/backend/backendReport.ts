import type { BackendReport, BackendStatus } from '../../../shared/backends.js';
import type { BackendName } from '../../../shared/training.js';
import { preferenceOrder } from './initBackend.js';
import { describeNativeRuntime } from './native/nativeRuntime.js';
import { probeBackend, type Probe } from './native/probeNative.js';

const packages: Record<BackendName, string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  native: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/**
 * Every backend, each loaded once in a probe process: loaded or not, the TensorFlow version,
 * the device it computes on, and where it did not load (or the GPU package found no GPU) the
 * reason and the fix. `probe` is replaceable so the labels can be tested without the libraries.
 */
export async function backendReport(probe: (name: BackendName) => Promise<Probe> = (name) => probeBackend(name)): Promise<BackendReport> {
  const backends: BackendStatus[] = [];
  for (const name of preferenceOrder) backends.push(statusOf(name, await probe(name)));
  return { backends, defaultChoice: backends.find((b) => b.loaded)?.name ?? null };
}

export function statusOf(name: BackendName, probe: Probe): BackendStatus {
  const base = { name, package: packages[name] };
  if (!probe.ok) return { ...base, loaded: false, label: 'not available', device: null, reason: probe.reason, ...(probe.fix ? { fix: probe.fix } : {}) };
  const { info } = probe;
  if (name !== 'gpu') return { ...base, loaded: true, label: info.label, device: info.device, ...(info.tensorflowVersion ? { tensorflowVersion: info.tensorflowVersion } : {}) };
  const runtime = describeNativeRuntime({ variant: 'gpu', tensorflowVersion: probe.tensorflowVersion, usingGpu: info.device === 'gpu', missingLibraries: probe.missingLibraries });
  return {
    ...base,
    loaded: true,
    label: runtime.label,
    device: runtime.device,
    tensorflowVersion: runtime.tensorflowVersion,
    ...(runtime.reason ? { reason: runtime.reason } : {}),
    ...(runtime.fix ? { fix: runtime.fix } : {}),
  };
}
