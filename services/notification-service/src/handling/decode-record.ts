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

type DecodeResult = ReturnType<typeof decodeEvent>;

/**
 * A record is decoded once although two parts read it (the gate's lookahead for its eventId, then the
 * handler): the result is kept in the record's `memo`, for as long as the record itself lives.
 */
interface Decoded {
  type: EventTypeName;
  settings: DecodeSettings;
  result: DecodeResult;
}

/** Decodes a record of a topic whose event type is `type`; an `ok: false` result says why it is poison. */
export function decodeAs(
  type: EventTypeName,
  record: ConsumedRecord,
  settings: DecodeSettings,
): DecodeResult {
  const known = record.memo as Decoded | undefined;
  if (known && known.type === type && known.settings === settings) return known.result;
  const typeId = lastHeader(record, typeIdHeader)?.toString('utf8');
  const result = decodeEvent(type, record.value, {
    typeId,
    expectedTypeId: settings.javaClassNames[type],
    maxBytes: settings.maxBytes,
  });
  record.memo = { type, settings, result } satisfies Decoded;
  return result;
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
