import { measureIds, type MeasureId, type QualityRecord } from './quality.js';
import type { CheckpointInfo } from './checkpoint.js';

/** One checkpoint's measures as a chart point: the step, then each measure it has. */
export type QualityPoint = { step: number } & QualityRecord;

/**
 * The measured checkpoints as chart points in step order. Checkpoints without measures are left
 * out (a run trained with quality off, one not measured yet) rather than drawn as zeros, which
 * would read as a perfect Fréchet distance.
 */
export function qualityPoints(checkpoints: readonly Pick<CheckpointInfo, 'step' | 'quality'>[]): QualityPoint[] {
  const points: QualityPoint[] = [];
  for (const c of checkpoints) {
    const point: QualityPoint = { step: c.step };
    for (const id of measureIds) {
      const value = c.quality?.[id];
      if (value !== undefined && Number.isFinite(value)) point[id] = value;
    }
    if (Object.keys(point).length > 1) points.push(point);
  }
  return points.sort((a, b) => a.step - b.step);
}

/** The measures any of `points` has, in the order of shared/quality.ts, so a chart or table offers only those. */
export const measuresPresent = (points: readonly QualityRecord[]): MeasureId[] => measureIds.filter((id) => points.some((p) => p[id] !== undefined));
