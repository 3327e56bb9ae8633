/**
 * The shared skeleton of the two publishing services (order-service, product-service): configuration,
 * logger, metrics, the Kafka publisher, topic creation, the HTTP server with its management endpoints,
 * and graceful shutdown. Each service's `main.ts` passes its name, its event types and its routes.
 */
import type { EventOf, EventTypeName } from '@commerce/contracts';
import {
  Counter,
  createHttpServer,
  createLoggerFrom,
  createMetrics,
  type EnvSource,
  type HealthIndicator,
  type HttpServer,
  installShutdown,
  loadConfigOrExit,
  PublishError,
  readDurationMs,
  readInt,
  readLoggingConfig,
  readPort,
  readString,
  registerActuator,
  startHttpServer,
} from '@commerce/platform';
import type { Logger } from 'pino';
import { EventPublisher } from './event-publisher.ts';
import { readKafkaConfig } from './kafka-config.ts';
import { KafkaPublisher, PublishFailedError, type RecordAck } from './publisher.ts';
import { ensureTopics } from './topic-admin.ts';

export interface PublishingServiceSpec {
  serviceName: string;
  description: string;
  defaultPort: number;
  /** The event types this service publishes; their topics (and dead-letter topics) are created. */
  eventTypes: EventTypeName[];
  registerRoutes(app: HttpServer, context: RouteContext): void;
}

export interface RouteContext {
  logger: Logger;
  /** Publishes and waits for the broker's acknowledgement; throws PublishError (503) otherwise. */
  publish<T extends EventTypeName>(type: T, event: EventOf<T>): Promise<RecordAck>;
}

function readPublishingConfig(env: EnvSource, spec: PublishingServiceSpec) {
  return {
    http: {
      host: readString(env, 'SERVER_HOST', '0.0.0.0'),
      port: readPort(env, 'SERVER_PORT', spec.defaultPort),
      bodyLimitBytes: readInt(env, 'HTTP_BODY_LIMIT_BYTES', 65_536, { min: 1024, max: 10 * 1024 * 1024 }),
    },
    kafka: readKafkaConfig(env, spec.serviceName),
    publishTimeoutMs: readDurationMs(env, 'KAFKA_PUBLISH_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
    log: readLoggingConfig(env),
    shutdownTimeoutMs: readDurationMs(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, { min: 1000 }),
  };
}

export async function runPublishingService(spec: PublishingServiceSpec): Promise<void> {
  const config = loadConfigOrExit((env) => readPublishingConfig(env, spec));
  const logger = createLoggerFrom(spec.serviceName, config.log);
  const registry = createMetrics(spec.serviceName);
  const published = new Counter({
    name: 'events_published_total',
    help: 'Publishes by topic and result: acknowledged (acks=all), failed (not published), in_doubt (may be stored)',
    labelNames: ['topic', 'result'],
    registers: [registry],
  });
  const { kafka } = config;
  const producer = new KafkaPublisher(kafka.connection, 'producer', {
    deliveryTimeoutMs: config.publishTimeoutMs,
  });
  const events = new EventPublisher(producer, {
    topics: kafka.topics,
    typeIdHeader: kafka.typeIdHeader,
    javaClassNames: kafka.javaClassNames,
    timeoutMs: config.publishTimeoutMs,
  });
  const topics = spec.eventTypes.map((type) => kafka.topics[type]);

  const app = createHttpServer({
    logger,
    serviceName: spec.serviceName,
    metrics: registry,
    bodyLimitBytes: config.http.bodyLimitBytes,
  });
  spec.registerRoutes(app, {
    logger,
    async publish(type, event) {
      const topic = kafka.topics[type];
      try {
        const ack = await events.publish(type, event);
        published.inc({ topic, result: 'acknowledged' });
        logger.info(
          { topic, partition: ack.partition, offset: String(ack.offset), eventId: event.eventId },
          `${type} event published`,
        );
        return ack;
      } catch (error) {
        // `unknown`: the request went out and no definite answer came back; the client is told so, with
        // the event's id to look for, instead of being told that nothing was published.
        const inDoubt = error instanceof PublishFailedError && error.published === 'unknown';
        published.inc({ topic, result: inDoubt ? 'in_doubt' : 'failed' });
        logger.error({ topic, eventId: event.eventId, err: error, inDoubt }, `${type} event publish failed`);
        throw new PublishError(
          inDoubt ? `${(error as Error).message} (eventId ${event.eventId})` : (error as Error).message,
        );
      }
    },
  });
  registerActuator(app, {
    registry,
    info: { app: { name: spec.serviceName, description: spec.description } },
    health: [kafkaHealth(producer, topics)],
  });

  const allTopics = topics.flatMap((topic) => [topic, `${topic}${kafka.dlqSuffix}`]);
  await ensureTopicsWhenReachable(logger, () =>
    ensureTopics(kafka.connection, allTopics, kafka.topicSettings),
  );
  await startHttpServer(app, config.http);
  logger.info({ port: config.http.port, topics: allTopics }, `${spec.serviceName} started`);

  installShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    steps: [
      { name: 'http', run: () => app.close() },
      { name: 'kafka producer', run: () => producer.close() },
    ],
  });
}

/** The broker may still be starting (compose, `npm start`): keep trying and say so, do not crash-loop. */
export async function ensureTopicsWhenReachable(
  logger: Logger,
  create: () => Promise<{ created: string[] }>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { created } = await create();
      if (created.length > 0) logger.info({ created }, 'topics created');
      return;
    } catch (error) {
      logger.warn({ err: error, attempt }, 'Kafka not reachable yet; retrying topic creation in 2 s');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function kafkaHealth(producer: KafkaPublisher, topics: string[]): HealthIndicator {
  return {
    name: 'kafka',
    async check() {
      try {
        await producer.ping(topics);
        return { status: 'UP' };
      } catch (error) {
        return { status: 'DOWN', details: { error: (error as Error).message } };
      }
    },
  };
}
