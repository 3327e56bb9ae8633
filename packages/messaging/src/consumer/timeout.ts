/**
 * Bounds every handler attempt: a send that hangs must not hold its partition forever. The attempt's
 * signal is aborted when the time is up, so a well-behaved handler also stops its I/O.
 */
import type { Middleware } from './types.ts';

export class HandlerTimeoutError extends Error {
  override name = 'HandlerTimeoutError';
}

export function timeout(ms: number): Middleware {
  return (next) => async (record, signal) => {
    const attempt = new AbortController();
    const onAbort = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HandlerTimeoutError(`handler did not finish within ${ms} ms`);
        attempt.abort(error);
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([next(record, attempt.signal), expired]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  };
}
