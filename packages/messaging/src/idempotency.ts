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
import { Deadlines } from './consumer/deadlines.ts';
import { HandlingAbortedError, sleep } from './consumer/errors.ts';
import { isPromise, type MaybePromise } from './consumer/maybe-async.ts';
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
  /**
   * Bound on one send (the attempt timeout; shorter than the lease). Only the send is bounded: waiting
   * out a Redis outage or another attempt's lease is not a failure of the record and must not use up
   * its attempts.
   */
  sendTimeoutMs?: number;
  /**
   * Write-behind done marks: `guard` returns as soon as the send worked, and the done marks of the
   * sends of the last moment are written together, in one pipeline. The caller must then call `settle`
   * before it commits the records' offsets (the consumer runtime's `beforeCommit`): a crash before the
   * marks are written leaves the records uncommitted and their leases expiring, which is exactly the
   * crash window `guard` always had between a send and its mark. Off by default.
   */
  writeBehind?: boolean;
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

/**
 * The begin script for many events in one call (the leases of the records next in line): KEYS are the
 * events' keys; ARGV the lease time, then the tokens' common prefix and the number of the first token
 * (the tokens of one call are numbered in a row, so they are not sent one by one). Answers one state per key.
 */
export const beginManyScript = `
local leaseMs = ARGV[1]
local prefix = ARGV[2]
local first = tonumber(ARGV[3])
local states = {}
for i, key in ipairs(KEYS) do
  local token = prefix .. string.format('%d', first + i - 1)
  local v = redis.call('GET', key)
  if not v or v == token then
    redis.call('SET', key, token, 'PX', leaseMs)
    states[i] = 'ACQUIRED'
  elseif string.sub(v, 1, 6) == 'lease:' then
    states[i] = 'BUSY'
  else
    states[i] = 'DONE'
  end
end
return states`;

/** The complete script for many events in one call (write-behind done marks); ARGV[1] is the TTL. */
export const completeManyScript = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) ~= '1' then redis.call('SET', key, '1', 'EX', ARGV[1]) end
end
return #KEYS`;

/** The signal of a send: only its own bound ends it (see `guard`). */
const neverAborted = new AbortController().signal;

const abandonScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Leases taken together (`prefetch`): one script call, one answer for all. */
interface LeaseBatch {
  /** The begin script's answer per event, once it came; stays undefined when Redis could not be asked. */
  states: readonly string[] | undefined;
  /** Settles (never rejects) once `states` is known or known to be missing. */
  answered: Promise<void>;
}

/** A lease taken ahead of the record's turn (`prefetch`), claimed by `guard`. */
interface Prefetched {
  token: string;
  /** When the lease was asked for (`Date.now()`). */
  at: number;
  batch: LeaseBatch;
  /** This event's place in the batch. */
  index: number;
}

interface GateCommands {
  /** `gateBeginMany(n, ...keys, leaseMs, tokenPrefix, firstTokenNumber)` */
  gateBeginMany(...args: Array<string | number>): Promise<string[]>;
  /** `gateCompleteMany(n, ...keys, ttlSeconds)` */
  gateCompleteMany(...args: Array<string | number>): Promise<number>;
  gateBegin(key: string, token: string, leaseMs: number): Promise<string>;
  gateComplete(key: string, token: string, ttlSeconds: number): Promise<number>;
  gateAbandon(key: string, token: string): Promise<number>;
}

/** Done marks waiting to be written together (write-behind). */
interface DoneBatch {
  keys: string[];
  /** The events of `keys`, in the same order. */
  eventIds: string[];
  written: Promise<void>;
  /** Sends the batch without waiting for the rest of `DONE_BATCH_MS`. */
  writeNow(): void;
}

/**
 * Most leases taken in one script call: Redis runs nothing else while a script runs, and a call per
 * 256 keys keeps that under a millisecond.
 */
const LEASE_BATCH_MAX = 256;
/** How long write-behind done marks gather before they are written, at most. */
const DONE_BATCH_MS = 2;
/** Most done marks written in one call. */
const DONE_BATCH_MAX = 512;

export class IdempotencyGate {
  readonly #redis: Redis & GateCommands;
  readonly #options: Required<Omit<IdempotencyOptions, 'tracker' | 'sendTimeoutMs'>> &
    Pick<IdempotencyOptions, 'tracker' | 'sendTimeoutMs'>;
  #attempts = 0;
  readonly #prefetched = new Map<string, Prefetched>();
  /** The batch of done marks still taking entries (write-behind). */
  #openBatch: DoneBatch | undefined;
  /** Batches not yet written. */
  readonly #unwritten = new Set<Promise<void>>();
  /** Events whose done mark is not yet written, with the write to wait for. */
  readonly #markPending = new Map<string, Promise<void>>();
  /** Aborted by `close`: stops waiting out an outage for marks nobody will commit. */
  readonly #closed = new AbortController();
  /** Bounds each send (`sendTimeoutMs`). */
  readonly #sendDeadlines: Deadlines | undefined;
  /** Lease tokens are this prefix and the attempt's number. */
  readonly #tokenPrefix: string;

  constructor(redis: Redis, options: IdempotencyOptions) {
    redis.defineCommand('gateBegin', { numberOfKeys: 1, lua: beginScript });
    redis.defineCommand('gateComplete', { numberOfKeys: 1, lua: completeScript });
    redis.defineCommand('gateAbandon', { numberOfKeys: 1, lua: abandonScript });
    redis.defineCommand('gateBeginMany', { lua: beginManyScript });
    redis.defineCommand('gateCompleteMany', { lua: completeManyScript });
    this.#redis = redis as Redis & GateCommands;
    this.#options = {
      busyPollMs: 1000,
      instanceId: `${process.pid}-${randomUUID().slice(0, 8)}`,
      writeBehind: false,
      ...options,
    };
    this.#tokenPrefix = `lease:${this.#options.instanceId}:`;
    if (options.sendTimeoutMs !== undefined) {
      this.#sendDeadlines = new Deadlines(options.sendTimeoutMs, 'notification send');
    }
  }

  /**
   * Runs `send` unless the event was already handled. A failed send releases the lease (so a retry can
   * run) and rethrows; a send that outlives `sendTimeoutMs` fails with HandlerTimeoutError (its signal is
   * aborted). Redis outages and other attempts' leases are waited out, never turned into a failure of
   * the record. `signal` ends the waiting (HandlingAbortedError) and keeps a send from starting, but a
   * send under way is not cut by it: it runs to its end or its own bound, so that its outcome is known
   * and, when it worked, its done mark is written.
   *
   * Synchronous in the usual case of a busy partition: the lease was taken ahead (`prefetch`) and its
   * answer is in, the send finishes synchronously (the log notifier) and the done mark is written
   * behind. Then the result comes back as it is, not as a promise (see `consumer/maybe-async.ts`).
   */
  guard(
    eventId: string,
    signal: AbortSignal,
    send: (signal: AbortSignal) => MaybePromise<void>,
  ): MaybePromise<GateResult> {
    const key = processedKeyPrefix + eventId;
    const prefetched = this.#prefetched.get(eventId);
    if (prefetched === undefined) return this.#guardWaiting(eventId, key, undefined, signal, send);
    this.#prefetched.delete(eventId);
    if (
      prefetched.batch.states?.[prefetched.index] === 'ACQUIRED' &&
      this.#isFresh(prefetched) &&
      !this.#markPending.has(eventId) &&
      !signal.aborted
    ) {
      return this.#sendHoldingLease(eventId, key, prefetched.token, signal, send);
    }
    return this.#guardWaiting(eventId, key, prefetched, signal, send);
  }

  /** `guard` when the lease is not known to be ours yet: asks Redis, waits, then sends. */
  async #guardWaiting(
    eventId: string,
    key: string,
    prefetched: Prefetched | undefined,
    signal: AbortSignal,
    send: (signal: AbortSignal) => MaybePromise<void>,
  ): Promise<GateResult> {
    const token = prefetched?.token ?? this.#newToken();
    // The same event sent a moment ago by this process, its done mark not yet written: wait for the
    // mark, then ask Redis (which answers DONE), instead of polling our own lease as another's.
    const markPending = this.#markPending.get(eventId);
    if (markPending) await markPending;
    // A lease taken ahead is used while at least half its lifetime is left; an older one is renewed by
    // the begin script below (the owner's token takes its own lease again).
    let state: string | undefined;
    if (prefetched && !markPending && this.#isFresh(prefetched)) {
      await prefetched.batch.answered;
      state = prefetched.batch.states?.[prefetched.index];
    }
    for (;;) {
      state ??= await this.#redisCall(() => this.#redis.gateBegin(key, token, this.#options.leaseMs), signal);
      if (state === 'DONE') return 'DUPLICATE';
      if (state === 'ACQUIRED') break;
      await sleep(this.#options.busyPollMs, signal); // another attempt holds a live lease
      state = undefined;
    }
    if (signal.aborted) {
      // Stopping before the send began: give the lease back at once (one try) for the next owner.
      await this.#redis.gateAbandon(key, token).catch(() => 0);
      throw new HandlingAbortedError('stopped before the send');
    }
    return this.#sendHoldingLease(eventId, key, token, signal, send);
  }

  /** Sends under the lease `token` holds, then marks the event done (or gives the lease back on failure). */
  #sendHoldingLease(
    eventId: string,
    key: string,
    token: string,
    signal: AbortSignal,
    send: (signal: AbortSignal) => MaybePromise<void>,
  ): MaybePromise<GateResult> {
    let sending: MaybePromise<void>;
    try {
      sending = this.#sendDeadlines ? this.#sendDeadlines.run(send) : send(neverAborted);
    } catch (error) {
      return this.#abandonAndFail(key, token, signal, error);
    }
    if (isPromise(sending)) {
      return sending.then(
        () => this.#markDone(eventId, key, token, signal),
        (error: unknown) => this.#abandonAndFail(key, token, signal, error),
      );
    }
    return this.#markDone(eventId, key, token, signal);
  }

  #markDone(eventId: string, key: string, token: string, signal: AbortSignal): MaybePromise<GateResult> {
    if (this.#options.writeBehind) {
      this.#markDoneLater(eventId, key);
      return 'SENT';
    }
    return this.#redisCall(
      () => this.#redis.gateComplete(key, token, this.#options.doneTtlSeconds),
      signal,
    ).then(() => 'SENT' as const);
  }

  /** A failed send: the lease is given back (waiting out a Redis outage), then the send's error rethrown. */
  async #abandonAndFail(key: string, token: string, signal: AbortSignal, error: unknown): Promise<never> {
    await this.#redisCall(() => this.#redis.gateAbandon(key, token), signal);
    throw error;
  }

  /** A lease taken ahead is claimed as it is while at least half its lifetime is left. */
  #isFresh(prefetched: Prefetched): boolean {
    return Date.now() - prefetched.at < this.#options.leaseMs / 2;
  }

  /**
   * Resolves once every done mark of a `guard` that returned before this call is written (write-behind;
   * at once otherwise). A Redis outage is waited out; rejects with HandlingAbortedError when `signal`
   * aborts first (the marks are still written when Redis comes back, unless the gate is closed).
   */
  async settle(signal?: AbortSignal): Promise<void> {
    if (this.#unwritten.size === 0) return;
    const open = this.#openBatch;
    this.#openBatch = undefined;
    open?.writeNow();
    const all = Promise.all(this.#unwritten);
    if (!signal) return void (await all);
    if (signal.aborted) throw new HandlingAbortedError('aborted');
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new HandlingAbortedError('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([all, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops retrying unwritten done marks (at shutdown, after the consumers stopped). */
  close(): void {
    this.#closed.abort();
  }

  #markDoneLater(eventId: string, key: string): void {
    let batch = this.#openBatch;
    if (!batch) {
      const keys: string[] = [];
      const eventIds: string[] = [];
      let writeNow = () => {};
      // Marks gather for a moment (or until the batch is full, or somebody settles), then go out in one call.
      const due = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DONE_BATCH_MS);
        writeNow = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      const written = due.then(() => {
        if (this.#openBatch?.keys === keys) this.#openBatch = undefined;
        return this.#writeDone(keys);
      });
      batch = { keys, eventIds, written, writeNow };
      this.#openBatch = batch;
      this.#unwritten.add(written);
      const settled = () => {
        this.#unwritten.delete(written);
        // Its events are no longer pending, unless a later batch took one of them over.
        for (const id of eventIds) if (this.#markPending.get(id) === written) this.#markPending.delete(id);
      };
      written.then(settled, settled);
    }
    batch.keys.push(key);
    batch.eventIds.push(eventId);
    this.#markPending.set(eventId, batch.written);
    if (batch.keys.length >= DONE_BATCH_MAX) {
      this.#openBatch = undefined;
      batch.writeNow();
    }
  }

  /** Writes done marks in one call; tried again (it is idempotent) while Redis is away. */
  async #writeDone(keys: readonly string[]): Promise<void> {
    await waitOut(() => this.#redis.gateCompleteMany(keys.length, ...keys, this.#options.doneTtlSeconds), {
      component: 'redis',
      tracker: this.#options.tracker,
      signal: this.#closed.signal,
    });
  }

  /**
   * Takes the leases of events whose records are waiting for their turn, in one round trip (a script
   * call per `LEASE_BATCH_MAX` events), so that `guard` finds them taken instead of asking Redis for each
   * record in turn. Nothing else changes: each event is still sent only after its own lease is held, one
   * record after the other, and its done mark is written (or, write-behind, settled before the commit).
   * A lease taken this way and never claimed must be given back with `release` (the lane dropped the
   * record); if the process dies, it expires like any other.
   */
  prefetch(eventIds: readonly string[]): void {
    // An event twice in the window (a duplicate record) is prefetched once; its second record asks Redis.
    const fresh = [...new Set(eventIds)].filter((eventId) => !this.#prefetched.has(eventId));
    for (let start = 0; start < fresh.length; start += LEASE_BATCH_MAX) {
      this.#takeLeases(fresh.slice(start, start + LEASE_BATCH_MAX));
    }
  }

  /** One script call taking the leases of `eventIds` (none of them prefetched yet). */
  #takeLeases(eventIds: readonly string[]): void {
    const at = Date.now();
    const first = this.#attempts + 1;
    this.#attempts += eventIds.length;
    const keys = eventIds.map((eventId) => processedKeyPrefix + eventId);
    const batch: LeaseBatch = { states: undefined, answered: Promise.resolve() };
    batch.answered = this.#redis
      .gateBeginMany(keys.length, ...keys, this.#options.leaseMs, this.#tokenPrefix, first)
      .then(
        (states) => {
          batch.states = states;
        },
        () => {}, // no answer: each record's guard asks Redis itself
      );
    for (let index = 0; index < eventIds.length; index++) {
      this.#prefetched.set(eventIds[index]!, { token: this.#tokenOf(first + index), at, batch, index });
    }
  }

  /** Gives back the leases `prefetch` took for events that will not be handled here (best effort). */
  release(eventIds: readonly string[]): void {
    for (const eventId of eventIds) {
      const prefetched = this.#prefetched.get(eventId);
      if (!prefetched) continue;
      this.#prefetched.delete(eventId);
      const { batch, index, token } = prefetched;
      void batch.answered.then(() => {
        if (batch.states?.[index] === 'ACQUIRED') {
          return this.#redis.gateAbandon(processedKeyPrefix + eventId, token).catch(() => 0);
        }
        return 0;
      });
    }
  }

  #newToken(): string {
    return this.#tokenOf(++this.#attempts);
  }

  /** The lease token of attempt `n` (the begin-many script makes the same from the prefix and a number). */
  #tokenOf(n: number): string {
    return this.#tokenPrefix + n;
  }

  #redisCall<T>(operation: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return waitOut(operation, { component: 'redis', tracker: this.#options.tracker, signal });
  }
}
