/** What the caller can do to a run while it trains; checked between steps (and while the feature network trains). */
export interface RunControl {
  readonly paused: boolean;
  readonly stopRequested: boolean;
  /** Resolves when the run is no longer paused (or a stop was requested). */
  untilResumed(): Promise<void>;
}

export const alwaysRunning: RunControl = { paused: false, stopRequested: false, untilResumed: async () => {} };
