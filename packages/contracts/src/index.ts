/**
 * `@commerce/contracts`: what the services agree on — topic names, the three events and their schemas,
 * the one JSON codec, exact decimals and instants, Kafka's key partitioning, the HTTP request rules and
 * the order status transitions. Node built-ins only; every other package depends on this one.
 */
export {
  DECODE_REASONS,
  DEFAULT_MAX_EVENT_BYTES,
  DecodeError,
  type DecodeOptions,
  type DecodeReason,
  type DecodeResult,
  decodeEvent,
  EncodeError,
  encodeEvent,
  encodeEventText,
} from './codec.ts';
export {
  compareDecimal,
  type Decimal,
  DecimalFormatError,
  DecimalLimits,
  type DecimalParse,
  type DecimalParts,
  type DecimalProblem,
  type DecimalSyntax,
  decimalPartsOf,
  decimalToPlainString,
  describeDecimalProblem,
  isDecimal,
  parseDecimalText,
  toJsonNumber,
  tryParseDecimal,
} from './decimal.ts';
export {
  type AnyEvent,
  EVENT_TYPE_NAMES,
  type EventMap,
  type EventOf,
  type EventTypeDefinition,
  type EventTypeName,
  EventTypes,
  eventTypeOfTopic,
  JAVA_EVENT_PACKAGE,
  type OrderCreatedEvent,
  type OrderShippedEvent,
  type ProductCreatedEvent,
} from './events.ts';
export {
  type Instant,
  InstantFormatError,
  type InstantParse,
  instantFromEpochMillis,
  instantToJson,
  isInstant,
  MAX_EPOCH_SECOND,
  MIN_EPOCH_SECOND,
  nowInstant,
  parseInstant,
  tryParseInstant,
} from './instant.ts';
export { JsonNumber, type RawJson, rawJson, reviveJsonNumber } from './json-number.ts';
export { type JsonSchemaMode, toJsonSchema } from './json-schema.ts';
export { javaPartitionFor, murmur2 } from './murmur2.ts';
export * from './requests/index.ts';
export { type EventSchema, FIELD_KINDS, type FieldDef, type FieldKind, type SchemaField } from './schema.ts';
export {
  ALL_TOPICS,
  ConsumerGroups,
  DEAD_LETTER_SUFFIX,
  deadLetterTopicOf,
  type TopicName,
  Topics,
} from './topics.ts';
export { checkTransition, OrderStatus, type OrderStatusCode, type TransitionCheck } from './transitions.ts';
export { isUuid } from './uuid.ts';
