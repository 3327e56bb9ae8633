/**
 * The DLQ consumers' handler: every dead letter, ours or one written by the Java service, is logged at
 * error level with its own coordinates, the original coordinates from the `kafka_dlt-*` headers, the
 * eventId and the event's main fields. It never fails: a dead letter that cannot even be decoded is
 * logged with a short preview of its bytes.
 */
import type { EventTypeName } from '@commerce/contracts';
import { type ConsumedRecord, type RecordHandler, readDeadLetterHeaders } from '@commerce/messaging';
import { maskEmail } from '@commerce/platform';
import type { Logger } from 'pino';
import { type DecodeSettings, decodeAs } from './decode-record.ts';

export function createDeadLetterLogger(
  logger: Logger,
  typeOfDlqTopic: ReadonlyMap<string, EventTypeName>,
  settings: DecodeSettings,
): RecordHandler {
  return async (record) => {
    const original = readDeadLetterHeaders(record);
    const base = {
      topic: record.topic,
      partition: record.partition,
      offset: String(record.offset),
      key: record.key?.toString('utf8'),
      originalTopic: original.topic,
      originalPartition: original.partition,
      originalOffset: original.offset === undefined ? undefined : String(original.offset),
      originalConsumerGroup: original.consumerGroup,
      reason: original.reason,
      exception: original.exceptionFqcn,
      exceptionMessage: original.exceptionMessage,
    };
    const fields = mainFields(record, typeOfDlqTopic.get(record.topic), settings);
    logger.error({ ...base, ...fields }, 'dead letter received');
    return { status: 'LOGGED', detail: 'dead letter logged', eventId: fields.eventId as string | undefined };
  };
}

function mainFields(
  record: ConsumedRecord,
  type: EventTypeName | undefined,
  settings: DecodeSettings,
): Record<string, unknown> {
  if (type) {
    const decoded = decodeAs(type, record, settings);
    if (decoded.ok) {
      const event = { ...(decoded.event as unknown as Record<string, unknown>) };
      if (typeof event.customerEmail === 'string') event.customerEmail = maskEmail(event.customerEmail);
      return event;
    }
    return { decodeError: decoded.error.message, valuePreview: preview(record.value) };
  }
  return { valuePreview: preview(record.value) };
}

function preview(value: Buffer | null): string | undefined {
  if (!value) return undefined;
  const text = value.subarray(0, 200).toString('utf8');
  return value.length > 200 ? `${text}…` : text;
}
