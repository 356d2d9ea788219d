import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FORMAT_VERSION, checkpointFileSchema, type CheckpointFile, type CheckpointInfo } from '../../shared/checkpoint.js';
import { parseVersioned } from '../../shared/validation.js';
import { parseLeftover } from './leftovers.js';

/** Reads runs/<id>/checkpoints/<id>/checkpoint.json (the description; the tensors are the engine's). */
export async function readCheckpointFile(dir: string): Promise<CheckpointFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await readdir(dir).catch(() => null))) {
      throw new Error(`${dir} no longer exists: a run training in this project keeps only some of its checkpoints (see --keep-every).`);
    }
    throw new Error(`${dir} is not a readable checkpoint: ${(error as Error).message}`);
  }
  return parseVersioned(checkpointFileSchema, raw, join(dir, 'checkpoint.json'), 'checkpoint', CHECKPOINT_FORMAT_VERSION);
}

/** Writes checkpoint.json into a checkpoint folder being built (staged: the folder is renamed into place once complete). */
export const writeCheckpointFile = (dir: string, file: CheckpointFile): Promise<void> => writeFile(join(dir, 'checkpoint.json'), JSON.stringify(file, null, 2));

/** Complete checkpoints of a run, oldest first (staging folders and damaged ones are left out). */
export async function listCheckpoints(checkpointsDir: string): Promise<CheckpointInfo[]> {
  let names: string[];
  try {
    names = (await readdir(checkpointsDir)).filter((n) => !n.startsWith('.') && !parseLeftover(n)).sort();
  } catch {
    return [];
  }
  const infos: CheckpointInfo[] = [];
  for (const name of names) {
    try {
      const file = await readCheckpointFile(join(checkpointsDir, name));
      infos.push({ id: name, step: file.step, epoch: file.epoch, createdAt: file.createdAt, quality: file.quality });
    } catch {
      // A folder that is not a complete checkpoint is not offered for resume or export.
    }
  }
  return infos.sort((a, b) => a.step - b.step);
}
