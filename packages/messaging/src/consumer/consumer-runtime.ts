/**
 * Runs a consumer group member: joins the group, fetches from the committed offsets (earliest when the
 * group has none), hands every record to its partition's lane, commits after handling, follows
 * rebalances, and comes back by itself when the broker connection or the fetch stream fails.
 */
import {
  Consumer,
  type Message,
  type MessagesStream,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  stringDeserializer,
} from '@platformatic/kafka';
import type { Logger } from 'pino';
import { baseClientOptions, type KafkaConnection } from '../kafka-client-options.ts';
import { sleep } from './errors.ts';
import { type LaneLimits, PartitionLane } from './partition-lane.ts';
import type { ConsumedRecord, Outcome, RecordHandler } from './types.ts';

export interface ConsumerRuntimeOptions {
  connection: KafkaConnection;
  groupId: string;
  topics: string[];
  handler: RecordHandler;
  logger: Logger;
  /** Per-partition bounds on records held in memory. */
  limits?: Partial<LaneLimits>;
  /** A member that stops heartbeating is removed from the group after this long. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the broker may hold a fetch open waiting for data. */
  maxWaitTimeMs?: number;
  /** Most bytes one fetch returns per partition (the broker still returns at least one record batch). */
  maxBytesPerPartition?: number;
  /** Told about the records next in line of a partition before their turn (see `LaneHooks.prepare`). */
  prepare?: (records: readonly ConsumedRecord[]) => void;
  /** Told about prepared records that will not be handled after all (see `LaneHooks.discard`). */
  discard?: (records: readonly ConsumedRecord[]) => void;
  /**
   * Awaited before each offset commit (the idempotency gate writes its done marks behind the sends and
   * `settle`s them here); rejects when `signal` aborts. A rejection fails that commit.
   */
  beforeCommit?: (signal: AbortSignal) => Promise<void>;
  /** Called after each record's outcome (metrics). */
  onOutcome?: (record: ConsumedRecord, outcome: Outcome, elapsedMs: number) => void;
  /** Called when a commit fails (it is retried with the next commit of that partition). */
  onCommitError?: (error: Error) => void;
  /**
   * A commit that has not completed after this long counts as failed (default 10 s). After
   * `COMMITS_FAILED_BEFORE_RECONNECT` failures in a row the client is replaced: a fresh connection
   * and a fresh group membership, then fetching resumes from the committed offsets.
   */
  commitTimeoutMs?: number;
}

/** Commit failures in a row (no commit succeeding in between) after which the client is replaced. */
export const COMMITS_FAILED_BEFORE_RECONNECT = 3;

export interface ConsumerStatus {
  connected: boolean;
  assigned: string[];
  queued: number;
  lastError: string | undefined;
  /** Oldest time a busy lane last made progress; undefined when every lane is idle. */
  oldestBusySince: number | undefined;
}

export class ConsumerRuntime {
  readonly #options: ConsumerRuntimeOptions;
  readonly #limits: LaneLimits;
  readonly #log: Logger;
  readonly #lanes = new Map<string, PartitionLane>();
  #consumer: Consumer<Buffer, Buffer, string, Buffer> | undefined;
  #stream: MessagesStream<Buffer, Buffer, string, Buffer> | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #connected = false;
  #lastError: string | undefined;
  /** Partitions of the latest assignment; undefined until the group told us. */
  #assigned: Set<string> | undefined;
  /** Lanes that asked for fetching to pause (backpressure); the stream is paused while any does. */
  readonly #pressing = new Set<PartitionLane>();
  #pressureWatch: NodeJS.Timeout | undefined;
  /** Taking the records fetched before fetching paused (`#takeFetched`). */
  #taking = false;
  #commitFailuresInARow = 0;
  /** Aborted by `stop`: ends the loop's back-off at once. */
  readonly #stopped = new AbortController();

  constructor(options: ConsumerRuntimeOptions) {
    this.#options = options;
    this.#limits = {
      maxQueuedRecords: 1000,
      maxQueuedBytes: 8 * 1024 * 1024,
      commitIntervalMs: 100,
      ...options.limits,
    };
    this.#log = options.logger.child({ group: options.groupId });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  status(): ConsumerStatus {
    let queued = 0;
    let oldestBusySince: number | undefined;
    for (const lane of this.#lanes.values()) {
      queued += lane.queued;
      if (lane.busy) oldestBusySince = Math.min(oldestBusySince ?? lane.lastProgressAt, lane.lastProgressAt);
    }
    return {
      connected: this.#connected,
      assigned: [...(this.#assigned ?? [])],
      queued,
      lastError: this.#lastError,
      oldestBusySince,
    };
  }

  /** Lag per partition (high watermark minus committed offset), for health and metrics. */
  async lag(): Promise<Map<string, bigint>> {
    const consumer = this.#consumer;
    const result = new Map<string, bigint>();
    if (!consumer || !this.#connected) return result;
    const lag = await consumer.getLag({ topics: this.#options.topics });
    for (const [topic, partitions] of lag) {
      partitions.forEach((value, partition) => {
        if (value >= 0n) result.set(`${topic}:${partition}`, value);
      });
    }
    return result;
  }

  /**
   * Stops fetching, lets the records being handled finish (up to `graceMs`), commits what was handled,
   * leaves the group and closes the connections.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#stopped.abort();
    this.#stream?.pause();
    await this.#stopLanes(graceMs);
    await this.#closeStream();
    // The loop may be waiting on a broker that is gone (joining the group): it is not waited for long.
    await Promise.race([this.#loop, sleep(5000)]);
    await this.#closeConsumer(5000);
  }

  async #run(): Promise<void> {
    let backoff = 500;
    while (!this.#stopping) {
      try {
        this.#consumer ??= this.#createConsumer();
        const stream = await this.#consumer.consume({
          topics: this.#options.topics,
          autocommit: false,
          mode: MessagesStreamModes.COMMITTED,
          fallbackMode: MessagesStreamFallbackModes.EARLIEST,
          maxWaitTime: this.#options.maxWaitTimeMs ?? 250,
          maxBytesPerPartition: this.#options.maxBytesPerPartition ?? 1024 * 1024,
          deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string },
        });
        this.#stream = stream;
        this.#connected = true;
        this.#lastError = undefined;
        backoff = 500;
        this.#log.info({ topics: this.#options.topics }, 'consumer joined the group and is fetching');
        await this.#pump(stream);
      } catch (error) {
        this.#lastError = (error as Error).message;
        if (!this.#stopping) this.#log.warn({ err: error, retryInMs: backoff }, 'consumer stream failed');
      }
      this.#connected = false;
      if (this.#stopping) break;
      // Start over from the committed offsets with a fresh client (its connections and its group
      // membership may be what broke): lanes are dropped, their uncommitted records come again.
      await this.#stopLanes(5000);
      await this.#closeStream();
      await this.#closeConsumer(5000);
      await sleep(backoff, this.#stopped.signal).catch(() => undefined);
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  #createConsumer(): Consumer<Buffer, Buffer, string, Buffer> {
    const consumer = new Consumer<Buffer, Buffer, string, Buffer>({
      ...baseClientOptions(this.#options.connection, this.#options.groupId),
      groupId: this.#options.groupId,
      sessionTimeout: this.#options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.#options.heartbeatIntervalMs ?? 1000,
      rebalanceTimeout: 30_000,
      // The Java client (3.x) offers `range` and `cooperative-sticky`; the library's default offers only
      // `roundrobin`. Offering `range` first lets Java and TypeScript members share a group (the leader,
      // whichever it is, computes a complete eager assignment).
      protocols: [
        { name: 'range', version: 1 },
        { name: 'roundrobin', version: 1 },
      ],
      retries: 3,
      retryDelay: 500,
    });
    consumer.on(
      'consumer:group:join',
      (payload: { assignments?: { topic: string; partitions: number[] }[] }) => {
        const assigned = new Set<string>();
        for (const assignment of payload.assignments ?? []) {
          for (const partition of assignment.partitions) assigned.add(`${assignment.topic}:${partition}`);
        }
        this.#assigned = assigned;
        this.#log.info({ assigned: [...assigned] }, 'partitions assigned');
        for (const [key, lane] of this.#lanes) {
          if (!assigned.has(key)) {
            this.#lanes.delete(key);
            this.#log.info(
              { topic: lane.topic, partition: lane.partition },
              'partition revoked; lane stopped',
            );
            void lane.stop(5000);
          }
        }
      },
    );
    return consumer;
  }

  #pump(stream: MessagesStream<Buffer, Buffer, string, Buffer>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      stream.on('data', (message: Message<Buffer, Buffer, string, Buffer>) => this.#dispatch(message));
      // Emitted as a fetch's answer is about to be pushed into the stream: paused, the stream keeps its
      // records, so they are taken once the push is done.
      stream.on('fetch', () => {
        if (this.#pressing.size > 0) queueMicrotask(() => this.#takeFetched());
      });
      stream.once('error', reject);
      stream.once('close', () => resolve());
      stream.once('end', () => resolve());
    });
  }

  #dispatch(message: Message<Buffer, Buffer, string, Buffer>): void {
    if (this.#stopping) return;
    const key = `${message.topic}:${message.partition}`;
    if (this.#assigned && !this.#assigned.has(key)) return; // buffered before a revocation
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = this.#createLane(message.topic, message.partition);
      this.#lanes.set(key, lane);
    }
    const record: ConsumedRecord & { commit: () => Promise<void> } = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: message.headerEntries,
      memo: undefined,
      commit: message.commit as () => Promise<void>,
    };
    lane.offer(record, this.#taking);
  }

  /**
   * Backpressure. The client can only pause the whole stream, so it is paused while some lane that is
   * making progress holds half its limit, and resumed when every such lane is down to a quarter. A lane
   * that stops making progress (a partition in retries) no longer holds the others back: after a second
   * without progress its hold is dropped and it falls back to dropping and rewinding its own records.
   *
   * Pausing stops fetching, not the delivery of what was fetched: the records of answers already in
   * (or in flight) still go to their lanes (`#takeFetched`).
   */
  #pressure(lane: PartitionLane, on: boolean): void {
    if (on) {
      this.#pressing.add(lane);
      if (this.#pressing.size === 1) {
        this.#stream?.pause();
        this.#pressureWatch ??= setInterval(() => this.#checkPressure(), 250).unref();
        // Called while the client pushes a fetch's records: the rest of them are taken once it is done.
        queueMicrotask(() => this.#takeFetched());
      }
      return;
    }
    this.#pressing.delete(lane);
    if (this.#pressing.size === 0) this.#resumeFetching();
  }

  #checkPressure(): void {
    const now = Date.now();
    for (const lane of this.#pressing) if (now - lane.lastProgressAt > 1000) this.#pressing.delete(lane);
    if (this.#pressing.size === 0) this.#resumeFetching();
  }

  /**
   * Takes the records a paused stream holds into their lanes, in order and even past the lanes' limits:
   * they are in memory already, and fetching stays paused until the lanes are down to a quarter again.
   * A fetch's answer holds the records of every partition, one partition after the other; left in the
   * paused stream, those behind the partition whose lane asked for the pause waited for that lane, and
   * the lanes took turns instead of running side by side (each idle while its leases were being taken).
   */
  #takeFetched(): void {
    const stream = this.#stream;
    if (this.#taking || this.#stopping || !stream || this.#pressing.size === 0) return;
    this.#taking = true;
    try {
      // `read` hands each record to the stream's 'data' listener (`#dispatch`).
      while (stream.readableLength > 0 && stream.read() !== null) {
        if (this.#stopping) break;
      }
    } finally {
      this.#taking = false;
    }
  }

  #resumeFetching(): void {
    clearInterval(this.#pressureWatch);
    this.#pressureWatch = undefined;
    const stream = this.#stream;
    if (!this.#stopping && stream && !stream.destroyed && stream.isPaused()) stream.resume();
  }

  #createLane(topic: string, partition: number): PartitionLane {
    const key = `${topic}:${partition}`;
    const lane: PartitionLane = new PartitionLane(topic, partition, this.#limits, {
      pressure: (on) => this.#pressure(lane, on),
      ...(this.#options.prepare ? { prepare: this.#options.prepare } : {}),
      ...(this.#options.discard ? { discard: this.#options.discard } : {}),
      handle: this.#options.handler,
      commit: async (record, signal) => {
        const beforeCommit = this.#options.beforeCommit;
        if (beforeCommit) {
          try {
            await beforeCommit(signal);
          } catch {
            return false;
          }
        }
        return this.#commitOffset(record);
      },
      outcome: (record, outcome, elapsedMs) => this.#options.onOutcome?.(record, outcome, elapsedMs),
      stalled: (record, error, delayMs) => {
        this.#log.error(
          { err: error, topic, partition, offset: String(record.offset), retryInMs: delayMs },
          'record handling interrupted by an outage; the partition waits and tries the record again',
        );
      },
      rewind: (offset) => {
        this.#stream?.offsetsToFetch.set(key, offset);
      },
    });
    return lane;
  }

  async #stopLanes(graceMs: number): Promise<void> {
    const lanes = [...this.#lanes.values()];
    this.#lanes.clear();
    this.#pressing.clear();
    clearInterval(this.#pressureWatch);
    this.#pressureWatch = undefined;
    await Promise.all(lanes.map((lane) => lane.stop(graceMs)));
  }

  /** Closes the client, waiting at most `waitMs` (a broken connection must not hold the restart). */
  async #closeConsumer(waitMs: number): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (!consumer) return;
    const closed = consumer
      .close(true)
      .catch((error: Error) => this.#log.warn({ err: error }, 'closing the consumer client failed'));
    await Promise.race([closed, sleep(waitMs)]);
  }

  /**
   * Commits one record's offset, bounded by `commitTimeoutMs`. Resolves whether it worked; after
   * `COMMITS_FAILED_BEFORE_RECONNECT` failures in a row the fetch stream is failed, so the loop in `#run`
   * replaces the client.
   */
  async #commitOffset(record: ConsumedRecord): Promise<boolean> {
    const commit = (record as ConsumedRecord & { commit: () => Promise<void> }).commit;
    const timeoutMs = this.#options.commitTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`offset commit did not complete within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([commit(), expired]);
      this.#commitFailuresInARow = 0;
      return true;
    } catch (error) {
      const { topic, partition } = record;
      this.#log.warn({ err: error, topic, partition, offset: String(record.offset) }, 'offset commit failed');
      this.#options.onCommitError?.(error as Error);
      if (++this.#commitFailuresInARow === COMMITS_FAILED_BEFORE_RECONNECT && !this.#stopping) {
        this.#log.warn(
          { failures: this.#commitFailuresInARow },
          'offset commits keep failing; reconnecting with a fresh consumer client',
        );
        this.#stream?.destroy(new Error('offset commits keep failing'));
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async #closeStream(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream && !stream.destroyed) {
      await stream
        .close()
        .catch((error: Error) => this.#log.warn({ err: error }, 'closing the fetch stream failed'));
    }
  }
}
