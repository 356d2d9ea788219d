/**
 * Runs `work` on each item with at most `limit` calls in flight and yields the results in the items' order.
 *
 * Decoding is done by libvips on its own threads, so keeping several files in flight is what keeps both cores
 * busy; yielding in order is what keeps the dataset's image order independent of which decode finishes first.
 * Memory stays bounded: a new item starts only when the oldest one's result has been taken.
 */
export async function* mapInOrder<T, R>(
  items: Iterable<T>,
  limit: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const source = items[Symbol.iterator]();
  const inFlight: Promise<R>[] = [];
  const fill = (): void => {
    while (inFlight.length < limit) {
      const next = source.next();
      if (next.done) return;
      const started = work(next.value);
      // A rejection is observed when its turn comes; until then it must not count as unhandled.
      started.catch(() => undefined);
      inFlight.push(started);
    }
  };
  try {
    fill();
    while (inFlight.length > 0) {
      const result = await inFlight[0];
      inFlight.shift();
      fill();
      yield result;
    }
  } finally {
    // On cancel or failure, let the work already started finish before the caller cleans up after it.
    await Promise.allSettled(inFlight);
  }
}
