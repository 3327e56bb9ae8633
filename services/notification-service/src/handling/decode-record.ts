/**
 * Decodes a consumed record into its typed event, or declares it poison: a record that cannot be
 * decoded now never will be, so it goes to the dead-letter topic at once instead of blocking its
 * partition (the original's consumer re-read such a record forever).
 */
import { decodeEvent, type EventTypeName } from '@commerce/contracts';
import { type ConsumedRecord, lastHeader, PoisonRecordError } from '@commerce/messaging';
import type { DecodedEvent } from './notifications.ts';

export const typeIdHeader = '__TypeId__';

export interface DecodeSettings {
  /** Larger record values are poison. */
  maxBytes: number;
  /** The Java class name a `__TypeId__` header must carry, per event type. */
  javaClassNames: Readonly<Record<EventTypeName, string>>;
}

/** Decodes a record of a topic whose event type is `type`; an `ok: false` result says why it is poison. */
export function decodeAs(type: EventTypeName, record: ConsumedRecord, settings: DecodeSettings) {
  const typeId = lastHeader(record, typeIdHeader)?.toString('utf8');
  return decodeEvent(type, record.value, {
    typeId,
    expectedTypeId: settings.javaClassNames[type],
    maxBytes: settings.maxBytes,
  });
}

export function decodeRecord(
  record: ConsumedRecord,
  typeOfTopic: ReadonlyMap<string, EventTypeName>,
  settings: DecodeSettings,
): DecodedEvent {
  const type = typeOfTopic.get(record.topic);
  if (!type) throw new PoisonRecordError('UNKNOWN_TOPIC', `no event type is consumed from ${record.topic}`);
  const result = decodeAs(type, record, settings);
  if (!result.ok) throw new PoisonRecordError(result.error.reason, result.error.message);
  return { type, event: result.event } as DecodedEvent;
}

/**
 * The eventIds of the records that decode (poison records are skipped: they never reach the gate), for
 * the gate to take their leases ahead of their turn.
 */
export function eventIdsOf(
  records: readonly ConsumedRecord[],
  typeOfTopic: ReadonlyMap<string, EventTypeName>,
  settings: DecodeSettings,
): string[] {
  const ids: string[] = [];
  for (const record of records) {
    const type = typeOfTopic.get(record.topic);
    if (!type) continue;
    const result = decodeAs(type, record, settings);
    if (result.ok) ids.push(result.event.eventId);
  }
  return ids;
}
