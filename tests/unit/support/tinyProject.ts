import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBuiltin } from '../../../main/data/builtins/index.js';
import { ensureProject } from '../../../main/project/project.js';

/** A fresh project folder holding a small built-in shapes set; `cleanup` removes it. */
export async function tinyProject(options: { size?: number; count?: number; channels?: 'gray' | 'rgb' } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'gan-studio-test-'));
  await ensureProject(dir, 'test');
  await importBuiltin('shapes', dir, { size: options.size ?? 16, count: options.count ?? 128, channels: options.channels ?? 'rgb' });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Small widths per preset so a few steps take well under a second on wasm. */
export const smallParams = (preset: string): Record<string, unknown> =>
  preset.includes('dc') ? { batchSize: 16, baseFilters: 8 } : { batchSize: 16, hiddenUnits: [32, 64] };
