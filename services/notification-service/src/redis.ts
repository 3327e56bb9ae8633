/**
 * The Redis client for the idempotency gate. Commands fail fast when Redis is away (no offline queue,
 * a command timeout) so that the gate notices the outage and waits it out, instead of piling commands
 * up in memory; auto-pipelining batches the gate's commands of one tick into one round trip.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { NotificationConfig } from './config.ts';

export function createRedis(config: NotificationConfig['redis'], logger: Logger): Redis {
  const redis = new Redis({
    host: config.host,
    port: config.port,
    db: config.db,
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
    ...(config.tls ? { tls: config.tls } : {}),
    connectTimeout: config.timeoutMs,
    commandTimeout: config.timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error, host: config.host, port: config.port }, 'Redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ host: config.host, port: config.port }, 'Redis connection restored');
    down = false;
  });
  return redis;
}
