/**
 * The three domain events, their runtime schemas and the registry that ties each to its topic.
 *
 * Why it exists: this is the original's `common` module — the one definition of what travels on Kafka,
 * used by the publishers and the notification-service alike. Field names, their order and the Java class
 * names are the SPEC's, so Java services on the other side of a topic see exactly what they wrote.
 */
import type { Decimal } from './decimal.ts';
import type { Instant } from './instant.ts';
import { type EventSchema, type SchemaField, schemaFields } from './schema.ts';
import { Topics } from './topics.ts';

export type OrderCreatedEvent = {
  eventId: string;
  orderId: string;
  customerId: string;
  customerEmail: string;
  totalAmount: Decimal;
  currency: string;
  createdAt: Instant;
};

export type OrderShippedEvent = {
  eventId: string;
  orderId: string;
  customerId: string;
  customerEmail: string;
  previousStatus: number;
  currentStatus: number;
  changedAt: Instant;
};

export type ProductCreatedEvent = {
  eventId: string;
  productId: string;
  productName: string;
  price: Decimal;
  currency: string;
  stockQuantity: number;
  createdAt: Instant;
};

/** Event type name → event. The names are also the `kind` of each registry entry. */
export interface EventMap {
  OrderCreated: OrderCreatedEvent;
  OrderShipped: OrderShippedEvent;
  ProductCreated: ProductCreatedEvent;
}

export type EventTypeName = keyof EventMap;
export type EventOf<T extends EventTypeName> = EventMap[T];
export type AnyEvent = EventMap[EventTypeName];

/** Java package of the original's event classes; a `__TypeId__` header must name a class in it. */
export const JAVA_EVENT_PACKAGE = 'com.example.common.event';

export interface EventTypeDefinition<T extends EventTypeName = EventTypeName> {
  readonly kind: T;
  /** Default topic (configuration may rename it). */
  readonly topic: string;
  /** The field whose value is the record key. */
  readonly keyField: keyof EventMap[T] & string;
  /** Written as the `__TypeId__` header, as Spring Kafka's JsonSerializer does. */
  readonly javaClassName: string;
  readonly schema: EventSchema<EventMap[T]>;
  /** The schema as a list, in wire order. */
  readonly fields: readonly SchemaField[];
}

const id = (description: string) => ({ kind: 'uuid', required: true, description }) as const;
const text = (description: string) => ({ kind: 'string', required: true, description }) as const;

const orderCreatedSchema = {
  eventId: id('Unique id of this event; the idempotency key of its notification'),
  orderId: id('The order; also the record key'),
  customerId: text('The customer who ordered'),
  customerEmail: text('Where the order confirmation goes'),
  totalAmount: { kind: 'decimal', required: true, description: 'Order total, exact, with its scale' },
  currency: text('Currency code of totalAmount, e.g. KRW'),
  createdAt: { kind: 'instant', required: true, description: 'When the order was created' },
} as const satisfies EventSchema<OrderCreatedEvent>;

const orderShippedSchema = {
  eventId: id('Unique id of this event; the idempotency key of its notification'),
  orderId: id('The order; also the record key'),
  customerId: text('The customer who ordered'),
  customerEmail: text('Where the shipping update goes'),
  previousStatus: { kind: 'int32', required: true, description: 'Status before: 20 completed, 25 shipping' },
  currentStatus: { kind: 'int32', required: true, description: 'Status after: 25 shipping, 80 delivered' },
  changedAt: { kind: 'instant', required: true, description: 'When the status changed' },
} as const satisfies EventSchema<OrderShippedEvent>;

const productCreatedSchema = {
  eventId: id('Unique id of this event; the idempotency key of its notification'),
  productId: id('The product; also the record key'),
  productName: text('Display name of the product'),
  price: { kind: 'decimal', required: true, description: 'Unit price, exact, with its scale' },
  currency: text('Currency code of price, e.g. KRW'),
  stockQuantity: { kind: 'int32', required: true, description: 'Units in stock, zero or more' },
  createdAt: { kind: 'instant', required: true, description: 'When the product was created' },
} as const satisfies EventSchema<ProductCreatedEvent>;

export const EventTypes = {
  OrderCreated: {
    kind: 'OrderCreated',
    topic: Topics.orderCreated,
    keyField: 'orderId',
    javaClassName: `${JAVA_EVENT_PACKAGE}.OrderCreatedEvent`,
    schema: orderCreatedSchema,
    fields: schemaFields(orderCreatedSchema),
  },
  OrderShipped: {
    kind: 'OrderShipped',
    topic: Topics.orderShipped,
    keyField: 'orderId',
    javaClassName: `${JAVA_EVENT_PACKAGE}.OrderShippedEvent`,
    schema: orderShippedSchema,
    fields: schemaFields(orderShippedSchema),
  },
  ProductCreated: {
    kind: 'ProductCreated',
    topic: Topics.productCreated,
    keyField: 'productId',
    javaClassName: `${JAVA_EVENT_PACKAGE}.ProductCreatedEvent`,
    schema: productCreatedSchema,
    fields: schemaFields(productCreatedSchema),
  },
} as const satisfies { readonly [T in EventTypeName]: EventTypeDefinition<T> };

export const EVENT_TYPE_NAMES: readonly EventTypeName[] = ['OrderCreated', 'OrderShipped', 'ProductCreated'];

/** The event type a topic carries by default (`order.created.v1` → `OrderCreated`). */
export function eventTypeOfTopic(topic: string): EventTypeName | undefined {
  return EVENT_TYPE_NAMES.find((type) => EventTypes[type].topic === topic);
}
