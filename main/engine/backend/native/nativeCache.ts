import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NativeSource } from '../../../../shared/backends.js';
import { bindingPath, type NativePackage } from './nativePackage.js';

/**
 * The per-user cache outside node_modules, so that reinstalling the app does not download or build
 * TensorFlow again: GAN_STUDIO_CACHE, else the platform's usual cache folder.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GAN_STUDIO_CACHE) return env.GAN_STUDIO_CACHE;
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'gan-studio', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'gan-studio');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gan-studio');
}

/** One cache entry per package, package version and platform: deps/lib, lib/napi-v8, provenance.json. */
export const cacheEntryDir = (pkg: NativePackage, root = cacheRoot()): string =>
  join(root, 'native', `${pkg.name.replace(/^@tensorflow\//, '')}-${pkg.version}-${process.platform}-${process.arch}`);

export interface Provenance {
  source: NativeSource;
  tensorflowVersion: string;
  createdAt: string;
}

const PROVENANCE = 'provenance.json';

/** The entry's provenance when it is complete (written last, so a killed setup leaves no entry that looks done). */
export function readCacheEntry(entryDir: string): Provenance | null {
  const file = join(entryDir, PROVENANCE);
  if (!existsSync(file) || !existsSync(bindingPath(entryDir))) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Provenance;
  } catch {
    return null;
  }
}

export const provenanceFile = (entryDir: string): string => join(entryDir, PROVENANCE);
