import { spawn } from 'node:child_process';
import type { BackendName, BackendInfo } from '../../../../shared/training.js';
import type { NativeVariant } from '../../../../shared/backends.js';
import { workerEntry } from '../../workerEntry.js';
import { missingCudaLibraries } from './nativeRuntime.js';

export type Probe =
  | { ok: true; info: BackendInfo; tensorflowVersion: string; missingLibraries: string[] }
  | { ok: false; reason: string; fix?: string };

/**
 * Loads a backend in a child process and says what it is. TensorFlow's own log is kept on for the
 * probe: its "Could not load dynamic library" lines name the CUDA libraries a GPU would need.
 */
export function probeBackend(name: BackendName, env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<Probe> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, workerEntry(new URL('../probeBackend.js', import.meta.url)), name], {
      env: { ...env, GAN_STUDIO_BACKEND: '', TF_CPP_MIN_LOG_LEVEL: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-200_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as { ok: true; info: BackendInfo } | { ok: false; reason: string; fix?: string };
        if (!result.ok) return resolve(result);
        return resolve({ ok: true, info: result.info, tensorflowVersion: result.info.tensorflowVersion ?? '', missingLibraries: missingCudaLibraries(log) });
      } catch {
        const last = log.trim().split('\n').filter((l) => /error|fail|undefined symbol|cannot open/i.test(l)).pop() ?? log.trim().split('\n').pop();
        resolve({ ok: false, reason: `loading it ${signal ? `killed the process (${signal})` : `ended the process with code ${code}`}${last ? `: ${last.trim().slice(0, 200)}` : ''}` });
      }
    });
  });
}

export const probeNative = (variant: NativeVariant, env?: NodeJS.ProcessEnv): Promise<Probe> => probeBackend(variant === 'gpu' ? 'gpu' : 'native', env);
