/**
 * The notification handler for one record: decode, pass the idempotency gate, send. It knows nothing of
 * retries, timeouts or dead letters; those wrap it in `pipeline.ts`.
 */
import type { EventTypeName } from '@commerce/contracts';
import { type IdempotencyGate, isAbort, type RecordHandler } from '@commerce/messaging';
import type { Notifier } from '../notifier/notifier.ts';
import { type DecodeSettings, decodeRecord } from './decode-record.ts';
import { notificationFor } from './notifications.ts';

export interface EventHandlerDeps {
  typeOfTopic: ReadonlyMap<string, EventTypeName>;
  gate: Pick<IdempotencyGate, 'guard'>;
  notifier: Notifier;
  decode: DecodeSettings;
}

/** A failed attempt, carrying the event's id so every log line about it can name the event. */
export class EventHandlingError extends Error {
  override name = 'EventHandlingError';
  readonly eventId: string;
  constructor(eventId: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.eventId = eventId;
  }
}

export function createEventHandler(deps: EventHandlerDeps): RecordHandler {
  return async (record, signal) => {
    const decoded = decodeRecord(record, deps.typeOfTopic, deps.decode);
    const notification = notificationFor(decoded);
    const eventId = notification.eventId;
    let result: 'SENT' | 'DUPLICATE';
    try {
      result = await deps.gate.guard(eventId, signal, (attempt?: AbortSignal) =>
        deps.notifier.send(notification, attempt ?? signal),
      );
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new EventHandlingError(eventId, error);
    }
    const context = {
      [notification.kind === 'PRODUCT_CREATED' ? 'productId' : 'orderId']: notification.subjectId,
    };
    return result === 'DUPLICATE'
      ? { status: 'DUPLICATE', detail: 'Already processed', eventId, context }
      : { status: 'SENT', detail: `${notification.kind} sent`, eventId, context };
  };
}
