import { formatMeasure, type MeasureId, type QualityAlarm, type QualityRecord } from '../../../shared/quality.js';

/**
 * Below this share of the real images' spread, samples are close to copies of each other. An
 * untrained generator and the blurry blobs of the first epochs sit around 0.2, so the line is
 * drawn lower: those are not collapse, and a fall from a healthier spread is caught as a drop.
 */
export const COLLAPSED_SPREAD = 0.1;
/** A fall to this share of the best value seen earlier in the run counts as sharp. */
const SHARP_DROP = 0.5;
/** Earlier values below these were never healthy enough for a fall from them to mean much. */
const MIN_EARLIER_RECALL = 0.2;
const MIN_EARLIER_SPREAD = 0.5;

export interface MeasuredCheckpoint {
  id: string;
  step: number;
  quality?: QualityRecord;
}

/**
 * Watches variety (sample spread and recall) for mode collapse: the generator drawing the same
 * few images whatever the noise. Raised when the samples are nearly all alike now, or when
 * variety fell sharply since an earlier checkpoint of the run. The untrained generator (step 0)
 * is never judged.
 */
export function collapseAlarm(earlier: readonly MeasuredCheckpoint[], current: MeasuredCheckpoint): QualityAlarm | undefined {
  const q = current.quality;
  if (!q || current.step === 0 || q.diversity === undefined || q.recall === undefined) return undefined;
  const trained = earlier.filter((c) => c.step > 0 && c.step < current.step && c.quality);
  const peak = (m: MeasureId) => trained.reduce<MeasuredCheckpoint | undefined>((best, c) => ((c.quality![m] ?? -Infinity) > (best?.quality![m] ?? -Infinity) ? c : best), undefined);
  const evidence: QualityAlarm['evidence'] = [];
  const fell = (m: 'recall' | 'diversity', floor: number): boolean => {
    const before = peak(m);
    const then = before?.quality?.[m];
    if (then === undefined || then < floor || q[m]! >= then * SHARP_DROP) return false;
    evidence.push({ measure: m, value: q[m]!, before: then });
    return true;
  };
  const collapsed = q.diversity < COLLAPSED_SPREAD;
  const recallFell = fell('recall', MIN_EARLIER_RECALL);
  const spreadFell = fell('diversity', MIN_EARLIER_SPREAD);
  if (!collapsed && !recallFell && !spreadFell) return undefined;
  for (const m of ['diversity', 'recall'] as const) if (!evidence.some((e) => e.measure === m)) evidence.push({ measure: m, value: q[m]! });
  if (q.classCoverage !== undefined) evidence.push({ measure: 'classCoverage', value: q.classCoverage });

  const figures = evidence
    .map((e) => `${e.measure === 'diversity' ? 'sample spread' : e.measure === 'classCoverage' ? 'class coverage' : 'recall'} ${e.before !== undefined ? `${formatMeasure(e.measure, e.before)} -> ` : ''}${formatMeasure(e.measure, e.value)}`)
    .join(', ');
  const best = peak('recall') ?? peak('diversity');
  return {
    kind: 'mode-collapse',
    severity: collapsed ? 'collapsed' : 'dropping',
    checkpointId: current.id,
    step: current.step,
    title: collapsed ? 'Mode collapse: the samples are nearly all alike' : 'Variety is dropping: the generator may be collapsing',
    explanation: collapsed
      ? `At step ${current.step} different noise gives nearly the same images (${figures}; real images have spread 1). The generator has found a few pictures that fool the discriminator and draws little else.`
      : `Since step ${best?.step ?? 0} the generator covers less and less of the dataset (${figures}). Left alone this often ends in full mode collapse.`,
    suggestions: [
      best ? `Resume from ${best.id} (before the drop) with lower learning rates, e.g. half of learningRateG and learningRateD.` : 'Train again with lower learning rates, e.g. half of learningRateG and learningRateD.',
      'Add one-sided label smoothing (labelSmoothing 0.1) so the discriminator is less sure of itself.',
      'Use a larger batch size: each update then sees more of the variety in the data.',
      'For labelled data, a conditional preset (cgan, cdcgan) keeps every class in play.',
    ],
    evidence,
  };
}
