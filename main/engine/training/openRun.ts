import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isLabelled } from '../../../shared/dataset.js';
import type { RunInfo, TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { openDataset } from '../../data/datasetCache.js';
import { listCheckpoints } from '../../project/checkpoints.js';
import { projectLayout, type RunLayout } from '../../project/layout.js';
import { MetricsLog } from '../../project/metricsLog.js';
import { thisProcess } from '../../project/processes.js';
import { writeRunInfo } from '../../project/runs.js';
import { initBackend } from '../backend/initBackend.js';
import { restoreCheckpoint } from '../checkpoint/checkpoint.js';
import { RunQuality } from '../quality/runQuality.js';
import { planRun, type PlannedRun } from './resolveRun.js';
import { RunCheckpoints } from './runCheckpoints.js';
import type { RunControl } from './runControl.js';
import { Trainer } from './trainer.js';

/** What is known of a run so far; filled in as it opens, so a failure part-way is recorded and cleaned up. */
export interface RunRecord {
  info?: RunInfo;
  runDir?: string;
  /** A new run's folder, created when its id was claimed: removed again if the run never starts. */
  claimedDir?: string;
  trainer?: Trainer;
  quality?: RunQuality;
  checkpoints?: RunCheckpoints;
}

/** A run ready for its training loop. */
export interface OpenRun {
  info: RunInfo;
  options: PlannedRun['options'];
  run: RunLayout;
  trainer: Trainer;
  log: MetricsLog;
  totalSteps: number;
  checkpoints: RunCheckpoints;
}

/**
 * Plans the run, loads the backend and dataset, builds (or restores) the trainer, announces the run
 * with `started`, prepares quality tracking and writes the step-0 checkpoint of a new run.
 */
export async function openRun(request: TrainingRequest, emit: (event: TrainingEvent) => void, control: RunControl, record: RunRecord): Promise<OpenRun> {
  const plan = await planRun(request);
  record.info = plan.info;
  if (!plan.continues) record.claimedDir = projectLayout(request.projectDir).run(plan.info.id).dir;
  const { options } = plan;
  const backend = await initBackend(options.backend);
  const dataset = await openDataset(request.projectDir);
  const run = projectLayout(request.projectDir).run(plan.info.id);
  // A continued run's run.json says how it ended even when it fails before its first step; a new
  // run has none until it starts.
  if (plan.continues) record.runDir = run.dir;
  await mkdir(run.checkpointsDir, { recursive: true });
  const trainer = new Trainer({ preset: options.preset, params: options.params, dataset, seed: options.seed });
  record.trainer = trainer;
  const log = new MetricsLog(run.metrics);
  if (plan.restoreFrom) {
    await restoreCheckpoint(trainer, plan.restoreFrom.dir);
    await log.restoreFrom(join(plan.restoreFrom.dir, 'metrics.jsonl'));
  }
  const { step, stepsPerEpoch } = trainer;
  const totalSteps = Math.min(options.epochs * stepsPerEpoch, options.maxSteps ?? Infinity);
  // The training process is recorded so that, should it die, the run shows as interrupted.
  const info: RunInfo = { ...plan.info, stepsPerEpoch, backend: backend.name, status: 'running', writer: thisProcess() };
  record.info = info;
  await writeRunInfo(run.dir, info);
  record.runDir = run.dir;
  emit({
    type: 'started',
    runId: info.id,
    backend,
    preset: options.preset,
    params: options.params,
    stepsPerEpoch,
    totalSteps,
    step,
    resumedFrom: plan.restoreFrom?.file.id,
  });
  for (const note of backend.notes) emit({ type: 'log', level: 'info', message: `Backend passed over: ${note}` });
  // Before step 0's checkpoint, so every measured curve starts from the untrained generator.
  if (options.quality) {
    record.quality = await RunQuality.start({
      projectDir: request.projectDir,
      runDir: run.dir,
      dataset,
      preset: options.preset,
      params: options.params,
      measure: options.qualityMeasure,
      earlyStopPatience: options.earlyStopPatience,
      step,
      earlier: (await listCheckpoints(run.checkpointsDir)).filter((c) => c.step <= step),
      emit,
      control,
    });
  }
  const checkpoints = new RunCheckpoints({
    runId: info.id,
    run,
    trainer,
    datasetName: dataset.manifest.name,
    classes: isLabelled(dataset.manifest) ? dataset.manifest.classes : [],
    backend: backend.name,
    quality: record.quality,
    retention: { projectDir: request.projectDir, keepEvery: options.keepEvery, interval: options.checkpointEverySteps || stepsPerEpoch, measure: options.quality ? options.qualityMeasure : undefined },
    emit,
  });
  record.checkpoints = checkpoints;
  if (!plan.restoreFrom) await checkpoints.write();
  else checkpoints.lastStep = step;
  return { info, options, run, trainer, log, totalSteps, checkpoints };
}
