/**
 * Retry with a fixed back-off, like Spring Kafka's `DefaultErrorHandler(new FixedBackOff(2000, 3))`:
 * a failing record is tried again `maxRetries` times, `backoffMs` apart, blocking only its own
 * partition. Poison records skip the retries (they would fail the same way every time).
 */
import { isAbort, PoisonRecordError, sleep } from './errors.ts';
import { tryStep } from './maybe-async.ts';
import type { ConsumedRecord, Middleware, Outcome } from './types.ts';

export interface RetryOptions {
  /** Pause between two attempts. */
  backoffMs: number;
  /** Attempts after the first one. */
  maxRetries: number;
  /** Told about each failed attempt (logging, metrics); `willRetry` is false for the last one. */
  onAttemptFailed?: (record: ConsumedRecord, error: unknown, attempt: number, willRetry: boolean) => void;
}

/** Errors that must not be retried here: they bypass this middleware untouched. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof PoisonRecordError) && !isAbort(error) && !isOutage(error);
}

/** An outage of a dependency (Redis, the broker): waited out by the lane, never counted as an attempt. */
export class OutageError extends Error {
  override name = 'OutageError';
  readonly component: string;
  constructor(component: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.component = component;
  }
}

export function isOutage(error: unknown): error is OutageError {
  return error instanceof OutageError;
}

export function retry(options: RetryOptions): Middleware {
  return (next) => {
    const retrying = async (
      record: ConsumedRecord,
      signal: AbortSignal,
      error: unknown,
    ): Promise<Outcome> => {
      for (let attempt = 1; ; attempt++) {
        const willRetry = isRetryable(error) && attempt <= options.maxRetries;
        if (isRetryable(error)) options.onAttemptFailed?.(record, error, attempt, willRetry);
        if (!willRetry) throw error;
        await sleep(options.backoffMs, signal);
        try {
          return await next(record, signal);
        } catch (failure) {
          error = failure;
        }
      }
    };
    // The first attempt runs as it comes, synchronously when the handler finishes so.
    return (record, signal) => tryStep(next, record, signal, retrying);
  };
}
