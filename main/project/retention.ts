import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bestCheckpoint, type MeasureId } from '../../shared/quality.js';
import { listCheckpoints } from './checkpoints.js';
import { faultPoint } from './faultPoints.js';
import { projectLayout } from './layout.js';
import { stagingName } from './leftovers.js';
import { readRunInfo, runIds } from './runs.js';

export interface Retention {
  /** Keep every Nth checkpoint (by step: multiples of N checkpoint intervals); 0 keeps them all. */
  keepEvery: number;
  /** Steps between regular checkpoints: --checkpoint-every, else the steps of an epoch. */
  interval: number;
  /** The measure that names the run's best checkpoint, when the run is measured. */
  measure?: MeasureId;
}

/**
 * Deletes the checkpoints of a run that retention does not keep: kept are the latest, the best
 * by the run's measure, every Nth (so step 0 always), and any another run was branched from.
 * Each goes by a rename to a leftover name first, so a kill mid-delete never leaves a checkpoint
 * half there under its real name. Returns the ids deleted.
 */
export async function pruneCheckpoints(projectDir: string, runId: string, retention: Retention): Promise<string[]> {
  if (retention.keepEvery <= 0) return [];
  const dir = projectLayout(projectDir).run(runId).checkpointsDir;
  const all = await listCheckpoints(dir);
  if (all.length <= 1) return [];
  const every = retention.keepEvery * Math.max(1, retention.interval);
  const keep = new Set(all.filter((c) => c.step % every === 0).map((c) => c.id));
  keep.add(all.at(-1)!.id);
  const best = retention.measure ? bestCheckpoint(all, retention.measure) : undefined;
  if (best) keep.add(best.id);
  for (const id of await branchPoints(projectDir, runId)) keep.add(id);
  const deleted: string[] = [];
  for (const checkpoint of all.filter((c) => !keep.has(c.id))) {
    const aside = join(dir, stagingName(checkpoint.id));
    await rename(join(dir, checkpoint.id), aside);
    faultPoint('retention:set-aside');
    await rm(aside, { recursive: true, force: true });
    deleted.push(checkpoint.id);
  }
  return deleted;
}

/** Checkpoints of `runId` that other runs were branched from. */
async function branchPoints(projectDir: string, runId: string): Promise<string[]> {
  const points: string[] = [];
  for (const id of await runIds(projectDir)) {
    if (id === runId) continue;
    const parent = await readRunInfo(projectLayout(projectDir).run(id).dir).then(
      (info) => info.parent,
      () => undefined,
    );
    if (parent?.runId === runId) points.push(parent.checkpointId);
  }
  return points;
}
