/**
 * The consume path, composed in one place (outermost first): dead-letter what finally failed, retry
 * with a fixed back-off, bound each attempt in time, then the handler. Poison records skip the retries;
 * outages are waited out below (gate, dead-letter publish) and never count as attempts.
 */
import {
  type ConsumedRecord,
  compose,
  deadLetter,
  type KafkaPublisher,
  type OutageTracker,
  type RecordHandler,
  retry,
  timeout,
} from '@commerce/messaging';

export interface PipelineOptions {
  publisher: Pick<KafkaPublisher, 'send'>;
  consumerGroup: string;
  dlqTopicOf: (topic: string) => string;
  backoffMs: number;
  maxRetries: number;
  attemptTimeoutMs: number;
  tracker: OutageTracker;
  onAttemptFailed: (record: ConsumedRecord, error: unknown, attempt: number, willRetry: boolean) => void;
  onDeadLettered: (record: ConsumedRecord, error: Error, dlqTopic: string) => void;
}

export function buildPipeline(handler: RecordHandler, options: PipelineOptions): RecordHandler {
  return compose(
    handler,
    deadLetter({
      publisher: options.publisher,
      consumerGroup: options.consumerGroup,
      dlqTopicOf: options.dlqTopicOf,
      tracker: options.tracker,
      onDeadLettered: options.onDeadLettered,
    }),
    retry({
      backoffMs: options.backoffMs,
      maxRetries: options.maxRetries,
      onAttemptFailed: options.onAttemptFailed,
    }),
    timeout(options.attemptTimeoutMs),
  );
}
