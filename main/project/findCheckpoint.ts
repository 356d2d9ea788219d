import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointInfo } from '../../shared/checkpoint.js';
import { listCheckpoints } from './checkpoints.js';
import { projectLayout } from './layout.js';
import { runIds } from './runs.js';

export interface FoundCheckpoint {
  runId: string;
  checkpoint: CheckpointInfo;
  /** The checkpoint folder. */
  dir: string;
  /** All complete checkpoints of the run, oldest first. */
  all: CheckpointInfo[];
}

/**
 * Finds a checkpoint by run and id (the folder name or the step number); the latest run that has
 * checkpoints and its latest checkpoint when they are not named. Errors list what there is.
 */
export async function findCheckpoint(projectDir: string, wanted: { runId?: string; checkpointId?: string } = {}): Promise<FoundCheckpoint> {
  // A mistyped project path is "not found", not a project that has yet to be trained.
  const folder = await stat(projectDir).catch(() => null);
  if (!folder?.isDirectory()) throw new Error(`No project folder at ${projectDir}: it does not exist`);
  if (!(await stat(projectLayout(projectDir).projectFile).catch(() => null))) throw new Error(`${projectDir} is not a GAN Studio project (no project.json)`);
  const ids = await runIds(projectDir);
  if (wanted.runId && !ids.includes(wanted.runId)) {
    throw new Error(`No run "${wanted.runId}" in ${projectDir} (runs: ${ids.join(', ') || 'none'})`);
  }
  const layout = projectLayout(projectDir);
  for (const runId of wanted.runId ? [wanted.runId] : [...ids].reverse()) {
    const checkpointsDir = layout.run(runId).checkpointsDir;
    const all = await listCheckpoints(checkpointsDir);
    if (all.length === 0) continue;
    const id = wanted.checkpointId;
    const checkpoint = id === undefined ? all.at(-1) : all.find((c) => c.id === id || String(c.step) === id);
    if (!checkpoint) {
      if (!wanted.runId) continue;
      throw new Error(`Run ${runId} has no checkpoint "${id}" (checkpoints: ${all.map((c) => c.id).join(', ')})`);
    }
    return { runId, checkpoint, dir: join(checkpointsDir, checkpoint.id), all };
  }
  if (wanted.checkpointId) throw new Error(`No run in ${projectDir} has a checkpoint "${wanted.checkpointId}"`);
  throw new Error(wanted.runId ? `Run ${wanted.runId} has no complete checkpoint yet` : `${projectDir} has no trained checkpoint yet; run "gan-studio train" first`);
}

/**
 * Finds a checkpoint and reads it with `use`. A run training in the project deletes the
 * checkpoints retention does not keep, so the latest one can vanish between being found and being
 * read: then the new latest is read instead. A checkpoint named by the caller that vanishes is an
 * error that says why.
 */
export async function withCheckpoint<T>(projectDir: string, wanted: { runId?: string; checkpointId?: string }, use: (found: FoundCheckpoint) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const found = await findCheckpoint(projectDir, wanted);
    try {
      return await use(found);
    } catch (error) {
      const gone = await stat(found.dir).then(
        () => false,
        () => true,
      );
      if (!gone) throw error;
      if (wanted.checkpointId !== undefined || attempt >= 5) {
        throw new Error(
          `Checkpoint ${found.runId}/${found.checkpoint.id} was deleted while it was being read: a run training in this project keeps only some of its checkpoints (see --keep-every). ${wanted.checkpointId !== undefined ? 'Name one that is kept.' : 'Try again.'}`,
        );
      }
    }
  }
}
