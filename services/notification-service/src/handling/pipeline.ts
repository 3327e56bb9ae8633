/**
 * The consume path, composed in one place (outermost first): dead-letter what finally failed, retry
 * with a fixed back-off, then the handler. Poison records skip the retries; outages are waited out below
 * (gate, dead-letter publish) and never count as attempts. Each attempt's send is bounded in time by the
 * idempotency gate (`sendTimeoutMs`), not here: a bound around the whole handler would also cut the
 * waiting out of a Redis outage or of another instance's lease, use up the record's attempts and
 * dead-letter a healthy event (or, after a successful send, leave it without its done mark).
 */
import {
  type ConsumedRecord,
  compose,
  deadLetter,
  type KafkaPublisher,
  type OutageTracker,
  type RecordHandler,
  retry,
} from '@commerce/messaging';

export interface PipelineOptions {
  publisher: Pick<KafkaPublisher, 'send'>;
  consumerGroup: string;
  dlqTopicOf: (topic: string) => string;
  backoffMs: number;
  maxRetries: number;
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
  );
}
