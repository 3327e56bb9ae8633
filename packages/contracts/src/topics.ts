/**
 * The Kafka topic and consumer-group names the services share.
 *
 * Why it exists: a topic name typed twice is a topic name typed wrong once. These are the original's
 * names (SPEC "Services"); configuration may override them, and these are the defaults it starts from.
 */

/** Appended to a topic's name to name its dead-letter topic (Spring's `<topic>.dlq` convention here). */
export const DEAD_LETTER_SUFFIX = '.dlq';

export const Topics = {
  orderCreated: 'order.created.v1',
  orderCreatedDlq: 'order.created.v1.dlq',
  orderShipped: 'order.shipped.v1',
  orderShippedDlq: 'order.shipped.v1.dlq',
  productCreated: 'product.created.v1',
  productCreatedDlq: 'product.created.v1.dlq',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** The six topics, each event topic followed by its dead-letter topic. */
export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** `order.created.v1` → `order.created.v1.dlq`. */
export function deadLetterTopicOf(topic: string, suffix: string = DEAD_LETTER_SUFFIX): string {
  return `${topic}${suffix}`;
}

export const ConsumerGroups = {
  /** notification-service's consumers of the three event topics. */
  notification: 'notification-consumer-group',
  /** notification-service's consumers of the three dead-letter topics. */
  notificationDlq: 'notification-consumer-group-dlq',
} as const;
