import { bestCheckpoint, type MeasureId } from '../../../shared/quality.js';
import type { MeasuredCheckpoint } from './collapseAlarm.js';

/**
 * Early stopping: due when `patience` measured checkpoints in a row came after the best one by
 * `measure` without beating it. Returns the best checkpoint when due.
 */
export function earlyStopDue(checkpoints: readonly MeasuredCheckpoint[], measure: MeasureId, patience: number): (MeasuredCheckpoint & { value: number }) | undefined {
  const measured = checkpoints.filter((c) => c.quality?.[measure] !== undefined);
  const best = bestCheckpoint(measured, measure);
  if (!best) return undefined;
  const since = measured.filter((c) => c.step > best.step).length;
  return since >= patience ? { ...best, value: best.quality![measure]! } : undefined;
}
