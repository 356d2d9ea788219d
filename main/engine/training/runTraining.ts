import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunInfo, StepMetrics, TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { isLabelled } from '../../../shared/dataset.js';
import { openDataset } from '../../data/datasetCache.js';
import { removeStaleStaging } from '../../project/atomicWrite.js';
import { projectLayout } from '../../project/layout.js';
import { MetricsLog } from '../../project/metricsLog.js';
import { writeRunInfo } from '../../project/runs.js';
import { initBackend } from '../backend/initBackend.js';
import { restoreCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { listCheckpoints } from '../../project/checkpoints.js';
import { RunQuality } from '../quality/runQuality.js';
import { planRun } from './resolveRun.js';
import { alwaysRunning, type RunControl } from './runControl.js';
import { Trainer, type StepLosses } from './trainer.js';
import { RateMeter } from './rateMeter.js';

/**
 * Trains one run to its end, emitting typed events: metrics at most every `metricsIntervalMs`,
 * sample grids every `sampleIntervalMs`, a checkpoint at step 0, at each epoch end (and every
 * `checkpointEverySteps`) and on stop. A NaN/Inf loss ends the run as failed and keeps the last
 * good checkpoint. Never throws: failures are reported as a `failed` event.
 */
export async function runTraining(request: TrainingRequest, emit: (event: TrainingEvent) => void, control: RunControl = alwaysRunning): Promise<TrainingEvent> {
  let step = 0;
  let info: RunInfo | undefined;
  let runDir = '';
  const finish = async (event: TrainingEvent & { type: 'finished' | 'failed' }) => {
    if (info && runDir) {
      info = { ...info, status: event.type === 'failed' ? 'failed' : event.reason, message: event.type === 'failed' ? event.message : undefined };
      await writeRunInfo(runDir, info).catch(() => {});
    }
    emit(event);
    return event;
  };
  let trainer: Trainer | undefined;
  let quality: RunQuality | undefined;
  try {
    const plan = await planRun(request);
    info = plan.info;
    const { options } = plan;
    const backend = await initBackend(options.backend);
    const dataset = await openDataset(request.projectDir);
    const layout = projectLayout(request.projectDir);
    const run = layout.run(info.id);
    runDir = run.dir;
    await mkdir(run.checkpointsDir, { recursive: true });
    await removeStaleStaging(run.checkpointsDir);
    trainer = new Trainer({ preset: options.preset, params: options.params, dataset, seed: options.seed });
    const log = new MetricsLog(run.metrics);
    if (plan.restoreFrom) {
      await restoreCheckpoint(trainer, plan.restoreFrom.dir);
      await log.restoreFrom(join(plan.restoreFrom.dir, 'metrics.jsonl'));
    }
    step = trainer.step;
    const stepsPerEpoch = trainer.stepsPerEpoch;
    const totalSteps = Math.min(options.epochs * stepsPerEpoch, options.maxSteps ?? Infinity);
    info = { ...info, stepsPerEpoch, backend: backend.name, status: 'running' };
    await writeRunInfo(run.dir, info);
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
    let lastCheckpointStep = -1;
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
      return (await quality?.afterCheckpoint(file)) ?? { stopEarly: false };
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
    return await finish({ type: 'failed', step, message: error instanceof Error ? error.message : String(error) });
  } finally {
    quality?.dispose();
    trainer?.dispose();
  }
}

/** Lets pause/stop messages and IPC through between steps. */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
