/**
 * Decodes a consumed record into its typed event, or declares it poison: a record that cannot be
 * decoded now never will be, so it goes to the dead-letter topic at once instead of blocking its
 * partition (the original's consumer re-read such a record forever).
 */
import { decodeEvent, type EventTypeName } from '@commerce/contracts';
import { type ConsumedRecord, lastHeader, PoisonRecordError } from '@commerce/messaging';
import type { DecodedEvent } from './notifications.ts';

export const typeIdHeader = '__TypeId__';

export function decodeRecord(
  record: ConsumedRecord,
  typeOfTopic: ReadonlyMap<string, EventTypeName>,
  maxRecordBytes: number,
): DecodedEvent {
  const type = typeOfTopic.get(record.topic);
  if (!type) throw new PoisonRecordError('UNKNOWN_TOPIC', `no event type is consumed from ${record.topic}`);
  const typeId = lastHeader(record, typeIdHeader)?.toString('utf8');
  const result = decodeEvent(type, record.value, { typeId, maxBytes: maxRecordBytes });
  if (!result.ok) throw new PoisonRecordError(result.error.reason, result.error.message);
  return { type, event: result.event } as DecodedEvent;
}
