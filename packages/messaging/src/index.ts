export {
  ConsumerRuntime,
  type ConsumerRuntimeOptions,
  type ConsumerStatus,
} from './consumer/consumer-runtime.ts';
export {
  type DeadLetterOptions,
  DeadLetterReasonHeader,
  DeadLetterValueOmittedHeader,
  DltHeaders,
  deadLetter,
  deadLetterHeaders,
  readDeadLetterHeaders,
} from './consumer/dead-letter.ts';
export { HandlingAbortedError, isAbort, PoisonRecordError, sleep } from './consumer/errors.ts';
export { isPromise, type MaybePromise, tryStep } from './consumer/maybe-async.ts';
export { OutageBoard, type OutageTracker, waitOut } from './consumer/outage.ts';
export { isOutage, isRetryable, OutageError, type RetryOptions, retry } from './consumer/retry.ts';
export { HandlerTimeoutError, timeout } from './consumer/timeout.ts';
export {
  type ConsumedRecord,
  compose,
  lastHeader,
  type Middleware,
  type Outcome,
  type OutcomeStatus,
  type RecordHandler,
} from './consumer/types.ts';
export { EventPublisher, type EventPublisherOptions } from './event-publisher.ts';
export {
  type GateResult,
  IdempotencyGate,
  type IdempotencyOptions,
  processedKeyPrefix,
} from './idempotency.ts';
export { baseClientOptions, type KafkaConnection, type KafkaSecurity } from './kafka-client-options.ts';
export { type KafkaConfig, readKafkaConfig } from './kafka-config.ts';
export { javaKeyPartition } from './partitioner.ts';
export { KafkaPublisher, type OutgoingRecord, PublishFailedError, type RecordAck } from './publisher.ts';
export {
  ensureTopicsWhenReachable,
  type PublishingServiceSpec,
  type RouteContext,
  runPublishingService,
} from './publishing-service.ts';
export { ensureTopics, type TopicSettings, topicRetentionMs } from './topic-admin.ts';
