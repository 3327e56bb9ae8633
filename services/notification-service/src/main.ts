/**
 * notification-service's composition root: reads the configuration, builds every part explicitly and
 * wires them together. Nothing else happens here.
 */
import { EVENT_TYPE_NAMES, type EventTypeName } from '@commerce/contracts';
import {
  ConsumerRuntime,
  ensureTopics,
  ensureTopicsWhenReachable,
  IdempotencyGate,
  KafkaPublisher,
  OutageBoard,
  topicRetentionMs,
} from '@commerce/messaging';
import {
  createHttpServer,
  createLoggerFrom,
  createMetrics,
  installShutdown,
  isoNow,
  lineWriter,
  loadConfigOrExit,
  registerActuator,
  startHttpServer,
} from '@commerce/platform';
import { readConfig } from './config.ts';
import { createDeadLetterLogger } from './handling/dead-letter-logger.ts';
import { eventIdsOf } from './handling/decode-record.ts';
import { createEventHandler } from './handling/event-handler.ts';
import { buildPipeline } from './handling/pipeline.ts';
import { consumerHealth, outageHealth, redisHealth } from './health.ts';
import { createNotificationMetrics } from './metrics.ts';
import { FailureSimulatingNotifier } from './notifier/failure-simulation.ts';
import { LogNotifier } from './notifier/log-notifier.ts';
import type { Notifier } from './notifier/notifier.ts';
import { WebhookNotifier } from './notifier/webhook-notifier.ts';
import { createRedis } from './redis.ts';

const config = loadConfigOrExit(readConfig);
const logger = createLoggerFrom(config.serviceName, config.log);
/** SPEC's line per consumed record (the handler's outcome context names the order or the product). */
const logProcessed = lineWriter(logger, 'info', [
  'topic',
  'partition',
  'offset',
  'eventId',
  'orderId',
  'productId',
  'status',
  'detail',
  'processedAt',
]);
const registry = createMetrics(config.serviceName);
const metrics = createNotificationMetrics(registry);

const { kafka } = config;
const eventTopics = EVENT_TYPE_NAMES.map((type): [string, EventTypeName] => [kafka.topics[type], type]);
const typeOfTopic = new Map<string, EventTypeName>(eventTopics);
const dlqTopicOf = (topic: string) => `${topic}${kafka.dlqSuffix}`;
const typeOfDlqTopic = new Map<string, EventTypeName>(
  eventTopics.map(([topic, type]): [string, EventTypeName] => [dlqTopicOf(topic), type]),
);

const outages = new OutageBoard((component, error, retryInMs) => {
  logger.error(
    { component, err: error, retryInMs },
    `${component} unavailable; waiting, nothing is dead-lettered for it`,
  );
});
const redis = createRedis(config.redis, logger);
const gate = new IdempotencyGate(redis, {
  ...config.idempotency,
  sendTimeoutMs: config.attemptTimeoutMs,
  // Done marks are written behind the sends, many in one round trip, and settled before each commit.
  writeBehind: true,
  tracker: outages,
});
const deliveryNotifier: Notifier = config.webhook.url
  ? new WebhookNotifier({ url: config.webhook.url, timeoutMs: config.webhook.timeoutMs })
  : new LogNotifier(logger);
const notifier = new FailureSimulatingNotifier(deliveryNotifier);
const dlqPublisher = new KafkaPublisher(kafka.connection, 'dlq-producer', { deliveryTimeoutMs: 10_000 });

const decodeSettings = { maxBytes: config.maxRecordBytes, javaClassNames: kafka.javaClassNames };
const handler = buildPipeline(
  createEventHandler({
    typeOfTopic,
    gate,
    notifier,
    decode: decodeSettings,
  }),
  {
    publisher: dlqPublisher,
    consumerGroup: config.consumerGroup,
    dlqTopicOf,
    backoffMs: config.retry.backoffMs,
    maxRetries: config.retry.maxRetries,
    tracker: outages,
    onAttemptFailed: (record, error, attempt, willRetry) => {
      metrics.failedAttempt(record.topic, willRetry);
      logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: String(record.offset),
          key: record.key?.toString('utf8'),
          eventId: (error as { eventId?: string }).eventId,
          status: 'FAILED',
          attempt,
          willRetry,
          detail: (error as Error).message,
        },
        willRetry
          ? `attempt ${attempt} failed; retrying in ${config.retry.backoffMs} ms`
          : `attempt ${attempt} failed`,
      );
    },
    onDeadLettered: (record, error, dlqTopic) => {
      logger.error(
        {
          topic: record.topic,
          partition: record.partition,
          offset: String(record.offset),
          key: record.key?.toString('utf8'),
          eventId: (error as { eventId?: string }).eventId,
          dlqTopic,
          reason: (error as { reason?: string }).reason ?? 'HANDLER_FAILED',
          err: error,
        },
        'record dead-lettered',
      );
    },
  },
);

const eventConsumer = new ConsumerRuntime({
  connection: kafka.connection,
  groupId: config.consumerGroup,
  topics: [...typeOfTopic.keys()],
  handler,
  logger,
  limits: config.lane,
  // The gate takes the leases of the records next in line in one round trip per batch.
  prepare: (records) => gate.prefetch(eventIdsOf(records, typeOfTopic, decodeSettings)),
  discard: (records) => gate.release(eventIdsOf(records, typeOfTopic, decodeSettings)),
  beforeCommit: (signal) => gate.settle(signal),
  onOutcome: (record, outcome, elapsedMs) => {
    metrics.outcome(record.topic, outcome.status, elapsedMs);
    const context = outcome.context;
    logProcessed(
      [
        record.topic,
        record.partition,
        String(record.offset),
        outcome.eventId,
        context?.orderId,
        context?.productId,
        outcome.status,
        outcome.detail,
        isoNow(),
      ],
      'record processed',
    );
  },
  onCommitError: () => metrics.commitFailed(),
});
const dlqConsumer = new ConsumerRuntime({
  connection: kafka.connection,
  groupId: config.dlqConsumerGroup,
  topics: [...typeOfDlqTopic.keys()],
  handler: createDeadLetterLogger(logger, typeOfDlqTopic, {
    maxBytes: config.maxRecordBytes,
    javaClassNames: kafka.javaClassNames,
  }),
  logger,
  onCommitError: () => metrics.commitFailed(),
});

const app = createHttpServer({
  logger,
  serviceName: config.serviceName,
  metrics: registry,
  bodyLimitBytes: 64 * 1024,
});
registerActuator(app, {
  registry,
  info: { app: { name: config.serviceName, description: 'Consumes order and product events and notifies' } },
  health: [
    consumerHealth('kafka', eventConsumer, config.stallTimeoutMs),
    consumerHealth('kafkaDlq', dlqConsumer, config.stallTimeoutMs),
    redisHealth(redis),
    outageHealth(outages),
  ],
});

const allTopics = [...typeOfTopic.keys(), ...typeOfDlqTopic.keys()];
await ensureTopicsWhenReachable(logger, () => ensureTopics(kafka.connection, allTopics, kafka.topicSettings));
await warnWhenDoneMarksExpireFirst();
eventConsumer.start();
dlqConsumer.start();
await startHttpServer(app, config.http);
logger.info({ port: config.http.port, topics: allTopics }, `${config.serviceName} started`);

installShutdown({
  logger,
  timeoutMs: config.shutdownTimeoutMs,
  steps: [
    { name: 'http', run: () => app.close() },
    { name: 'event consumer', run: () => eventConsumer.stop(config.attemptTimeoutMs) },
    { name: 'dlq consumer', run: () => dlqConsumer.stop(2000) },
    { name: 'dlq producer', run: () => dlqPublisher.close() },
    { name: 'idempotency gate', run: async () => gate.close() },
    { name: 'redis', run: async () => void (await redis.quit().catch(() => redis.disconnect())) },
  ],
});

/**
 * A done mark that expires while its record is still on the topic lets a replay (a group reset, a new
 * group) notify again. Warn when the topics keep records longer than the marks live.
 */
async function warnWhenDoneMarksExpireFirst(): Promise<void> {
  const ttlMs = config.idempotency.doneTtlSeconds * 1000;
  try {
    const retention = await topicRetentionMs(kafka.connection, [...typeOfTopic.keys()]);
    for (const [topic, retentionMs] of retention) {
      if (retentionMs < 0 || retentionMs > ttlMs) {
        logger.warn(
          { topic, retentionMs, doneMarkTtlMs: ttlMs },
          'topic retention outlives the idempotency done marks (NOTIFICATION_IDEMPOTENCY_TTL_SECONDS): ' +
            'a replay of records older than the marks would notify again',
        );
      }
    }
  } catch (error) {
    logger.warn({ err: error }, 'could not read topic retention to compare with the done-mark lifetime');
  }
}
