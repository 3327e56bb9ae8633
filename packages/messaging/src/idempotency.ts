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
import { withinTimeout } from './consumer/timeout.ts';

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
  /**
   * Bound on one send (the attempt timeout; shorter than the lease). Only the send is bounded: waiting
   * out a Redis outage or another attempt's lease is not a failure of the record and must not use up
   * its attempts.
   */
  sendTimeoutMs?: number;
  tracker?: OutageTracker;
}

export type GateResult = 'SENT' | 'DUPLICATE';

/** The gate's Lua scripts (exported for the benchmark's redis-benchmark ceiling). */
export const beginScript = `
local v = redis.call('GET', KEYS[1])
if not v or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'ACQUIRED'
end
if string.sub(v, 1, 6) == 'lease:' then return 'BUSY' end
return 'DONE'`;

export const completeScript = `
local v = redis.call('GET', KEYS[1])
if v == '1' then return 0 end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
return 1`;

const abandonScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** A lease taken ahead of the record's turn (`prefetch`), claimed by `guard`. */
interface Prefetched {
  token: string;
  /** When the lease was asked for (`Date.now()`). */
  at: number;
  /** The begin script's answer; undefined when Redis could not be asked. */
  state: Promise<string | undefined>;
}

interface PipelineCommands {
  gateBegin(key: string, token: string, leaseMs: number): unknown;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

interface GateCommands {
  gateBegin(key: string, token: string, leaseMs: number): Promise<string>;
  gateComplete(key: string, token: string, ttlSeconds: number): Promise<number>;
  gateAbandon(key: string, token: string): Promise<number>;
}

export class IdempotencyGate {
  readonly #redis: Redis & GateCommands;
  readonly #options: Required<Omit<IdempotencyOptions, 'tracker' | 'sendTimeoutMs'>> &
    Pick<IdempotencyOptions, 'tracker' | 'sendTimeoutMs'>;
  #attempts = 0;
  readonly #prefetched = new Map<string, Prefetched>();

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
   * run) and rethrows; a send that outlives `sendTimeoutMs` fails with HandlerTimeoutError (its signal is
   * aborted). Redis outages and other attempts' leases are waited out, never turned into a failure of
   * the record.
   */
  async guard(
    eventId: string,
    signal: AbortSignal,
    send: (signal?: AbortSignal) => Promise<void>,
  ): Promise<GateResult> {
    const key = processedKeyPrefix + eventId;
    const prefetched = this.#prefetched.get(eventId);
    this.#prefetched.delete(eventId);
    const token = prefetched?.token ?? this.#newToken();
    // A lease taken ahead is used while at least half its lifetime is left; an older one is renewed by
    // the begin script below (the owner's token takes its own lease again).
    let state =
      prefetched && Date.now() - prefetched.at < this.#options.leaseMs / 2
        ? await prefetched.state
        : undefined;
    for (;;) {
      state ??= await this.#redisCall(() => this.#redis.gateBegin(key, token, this.#options.leaseMs), signal);
      if (state === 'DONE') return 'DUPLICATE';
      if (state === 'ACQUIRED') break;
      await sleep(this.#options.busyPollMs, signal); // another attempt holds a live lease
      state = undefined;
    }
    const timeoutMs = this.#options.sendTimeoutMs;
    try {
      await (timeoutMs === undefined
        ? send(signal)
        : withinTimeout(timeoutMs, signal, send, 'notification send'));
    } catch (error) {
      await this.#redisCall(() => this.#redis.gateAbandon(key, token), signal);
      throw error;
    }
    await this.#redisCall(() => this.#redis.gateComplete(key, token, this.#options.doneTtlSeconds), signal);
    return 'SENT';
  }

  /**
   * Takes the leases of events whose records are next in line, in one round trip (a pipeline), so that
   * `guard` finds them taken instead of asking Redis for each record in turn. Nothing else changes: each
   * event is still sent only after its own lease is held, one record after the other, and its done mark
   * is written before `guard` returns. A lease taken this way and never claimed must be given back with
   * `release` (the lane dropped the record); if the process dies, it expires like any other.
   */
  prefetch(eventIds: readonly string[]): void {
    const fresh = eventIds.filter((eventId) => !this.#prefetched.has(eventId));
    if (fresh.length === 0) return;
    const at = Date.now();
    const pipeline = this.#redis.pipeline() as unknown as PipelineCommands;
    const tokens = fresh.map((eventId) => {
      const token = this.#newToken();
      pipeline.gateBegin(processedKeyPrefix + eventId, token, this.#options.leaseMs);
      return token;
    });
    const answers = pipeline.exec().then(
      (results) => results ?? [],
      () => [],
    );
    fresh.forEach((eventId, index) => {
      const state = answers.then((results) => {
        const [error, value] = results[index] ?? [null, undefined];
        return error || typeof value !== 'string' ? undefined : value;
      });
      this.#prefetched.set(eventId, { token: tokens[index]!, at, state });
    });
  }

  /** Gives back the leases `prefetch` took for events that will not be handled here (best effort). */
  release(eventIds: readonly string[]): void {
    for (const eventId of eventIds) {
      const prefetched = this.#prefetched.get(eventId);
      if (!prefetched) continue;
      this.#prefetched.delete(eventId);
      void prefetched.state.then((state) => {
        if (state === 'ACQUIRED') {
          return this.#redis.gateAbandon(processedKeyPrefix + eventId, prefetched.token).catch(() => 0);
        }
        return 0;
      });
    }
  }

  #newToken(): string {
    return `lease:${this.#options.instanceId}:${++this.#attempts}`;
  }

  #redisCall<T>(operation: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return waitOut(operation, { component: 'redis', tracker: this.#options.tracker, signal });
  }
}
