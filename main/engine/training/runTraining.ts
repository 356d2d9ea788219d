import { rm } from 'node:fs/promises';
import type { StepMetrics, TrainingEvent, TrainingRequest } from '../../../shared/training.js';
import { lockProject, type ProjectLock } from '../../project/lock.js';
import { writeRunInfo } from '../../project/runs.js';
import { tidyProject } from '../../project/tidy.js';
import { explainFailure } from './failureMessage.js';
import { filmTraining } from './filmTraining.js';
import { openRun, type OpenRun, type RunRecord } from './openRun.js';
import { RateMeter } from './rateMeter.js';
import { alwaysRunning, type RunControl } from './runControl.js';
import type { StepLosses } from './trainer.js';

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
async function trainLoop({ info, options, run, trainer, log, totalSteps, checkpoints }: OpenRun, emit: (event: TrainingEvent) => void, control: RunControl): Promise<RunEnd> {
  const { stepsPerEpoch } = trainer;
  const rate = new RateMeter();
  rate.mark(trainer.step);
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
    const step = trainer.step;
    const now = Date.now();
    const epochEnded = step % stepsPerEpoch === 0;
    const checkpointDue = epochEnded || (options.checkpointEverySteps > 0 && step % options.checkpointEverySteps === 0) || step === totalSteps;
    if (now >= nextMetricsAt || checkpointDue) {
      nextMetricsAt = now + options.metricsIntervalMs;
      const losses = await trainer.readLosses();
      const bad = Object.entries(losses).find(([, v]) => !Number.isFinite(v));
      if (bad) {
        const kept = checkpoints.lastStep >= 0 ? `the last good checkpoint (step ${checkpoints.lastStep}) is kept` : 'no checkpoint was written';
        return {
          type: 'failed',
          step,
          message: `Training diverged at step ${step}: ${bad[0]} is ${bad[1]}. ${kept[0].toUpperCase()}${kept.slice(1)}. Try a lower learning rate or a smaller batch.`,
        };
      }
      goodLosses = losses;
      const metrics: StepMetrics = {
        step,
        epoch: trainer.epoch,
        ...losses,
        imagesPerSec: rate.imagesPerSec(step, trainer.imagesPerStep),
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
      const { stopEarly } = await checkpoints.write(goodLosses);
      if (epochEnded) emit({ type: 'epoch', epoch: trainer.epoch, step });
      if (stopEarly) break;
    }
  }
  const step = trainer.step;
  const stopped = control.stopRequested;
  if (stopped && checkpoints.lastStep !== step) await checkpoints.write(goodLosses);
  emit({ type: 'sample', step, epoch: trainer.epoch, grid: await trainer.sampleGrid() });
  return { type: 'finished', step, reason: stopped ? 'stopped' : 'completed' };
}

/** Lets pause/stop messages and IPC through between steps. */
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
