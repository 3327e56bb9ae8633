/**
 * The Redis client for the idempotency gate. Commands fail fast when Redis is away (no offline queue,
 * a command timeout) so that the gate notices the outage and waits it out, instead of piling commands
 * up in memory.
 *
 * No auto-pipelining: the gate batches its own work (the leases of a fetch's records, the done marks of
 * the last 2 ms, each one script call), and ioredis runs one auto-pipeline at a time per connection, so a
 * lease call waited for every command sent before it to be answered, then for its whole pipeline: under
 * load the answer that lets a partition go on took ~100 ms instead of ~1 ms, and the partitions stood
 * idle meanwhile. Without it each call goes out at once and is answered as soon as Redis ran it.
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
    enableAutoPipelining: false,
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
