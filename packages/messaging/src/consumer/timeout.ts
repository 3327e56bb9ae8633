/**
 * Bounds every handler attempt: a send that hangs must not hold its partition forever. The attempt's
 * signal is aborted when the time is up, so a well-behaved handler also stops its I/O.
 */
import type { MaybePromise } from './maybe-async.ts';
import type { Middleware } from './types.ts';

export class HandlerTimeoutError extends Error {
  override name = 'HandlerTimeoutError';
}

export function timeout(ms: number): Middleware {
  return (next) => (record, signal) => withinTimeout(ms, signal, (attempt) => next(record, attempt));
}

/**
 * Runs `run` with a signal of its own that aborts when `ms` have passed (or when `signal` aborts); rejects
 * with HandlerTimeoutError when the time is up, whatever `run` does then.
 */
export async function withinTimeout<T>(
  ms: number,
  signal: AbortSignal,
  run: (signal: AbortSignal) => MaybePromise<T>,
  what = 'handler',
): Promise<T> {
  const attempt = new AbortController();
  const onAbort = () => attempt.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HandlerTimeoutError(`${what} did not finish within ${ms} ms`);
      attempt.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([run(attempt.signal), expired]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
