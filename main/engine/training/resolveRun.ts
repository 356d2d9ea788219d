import { basename } from 'node:path';
import type { CheckpointFile } from '../../../shared/checkpoint.js';
import { parseOrThrow } from '../../../shared/validation.js';
import type { PresetParams } from '../../../shared/presets.js';
import { savedParams } from '../../../shared/recipes.js';
import { RUN_FORMAT, RUN_FORMAT_VERSION, trainOptionsSchema, type ResolvedTrainOptions, type RunInfo, type TrainingRequest } from '../../../shared/training.js';
import { projectLayout } from '../../project/layout.js';
import { readCheckpointFile } from '../../project/checkpoints.js';
import { findCheckpoint } from '../../project/findCheckpoint.js';
import { claimRunId, readRunInfo } from '../../project/runs.js';
import { resolveParams } from '../models/buildModels.js';

export interface PlannedRun {
  info: RunInfo;
  options: ResolvedTrainOptions & { params: PresetParams };
  /** The checkpoint folder to restore, when resuming. */
  restoreFrom?: { dir: string; file: CheckpointFile };
  /** True when this continues an existing run folder (resume from its latest checkpoint). */
  continues: boolean;
}

/**
 * Decides which run a request trains. A new request gets a new run. Resuming from a run's latest
 * checkpoint continues that run; resuming from an earlier checkpoint branches into a new run, so
 * the later checkpoints of the original run are never overwritten. A new run's folder is created
 * here (claimRunId), so the caller removes it again if the run never starts.
 */
export async function planRun(request: TrainingRequest): Promise<PlannedRun> {
  const options = parseOrThrow(trainOptionsSchema, request.options, 'training options');
  if (!request.resume) {
    const params = resolveParams(options.preset, options.params);
    const info = newRunInfo(await claimRunId(request.projectDir), options, params);
    return { info, options: { ...options, params }, continues: false };
  }
  const found = await findCheckpoint(request.projectDir, request.resume);
  const { runId, checkpoint, dir } = found;
  const run = projectLayout(request.projectDir).run(runId);
  const file = await readCheckpointFile(dir);
  const previous = await readRunInfo(run.dir);
  if (previous.imported) {
    throw new Error(
      `${runId} is a generator imported from ${basename(previous.imported.file)}: it has no discriminator or optimizer state, so it cannot be resumed. Continue it in PyTorch (gan-studio export --format pytorch --run ${runId}), or start a new run.`,
    );
  }
  const params = resolveParams(file.preset, savedParams(file.params));
  const continues = checkpoint.id === found.all.at(-1)!.id;
  const resumed: PlannedRun['options'] = {
    ...options,
    preset: file.preset,
    params,
    seed: file.seed,
    epochs: request.options.epochs ?? previous.epochs,
  };
  const info: RunInfo = continues
    ? { ...previous, epochs: resumed.epochs, status: 'running', message: undefined }
    : { ...newRunInfo(await claimRunId(request.projectDir), resumed, params), parent: { runId, checkpointId: checkpoint.id } };
  return { info, options: resumed, restoreFrom: { dir, file }, continues };
}

function newRunInfo(id: string, options: ResolvedTrainOptions, params: RunInfo['params']): RunInfo {
  return {
    format: RUN_FORMAT,
    version: RUN_FORMAT_VERSION,
    id,
    preset: options.preset,
    params,
    seed: options.seed,
    epochs: options.epochs,
    stepsPerEpoch: 0,
    createdAt: new Date().toISOString(),
    status: 'running',
  };
}
