import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nativeVariants, type NativeVariant } from '../../../../shared/backends.js';

/** tfjs-node picks the highest N-API build its package lists that Node supports; 8 covers Node >= 15 and Electron. */
export const NAPI_VERSION = 8;
const BINDING_FILE = 'tfjs_binding.node';

export interface NativePackage {
  variant: NativeVariant;
  name: string;
  dir: string;
  version: string;
}

/** The installed native tfjs package of a variant, or null when npm skipped the optional dependency. */
export function findNativePackage(variant: NativeVariant): NativePackage | null {
  const name = nativeVariants[variant];
  try {
    const manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    return { variant, name, dir: dirname(manifest), version };
  } catch {
    return null;
  }
}

/** The compiled binding's path inside the package, where tfjs-node's loader looks for it. */
export const bindingPath = (pkgDir: string): string => join(pkgDir, 'lib', `napi-v${NAPI_VERSION}`, BINDING_FILE);

/**
 * Why a package's binding cannot load, or null when its files are in place: the binding and the
 * TensorFlow library it links against (deps/lib, where the binding's rpath points).
 */
export function missingBindingReason(pkgDir: string): string | null {
  const lib = join(pkgDir, 'lib');
  const hasBinding = existsSync(lib) && readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, BINDING_FILE)));
  if (!hasBinding) return 'its native binding is not built (npm skips the package\'s own install step, which downloads it)';
  const deps = join(pkgDir, 'deps', 'lib');
  if (!existsSync(deps) || !readdirSync(deps).some((f) => f.startsWith('libtensorflow'))) return 'the TensorFlow library it links against is missing (deps/lib)';
  return null;
}

/**
 * Puts a provisioned binding in place inside the package: `deps` becomes a link to the cached
 * TensorFlow library (hundreds of MB, kept once per user) and the small binding file is copied
 * (the binding finds the library through its rpath, $ORIGIN/../../deps/lib).
 */
export function linkIntoPackage(pkgDir: string, entryDir: string): void {
  const deps = join(pkgDir, 'deps');
  if (existsSync(deps) || isLink(deps)) rmSync(deps, { recursive: true, force: true });
  symlinkSync(join(entryDir, 'deps'), deps, process.platform === 'win32' ? 'junction' : 'dir');
  const binding = bindingPath(pkgDir);
  mkdirSync(dirname(binding), { recursive: true });
  copyFileSync(bindingPath(entryDir), binding);
}

/**
 * Replaces the link to the per-user cache with a copy of the TensorFlow library, for packaging:
 * an installer must carry the library itself. Returns false when there was no link to replace.
 */
export function vendorIntoPackage(pkgDir: string): boolean {
  const deps = join(pkgDir, 'deps');
  if (!isLink(deps)) return false;
  const staging = `${deps}.vendoring-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(realpathSync(deps), staging, { recursive: true, verbatimSymlinks: true });
  rmSync(deps);
  renameSync(staging, deps);
  return true;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
