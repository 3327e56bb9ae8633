/**
 * The idempotency gate: an event is sent at most once per eventId across every instance that shares
 * the Redis, and a crash can no longer lose it.
 *
 * The original reserved `notification:processed:event:<eventId>` = `1` for 7 days *before* sending, so
 * a process that died between the reservation and the send left the event marked as done, unsent. Here
 * the key first holds a short lease owned by one attempt (`lease:<instance>:<n>`, a few tens of seconds);
 * only after a successful send does it become the 7-day done mark, written as `1` exactly like the Java
 * service writes it, so both read each other's marks. A redelivered record whose lease is still live is
 * waited for, not skipped; an expired lease (its owner died) is simply taken over. Only the owner of a
 * lease releases it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from './consumer/errors.ts';
import { type OutageTracker, waitOut } from './consumer/outage.ts';

export const processedKeyPrefix = 'notification:processed:event:';

export interface IdempotencyOptions {
  /** Lifetime of the done mark (the original: 7 days). */
  doneTtlSeconds: number;
  /** Lifetime of a processing lease; must exceed the longest send attempt. */
  leaseMs: number;
  /** How often a record whose event is leased by another attempt checks again. */
  busyPollMs?: number;
  /** Identifies this process in lease values (shown when debugging a stuck lease). */
  instanceId?: string;
  tracker?: OutageTracker;
}

export type GateResult = 'SENT' | 'DUPLICATE';

const beginScript = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'ACQUIRED'
end
if string.sub(v, 1, 6) == 'lease:' then return 'BUSY' end
return 'DONE'`;

const completeScript = `
local v = redis.call('GET', KEYS[1])
if v == '1' then return 0 end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
return 1`;

const abandonScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface GateCommands {
  gateBegin(key: string, token: string, leaseMs: number): Promise<string>;
  gateComplete(key: string, token: string, ttlSeconds: number): Promise<number>;
  gateAbandon(key: string, token: string): Promise<number>;
}

export class IdempotencyGate {
  readonly #redis: Redis & GateCommands;
  readonly #options: Required<Omit<IdempotencyOptions, 'tracker'>> & { tracker?: OutageTracker | undefined };
  #attempts = 0;

  constructor(redis: Redis, options: IdempotencyOptions) {
    redis.defineCommand('gateBegin', { numberOfKeys: 1, lua: beginScript });
    redis.defineCommand('gateComplete', { numberOfKeys: 1, lua: completeScript });
    redis.defineCommand('gateAbandon', { numberOfKeys: 1, lua: abandonScript });
    this.#redis = redis as Redis & GateCommands;
    this.#options = {
      busyPollMs: 1000,
      instanceId: `${process.pid}-${randomUUID().slice(0, 8)}`,
      ...options,
    };
  }

  /**
   * Runs `send` unless the event was already handled. A failed send releases the lease (so a retry can
   * run) and rethrows. Redis outages are waited out, never turned into a failure of the record.
   */
  async guard(eventId: string, signal: AbortSignal, send: () => Promise<void>): Promise<GateResult> {
    const key = processedKeyPrefix + eventId;
    const token = `lease:${this.#options.instanceId}:${++this.#attempts}`;
    for (;;) {
      const state = await this.#redisCall(
        () => this.#redis.gateBegin(key, token, this.#options.leaseMs),
        signal,
      );
      if (state === 'DONE') return 'DUPLICATE';
      if (state === 'ACQUIRED') break;
      await sleep(this.#options.busyPollMs, signal); // another attempt holds a live lease
    }
    try {
      await send();
    } catch (error) {
      await this.#redisCall(() => this.#redis.gateAbandon(key, token), signal);
      throw error;
    }
    await this.#redisCall(() => this.#redis.gateComplete(key, token, this.#options.doneTtlSeconds), signal);
    return 'SENT';
  }

  #redisCall<T>(operation: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return waitOut(operation, { component: 'redis', tracker: this.#options.tracker, signal });
  }
}
