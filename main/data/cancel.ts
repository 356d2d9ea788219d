/**
 * Cancellation for long data jobs. Callers tell a cancel from a failure by `error.name === 'AbortError'`,
 * whatever reason the AbortController was given, so the error is made here rather than rethrowing the reason.
 */
export function cancelledError(what: string, reason?: unknown): Error {
  const error = new Error(`${what} was cancelled`, reason === undefined ? undefined : { cause: reason });
  error.name = 'AbortError';
  return error;
}

export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelledError(what, signal.reason);
}
