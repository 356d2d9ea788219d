import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunQualityFile } from '../../../shared/quality.js';
import { writeJsonAtomic } from '../../project/atomicWrite.js';

export const RUN_QUALITY_FORMAT = 'gan-studio/run-quality';
export const RUN_QUALITY_VERSION = 1;

export const runQualityPath = (runDir: string): string => join(runDir, 'quality.json');

/** runs/<id>/quality.json, or null for a run trained without quality measures (or before its first measurement). */
export async function readRunQuality(runDir: string): Promise<RunQualityFile | null> {
  try {
    const file = JSON.parse(await readFile(runQualityPath(runDir), 'utf8')) as RunQualityFile;
    if (file.format !== RUN_QUALITY_FORMAT) return null;
    if (file.version > RUN_QUALITY_VERSION) throw new Error(`${runQualityPath(runDir)} was written by a newer GAN Studio (version ${file.version})`);
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
}

export const writeRunQuality = (runDir: string, file: RunQualityFile): Promise<void> => writeJsonAtomic(runQualityPath(runDir), file);
