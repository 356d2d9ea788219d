import { presets, type PresetId, type PresetParams } from '../../../shared/presets.js';
import { bestCheckpoint, formatMeasure, measures, RUN_QUALITY_FORMAT, RUN_QUALITY_VERSION, type FeatureNetSummary, type MeasureId, type QualityAlarm, type QualityRecord, type RunQualityFile } from '../../../shared/quality.js';
import type { TrainingEvent } from '../../../shared/training.js';
import type { Dataset } from '../../data/datasetCache.js';
import type { RunControl } from '../training/runControl.js';
import type { TrainedGenerator } from '../checkpoint/openGenerator.js';
import { alarmContext, collapseAlarm, type MeasuredCheckpoint } from './collapseAlarm.js';
import { drawSamples, realSamples, sampleCount } from './drawSamples.js';
import { earlyStopDue } from './earlyStop.js';
import { openFeatureSpace, type FeatureSpace } from './featureSpace.js';
import { measureSamples } from './measureSamples.js';
import { readRunQuality, writeRunQuality } from './runQualityFile.js';

export interface RunQualitySetup {
  projectDir: string;
  runDir: string;
  dataset: Dataset;
  preset: PresetId;
  /** The run's params: the collapse alarm's advice fits its recipe. */
  params: PresetParams;
  measure: MeasureId;
  earlyStopPatience?: number;
  /** The step training starts from: 0, or the resumed checkpoint's. */
  step: number;
  /** Checkpoints this run already has (on resume), oldest first. */
  earlier: MeasuredCheckpoint[];
  emit(event: TrainingEvent): void;
  /** The run's pause and stop requests, honoured while the feature network trains. */
  control: RunControl;
}

/**
 * Quality tracking for one training run: the feature network is loaded or trained once, then
 * each checkpoint's generator is measured, watched for mode collapse and, when asked, for early
 * stopping. Measuring never fails a run: an error is reported and the run goes on unmeasured.
 */
export class RunQuality {
  private broken = false;
  /** Severity of the alarm the previous checkpoint raised: the same alarm is not repeated at every checkpoint. */
  private lastAlarm: QualityAlarm['severity'] | undefined;
  private file: RunQualityFile;

  private constructor(
    private readonly setup: RunQualitySetup,
    private readonly space: FeatureSpace,
    private readonly count: number,
    summary: FeatureNetSummary,
    previous: RunQualityFile | null,
    private readonly history: MeasuredCheckpoint[],
  ) {
    // `best` starts empty so the first measured checkpoint announces the run's best, earlier checkpoints included.
    this.file = { format: RUN_QUALITY_FORMAT, version: RUN_QUALITY_VERSION, measure: setup.measure, ...summary, best: undefined, alarms: previous?.alarms.filter((a) => history.some((c) => c.id === a.checkpointId)) ?? [] };
  }

  /** Prepares the feature space (emitting progress), or returns undefined with the reason emitted. */
  static async start(setup: RunQualitySetup): Promise<RunQuality | undefined> {
    const { emit } = setup;
    const started = performance.now();
    const kind = setup.dataset.manifest.classes.length > 1 ? `a classifier of the ${setup.dataset.manifest.classes.length} classes` : 'an autoencoder';
    const opened = await openFeatureSpace(setup.projectDir, setup.dataset, {
      onProgress: (done, total) => emit({ type: 'feature-net', state: 'training', done, total, message: `Training the feature network for quality measures (${kind}), once for this dataset` }),
      shouldStop: () => setup.control.stopRequested,
      whilePaused: async () => {
        const { control } = setup;
        if (!control.paused || control.stopRequested) return;
        emit({ type: 'paused', step: setup.step });
        await control.untilResumed();
        if (!control.stopRequested) emit({ type: 'resumed', step: setup.step });
      },
    });
    if (!opened.ok) {
      emit({ type: 'feature-net', state: 'unavailable', message: opened.error });
      return undefined;
    }
    const space = opened.value;
    const conditional = presets[setup.preset].conditional;
    const count = sampleCount(space, presets[setup.preset].convolutional);
    const summary: FeatureNetSummary = {
      kind: space.kind,
      heldOutAccuracy: space.heldOutAccuracy,
      sampleCount: count,
      referenceCount: space.reference.count,
      real: await measureSamples(space, realSamples(space, count, conditional)),
    };
    const accuracy = space.heldOutAccuracy === undefined ? '' : `, ${(space.heldOutAccuracy * 100).toFixed(1)}% right on held-out images`;
    emit({
      type: 'feature-net',
      state: 'ready',
      cached: space.cached,
      seconds: (performance.now() - started) / 1000,
      message: `Feature network ready (${space.cached ? 'from the cache' : `trained in ${space.seconds.toFixed(0)} s`}${accuracy}); each checkpoint is measured on ${count} samples.`,
      ...summary,
    });
    const previous = await readRunQuality(setup.runDir);
    return new RunQuality(setup, space, count, summary, previous, [...setup.earlier]);
  }

  /** The generator's measures now, or undefined if measuring failed (reported once, then skipped). */
  async measure(models: TrainedGenerator, step: number): Promise<QualityRecord | undefined> {
    if (this.broken) return undefined;
    try {
      return await measureSamples(this.space, await drawSamples(models, this.space, this.count));
    } catch (error) {
      this.broken = true;
      this.setup.emit({ type: 'log', level: 'warn', message: `Quality measures failed at step ${step} and are off for the rest of this run: ${(error as Error).message}` });
      return undefined;
    }
  }

  /**
   * Records a written checkpoint: emits a mode-collapse alarm when variety has fallen, keeps
   * runs/<id>/quality.json up to date, and says whether early stopping is due.
   */
  async afterCheckpoint(checkpoint: MeasuredCheckpoint): Promise<{ stopEarly: boolean }> {
    if (!checkpoint.quality) return { stopEarly: false };
    const { emit, measure, earlyStopPatience } = this.setup;
    const alarm = collapseAlarm(this.history, checkpoint, alarmContext(presets[this.setup.preset].conditional, this.setup.params, this.setup.dataset.manifest));
    this.history.push(checkpoint);
    if (alarm && alarm.severity !== this.lastAlarm) {
      this.file.alarms.push(alarm);
      emit({ type: 'alarm', alarm });
    }
    this.lastAlarm = alarm?.severity;
    const best = this.best();
    if (best && best.checkpointId !== this.file.best?.checkpointId) emit({ type: 'best-checkpoint', measure, ...best });
    this.file.best = best;
    await writeRunQuality(this.setup.runDir, this.file);
    const due = earlyStopPatience === undefined ? undefined : earlyStopDue(this.history, measure, earlyStopPatience);
    if (!due) return { stopEarly: false };
    const { label } = measures[measure];
    emit({
      type: 'early-stop',
      step: checkpoint.step,
      measure,
      patience: earlyStopPatience!,
      best: { checkpointId: due.id, step: due.step, value: due.value },
      message: `Stopping early: ${label} has not improved for ${earlyStopPatience} checkpoint${earlyStopPatience === 1 ? '' : 's'}; the best is ${due.id} (step ${due.step}, ${formatMeasure(measure, due.value)}).`,
    });
    return { stopEarly: true };
  }

  dispose(): void {
    this.space.dispose();
  }

  private best(): RunQualityFile['best'] {
    const best = bestCheckpoint(this.history, this.setup.measure);
    return best ? { checkpointId: best.id, step: best.step, value: best.quality![this.setup.measure]! } : undefined;
  }
}
