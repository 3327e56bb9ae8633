/**
 * Health indicators: the consumers (connected, and making progress when they have work), Redis, and
 * any outage being waited out right now.
 */
import type { ConsumerRuntime, OutageBoard } from '@commerce/messaging';
import type { HealthIndicator } from '@commerce/platform';
import type { Redis } from 'ioredis';

export function consumerHealth(
  name: string,
  consumer: ConsumerRuntime,
  stallTimeoutMs: number,
): HealthIndicator {
  return {
    name,
    async check() {
      const status = consumer.status();
      const stalledForMs = status.oldestBusySince === undefined ? 0 : Date.now() - status.oldestBusySince;
      const stalled = stalledForMs > stallTimeoutMs;
      const up = status.connected && !stalled;
      return {
        status: up ? 'UP' : 'DOWN',
        details: {
          connected: status.connected,
          assignedPartitions: status.assigned.length,
          queuedRecords: status.queued,
          ...(stalled ? { stalledForMs } : {}),
          ...(status.lastError ? { lastError: status.lastError } : {}),
        },
      };
    },
  };
}

export function redisHealth(redis: Redis): HealthIndicator {
  return {
    name: 'redis',
    async check() {
      try {
        const pong = await redis.ping();
        return { status: pong === 'PONG' ? 'UP' : 'DOWN' };
      } catch (error) {
        return { status: 'DOWN', details: { error: (error as Error).message } };
      }
    },
  };
}

export function outageHealth(board: OutageBoard): HealthIndicator {
  return {
    name: 'dependencies',
    async check() {
      const down = board.current();
      if (down.size === 0) return { status: 'UP' };
      return {
        status: 'DOWN',
        details: Object.fromEntries(
          [...down].map(([component, info]) => [
            component,
            { downSinceMs: Date.now() - info.since, error: info.error },
          ]),
        ),
      };
    },
  };
}
