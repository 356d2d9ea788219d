import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunInfo, StepMetrics, TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { isLabelled } from '../../../shared/dataset.js';
import { openDataset } from '../../data/datasetCache.js';
import { projectLayout } from '../../project/layout.js';
import { MetricsLog } from '../../project/metricsLog.js';
import { writeRunInfo } from '../../project/runs.js';
import { lockProject, type ProjectLock } from '../../project/lock.js';
import { thisProcess } from '../../project/processes.js';
import { pruneCheckpoints } from '../../project/retention.js';
import { tidyProject } from '../../project/tidy.js';
import { initBackend } from '../backend/initBackend.js';
import { restoreCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { listCheckpoints } from '../../project/checkpoints.js';
import { RunQuality } from '../quality/runQuality.js';
import { planRun } from './resolveRun.js';
import { Trainer, type StepLosses } from './trainer.js';
import { RateMeter } from './rateMeter.js';
import { explainFailure } from './failureMessage.js';

/** What the caller can do to a run while it trains; checked between steps. */
export interface RunControl {
  readonly paused: boolean;
  readonly stopRequested: boolean;
  /** Resolves when the run is no longer paused (or a stop was requested). */
  untilResumed(): Promise<void>;
}

export const alwaysRunning: RunControl = { paused: false, stopRequested: false, untilResumed: async () => {} };

/**
 * Trains one run to its end, emitting typed events: metrics at most every `metricsIntervalMs`,
 * sample grids every `sampleIntervalMs`, a checkpoint at step 0, at each epoch end (and every
 * `checkpointEverySteps`) and on stop. A NaN/Inf loss ends the run as failed and keeps the last
 * good checkpoint. Never throws: failures are reported as a `failed` event. The project's writer
 * lock is held from before the run id is picked until the final event, so a second writer is
 * refused with the holder named.
 */
export async function runTraining(request: TrainingRequest, emit: (event: TrainingEvent) => void, control: RunControl = alwaysRunning): Promise<TrainingEvent> {
  let step = 0;
  let info: RunInfo | undefined;
  let runDir = '';
  /** A new run's folder, removed again when the run fails before it starts. */
  let claimedDir = '';
  let lock: ProjectLock | undefined;
  let lastCheckpointStep = -1;
  const finish = async (event: TrainingEvent & { type: 'finished' | 'failed' }) => {
    if (info && runDir) {
      info = { ...info, status: event.type === 'failed' ? 'failed' : event.reason, message: event.type === 'failed' ? event.message : undefined, writer: undefined };
      await writeRunInfo(runDir, info).catch(() => {});
    } else if (claimedDir) {
      await rm(claimedDir, { recursive: true, force: true }).catch(() => {});
    }
    // Before the final event: whoever hears it may start the next writer at once.
    await lock?.release();
    emit(event);
    return event;
  };
  let trainer: Trainer | undefined;
  let quality: RunQuality | undefined;
  try {
    lock = await lockProject(request.projectDir, 'training');
    await tidyProject(request.projectDir);
    const plan = await planRun(request);
    info = plan.info;
    if (!plan.continues) claimedDir = projectLayout(request.projectDir).run(info.id).dir;
    const { options } = plan;
    const backend = await initBackend(options.backend);
    const dataset = await openDataset(request.projectDir);
    const layout = projectLayout(request.projectDir);
    const run = layout.run(info.id);
    // A continued run's run.json says how it ended even when it fails before its first step.
    if (plan.continues) runDir = run.dir;
    await mkdir(run.checkpointsDir, { recursive: true });
    trainer = new Trainer({ preset: options.preset, params: options.params, dataset, seed: options.seed });
    const log = new MetricsLog(run.metrics);
    if (plan.restoreFrom) {
      await restoreCheckpoint(trainer, plan.restoreFrom.dir);
      await log.restoreFrom(join(plan.restoreFrom.dir, 'metrics.jsonl'));
    }
    step = trainer.step;
    const stepsPerEpoch = trainer.stepsPerEpoch;
    const totalSteps = Math.min(options.epochs * stepsPerEpoch, options.maxSteps ?? Infinity);
    info = { ...info, stepsPerEpoch, backend: backend.name, status: 'running', writer: thisProcess() };
    await writeRunInfo(run.dir, info);
    runDir = run.dir;
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
      quality = await RunQuality.start({
        projectDir: request.projectDir,
        runDir: run.dir,
        dataset,
        preset: options.preset,
        measure: options.qualityMeasure,
        earlyStopPatience: options.earlyStopPatience,
        step,
        earlier: (await listCheckpoints(run.checkpointsDir)).filter((c) => c.step <= step),
        emit,
        control,
      });
    }

    const classes = isLabelled(dataset.manifest) ? dataset.manifest.classes : [];
    const retention = { keepEvery: options.keepEvery, interval: options.checkpointEverySteps || stepsPerEpoch, measure: options.quality ? options.qualityMeasure : undefined };
    const checkpoint = async (losses?: StepLosses) => {
      const measured = await quality?.measure(trainer!.models, trainer!.step);
      const file = await saveCheckpoint(trainer!, run.checkpointsDir, {
        runId: info!.id,
        datasetName: dataset.manifest.name,
        classes,
        backend: backend.name,
        losses,
        metricsFile: run.metrics,
        grid: await trainer!.sampleGrid(),
        quality: measured,
      });
      lastCheckpointStep = trainer!.step;
      emit({ type: 'checkpoint', checkpoint: { id: file.id, step: file.step, epoch: file.epoch, createdAt: file.createdAt, quality: file.quality } });
      const verdict = (await quality?.afterCheckpoint(file)) ?? { stopEarly: false };
      await pruneCheckpoints(request.projectDir, info!.id, retention);
      return verdict;
    };
    if (!plan.restoreFrom) await checkpoint();
    else lastCheckpointStep = step;

    const rate = new RateMeter();
    rate.mark(step);
    let nextMetricsAt = 0;
    let nextSampleAt = Date.now() + options.sampleIntervalMs;
    let goodLosses: StepLosses | undefined;

    while (trainer.step < totalSteps) {
      await yieldToEvents();
      if (control.paused && !control.stopRequested) {
        emit({ type: 'paused', step: trainer.step });
        await writeRunInfo(run.dir, { ...info, status: 'paused' });
        await control.untilResumed();
        if (!control.stopRequested) {
          emit({ type: 'resumed', step: trainer.step });
          await writeRunInfo(run.dir, info);
          rate.mark(trainer.step);
        }
      }
      if (control.stopRequested) break;

      trainer.trainStep();
      step = trainer.step;
      const now = Date.now();
      const epochEnded = step % stepsPerEpoch === 0;
      const checkpointDue = epochEnded || (options.checkpointEverySteps > 0 && step % options.checkpointEverySteps === 0) || step === totalSteps;
      if (now >= nextMetricsAt || checkpointDue) {
        nextMetricsAt = now + options.metricsIntervalMs;
        const losses = await trainer.readLosses();
        const bad = Object.entries(losses).find(([, v]) => !Number.isFinite(v));
        if (bad) {
          const kept = lastCheckpointStep >= 0 ? `the last good checkpoint (step ${lastCheckpointStep}) is kept` : 'no checkpoint was written';
          return await finish({
            type: 'failed',
            step,
            message: `Training diverged at step ${step}: ${bad[0]} is ${bad[1]}. ${kept[0].toUpperCase()}${kept.slice(1)}. Try a lower learning rate or a smaller batch.`,
          });
        }
        goodLosses = losses;
        const imagesPerSec = rate.imagesPerSec(step, trainer.imagesPerStep);
        const metrics: StepMetrics = {
          step,
          epoch: trainer.epoch,
          ...losses,
          imagesPerSec,
          etaSeconds: rate.etaSeconds(step, totalSteps),
          time: now,
        };
        await log.append(metrics);
        emit({ type: 'metrics', totalSteps, ...metrics });
      }
      if (now >= nextSampleAt) {
        nextSampleAt = now + options.sampleIntervalMs;
        emit({ type: 'sample', step, epoch: trainer.epoch, grid: await trainer.sampleGrid() });
      }
      if (checkpointDue) {
        const { stopEarly } = await checkpoint(goodLosses);
        if (epochEnded) emit({ type: 'epoch', epoch: trainer.epoch, step });
        if (stopEarly) break;
      }
    }
    step = trainer.step;
    if (control.stopRequested) {
      if (lastCheckpointStep !== step) await checkpoint(goodLosses);
      emit({ type: 'sample', step, epoch: trainer.epoch, grid: await trainer.sampleGrid() });
      return await finish({ type: 'finished', step, reason: 'stopped' });
    }
    emit({ type: 'sample', step, epoch: trainer.epoch, grid: await trainer.sampleGrid() });
    return await finish({ type: 'finished', step, reason: 'completed' });
  } catch (error) {
    return await finish({ type: 'failed', step, message: explainFailure(error, lastCheckpointStep) });
  } finally {
    quality?.dispose();
    trainer?.dispose();
    await lock?.release();
  }
}

/** Lets pause/stop messages and IPC through between steps. */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
