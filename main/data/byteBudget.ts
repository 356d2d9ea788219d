import { cancelledError } from './cancel.js';

/**
 * Bounds the memory an import holds at once: each file takes its size (and its decoded size) from
 * the budget before it is read, and gives it back once decoded. Takers wait in order, so a large
 * file is not starved by small ones; one larger than the whole budget runs alone.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];
  /** The most bytes held at once so far (for benchmarks and tests). */
  peak = 0;

  constructor(readonly limit: number) {}

  /** Resolves with the function that gives the bytes back; rejects with an AbortError if cancelled while waiting. */
  take(bytes: number, signal?: AbortSignal): Promise<() => void> {
    const wanted = Math.max(0, Math.min(bytes, this.limit));
    if (signal?.aborted) return Promise.reject(cancelledError('Import', signal.reason));
    if (this.waiting.length === 0 && this.used + wanted <= this.limit) return Promise.resolve(this.grant(wanted));
    return new Promise((resolve, reject) => {
      const entry = {
        bytes: wanted,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.grant(wanted));
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(cancelledError('Import', signal?.reason));
        this.drain();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  get inUse(): number {
    return this.used;
  }

  private grant(bytes: number): () => void {
    this.used += bytes;
    this.peak = Math.max(this.peak, this.used);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.used -= bytes;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].bytes <= this.limit) this.waiting.shift()!.grant();
  }
}
