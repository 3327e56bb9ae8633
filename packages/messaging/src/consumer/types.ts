import type { MaybePromise } from './maybe-async.ts';

/**
 * The record shape the consume path works with, independent of the Kafka client library, and the
 * outcome every handler reports.
 */

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Milliseconds since the epoch, as the broker or producer stamped it. */
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Every header in record order (a name may repeat). */
  readonly headers: ReadonlyArray<readonly [string, Buffer]>;
  /**
   * The consuming service's own per-record work, kept with the record while it lives (notification-service
   * keeps the decoded event here: the lookahead reads its eventId, then the handler its fields).
   */
  memo?: unknown;
}

/** The last value of a header, as Spring and the Java client read it, or undefined. */
export function lastHeader(record: Pick<ConsumedRecord, 'headers'>, name: string): Buffer | undefined {
  for (let index = record.headers.length - 1; index >= 0; index--) {
    const entry = record.headers[index]!;
    if (entry[0] === name) return entry[1];
  }
  return undefined;
}

/** How the handling of one record ended; every record ends in exactly one of these. */
export type OutcomeStatus = 'SENT' | 'DUPLICATE' | 'DEAD_LETTERED' | 'LOGGED';

export interface Outcome {
  status: OutcomeStatus;
  detail: string;
  /** The event's id when the record could be decoded. */
  eventId?: string | undefined;
  /** Further identifying fields for the record's log line, e.g. `{ orderId }`. */
  context?: Record<string, string> | undefined;
}

/**
 * Handles one record to its end; throwing (or rejecting) means this attempt failed. A handler that
 * finished synchronously returns the outcome itself rather than a promise of it (see `maybe-async.ts`).
 */
export type RecordHandler = (record: ConsumedRecord, signal: AbortSignal) => MaybePromise<Outcome>;

/** Wraps a handler with one concern (retry, timeout, dead-lettering, ...). */
export type Middleware = (next: RecordHandler) => RecordHandler;

export function compose(handler: RecordHandler, ...outermostFirst: Middleware[]): RecordHandler {
  return outermostFirst.reduceRight((next, middleware) => middleware(next), handler);
}
