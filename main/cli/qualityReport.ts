import { formatMeasure, measures, type QualityEvent, type QualityRecord } from '../../shared/quality.js';
import type { TrainingEvent } from '../../shared/training.js';
import { ProgressBar } from './progressBar.js';

/**
 * What `gan-studio train` prints about quality: the feature network's progress, mode-collapse
 * alarms and early stops as they happen, and the best checkpoint at the end.
 */
export function qualityReporter() {
  let bar: ProgressBar | null = null;
  let real: QualityRecord | undefined;
  let best: Extract<QualityEvent, { type: 'best-checkpoint' }> | undefined;
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
        case 'best-checkpoint':
          best = event;
          break;
        case 'alarm':
          console.warn(['', `! ${event.alarm.title}`, `  ${event.alarm.explanation}`, ...event.alarm.suggestions.map((s) => `  - ${s}`)].join('\n'));
          break;
        case 'early-stop':
          console.log(`\n${event.message}`);
          break;
      }
    },
    /** "Best checkpoint by ..." over the whole run (earlier sessions included), or undefined when nothing was measured. */
    bestLine(): string | undefined {
      if (!best) return undefined;
      const floor = real?.[best.measure] === undefined ? '' : `; held-out real images score ${formatMeasure(best.measure, real[best.measure])}`;
      return `Best checkpoint by ${measures[best.measure].label}: ${best.checkpointId} (step ${best.step}, ${formatMeasure(best.measure, best.value)}${floor})`;
    },
  };
}
