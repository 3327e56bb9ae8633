/**
 * Dead-lettering, compatible with Spring Kafka's `DeadLetterPublishingRecoverer`: a record whose
 * handling failed for good is published to `<topic>.dlq` on the same partition number, with the
 * original key and value bytes, the original headers, and the `kafka_dlt-*` headers Spring writes
 * (integers big-endian), so tools written for the Java DLQ read ours.
 */
import type { KafkaPublisher } from '../publisher.ts';
import { isAbort } from './errors.ts';
import { tryStep } from './maybe-async.ts';
import { type OutageTracker, waitOut } from './outage.ts';
import { isOutage } from './retry.ts';
import type { ConsumedRecord, Middleware, Outcome } from './types.ts';

export const DltHeaders = {
  exceptionFqcn: 'kafka_dlt-exception-fqcn',
  exceptionCauseFqcn: 'kafka_dlt-exception-cause-fqcn',
  exceptionMessage: 'kafka_dlt-exception-message',
  exceptionStacktrace: 'kafka_dlt-exception-stacktrace',
  originalTopic: 'kafka_dlt-original-topic',
  originalPartition: 'kafka_dlt-original-partition',
  originalOffset: 'kafka_dlt-original-offset',
  originalTimestamp: 'kafka_dlt-original-timestamp',
  originalTimestampType: 'kafka_dlt-original-timestamp-type',
  originalConsumerGroup: 'kafka_dlt-original-consumer-group',
} as const;

/** Our own additions: why the record was dead-lettered (a short code) and after how many attempts. */
export const DeadLetterReasonHeader = 'x-dlt-reason';

/** Set (to the original value's size) when the broker refused the value and the dead letter carries none. */
export const DeadLetterValueOmittedHeader = 'x-dlt-value-omitted-bytes';

export interface DeadLetterOptions {
  publisher: Pick<KafkaPublisher, 'send'>;
  consumerGroup: string;
  dlqTopicOf: (topic: string) => string;
  tracker?: OutageTracker;
  /** Told after the dead letter was stored. */
  onDeadLettered?: (record: ConsumedRecord, error: Error, dlqTopic: string) => void;
}

export function deadLetter(options: DeadLetterOptions): Middleware {
  /** A record whose handling failed for good becomes a dead letter; waits out a broker outage. */
  const recover = async (record: ConsumedRecord, signal: AbortSignal, failure: unknown): Promise<Outcome> => {
    if (isAbort(failure) || isOutage(failure)) throw failure;
    const error = failure instanceof Error ? failure : new Error(String(failure));
    const topic = options.dlqTopicOf(record.topic);
    const headers = deadLetterHeaders(record, error, options.consumerGroup);
    const publish = (value: Buffer | null, extra: Array<[string, Buffer]> = []) =>
      options.publisher.send({
        topic,
        partition: record.partition,
        key: record.key,
        value,
        headers: [...headers, ...extra],
      });
    await waitOut(
      async () => {
        try {
          await publish(record.value);
        } catch (publishError) {
          if (!isRefusedRecord(publishError)) throw publishError;
          // The broker will never take this dead letter (e.g. the value plus our headers is over its
          // size limit): store the coordinates and the reason without the value, so the partition moves on.
          const size = Buffer.from(String(record.value?.length ?? 0), 'utf8');
          await publish(null, [[DeadLetterValueOmittedHeader, size]]);
        }
      },
      { component: `kafka:${topic}`, tracker: options.tracker, signal },
    );
    options.onDeadLettered?.(record, error, topic);
    return {
      status: 'DEAD_LETTERED' as const,
      detail: `${error.name}: ${error.message}`,
      eventId: (error as { eventId?: string }).eventId,
    };
  };
  return (next) => (record, signal) => tryStep(next, record, signal, recover);
}

/**
 * The original headers, in order and with repeated names kept (minus `kafka_dlt-*` ones of an earlier
 * dead-lettering), followed by Spring's `kafka_dlt-*` headers and our reason.
 */
export function deadLetterHeaders(
  record: ConsumedRecord,
  error: Error,
  consumerGroup: string,
): Array<[string, Buffer]> {
  const headers: Array<[string, Buffer]> = [];
  for (const [name, value] of record.headers) {
    if (!name.startsWith('kafka_dlt-')) headers.push([name, value]);
  }
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  headers.push([DltHeaders.exceptionFqcn, utf8(error.name)]);
  const cause = error.cause;
  if (cause instanceof Error) headers.push([DltHeaders.exceptionCauseFqcn, utf8(cause.name)]);
  headers.push([DltHeaders.exceptionMessage, utf8(error.message)]);
  headers.push([DltHeaders.exceptionStacktrace, utf8(error.stack ?? `${error.name}: ${error.message}`)]);
  headers.push([DltHeaders.originalTopic, utf8(record.topic)]);
  headers.push([DltHeaders.originalPartition, int32(record.partition)]);
  headers.push([DltHeaders.originalOffset, int64(record.offset)]);
  headers.push([DltHeaders.originalTimestamp, int64(record.timestamp)]);
  headers.push([DltHeaders.originalTimestampType, utf8('CreateTime')]);
  headers.push([DltHeaders.originalConsumerGroup, utf8(consumerGroup)]);
  headers.push([DeadLetterReasonHeader, utf8((error as { reason?: string }).reason ?? 'HANDLER_FAILED')]);
  return headers;
}

/** Broker error codes that refuse the record itself: sending it again cannot work. */
const refusedRecordErrors = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

function isRefusedRecord(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  const candidate = error as { apiId?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.apiId === 'string' && refusedRecordErrors.has(candidate.apiId)) return true;
  if (Array.isArray(candidate.errors) && candidate.errors.some((inner) => isRefusedRecord(inner, depth + 1)))
    return true;
  return isRefusedRecord(candidate.cause, depth + 1);
}

/** The original coordinates from a dead letter's headers, whoever wrote it (Spring or us). */
export function readDeadLetterHeaders(record: Pick<ConsumedRecord, 'headers'>) {
  const last = (name: string) => {
    let found: Buffer | undefined;
    for (const [key, value] of record.headers) if (key === name) found = value;
    return found;
  };
  const text = (name: string) => last(name)?.toString('utf8');
  const partition = last(DltHeaders.originalPartition);
  const offset = last(DltHeaders.originalOffset);
  const timestamp = last(DltHeaders.originalTimestamp);
  return {
    topic: text(DltHeaders.originalTopic),
    partition: partition?.length === 4 ? partition.readInt32BE(0) : undefined,
    offset: offset?.length === 8 ? offset.readBigInt64BE(0) : undefined,
    timestamp: timestamp?.length === 8 ? timestamp.readBigInt64BE(0) : undefined,
    timestampType: text(DltHeaders.originalTimestampType),
    consumerGroup: text(DltHeaders.originalConsumerGroup),
    exceptionFqcn: text(DltHeaders.exceptionFqcn),
    exceptionCauseFqcn: text(DltHeaders.exceptionCauseFqcn),
    exceptionMessage: text(DltHeaders.exceptionMessage),
    reason: text(DeadLetterReasonHeader),
  };
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value, 0);
  return buffer;
}

function int64(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value, 0);
  return buffer;
}
