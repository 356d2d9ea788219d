import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The two scripts the threaded wasm build's workers load, as files Node's Worker accepts. */
export interface ThreadFiles {
  /** The pthread worker: the package's worker script, then our fix for how it loads the main script. */
  worker: string;
  /** The emscripten glue every worker evaluates to instantiate the shared wasm module. */
  mainScript: string;
}

const require = createRequire(import.meta.url);
/** Names the way the files below are put together; change it when that changes. */
const LAYOUT = 'worker+main v1';

/**
 * Writes the worker and main scripts of tfjs-backend-wasm's threaded SIMD build to a temporary
 * folder named after their content (so processes share it and a new package version gets its
 * own). The package hands both to its workers as `blob:` URLs, which Node's Worker and the
 * worker's `importScripts` (a file read) refuse; plain file paths work.
 */
export async function writeThreadFiles(): Promise<ThreadFiles> {
  const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const gluePath = join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const glue = await readFile(gluePath, 'utf8');
  const { wasmWorkerContents } = require(join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  if (typeof wasmWorkerContents !== 'string' || !glue.includes('var WasmBackendModuleThreadedSimd')) {
    throw new Error('This version of @tensorflow/tfjs-backend-wasm does not ship the threaded build this app knows');
  }
  // The worker evaluates the main script in its global scope, where the glue finds `require`
  // (the worker puts it there) but not `__filename`, which it uses to name its own location.
  const mainScript = `var __filename = ${JSON.stringify(gluePath)};\n${glue}`;
  // The package escapes the newlines its template literal turned into real ones inside string
  // literals ("\n") before making its Blob; so must we. Inside the worker the main script
  // arrives as a Blob, made a blob: URL for importScripts: hand back the file instead (appended,
  // so the worker's "use strict" stays first).
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const folder = join(tmpdir(), `gan-studio-wasm-threads-${hashOf(LAYOUT, mainScript, workerSource)}`);
  const mainScriptPath = join(folder, 'main.js');
  const worker = `${workerSource}\nURL.createObjectURL = () => ${JSON.stringify(mainScriptPath)};\nURL.revokeObjectURL = () => {};\n`;
  const workerPath = join(folder, 'worker.js');
  if (!existsSync(workerPath) || !existsSync(mainScriptPath)) {
    await mkdir(folder, { recursive: true });
    await writeAtomically(mainScriptPath, mainScript);
    await writeAtomically(workerPath, worker);
  }
  return { worker: workerPath, mainScript: mainScriptPath };
}

const hashOf = (...parts: string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
};

/** Another process may be writing the same file at the same moment: never show a half-written one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
