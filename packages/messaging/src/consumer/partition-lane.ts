/**
 * One lane per assigned partition: records of a partition are handled one after another, in offset
 * order, while lanes run concurrently. A lane commits an offset only after its record reached an
 * outcome, so the committed offset is always the highest contiguous handled offset + 1.
 *
 * The Kafka client has no per-partition pause. A lane that is full (its partition is stuck in retries)
 * therefore drops the records that keep arriving for it and, once it has room again, asks the runtime
 * to rewind that partition's fetch position to the first record it has not kept. Memory stays bounded
 * and the other partitions keep flowing.
 */
import { isAbort, sleep } from './errors.ts';
import type { ConsumedRecord, Outcome, RecordHandler } from './types.ts';

export interface LaneLimits {
  /** Most records a lane keeps waiting. */
  maxQueuedRecords: number;
  /** Most bytes (keys + values) a lane keeps waiting. */
  maxQueuedBytes: number;
}

export interface LaneHooks {
  handle: RecordHandler;
  /** Commits `record.offset + 1`; resolves false when the commit failed. Called in offset order. */
  commit(record: ConsumedRecord): Promise<boolean>;
  outcome(record: ConsumedRecord, outcome: Outcome, elapsedMs: number): void;
  /** An error escaped the handler chain (an outage); the record is handled again after `delayMs`. */
  stalled(record: ConsumedRecord, error: unknown, delayMs: number): void;
  /** The lane has room again after dropping records: fetch this partition again from `offset`. */
  rewind(offset: bigint): void;
}

type LaneState = 'flowing' | 'full' | 'rewinding';

export class PartitionLane {
  readonly topic: string;
  readonly partition: number;
  readonly #limits: LaneLimits;
  readonly #hooks: LaneHooks;
  readonly #abort = new AbortController();
  #queue: ConsumedRecord[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** Offset of the next record this lane expects; undefined until the first record arrives. */
  #expected: bigint | undefined;
  #state: LaneState = 'flowing';
  #lastRewindCandidate: bigint | undefined;
  #running: Promise<void> | undefined;
  #lastCommit: Promise<void> = Promise.resolve();
  #newestCommitOffset: bigint | undefined;
  #lastProgressAt = Date.now();
  #handledCount = 0;

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

  /** Takes a fetched record; returns false when it was dropped (duplicate, or no room). */
  offer(record: ConsumedRecord): boolean {
    if (this.#abort.signal.aborted) return false;
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
    if (this.queued >= this.#limits.maxQueuedRecords || this.#queuedBytes >= this.#limits.maxQueuedBytes) {
      this.#state = 'full';
      return false;
    }
    this.#queue.push(record);
    this.#queuedBytes += sizeOf(record);
    this.#expected = record.offset + 1n;
    if (!this.#running) this.#running = this.#drain();
    return true;
  }

  /**
   * Stops the lane: the record being handled may finish (its handler sees the abort signal), queued
   * records are dropped uncommitted, so the partition's next owner gets them again.
   */
  async stop(graceMs: number): Promise<void> {
    this.#queue = this.#queue.slice(0, this.#head + (this.#running ? 1 : 0));
    const running = this.#running;
    if (running) {
      const timer = setTimeout(() => this.#abort.abort(), graceMs);
      await running;
      clearTimeout(timer);
    }
    this.#abort.abort();
    await this.#lastCommit.catch(() => undefined);
  }

  async #drain(): Promise<void> {
    let stallDelay = 250;
    while (this.queued > 0 && !this.#abort.signal.aborted) {
      const record = this.#queue[this.#head]!;
      const started = performance.now();
      let outcome: Outcome;
      try {
        outcome = await this.#hooks.handle(record, this.#abort.signal);
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
      this.#head++;
      this.#queuedBytes -= sizeOf(record);
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      this.#handledCount++;
      this.#lastProgressAt = Date.now();
      this.#hooks.outcome(record, outcome, performance.now() - started);
      this.#lastCommit = this.#commit(record);
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
  async #commit(record: ConsumedRecord): Promise<void> {
    this.#newestCommitOffset = record.offset;
    let delay = 500;
    while (!(await this.#hooks.commit(record))) {
      try {
        await sleep(delay, this.#abort.signal);
      } catch {
        return;
      }
      if (this.#newestCommitOffset !== record.offset) return;
      delay = Math.min(delay * 2, 10_000);
    }
  }

  #resumeFetching(): void {
    this.#state = 'rewinding';
    this.#lastRewindCandidate = undefined;
    if (this.#expected !== undefined) this.#hooks.rewind(this.#expected);
  }
}

function sizeOf(record: ConsumedRecord): number {
  return (record.key?.length ?? 0) + (record.value?.length ?? 0) + 64;
}
