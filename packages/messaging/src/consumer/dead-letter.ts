/**
 * Dead-lettering, compatible with Spring Kafka's `DeadLetterPublishingRecoverer`: a record whose
 * handling failed for good is published to `<topic>.dlq` on the same partition number, with the
 * original key and value bytes, the original headers, and the `kafka_dlt-*` headers Spring writes
 * (integers big-endian), so tools written for the Java DLQ read ours.
 */
import type { KafkaPublisher } from '../publisher.ts';
import { isAbort } from './errors.ts';
import { type OutageTracker, waitOut } from './outage.ts';
import { isOutage } from './retry.ts';
import type { ConsumedRecord, Middleware } from './types.ts';

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

export interface DeadLetterOptions {
  publisher: Pick<KafkaPublisher, 'send'>;
  consumerGroup: string;
  dlqTopicOf: (topic: string) => string;
  tracker?: OutageTracker;
  /** Told after the dead letter was stored. */
  onDeadLettered?: (record: ConsumedRecord, error: Error, dlqTopic: string) => void;
}

export function deadLetter(options: DeadLetterOptions): Middleware {
  return (next) => async (record, signal) => {
    try {
      return await next(record, signal);
    } catch (failure) {
      if (isAbort(failure) || isOutage(failure)) throw failure;
      const error = failure instanceof Error ? failure : new Error(String(failure));
      const topic = options.dlqTopicOf(record.topic);
      await waitOut(
        () =>
          options.publisher.send({
            topic,
            partition: record.partition,
            key: record.key,
            value: record.value ?? Buffer.alloc(0),
            headers: deadLetterHeaders(record, error, options.consumerGroup),
          }),
        { component: `kafka:${topic}`, tracker: options.tracker, signal },
      );
      options.onDeadLettered?.(record, error, topic);
      return {
        status: 'DEAD_LETTERED' as const,
        detail: `${error.name}: ${error.message}`,
        eventId: (error as { eventId?: string }).eventId,
      };
    }
  };
}

export function deadLetterHeaders(
  record: ConsumedRecord,
  error: Error,
  consumerGroup: string,
): Map<string, Buffer> {
  const headers = new Map<string, Buffer>();
  for (const [name, value] of record.headers) {
    if (!name.startsWith('kafka_dlt-')) headers.set(name, value);
  }
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  headers.set(DltHeaders.exceptionFqcn, utf8(error.name));
  const cause = error.cause;
  if (cause instanceof Error) headers.set(DltHeaders.exceptionCauseFqcn, utf8(cause.name));
  headers.set(DltHeaders.exceptionMessage, utf8(error.message));
  headers.set(DltHeaders.exceptionStacktrace, utf8(error.stack ?? `${error.name}: ${error.message}`));
  headers.set(DltHeaders.originalTopic, utf8(record.topic));
  headers.set(DltHeaders.originalPartition, int32(record.partition));
  headers.set(DltHeaders.originalOffset, int64(record.offset));
  headers.set(DltHeaders.originalTimestamp, int64(record.timestamp));
  headers.set(DltHeaders.originalTimestampType, utf8('CreateTime'));
  headers.set(DltHeaders.originalConsumerGroup, utf8(consumerGroup));
  headers.set(DeadLetterReasonHeader, utf8((error as { reason?: string }).reason ?? 'HANDLER_FAILED'));
  return headers;
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
