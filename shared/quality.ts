import { z } from 'zod';
import type { CheckpointInfo } from './checkpoint.js';

/**
 * How good is the generator? Measures computed in a feature space learned in the app from the
 * project's own images (a small classifier, or an autoencoder for unlabelled data). They are
 * NOT Inception FID/KID: numbers compare checkpoints and runs of the same dataset only.
 */
export const measureIds = [
  'frechetDistance',
  'kernelDistance',
  'precision',
  'recall',
  'diversity',
  'classCoverage',
  'conditionalAccuracy',
] as const;
export type MeasureId = (typeof measureIds)[number];

/** Measures of one checkpoint (or of held-out real images), keyed by measure id; absent where they do not apply. */
export type QualityRecord = Partial<Record<MeasureId, number>>;

export interface MeasureInfo {
  id: MeasureId;
  /** What the UI and CLI call it. */
  label: string;
  better: 'lower' | 'higher';
  /** Two lines: what it measures, and how to read it. */
  explanation: [string, string];
  /** Digits after the point when shown. */
  digits: number;
}

export const measures: Record<MeasureId, MeasureInfo> = {
  frechetDistance: {
    id: 'frechetDistance',
    label: 'Fréchet distance (studio features)',
    better: 'lower',
    explanation: [
      'How far the mean and spread of generated images are from real ones, in the features of a small network trained on this dataset.',
      'Lower is better; held-out real images show the floor. Not Inception FID: compare only within this dataset.',
    ],
    digits: 2,
  },
  kernelDistance: {
    id: 'kernelDistance',
    label: 'Kernel distance (studio features)',
    better: 'lower',
    explanation: [
      'Like the Fréchet distance but with a polynomial kernel (unbiased MMD), so it is fairer with few samples.',
      'Lower is better, about 0 for real images (it can dip slightly below 0). Not Inception KID.',
    ],
    digits: 3,
  },
  precision: {
    id: 'precision',
    label: 'Precision (fidelity)',
    better: 'higher',
    explanation: [
      'Share of generated images that fall among real ones in feature space (Kynkäänniemi et al., 2019).',
      'Higher is better: low precision means many samples look unlike anything in the dataset.',
    ],
    digits: 2,
  },
  recall: {
    id: 'recall',
    label: 'Recall (variety)',
    better: 'higher',
    explanation: [
      'Share of real images that some generated image comes close to (Kynkäänniemi et al., 2019).',
      'Higher is better: low recall means the generator covers only part of the dataset; near 0 is mode collapse.',
    ],
    digits: 2,
  },
  diversity: {
    id: 'diversity',
    label: 'Sample spread',
    better: 'higher',
    explanation: [
      'Average feature distance between two generated images, divided by the same for two real images.',
      'About 1 is as varied as the data; a sharp fall towards 0 means the samples are turning into copies of each other.',
    ],
    digits: 2,
  },
  classCoverage: {
    id: 'classCoverage',
    label: 'Class coverage',
    better: 'higher',
    explanation: [
      'How much of the real class mix the samples reproduce, judged by the feature network (1 = the same mix).',
      'Higher is better: a drop means some classes are drawn rarely or never.',
    ],
    digits: 2,
  },
  conditionalAccuracy: {
    id: 'conditionalAccuracy',
    label: 'Class accuracy',
    better: 'higher',
    explanation: [
      'For conditional presets: how often asking for class k gives an image the feature network sees as class k.',
      'Higher is better; 1 / number of classes is chance, and real images show the ceiling.',
    ],
    digits: 2,
  },
};

/** The measure that picks the best checkpoint and drives early stopping unless another is chosen. */
export const DEFAULT_QUALITY_MEASURE: MeasureId = 'frechetDistance';

/** True when `a` is strictly better than `b` on `measure`. */
export const isBetter = (measure: MeasureId, a: number, b: number): boolean =>
  measures[measure].better === 'lower' ? a < b : a > b;

export const formatMeasure = (measure: MeasureId, value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(measures[measure].digits);

/**
 * The best checkpoint by `measure` among those that have it (the earliest on a tie), or undefined
 * when none was measured. The Runs screen and the CLI mark it.
 */
export function bestCheckpoint<C extends Pick<CheckpointInfo, 'quality'>>(checkpoints: readonly C[], measure: MeasureId = DEFAULT_QUALITY_MEASURE): C | undefined {
  let best: C | undefined;
  for (const c of checkpoints) {
    const value = c.quality?.[measure];
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!best || isBetter(measure, value, best.quality![measure]!)) best = c;
  }
  return best;
}

/** Training options of quality tracking; spread into trainOptionsSchema. */
export const qualityTrainOptions = {
  /** Measure each checkpoint (feature network trained or loaded once per run). Off makes runs start at once. */
  quality: z.boolean().default(true),
  /** The measure that picks the best checkpoint and drives early stopping. */
  qualityMeasure: z.enum(measureIds).default(DEFAULT_QUALITY_MEASURE),
  /** Stop when the measure has not improved for this many checkpoints in a row; off when left out. */
  earlyStopPatience: z.number().int().min(1).optional(),
};

export type FeatureNetKind = 'classifier' | 'autoencoder';

/** A mode-collapse warning about one checkpoint, in plain words. */
export interface QualityAlarm {
  kind: 'mode-collapse';
  /** 'collapsed': samples are nearly all alike now; 'dropping': variety fell sharply since an earlier checkpoint. */
  severity: 'collapsed' | 'dropping';
  checkpointId: string;
  step: number;
  /** One line, e.g. "Mode collapse: the samples are nearly all the same". */
  title: string;
  /** What was seen, with the numbers. */
  explanation: string;
  /** What to try, most useful first. */
  suggestions: string[];
  evidence: { measure: MeasureId; value: number; before?: number }[];
}

/** What the feature network is and how real images score with it at the run's sample size. */
export interface FeatureNetSummary {
  kind: FeatureNetKind;
  /** Share of held-out real images the classifier labels right (classifier only). */
  heldOutAccuracy?: number;
  /** Generated images drawn per checkpoint (and held-out real images scored for `real`). */
  sampleCount: number;
  referenceCount: number;
  /** Held-out real images measured exactly like a generator: the best a checkpoint can hope for. */
  real: QualityRecord;
}

/** Events of quality tracking; part of TrainingEvent. */
export type QualityEvent =
  | { type: 'feature-net'; state: 'training'; done: number; total: number; message: string }
  /** `seconds`: how long getting the network ready took in this run (loading from the cache is quick). */
  | ({ type: 'feature-net'; state: 'ready'; cached: boolean; seconds: number; message: string } & FeatureNetSummary)
  | { type: 'feature-net'; state: 'unavailable'; message: string }
  | { type: 'alarm'; alarm: QualityAlarm }
  /** The run's best checkpoint so far by `measure`; sent when it changes (and at the first measured checkpoint after a resume). */
  | { type: 'best-checkpoint'; measure: MeasureId; checkpointId: string; step: number; value: number }
  | {
      type: 'early-stop';
      step: number;
      measure: MeasureId;
      patience: number;
      best: { checkpointId: string; step: number; value: number };
      message: string;
    };

/** One checkpoint measured on demand (`gan-studio evaluate`, the Runs screen). */
export interface CheckpointEvaluation {
  runId: string;
  checkpoint: CheckpointInfo;
  preset: string;
  /** This checkpoint's measures at `sampleCount` samples and the given seed. */
  quality: QualityRecord;
  featureNet: FeatureNetSummary & { cached: boolean };
  /** Raised when this checkpoint looks collapsed, or lost much variety since earlier measured checkpoints of its run. */
  alarm?: QualityAlarm;
  /** The run's best checkpoint by `measure` among those with stored measures (this one's new measures included). */
  best?: { checkpointId: string; step: number; value: number };
  measure: MeasureId;
  seed: number;
  /** True when the measures were written into the checkpoint's checkpoint.json. */
  saved: boolean;
  seconds: number;
}

export const RUN_QUALITY_FORMAT = 'gan-studio/run-quality';
export const RUN_QUALITY_VERSION = 1;

/** runs/<id>/quality.json: the run's quality summary for the Runs screen, rewritten after each measured checkpoint. */
export interface RunQualityFile extends FeatureNetSummary {
  format: typeof RUN_QUALITY_FORMAT;
  version: number;
  measure: MeasureId;
  best?: { checkpointId: string; step: number; value: number };
  alarms: QualityAlarm[];
}

// Measures are keyed by name loosely, so a file with a measure this version does not know still reads.
const qualityRecordSchema = z.record(z.string(), z.number());
const bestSchema = z.object({ checkpointId: z.string(), step: z.number().int(), value: z.number() });

export const runQualityFileSchema: z.ZodType<RunQualityFile> = z.object({
  format: z.literal(RUN_QUALITY_FORMAT),
  version: z.number().int(),
  measure: z.enum(measureIds),
  kind: z.enum(['classifier', 'autoencoder']),
  heldOutAccuracy: z.number().optional(),
  sampleCount: z.number().int(),
  referenceCount: z.number().int(),
  real: qualityRecordSchema,
  best: bestSchema.optional(),
  alarms: z.array(
    z.object({
      kind: z.literal('mode-collapse'),
      severity: z.enum(['collapsed', 'dropping']),
      checkpointId: z.string(),
      step: z.number().int(),
      title: z.string(),
      explanation: z.string(),
      suggestions: z.array(z.string()),
      evidence: z.array(z.object({ measure: z.enum(measureIds), value: z.number(), before: z.number().optional() })),
    }),
  ),
});
