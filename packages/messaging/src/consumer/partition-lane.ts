/**
 * One lane per assigned partition: records of a partition are handled one after another, in offset
 * order, while lanes run concurrently. A lane commits an offset only after its record reached an
 * outcome, so the committed offset is always the highest contiguous handled offset + 1.
 *
 * The Kafka client has no per-partition pause. A lane that is full (its partition is stuck in retries)
 * therefore drops the records that keep arriving for it and, once it has room again, asks the runtime
 * to rewind that partition's fetch position to the first record it has not kept. Memory stays bounded
 * and the other partitions keep flowing.
 *
 * Dropping is the fallback, not the rule: a lane that fills up because it is merely slower than the
 * fetches asks the runtime to pause fetching (`pressure`) at half its limit and to resume at a quarter,
 * so records are not fetched, decoded and dropped over and over.
 */
import { isAbort, sleep } from './errors.ts';
import { isPromise } from './maybe-async.ts';
import type { ConsumedRecord, Outcome, RecordHandler } from './types.ts';

export interface LaneLimits {
  /** Most records a lane keeps waiting. */
  maxQueuedRecords: number;
  /** Most bytes (keys + values) a lane keeps waiting. */
  maxQueuedBytes: number;
  /**
   * Commits at most this often (default 0: after every record). The offset committed is still always the
   * last handled record's + 1, and a lane that goes quiet or stops commits what it handled; a crash only
   * redelivers up to this much more, which the idempotency gate answers as DUPLICATE.
   */
  commitIntervalMs?: number;
}

export interface LaneHooks {
  handle: RecordHandler;
  /**
   * Commits `record.offset + 1`; resolves false when the commit failed. Called in offset order, one at a
   * time per lane; `signal` aborts when the lane stops for good.
   */
  commit(record: ConsumedRecord, signal: AbortSignal): Promise<boolean>;
  outcome(record: ConsumedRecord, outcome: Outcome, elapsedMs: number): void;
  /** An error escaped the handler chain (an outage); the record is handled again after `delayMs`. */
  stalled(record: ConsumedRecord, error: unknown, delayMs: number): void;
  /** The lane has room again after dropping records: fetch this partition again from `offset`. */
  rewind(offset: bigint): void;
  /**
   * Backpressure: `true` when the lane holds half its limit (fetching more would soon only be dropped),
   * `false` once it is down to a quarter again, or stops.
   */
  pressure?(on: boolean): void;
  /**
   * Told, in order, about records as they arrive, those offered in one go (a fetch's records for this
   * partition) in one call, before the first of them is handled: work for all of them can be started
   * together, well ahead of their turn (the idempotency gate takes their leases in one round trip).
   * Handling itself stays one record after the other.
   */
  prepare?(records: readonly ConsumedRecord[]): void;
  /** Told about prepared records that will not be handled here after all (the lane stopped). */
  discard?(records: readonly ConsumedRecord[]): void;
}

type LaneState = 'flowing' | 'full' | 'rewinding';

/**
 * A lane whose records are handled without real I/O (the log notifier, leases taken ahead) goes from
 * record to record synchronously (docs/decisions/0012), and nothing else would run meanwhile: no socket
 * read (the answer to the leases it asked for, the next fetch), no timer, no heartbeat. After this long
 * it lets the event loop turn once.
 */
const YIELD_AFTER_MS = 2;
/**
 * How long a stopping lane waits for its final commit. Not longer: a commit can hang while the group
 * rebalances, and an uncommitted handled record costs little (its next owner finds it done).
 */
export const FINAL_COMMIT_WAIT_MS = 3000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PartitionLane {
  readonly topic: string;
  readonly partition: number;
  readonly #limits: LaneLimits;
  readonly #hooks: LaneHooks;
  /** The handler's signal: aborted when the lane stops, so that nothing waits any more. */
  readonly #abort = new AbortController();
  /** The commits' signal: aborted once the final commit at stop had its moment. */
  readonly #commitAbort = new AbortController();
  /**
   * Records from `#head` on wait; the slots before it were handled and are emptied at once, so that a
   * handled record (its buffers, its decoded event) is garbage as soon as its commit no longer needs it,
   * not only when the array is next compacted: a record kept a few scavenges longer is promoted to the
   * old generation and only freed by a full collection (docs/decisions/0007).
   */
  #queue: (ConsumedRecord | undefined)[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** Offset of the next record this lane expects; undefined until the first record arrives. */
  #expected: bigint | undefined;
  #state: LaneState = 'flowing';
  #lastRewindCandidate: bigint | undefined;
  #running: Promise<void> | undefined;
  #lastCommit: Promise<void> = Promise.resolve();
  #newestCommitOffset: bigint | undefined;
  /** The last handled record whose commit waits for `commitIntervalMs` to pass. */
  #commitPending: ConsumedRecord | undefined;
  #commitTimer: NodeJS.Timeout | undefined;
  #lastCommitAt = 0;
  #lastProgressAt = Date.now();
  #handledCount = 0;
  #pressing = false;
  /** Queue index up to which records were given to `prepare`. */
  #prepared = 0;
  /** `#arrived` is due (records were offered in this turn). */
  #arrivalDue = false;
  #stopping = false;

  constructor(topic: string, partition: number, limits: LaneLimits, hooks: LaneHooks) {
    this.topic = topic;
    this.partition = partition;
    this.#limits = limits;
    this.#hooks = hooks;
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get lastProgressAt(): number {
    return this.#lastProgressAt;
  }

  get handledCount(): number {
    return this.#handledCount;
  }

  /** True while the lane handles or holds a record. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** True while the lane asks for fetching to pause (see `LaneHooks.pressure`). */
  get pressing(): boolean {
    return this.#pressing;
  }

  /**
   * Takes a fetched record; returns false when it was dropped (duplicate, or no room). `beyondLimit`:
   * the record is kept even past the lane's limits (the runtime passes it for records fetched before it
   * paused fetching: they are in memory anyway, and only fetching more would add to it); a lane that is
   * already dropping still drops it.
   */
  offer(record: ConsumedRecord, beyondLimit = false): boolean {
    if (this.#stopping) return false;
    const expected = this.#expected;
    if (expected !== undefined && record.offset < expected) return false; // re-fetched after a rebalance
    if (this.#state === 'full') return false;
    if (this.#state === 'rewinding' && expected !== undefined && record.offset > expected) {
      // Either a fetch issued before the rewind, or a real gap in the log (the same first offset twice).
      if (this.#lastRewindCandidate !== record.offset) {
        this.#lastRewindCandidate = record.offset;
        this.#hooks.rewind(expected);
        return false;
      }
    }
    this.#state = 'flowing';
    this.#lastRewindCandidate = undefined;
    if (
      !beyondLimit &&
      (this.queued >= this.#limits.maxQueuedRecords || this.#queuedBytes >= this.#limits.maxQueuedBytes)
    ) {
      this.#state = 'full';
      return false;
    }
    this.#queue.push(record);
    this.#queuedBytes += sizeOf(record);
    this.#expected = record.offset + 1n;
    if (
      !this.#pressing &&
      (this.queued * 2 >= this.#limits.maxQueuedRecords ||
        this.#queuedBytes * 2 >= this.#limits.maxQueuedBytes)
    ) {
      this.#pressing = true;
      this.#hooks.pressure?.(true);
    }
    if (!this.#arrivalDue) {
      this.#arrivalDue = true;
      queueMicrotask(this.#arrived);
    }
    if (!this.#running) this.#running = this.#drain();
    return true;
  }

  /**
   * Runs once the records offered in one go (a fetch's records are offered one by one, synchronously)
   * are all queued: they are prepared together, in one call.
   */
  readonly #arrived = (): void => {
    this.#arrivalDue = false;
    if (!this.#stopping) this.#prepareQueued();
  };

  /**
   * Stops the lane. The handler's signal aborts at once: nothing waits any more (a retry's back-off,
   * another attempt's lease, an outage), while a send already under way finishes within its own bound so
   * that its outcome is known; `graceMs` caps that wait. Then what was handled is committed, one try of
   * at most `FINAL_COMMIT_WAIT_MS`. Queued records are dropped uncommitted: the partition's next owner gets
   * them again (and finds the handled ones done).
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    const keep = this.#head + (this.#running ? 1 : 0);
    if (this.#prepared > keep) this.#hooks.discard?.(this.#waiting(keep, this.#prepared));
    this.#prepared = Math.min(this.#prepared, keep);
    this.#queue = this.#queue.slice(0, keep);
    this.#release();
    this.#abort.abort();
    if (this.#running) {
      let graceEnds: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#running,
        new Promise<void>((resolve) => {
          graceEnds = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(graceEnds);
    }
    const commitEnds = setTimeout(() => this.#commitAbort.abort(), Math.min(graceMs, FINAL_COMMIT_WAIT_MS));
    this.#flushCommit();
    await Promise.race([this.#lastCommit.catch(() => undefined), whenAborted(this.#commitAbort.signal)]);
    clearTimeout(commitEnds);
    this.#commitAbort.abort();
  }

  async #drain(): Promise<void> {
    let stallDelay = 250;
    let ranSince = performance.now();
    while (this.queued > 0 && !this.#abort.signal.aborted) {
      if (performance.now() - ranSince >= YIELD_AFTER_MS) {
        await yieldToEventLoop();
        ranSince = performance.now();
      }
      // A record is never handled unprepared: the first one of a burst into an idle lane starts at
      // once, prepared alone; the rest of the burst is prepared together when it is all queued.
      if (this.#prepared <= this.#head) this.#prepareQueued();
      const record = this.#queue[this.#head]!;
      const started = performance.now();
      let outcome: Outcome;
      try {
        // A record handled synchronously is not awaited: the lane goes on to the next one at once.
        const handled = this.#hooks.handle(record, this.#abort.signal);
        outcome = isPromise(handled) ? await handled : handled;
      } catch (error) {
        if (isAbort(error) || this.#abort.signal.aborted) break;
        this.#hooks.stalled(record, error, stallDelay);
        try {
          await sleep(stallDelay, this.#abort.signal);
        } catch {
          break;
        }
        stallDelay = Math.min(stallDelay * 2, 30_000);
        continue;
      }
      stallDelay = 250;
      this.#queue[this.#head] = undefined;
      this.#head++;
      this.#queuedBytes -= sizeOf(record);
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#prepared = 0;
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#prepared = Math.max(0, this.#prepared - this.#head);
        this.#head = 0;
      }
      this.#handledCount++;
      this.#lastProgressAt = Date.now();
      if (
        this.#pressing &&
        this.queued * 4 <= this.#limits.maxQueuedRecords &&
        this.#queuedBytes * 4 <= this.#limits.maxQueuedBytes
      ) {
        this.#release();
      }
      this.#hooks.outcome(record, outcome, performance.now() - started);
      this.#scheduleCommit(record);
      if (this.#state === 'full' && this.queued <= this.#limits.maxQueuedRecords / 2) this.#resumeFetching();
    }
    if (this.#state === 'full' && !this.#abort.signal.aborted) this.#resumeFetching();
    this.#running = undefined;
    if (this.queued > 0 && !this.#abort.signal.aborted) this.#running = this.#drain();
  }

  /**
   * A failed commit is tried again (after a pause) as long as no later offset of this lane was
   * committed meanwhile: a later commit covers it, and a partition that goes quiet must not leave
   * its last handled records uncommitted.
   */
  #scheduleCommit(record: ConsumedRecord): void {
    this.#commitPending = record;
    if (this.#commitTimer) return;
    const wait = this.#lastCommitAt + (this.#limits.commitIntervalMs ?? 0) - performance.now();
    if (wait <= 0) this.#flushCommit();
    else this.#commitTimer = setTimeout(() => this.#flushCommit(), wait);
  }

  #flushCommit(): void {
    clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    const record = this.#commitPending;
    if (!record) return;
    this.#commitPending = undefined;
    this.#lastCommitAt = performance.now();
    this.#newestCommitOffset = record.offset;
    // One commit of a partition at a time, in offset order: a commit may wait (for the idempotency
    // gate's done marks), and a later offset must never be overwritten by an earlier one.
    this.#lastCommit = this.#lastCommit.then(() => this.#commit(record));
  }

  async #commit(record: ConsumedRecord): Promise<void> {
    if (this.#newestCommitOffset !== record.offset) return; // a later commit covers it
    let delay = 500;
    while (!(await this.#hooks.commit(record, this.#commitAbort.signal))) {
      if (this.#stopping) return;
      try {
        await sleep(delay, this.#commitAbort.signal);
      } catch {
        return;
      }
      if (this.#newestCommitOffset !== record.offset) return;
      delay = Math.min(delay * 2, 10_000);
    }
  }

  /** Gives `prepare` the queued records it has not seen yet, in one call. */
  #prepareQueued(): void {
    const prepare = this.#hooks.prepare;
    if (!prepare) return;
    const from = Math.max(this.#prepared, this.#head);
    const to = this.#queue.length;
    if (to <= from) return;
    this.#prepared = to;
    prepare(this.#waiting(from, to));
  }

  /** Queued records `from` (at or after `#head`: not handled yet, so none is emptied) up to `to`. */
  #waiting(from: number, to: number): ConsumedRecord[] {
    return this.#queue.slice(from, to) as ConsumedRecord[];
  }

  #release(): void {
    if (!this.#pressing) return;
    this.#pressing = false;
    this.#hooks.pressure?.(false);
  }

  #resumeFetching(): void {
    this.#state = 'rewinding';
    this.#lastRewindCandidate = undefined;
    if (this.#expected !== undefined) this.#hooks.rewind(this.#expected);
  }
}

function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function sizeOf(record: ConsumedRecord): number {
  return (record.key?.length ?? 0) + (record.value?.length ?? 0) + 64;
}
