/**
 * Child-process entry: loads one backend and prints what it is as one JSON line. The backend
 * report and the native setup load backends here, not in their own process, because a native
 * library that loads badly can take its process down and a loaded backend cannot be unloaded.
 */
import type { BackendName } from '../../../shared/training.js';
import { BackendUnavailable, initBackend } from './initBackend.js';

const name = process.argv[2] as BackendName;
try {
  const info = await initBackend(name);
  process.stdout.write(`${JSON.stringify({ ok: true, info })}\n`);
} catch (error) {
  const reason = error instanceof BackendUnavailable ? error.reason : (error as Error).message.replace(/^Backend "\w+" could not be loaded: /, '');
  process.stdout.write(`${JSON.stringify({ ok: false, reason: reason.split('\n')[0], fix: error instanceof BackendUnavailable ? error.fix : undefined })}\n`);
}
// Backend worker threads (wasm) must not keep the probe alive.
process.exit(0);
