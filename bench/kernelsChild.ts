/** Child process entry: kernel GFLOP/s on the engine's default backend, as one JSON line. */
import { initBackend } from '../main/engine/backend/initBackend.js';
import { benchKernels } from './kernels.js';

const backend = await initBackend();
process.stdout.write(`${JSON.stringify({ backend: backend.label, kernels: benchKernels() })}\n`);
