import { formatMeasure, type QualityAlarm, type QualityRecord } from '../../../shared/quality.js';
import { augments, type AugmentMode, type GanLoss } from '../../../shared/recipes.js';

/**
 * Below this share of the real images' spread, samples are close to copies of each other. An
 * untrained generator and the blurry blobs of the first epochs sit around 0.2, so the line is
 * drawn lower: those are not collapse, and a fall from a healthier spread is caught as a drop.
 */
export const COLLAPSED_SPREAD = 0.1;
/** Recall at or below this covers next to none of the real images. */
const NO_RECALL = 0.05;
/** With no recall, a spread below this (half the real images') means the samples are few kinds of image. */
const NARROW_SPREAD = 0.5;
/** How many checkpoints in a row a sign must hold before it is called collapse: one bad checkpoint is noise. */
export const SUSTAINED = 3;
/**
 * The warm-up: the first trained checkpoints of a run and its first steps are never judged. Every
 * GAN starts with blobs of no variety and recall 0; that is not collapse.
 */
export const WARMUP_CHECKPOINTS = 3;
export const WARMUP_STEPS = 200;
/** Over SUSTAINED checkpoints a Fréchet distance that fell below this share of where it was is learning, not stuck. */
const IMPROVING = 0.9;
/** A fall in spread counts when it keeps falling for SUSTAINED checkpoints and ends below this share of its best. */
const FALLEN_SPREAD = 0.6;

export interface MeasuredCheckpoint {
  id: string;
  step: number;
  quality?: QualityRecord;
}

/** What the alarm knows of the run, to give advice that fits it. */
export interface AlarmContext {
  conditional: boolean;
  /** The dataset has classes (a conditional preset could be used). */
  labelled: boolean;
  datasetSize: number;
  params: { loss: GanLoss; emaDecay: number; augment: AugmentMode; spectralNorm: boolean; labelSmoothing: number; learningRateG: number; learningRateD: number; batchSize: number };
}

/** A checkpoint covers the data: some recall, or samples varied enough that recall may yet come. */
const healthy = (q: QualityRecord | undefined): boolean => q !== undefined && ((q.recall ?? 0) > NO_RECALL || (q.diversity ?? 0) >= NARROW_SPREAD);

/**
 * Watches variety (sample spread and recall) for mode collapse: the generator drawing the same
 * few images whatever the noise. After the warm-up, raised when for SUSTAINED checkpoints in a row
 * the samples are nearly all alike, or recall stays near 0 with a narrow spread, or the spread
 * keeps falling. The advice fits the run, and "resume from" names a healthy checkpoint before the drop.
 */
export function collapseAlarm(earlier: readonly MeasuredCheckpoint[], current: MeasuredCheckpoint, context?: AlarmContext): QualityAlarm | undefined {
  const q = current.quality;
  if (!q || q.diversity === undefined || q.recall === undefined) return undefined;
  const trained = [...earlier.filter((c) => c.step > 0 && c.step < current.step && c.quality), current].sort((a, b) => a.step - b.step);
  if (current.step < WARMUP_STEPS || trained.length <= WARMUP_CHECKPOINTS) return undefined;
  const recent = trained.slice(-SUSTAINED).map((c) => c.quality!);
  if (recent.length < SUSTAINED) return undefined;
  const spread = recent.map((r) => r.diversity ?? Infinity);
  const alike = spread.every((d) => d < COLLAPSED_SPREAD);
  // A generator still finding its feet also has no recall yet; it is told apart by getting better.
  const distances = recent.map((r) => r.frechetDistance);
  const improving = (distances.every((d) => d !== undefined) && distances.at(-1)! < distances[0]! * IMPROVING) || spread.at(-1)! > spread[0] + 0.05;
  const noRecall = !improving && recent.every((r) => (r.recall ?? 1) <= NO_RECALL && (r.diversity ?? 1) < NARROW_SPREAD);
  const peakSpread = Math.max(...trained.map((c) => c.quality!.diversity ?? 0));
  const falling = spread.every((d, i) => i === 0 || d < spread[i - 1]) && spread.at(-1)! < peakSpread * FALLEN_SPREAD;
  if (!alike && !noRecall && !falling) return undefined;

  const start = trained[trained.length - SUSTAINED];
  const before = [...trained.filter((c) => c.step < start.step && healthy(c.quality))].sort((a, b) => (b.quality!.recall ?? 0) - (a.quality!.recall ?? 0) || (b.quality!.diversity ?? 0) - (a.quality!.diversity ?? 0))[0];
  const evidence: QualityAlarm['evidence'] = [
    { measure: 'diversity', value: q.diversity, before: before?.quality?.diversity },
    { measure: 'recall', value: q.recall, before: before?.quality?.recall },
  ];
  if (q.classCoverage !== undefined) evidence.push({ measure: 'classCoverage', value: q.classCoverage });
  const figures = evidence
    .map((e) => `${e.measure === 'diversity' ? 'sample spread' : e.measure === 'classCoverage' ? 'class coverage' : 'recall'} ${e.before !== undefined ? `${formatMeasure(e.measure, e.before)} -> ` : ''}${formatMeasure(e.measure, e.value)}`)
    .join(', ');
  const since = `the last ${SUSTAINED} checkpoints (steps ${trained.slice(-SUSTAINED).map((c) => c.step).join(', ')})`;
  const severity = alike || noRecall ? 'collapsed' : 'dropping';
  return {
    kind: 'mode-collapse',
    severity,
    checkpointId: current.id,
    step: current.step,
    title: alike ? 'Mode collapse: the samples are nearly all alike' : noRecall ? 'Mode collapse: the samples cover almost none of the real images' : 'Variety keeps dropping: the generator may be collapsing',
    explanation:
      (alike
        ? `For ${since} different noise gives nearly the same images (${figures}; real images have spread 1). The generator has found a few pictures that fool the discriminator and draws little else.`
        : noRecall
          ? `For ${since} the samples have covered next to none of the real images (${figures}; real images have recall near 1 and spread 1).`
          : `Over ${since} the samples have grown less varied each time (${figures}). Left alone this often ends in full mode collapse.`) +
      ` (Checks start after a warm-up of ${WARMUP_CHECKPOINTS} checkpoints and ${WARMUP_STEPS} steps.)`,
    suggestions: advice(before, context),
    evidence,
  };
}

/** What to try, most useful first, for this run's recipe and data. */
function advice(before: MeasuredCheckpoint | undefined, context: AlarmContext | undefined): string[] {
  const tips: string[] = [];
  const p = context?.params;
  const lower = p ? ` (learningRateG ${p.learningRateG / 2}, learningRateD ${p.learningRateD / 2})` : ', e.g. half of learningRateG and learningRateD';
  tips.push(before ? `Resume from ${before.id} (step ${before.step}, the last healthy checkpoint before the drop) with lower learning rates${lower}.` : `No checkpoint of this run was healthy yet: start again with lower learning rates${lower} or the changes below.`);
  if (context && p) {
    if (!augments(p.augment, context.datasetSize)) tips.push(`Turn on DiffAugment (augment "on"): with ${context.datasetSize.toLocaleString('en-US')} images the discriminator can learn the real images by heart.`);
    if (p.emaDecay === 0) tips.push('Turn on the moving average of G (emaDecay 0.999): averaged weights draw more varied and cleaner samples.');
    if (p.loss === 'bce' || p.loss === 'lsgan') tips.push('Try the hinge loss with spectral norm in D (loss "hinge", spectralNorm on): D cannot overpower G as easily.');
    else if (!p.spectralNorm && p.loss === 'hinge') tips.push('Turn on spectral norm in D (spectralNorm on): it keeps D from overpowering G.');
    if ((p.loss === 'bce' || p.loss === 'lsgan') && p.labelSmoothing === 0) tips.push('Add one-sided label smoothing (labelSmoothing 0.1) so the discriminator is less sure of itself.');
    if (p.batchSize < 128) tips.push(`Use a larger batch (batchSize ${p.batchSize * 2}): each update then sees more of the variety in the data.`);
    if (context.labelled && !context.conditional) tips.push('Your images have classes: a conditional preset (cgan, cdcgan) keeps every class in play.');
  } else {
    tips.push('Add one-sided label smoothing (labelSmoothing 0.1), or try the hinge loss with spectral norm in D.');
  }
  return tips;
}

/** The alarm's view of a run: its preset, params and dataset. */
export function alarmContext(conditional: boolean, params: AlarmContext['params'], dataset: { count: number; classes: readonly string[] }): AlarmContext {
  return { conditional, labelled: dataset.classes.length > 1, datasetSize: dataset.count, params };
}
