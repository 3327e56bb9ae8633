/**
 * Failure kinds the consume path tells apart: a poison record (its bytes can never be handled, so retrying
 * is pointless: dead-letter it at once) versus an ordinary failure of the handler (retry, then
 * dead-letter). Infrastructure outages are neither; they are waited out (see `infra-retry.ts`).
 */

export class PoisonRecordError extends Error {
  override name = 'PoisonRecordError';
  /** A short machine-readable reason such as NOT_JSON or MISSING_FIELD. */
  readonly reason: string;
  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** The consumer is stopping or lost the partition: stop handling without an outcome. */
export class HandlingAbortedError extends Error {
  override name = 'HandlingAbortedError';
}

export function isAbort(error: unknown): boolean {
  return error instanceof HandlingAbortedError;
}

/** Resolves after `ms`, or rejects with HandlingAbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HandlingAbortedError('aborted'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new HandlingAbortedError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
