import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type DatasetManifest } from '../../shared/dataset.js';
import { readableDir } from './atomicWrite.js';
import { projectLayout } from './layout.js';

/**
 * The project's dataset/manifest.json, checked; null when no dataset has been imported yet. While a
 * dataset is being replaced (or after a process was killed doing so) the previous one is read.
 */
export async function readManifest(projectDir: string): Promise<DatasetManifest | null> {
  let text: string;
  try {
    text = await readFile(join(await readableDir(projectLayout(projectDir).datasetDir), 'manifest.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`dataset/manifest.json is not valid JSON (${(error as Error).message}); import the dataset again.`);
  }
  return parseManifest(json);
}
