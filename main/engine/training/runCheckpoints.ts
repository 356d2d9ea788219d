import type { BackendName, TrainingEvent } from '../../../shared/training.js';
import type { RunLayout } from '../../project/layout.js';
import { pruneCheckpoints, type Retention } from '../../project/retention.js';
import { saveCheckpoint } from '../checkpoint/checkpoint.js';
import type { RunQuality } from '../quality/runQuality.js';
import type { StepLosses, Trainer } from './trainer.js';

export interface RunCheckpointsSetup {
  runId: string;
  run: RunLayout;
  trainer: Trainer;
  datasetName: string;
  /** Class names in label order; empty for unlabelled data. */
  classes: string[];
  backend: BackendName;
  /** Quality tracking, when the run measures its checkpoints. */
  quality?: RunQuality;
  /** Which checkpoints stay once a new one is written. */
  retention: Retention & { projectDir: string };
  emit(event: TrainingEvent): void;
}

/**
 * The checkpoint step of a run: measures the generator (when quality is on), writes the checkpoint
 * with its sample grid and the metrics so far, tells the caller, deletes the checkpoints retention
 * does not keep, and says whether early stopping is due.
 */
export class RunCheckpoints {
  /** Step of the last checkpoint written or resumed from; -1 before the first. */
  lastStep = -1;

  constructor(private readonly setup: RunCheckpointsSetup) {}

  async write(losses?: StepLosses): Promise<{ stopEarly: boolean }> {
    const { trainer, run, quality, emit } = this.setup;
    const measured = await quality?.measure(trainer.sampler, trainer.step);
    const file = await saveCheckpoint(trainer, run.checkpointsDir, {
      runId: this.setup.runId,
      datasetName: this.setup.datasetName,
      classes: this.setup.classes,
      backend: this.setup.backend,
      losses,
      metricsFile: run.metrics,
      grid: await trainer.sampleGrid(),
      quality: measured,
    });
    this.lastStep = trainer.step;
    emit({ type: 'checkpoint', checkpoint: { id: file.id, step: file.step, epoch: file.epoch, createdAt: file.createdAt, quality: file.quality } });
    const verdict = (await quality?.afterCheckpoint(file)) ?? { stopEarly: false };
    await pruneCheckpoints(this.setup.retention.projectDir, this.setup.runId, this.setup.retention);
    return verdict;
  }
}
