import type { BackendInfo, BackendName } from '../../../shared/training.js';
import { backendFromEnv, initBackend } from '../../../main/engine/backend/initBackend.js';

/**
 * The backend the unit suite trains on: GAN_STUDIO_TEST_BACKEND if set, else what training picks
 * on this machine (native TensorFlow where `npm install` provisioned it, else WebAssembly). The
 * kernel tests and the native/wasm equivalence test pin wasm themselves.
 */
export const testBackendName: BackendName | undefined = backendFromEnv({ GAN_STUDIO_BACKEND: process.env.GAN_STUDIO_TEST_BACKEND });

export const useTestBackend = (): Promise<BackendInfo> => initBackend(testBackendName);

/** For tests that train in a child process (CLI, training process): the same choice, passed down. */
export const testBackendEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GAN_STUDIO_BACKEND: testBackendName ?? '' });
