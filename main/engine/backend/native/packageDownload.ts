import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { NativeSetupProgress } from '../../../../shared/backends.js';
import { bindingPath, type NativePackage } from './nativePackage.js';
import { failureLine, runTool } from './runTool.js';

/** tfjs-node 4.22's install script downloads this libtensorflow from Google's storage. */
export const PACKAGE_TENSORFLOW_VERSION = '2.9.1';
const DOWNLOAD_HOST = 'https://storage.googleapis.com/';

/** Whether tfjs-node's download host answers at all (any HTTP status counts); a few seconds at most. */
export async function packageHostReachable(timeoutMs = 5000): Promise<boolean> {
  try {
    await fetch(DOWNLOAD_HOST, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

/**
 * The package's own way: its install script downloads libtensorflow and the prebuilt binding into
 * the package folder; both then move to the cache entry `entryDir` (linked back by the caller).
 */
export async function installFromPackageDownload(pkg: NativePackage, entryDir: string, onProgress: (p: NativeSetupProgress) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  onProgress({ phase: 'download', message: `Downloading libtensorflow ${PACKAGE_TENSORFLOW_VERSION} and the ${pkg.name} binding (the package's own install step)` });
  // Its script calls node-pre-gyp by name, which npm would have put on the PATH.
  const bin = join(dirname(dirname(pkg.dir)), '.bin');
  const run = await runTool(process.execPath, ['scripts/install.js', pkg.variant], {
    cwd: pkg.dir,
    env: { ...env, PATH: `${bin}${delimiter}${env.PATH ?? ''}` },
    timeoutMs: 30 * 60_000,
    onLine: (line) => onProgress({ phase: 'download', message: line.slice(0, 120) }),
  });
  if (run.code !== 0 || !existsSync(bindingPath(pkg.dir)) || !existsSync(join(pkg.dir, 'deps', 'lib'))) {
    throw new Error(`${pkg.name}'s own install step failed: ${failureLine(run)}`);
  }
  mkdirSync(dirname(bindingPath(entryDir)), { recursive: true });
  renameSync(join(pkg.dir, 'deps'), join(entryDir, 'deps'));
  copyFileSync(bindingPath(pkg.dir), bindingPath(entryDir));
}
