/**
 * Publishes a domain event from the contracts: its topic, its record key (orderId / productId), the one
 * JSON codec, and the headers a Java consumer expects (`__TypeId__` with the Java class name, switchable
 * off) plus `x-event-id` for tracing. Resolves only once the broker stored it with acks=all.
 */
import { type EventOf, type EventTypeName, EventTypes, encodeEvent } from '@commerce/contracts';
import type { KafkaPublisher, RecordAck } from './publisher.ts';

export interface EventPublisherOptions {
  /** Topic per event type (defaults from the contracts, overridable by configuration). */
  topics: Record<EventTypeName, string>;
  /** Write the `__TypeId__` header, as the Java producers do. */
  typeIdHeader: boolean;
  /** Java class name written in `__TypeId__`, per event type. */
  javaClassNames: Record<EventTypeName, string>;
  /** How long a publish may wait for the broker before it is reported as failed. */
  timeoutMs: number;
}

export class EventPublisher {
  readonly #publisher: KafkaPublisher;
  readonly #options: EventPublisherOptions;

  constructor(publisher: KafkaPublisher, options: EventPublisherOptions) {
    this.#publisher = publisher;
    this.#options = options;
  }

  publish<T extends EventTypeName>(type: T, event: EventOf<T>): Promise<RecordAck> {
    const definition = EventTypes[type];
    const key = (event as Record<string, unknown>)[definition.keyField] as string;
    const headers: Record<string, Buffer> = { 'x-event-id': Buffer.from(event.eventId, 'utf8') };
    if (this.#options.typeIdHeader)
      headers.__TypeId__ = Buffer.from(this.#options.javaClassNames[type], 'utf8');
    return this.#publisher.sendWithin(
      {
        topic: this.#options.topics[type],
        key: Buffer.from(key, 'utf8'),
        value: encodeEvent(type, event),
        headers,
      },
      this.#options.timeoutMs,
    );
  }
}
