/**
 * Wraps a call the explorer makes as a slider moves: while one call is in flight, later ones are
 * not sent but remembered, and only the newest of them runs next. The tensor worker draws one thing
 * at a time, so this keeps it drawing what the slider shows now, not a backlog of where it was.
 */
export function latestOnly<A, T>(work: (args: A) => Promise<T | null>, apply: (value: T, args: A) => void): (args: A) => void {
  let running = false;
  let queued: { args: A } | null = null;
  const run = async (args: A): Promise<void> => {
    if (running) {
      queued = { args };
      return;
    }
    running = true;
    try {
      const value = await work(args);
      if (value !== null && !queued) apply(value, args);
    } finally {
      running = false;
    }
    const next = queued as { args: A } | null;
    queued = null;
    if (next) await run(next.args);
  };
  return (args) => void run(args);
}
