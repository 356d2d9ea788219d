import { readFile } from 'node:fs/promises';
import { parseManifest, type DatasetManifest } from '../../shared/dataset.js';
import { projectLayout } from './layout.js';

/** The project's dataset/manifest.json, checked; null when no dataset has been imported yet. */
export async function readManifest(projectDir: string): Promise<DatasetManifest | null> {
  let text: string;
  try {
    text = await readFile(projectLayout(projectDir).manifest, 'utf8');
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
