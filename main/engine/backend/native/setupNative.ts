import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NativeSetupProgress, NativeSetupResult, NativeSource, NativeVariant } from '../../../../shared/backends.js';
import { buildBinding } from './buildBinding.js';
import { cacheEntryDir, cacheRoot, provenanceFile, readCacheEntry, type Provenance } from './nativeCache.js';
import { findNativePackage, linkIntoPackage, missingBindingReason, type NativePackage } from './nativePackage.js';
import { installFromPackageDownload, packageHostReachable, PACKAGE_TENSORFLOW_VERSION } from './packageDownload.js';
import { nvidiaDriverMissing } from './nativeRuntime.js';
import { probeNative } from './probeNative.js';
import { stripLibraries } from './stripLibraries.js';
import { downloadWheel, extractWheel, findPython, WHEEL, wheelSupported } from './tensorflowWheel.js';

export interface SetupOptions {
  /** Rebuild even when a binding is installed or cached. */
  force?: boolean;
  /** The ways to try, in order; both by default (the package's own download first). */
  sources?: NativeSource[];
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: NativeSetupProgress) => void;
}

/**
 * Sets up a native TensorFlow backend so that training can use it: from the per-user cache when
 * an earlier install built it, else by the package's own download where its host answers, else
 * from the TensorFlow library in pip's wheel with the binding built from source. Never throws:
 * a failure is one line of reason and one of fix, and WebAssembly keeps working.
 */
export async function setupNative(variant: NativeVariant, options: SetupOptions = {}): Promise<NativeSetupResult> {
  const env = options.env ?? process.env;
  const onProgress = options.onProgress ?? (() => {});
  const pkg = findNativePackage(variant);
  if (!pkg) return { ok: false, variant, reason: `${variant === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'} is not installed`, fix: 'run npm install (it is an optional dependency)' };
  const noDriver = variant === 'gpu' ? nvidiaDriverMissing() : null;
  if (noDriver) return { ok: false, variant, reason: noDriver, fix: 'the GPU backend needs an NVIDIA GPU with its driver; the native CPU backend (npx gan-studio backends --setup) needs neither' };
  const entry = cacheEntryDir(pkg, cacheRoot(env));
  try {
    onProgress({ phase: 'check', message: `Checking ${pkg.name} ${pkg.version}` });
    if (!options.force && !missingBindingReason(pkg.dir)) {
      const probe = await probeNative(variant, env);
      if (probe.ok) return { ok: true, variant, how: 'already-installed', tensorflowVersion: probe.tensorflowVersion };
    }
    const cached = options.force ? null : readCacheEntry(entry);
    if (cached) {
      onProgress({ phase: 'link', message: `Using the TensorFlow ${cached.tensorflowVersion} binding cached in ${entry}` });
      linkIntoPackage(pkg.dir, entry);
      return await verified(variant, 'from-cache', cached.source, entry, env, onProgress);
    }
    const source = await provision(pkg, entry, options.sources ?? ['package-download', 'tensorflow-wheel'], env, onProgress);
    linkIntoPackage(pkg.dir, entry);
    return await verified(variant, 'provisioned', source, entry, env, onProgress);
  } catch (error) {
    return { ok: false, variant, reason: (error as Error).message.split('\n')[0], fix: fixFor(variant) };
  }
}

const fixFor = (variant: NativeVariant): string =>
  `training uses WebAssembly meanwhile; with internet (or pip able to reach a package index) run npx gan-studio backends --setup${variant === 'gpu' ? ' gpu' : ''}, or set GAN_STUDIO_PYTHON to a Python with pip`;

async function verified(variant: NativeVariant, how: 'from-cache' | 'provisioned', source: NativeSource, entry: string, env: NodeJS.ProcessEnv, onProgress: (p: NativeSetupProgress) => void): Promise<NativeSetupResult> {
  onProgress({ phase: 'verify', message: 'Loading the native backend once to check it' });
  const probe = await probeNative(variant, env);
  if (!probe.ok) throw new Error(`the binding was put in place but does not load: ${probe.reason}`);
  return { ok: true, variant, how, source, tensorflowVersion: probe.tensorflowVersion, cacheDir: entry };
}

/** Fills a new cache entry by the first way that works, built aside and renamed into place. */
async function provision(pkg: NativePackage, entry: string, sources: NativeSource[], env: NodeJS.ProcessEnv, onProgress: (p: NativeSetupProgress) => void): Promise<NativeSource> {
  const failures: string[] = [];
  for (const source of sources) {
    const staging = `${entry}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      const tensorflowVersion = source === 'package-download' ? await fromPackageDownload(pkg, staging, env, onProgress) : await fromWheel(pkg, staging, env, onProgress);
      const provenance: Provenance = { source, tensorflowVersion, createdAt: new Date().toISOString() };
      writeFileSync(provenanceFile(staging), `${JSON.stringify(provenance, null, 2)}\n`);
      rmSync(entry, { recursive: true, force: true });
      renameSync(staging, entry);
      return source;
    } catch (error) {
      failures.push((error as Error).message.split('\n')[0]);
      rmSync(staging, { recursive: true, force: true });
    }
  }
  throw new Error(failures.join('; '));
}

async function fromPackageDownload(pkg: NativePackage, staging: string, env: NodeJS.ProcessEnv, onProgress: (p: NativeSetupProgress) => void): Promise<string> {
  onProgress({ phase: 'check', message: `Can ${pkg.name} reach its download host?` });
  if (!(await packageHostReachable())) throw new Error(`${pkg.name}'s download host (storage.googleapis.com) cannot be reached`);
  await installFromPackageDownload(pkg, staging, onProgress, env);
  return PACKAGE_TENSORFLOW_VERSION;
}

async function fromWheel(pkg: NativePackage, staging: string, env: NodeJS.ProcessEnv, onProgress: (p: NativeSetupProgress) => void): Promise<string> {
  if (pkg.variant === 'gpu') throw new Error(`the ${WHEEL.name} wheel has no GPU support`);
  if (!wheelSupported()) throw new Error(`the TensorFlow wheel route is for Linux x64, not ${process.platform}-${process.arch}`);
  const python = await findPython(env);
  if (!python) throw new Error('no Python with pip was found (python3 -m pip)');
  const download = join(staging, 'download');
  mkdirSync(download);
  const wheel = await downloadWheel(python, download, onProgress, env);
  const lib = join(staging, 'deps', 'lib');
  const include = join(staging, 'deps', 'include');
  mkdirSync(lib, { recursive: true });
  await extractWheel(python, wheel, lib, include, onProgress);
  rmSync(download, { recursive: true, force: true });
  await stripLibraries(lib, onProgress);
  await buildBinding(pkg, staging, onProgress, env);
  // Only the libraries and the binding are needed from here on.
  for (const dir of [include, join(staging, 'build')]) if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  return WHEEL.version;
}
