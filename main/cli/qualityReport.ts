import { bestCheckpoint, DEFAULT_QUALITY_MEASURE, formatMeasure, measures, type MeasureId, type QualityRecord } from '../../shared/quality.js';
import type { CheckpointInfo, TrainingEvent } from '../../shared/training.js';
import { ProgressBar } from './progressBar.js';

/**
 * What `gan-studio train` prints about quality: the feature network's progress, mode-collapse
 * alarms and early stops as they happen, and the best checkpoint at the end.
 */
export function qualityReporter(measure: MeasureId = DEFAULT_QUALITY_MEASURE) {
  let bar: ProgressBar | null = null;
  let real: QualityRecord | undefined;
  const checkpoints: CheckpointInfo[] = [];
  return {
    onEvent(event: TrainingEvent): void {
      switch (event.type) {
        case 'feature-net':
          if (event.state === 'training') {
            bar ??= new ProgressBar('Feature network', 'steps');
            bar.update(event.done, event.total);
            break;
          }
          bar?.done();
          bar = null;
          if (event.state === 'ready') real = event.real;
          console.log(event.state === 'ready' ? event.message : `Quality measures off: ${event.message}`);
          break;
        case 'checkpoint':
          checkpoints.push(event.checkpoint);
          break;
        case 'alarm':
          console.warn(['', `! ${event.alarm.title}`, `  ${event.alarm.explanation}`, ...event.alarm.suggestions.map((s) => `  - ${s}`)].join('\n'));
          break;
        case 'early-stop':
          console.log(`\n${event.message}`);
          break;
      }
    },
    /** "Best checkpoint by ...", or undefined when no checkpoint was measured in this session. */
    bestLine(): string | undefined {
      const best = bestCheckpoint(checkpoints, measure);
      if (!best) return undefined;
      const value = formatMeasure(measure, best.quality![measure]);
      const floor = real?.[measure] === undefined ? '' : `; held-out real images score ${formatMeasure(measure, real[measure])}`;
      return `Best checkpoint by ${measures[measure].label}: ${best.id} (step ${best.step}, ${value}${floor})`;
    },
  };
}
