/**
 * notification-service's configuration, read once from the environment (see the README's table).
 */
import { readKafkaConfig } from '@commerce/messaging';
import {
  type EnvSource,
  readDurationMs,
  readInt,
  readLoggingConfig,
  readPort,
  readString,
  readTlsClient,
  readUrl,
} from '@commerce/platform';

export function readConfig(env: EnvSource) {
  const leaseMs = readDurationMs(env, 'NOTIFICATION_LEASE_MS', 30_000, { min: 1000 });
  const attemptTimeoutMs = readDurationMs(env, 'NOTIFICATION_ATTEMPT_TIMEOUT_MS', 10_000, { min: 10 });
  if (attemptTimeoutMs >= leaseMs) {
    env.problems.push('NOTIFICATION_ATTEMPT_TIMEOUT_MS must be shorter than NOTIFICATION_LEASE_MS');
  }
  return {
    serviceName: 'notification-service',
    http: {
      host: readString(env, 'SERVER_HOST', '0.0.0.0'),
      port: readPort(env, 'SERVER_PORT', 8082),
    },
    kafka: readKafkaConfig(env, 'notification-service'),
    redis: {
      host: readString(env, 'REDIS_HOST', 'localhost'),
      port: readPort(env, 'REDIS_PORT', 6379),
      username: readString(env, 'REDIS_USERNAME', ''),
      password: readString(env, 'REDIS_PASSWORD', ''),
      db: readInt(env, 'REDIS_DB', 0, { min: 0, max: 1000 }),
      tls: readTlsClient(env, 'REDIS'),
      timeoutMs: readDurationMs(env, 'REDIS_TIMEOUT_MS', 3000, { min: 100 }),
    },
    consumerGroup: readString(env, 'NOTIFICATION_CONSUMER_GROUP', 'notification-consumer-group'),
    dlqConsumerGroup: readString(env, 'NOTIFICATION_DLQ_CONSUMER_GROUP', 'notification-consumer-group-dlq'),
    retry: {
      backoffMs: readDurationMs(env, 'NOTIFICATION_RETRY_BACKOFF_MS', 2000, { min: 0 }),
      maxRetries: readInt(env, 'NOTIFICATION_RETRY_MAX_RETRIES', 3, { min: 0, max: 100 }),
    },
    attemptTimeoutMs,
    idempotency: {
      doneTtlSeconds: readInt(env, 'NOTIFICATION_IDEMPOTENCY_TTL_SECONDS', 604_800, { min: 60 }),
      leaseMs,
    },
    webhook: {
      url: readUrl(env, 'NOTIFICATION_WEBHOOK_URL'),
      timeoutMs: readDurationMs(env, 'NOTIFICATION_WEBHOOK_TIMEOUT_MS', 5000, { min: 10 }),
    },
    maxRecordBytes: readInt(env, 'NOTIFICATION_MAX_RECORD_BYTES', 1_048_576, { min: 1024 }),
    lane: {
      maxQueuedRecords: readInt(env, 'NOTIFICATION_MAX_QUEUED_RECORDS_PER_PARTITION', 1000, { min: 1 }),
      maxQueuedBytes: readInt(env, 'NOTIFICATION_MAX_QUEUED_BYTES_PER_PARTITION', 8 * 1024 * 1024, {
        min: 1024,
      }),
    },
    stallTimeoutMs: readDurationMs(env, 'NOTIFICATION_STALL_TIMEOUT_MS', 120_000, { min: 1000 }),
    log: readLoggingConfig(env),
    shutdownTimeoutMs: readDurationMs(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, { min: 1000 }),
  };
}

export type NotificationConfig = ReturnType<typeof readConfig>;
