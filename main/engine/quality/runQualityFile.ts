import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_QUALITY_VERSION, runQualityFileSchema, type RunQualityFile } from '../../../shared/quality.js';
import { parseVersioned } from '../../../shared/validation.js';
import { writeJsonAtomic } from '../../project/atomicWrite.js';

export const runQualityPath = (runDir: string): string => join(runDir, 'quality.json');

/**
 * runs/<id>/quality.json, or null for a run trained without quality measures (or before its first
 * measurement). The file is a summary rewritten at every measured checkpoint, so one that is not
 * JSON reads as absent; a newer or damaged one is refused with the reason.
 */
export async function readRunQuality(runDir: string): Promise<RunQualityFile | null> {
  const path = runQualityPath(runDir);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
  return parseVersioned(runQualityFileSchema, raw, path, 'run quality', RUN_QUALITY_VERSION);
}

export const writeRunQuality = (runDir: string, file: RunQualityFile): Promise<void> => writeJsonAtomic(runQualityPath(runDir), file);
