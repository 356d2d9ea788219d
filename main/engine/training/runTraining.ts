import { rm } from 'node:fs/promises';
import type { ManualStep, StepMetrics, TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { lockProject, type ProjectLock } from '../../project/lock.js';
import { writeRunInfo } from '../../project/runs.js';
import { tidyProject } from '../../project/tidy.js';
import { explainFailure } from './failureMessage.js';
import { filmTraining } from './filmTraining.js';
import { openRun, type OpenRun, type RunRecord } from './openRun.js';
import { RateMeter } from './rateMeter.js';
import { alwaysRunning, type RunControl } from './runControl.js';
import type { StepLosses, Trainer } from './trainer.js';

type RunEnd = TrainingEvent & { type: 'finished' | 'failed' };

/**
 * Trains one run to its end, emitting typed events: metrics at most every `metricsIntervalMs`,
 * sample grids every `sampleIntervalMs`, a checkpoint at step 0, at each epoch end (and every
 * `checkpointEverySteps`) and on stop. A NaN/Inf loss ends the run as failed and keeps the last
 * good checkpoint. Never throws: failures are reported as a `failed` event. The project's writer
 * lock is held from before the run id is picked until the final event, so a second writer is
 * refused with the holder named; the project is tidied first (see tidyProject).
 */
export async function runTraining(request: TrainingRequest, emit: (event: TrainingEvent) => void, control: RunControl = alwaysRunning): Promise<TrainingEvent> {
  const record: RunRecord = {};
  let lock: ProjectLock | undefined;
  const finish = async (event: RunEnd) => {
    if (record.info && record.runDir) {
      record.info = { ...record.info, status: event.type === 'failed' ? 'failed' : event.reason, message: event.type === 'failed' ? event.message : undefined, writer: undefined };
      await writeRunInfo(record.runDir, record.info).catch(() => {});
    } else if (record.claimedDir) {
      // A new run that never started leaves no folder behind.
      await rm(record.claimedDir, { recursive: true, force: true }).catch(() => {});
    }
    // Before the final event: whoever hears it may start the next writer at once.
    await lock?.release();
    emit(event);
    return event;
  };
  try {
    lock = await lockProject(request.projectDir, 'training');
    await tidyProject(request.projectDir);
    const run = await openRun(request, emit, control, record);
    // Every preview is also kept in the run's film (runs/<id>/film), starting with this step's.
    const film = await filmTraining(run.run.dir, run.trainer.step, emit);
    film.emit({ type: 'sample', step: run.trainer.step, epoch: run.trainer.epoch, grid: await run.trainer.sampleGrid() });
    const end = await trainLoop(run, film.emit, control);
    await film.finish();
    return await finish(end);
  } catch (error) {
    return await finish({ type: 'failed', step: record.trainer?.step ?? 0, message: explainFailure(error, record.checkpoints?.lastStep ?? -1) });
  } finally {
    record.quality?.dispose();
    record.trainer?.dispose();
    await lock?.release();
  }
}

/** Steps until the planned end, a stop, an early stop or a diverged loss; returns how the run ended. */
async function trainLoop(open: OpenRun, emit: (event: TrainingEvent) => void, control: RunControl): Promise<RunEnd> {
  const { info, options, run, trainer, log, totalSteps, checkpoints } = open;
  const { stepsPerEpoch } = trainer;
  const rate = new RateMeter();
  rate.mark(trainer.step);
  let nextMetricsAt = 0;
  let nextSampleAt = Date.now() + options.sampleIntervalMs;
  let goodLosses: StepLosses | undefined;

  while (trainer.step < totalSteps) {
    await yieldToEvents();
    if (control.paused && !control.stopRequested) {
      emit({ type: 'paused', step: trainer.step, weights: await trainer.weightFingerprints() });
      await writeRunInfo(run.dir, { ...info, status: 'paused' });
      for (;;) {
        await control.untilResumed();
        const manual = control.takeManualStep();
        if (!manual || control.stopRequested) break;
        const failed = await stepByHand(open, manual, emit, control, rate);
        if (failed) return failed;
        if (control.stopRequested || !control.paused) break;
      }
      if (!control.stopRequested) {
        emit({ type: 'resumed', step: trainer.step });
        await writeRunInfo(run.dir, info);
        rate.mark(trainer.step);
      }
    }
    if (control.stopRequested) break;

    trainer.trainStep();
    const step = trainer.step;
    const now = Date.now();
    const epochEnded = step % stepsPerEpoch === 0;
    const checkpointDue = epochEnded || (options.checkpointEverySteps > 0 && step % options.checkpointEverySteps === 0) || step === totalSteps;
    if (now >= nextMetricsAt || checkpointDue) {
      nextMetricsAt = now + options.metricsIntervalMs;
      const measured = await recordMetrics(open, rate, emit);
      if (measured.type === 'failed') return measured;
      goodLosses = measured.losses;
    }
    if (now >= nextSampleAt) {
      nextSampleAt = now + options.sampleIntervalMs;
      await sendPreview(trainer, emit, control);
    }
    if (checkpointDue) {
      const { stopEarly } = await checkpoints.write(goodLosses);
      if (epochEnded) emit({ type: 'epoch', epoch: trainer.epoch, step });
      if (stopEarly) break;
    }
  }
  const step = trainer.step;
  const stopped = control.stopRequested;
  if (stopped && checkpoints.lastStep !== step) await checkpoints.write(goodLosses);
  await sendPreview(trainer, emit, control);
  return { type: 'finished', step, reason: stopped ? 'stopped' : 'completed' };
}

/** Reads the step's numbers back, logs and emits them; a NaN or infinite one ends the run as failed. */
async function recordMetrics({ trainer, log, totalSteps, checkpoints }: OpenRun, rate: RateMeter, emit: (event: TrainingEvent) => void, manual?: ManualStep): Promise<Extract<RunEnd, { type: 'failed' }> | { type: 'measured'; losses: StepLosses }> {
  const step = trainer.step;
  const losses = await trainer.readLosses();
  const bad = (Object.entries(losses) as [keyof StepLosses, number][]).find(([name, v]) => !Number.isFinite(v) && trainer.hasMeasured(name));
  if (bad) {
    const kept = checkpoints.lastStep >= 0 ? `the last good checkpoint (step ${checkpoints.lastStep}) is kept` : 'no checkpoint was written';
    return {
      type: 'failed',
      step,
      message: `Training diverged at step ${step}: ${bad[0]} is ${bad[1]}. ${kept[0].toUpperCase()}${kept.slice(1)}. Try a lower learning rate or a smaller batch.`,
    };
  }
  const { params } = trainer.config;
  const metrics: StepMetrics = {
    step,
    epoch: trainer.epoch,
    ...losses,
    learningRateD: params.learningRateD,
    learningRateG: params.learningRateG,
    manual,
    imagesPerSec: manual ? 0 : rate.imagesPerSec(step, trainer.imagesPerStep),
    etaSeconds: rate.etaSeconds(step, totalSteps),
    time: Date.now(),
  };
  await log.append(metrics);
  emit({ type: 'metrics', totalSteps, ...metrics });
  return { type: 'measured', losses };
}

/** The fixed-noise grid, and D's advice when the advice view is on (computed only then). */
async function sendPreview(trainer: Trainer, emit: (event: TrainingEvent) => void, control: RunControl): Promise<void> {
  const { step, epoch } = trainer;
  emit({ type: 'sample', step, epoch, grid: await trainer.sampleGrid() });
  const view = control.advice;
  if (view !== 'off') emit({ type: 'advice', step, view, ...(await trainer.adviceGrid(view)) });
}

/**
 * Updates taken by hand while paused (Step D, Step G, Step both): logged like any step (marked
 * manual), the grid and advice redrawn, the weights' fingerprints sent, and a checkpoint written
 * when a G update ends an epoch, as a scheduled step would.
 */
async function stepByHand(open: OpenRun, manual: ManualStep, emit: (event: TrainingEvent) => void, control: RunControl, rate: RateMeter): Promise<RunEnd | undefined> {
  const { trainer, checkpoints } = open;
  trainer.manualStep(manual.discriminator, manual.generator);
  const measured = await recordMetrics(open, rate, emit, manual);
  if (measured.type === 'failed') return measured;
  await sendPreview(trainer, emit, control);
  emit({ type: 'manual-step', step: trainer.step, manual, weights: await trainer.weightFingerprints() });
  if (manual.generator && trainer.step % trainer.stepsPerEpoch === 0) {
    await checkpoints.write(measured.losses);
    emit({ type: 'epoch', epoch: trainer.epoch, step: trainer.step });
  }
  return undefined;
}

/** Lets pause/stop messages and IPC through between steps. */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
