/**
 * The notification handler for one record: decode, pass the idempotency gate, send. It knows nothing of
 * retries, timeouts or dead letters; those wrap it in `pipeline.ts`.
 */
import type { EventTypeName } from '@commerce/contracts';
import {
  type GateResult,
  type IdempotencyGate,
  isAbort,
  isPromise,
  type MaybePromise,
  type Outcome,
  type RecordHandler,
} from '@commerce/messaging';
import type { Notification, Notifier } from '../notifier/notifier.ts';
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
  return (record, signal) => {
    const decoded = decodeRecord(record, deps.typeOfTopic, deps.decode);
    const notification = notificationFor(decoded);
    const eventId = notification.eventId;
    let result: MaybePromise<GateResult>;
    try {
      result = deps.gate.guard(eventId, signal, (attempt) => deps.notifier.send(notification, attempt));
    } catch (error) {
      throw failure(eventId, error);
    }
    // Usually decided at once (see the gate's `guard`); the outcome then comes back without a promise.
    if (!isPromise(result)) return outcomeOf(notification, result);
    return result.then(
      (settled) => outcomeOf(notification, settled),
      (error: unknown) => {
        throw failure(eventId, error);
      },
    );
  };
}

/** Stopping stays what it is; anything else failed this attempt, and names the event. */
function failure(eventId: string, error: unknown): unknown {
  return isAbort(error) ? error : new EventHandlingError(eventId, error);
}

function outcomeOf(notification: Notification, result: GateResult): Outcome {
  const eventId = notification.eventId;
  const context = {
    [notification.kind === 'PRODUCT_CREATED' ? 'productId' : 'orderId']: notification.subjectId,
  };
  return result === 'DUPLICATE'
    ? { status: 'DUPLICATE', detail: 'Already processed', eventId, context }
    : { status: 'SENT', detail: `${notification.kind} sent`, eventId, context };
}
