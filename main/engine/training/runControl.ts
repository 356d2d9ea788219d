import type { AdviceView, ManualStep } from '../../../shared/training.js';

/** What the caller can do to a run while it trains; checked between steps (and while the feature network trains). */
export interface RunControl {
  readonly paused: boolean;
  readonly stopRequested: boolean;
  /** What the advice view shows; D's gradients are computed only when it is not 'off'. */
  readonly advice: AdviceView;
  /** Resolves when the run is no longer paused, a stop was requested, or a step was asked for. */
  untilResumed(): Promise<void>;
  /** The next step asked for by hand while paused, taken off the queue; undefined when none. */
  takeManualStep(): ManualStep | undefined;
}

export const alwaysRunning: RunControl = { paused: false, stopRequested: false, advice: 'off', untilResumed: async () => {}, takeManualStep: () => undefined };
