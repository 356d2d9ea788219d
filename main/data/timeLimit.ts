import { cancelledError } from './cancel.js';

/**
 * `work`'s result, or `onTimeout()` once `ms` have passed, or an AbortError as soon as `signal`
 * aborts: whichever comes first. The work itself cannot be interrupted (a read stuck on a stalled
 * network drive holds its thread), but no caller ever waits on it past the limit or a cancel.
 */
export function settleWithin<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, onTimeout: () => T): Promise<T> {
  if (signal?.aborted) return Promise.reject(cancelledError('Import', signal.reason));
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(cancelledError('Import', signal?.reason));
    };
    const timer = setTimeout(() => {
      done();
      resolve(onTimeout());
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
