/**
 * The publish path's only door to Kafka. An idempotent producer (acks=all) keeps one produce request in
 * flight per broker connection, so sending each HTTP request's event on its own would cap throughput at
 * one broker round trip per event. The publisher therefore batches naturally: records that arrive while
 * a request is in flight leave together in the next one, each caller still waiting for its own record's
 * acknowledgement. Keyed records are partitioned exactly as the Java client does (murmur2).
 */
import { compatibilityPartitioner, ProduceAcks, Producer } from '@platformatic/kafka';
import { baseClientOptions, type KafkaConnection } from './kafka-client-options.ts';
import { javaKeyPartition } from './partitioner.ts';

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  /** null writes a tombstone. */
  value: Buffer | null;
  /** A list keeps repeated names (dead letters copy the original headers as they were). */
  headers?: ReadonlyArray<readonly [string, Buffer]> | Record<string, Buffer>;
  /** Explicit partition (dead letters keep their source partition); otherwise chosen from the key. */
  partition?: number;
}

export interface RecordAck {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface PublisherOptions {
  /** Most records one produce request carries. */
  maxBatchRecords?: number;
  /** How long the producer's own retries may go on for one batch before it reports failure. */
  deliveryTimeoutMs?: number;
}

/**
 * Whether a record whose publish failed can be on the topic after all: `no` when it was never handed to
 * the broker or the broker refused it before storing it; `unknown` when a produce request carrying it
 * went out and no definite answer came back (a timeout, a connection lost mid-request, or the broker
 * saying it stored the record but could not replicate it in time).
 */
export type PublishedState = 'no' | 'unknown';

/** The broker did not acknowledge the record in time, or refused it. */
export class PublishFailedError extends Error {
  override name = 'PublishFailedError';
  readonly published: PublishedState;
  constructor(message: string, published: PublishedState, options?: ErrorOptions) {
    super(message, options);
    this.published = published;
  }
}

/** Broker answers that mean the records were appended, only not confirmed in time. */
const STORED_BUT_UNCONFIRMED = new Set(['REQUEST_TIMED_OUT', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']);
/** Socket errors of a connection that was never made: nothing was sent on it. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Where a record goes: a failed produce is judged for the record's own partition. */
export interface Slot {
  topic: string;
  partition: number;
}

interface ProduceResponseLike {
  responses?: Array<{ name?: string; partitionResponses?: Array<{ index?: number; errorCode?: number }> }>;
}

/**
 * True when a failed produce certainly did not store a record of `slot`: every failure underneath it
 * (the client retries, aggregates the attempts' errors, and sends to each leader separately) is a
 * connection that could not be made, a broker error given before the append, or a broker answer about
 * other partitions only. Without `slot`, a broker answer in which any partition was appended counts as
 * "may be stored".
 */
export function storedNothing(error: unknown, slot?: Slot): boolean {
  const e = error as
    | { errors?: unknown[]; cause?: unknown; code?: string; apiId?: string; response?: ProduceResponseLike }
    | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 'PLT_KFK_RESPONSE' && Array.isArray(e.response?.responses)) {
    return answerStoredNothing(e.response.responses, e.errors ?? [], slot);
  }
  if (Array.isArray(e.errors) && e.errors.length > 0)
    return e.errors.every((inner) => storedNothing(inner, slot));
  if (e.code === 'PLT_KFK_PROTOCOL') return e.apiId !== undefined && !STORED_BUT_UNCONFIRMED.has(e.apiId);
  if (e.code !== undefined && NEVER_CONNECTED.has(e.code)) return true;
  if (e.code === 'PLT_KFK_NETWORK' && e.cause !== undefined) return storedNothing(e.cause, slot);
  return false;
}

/** A produce answer with errors: each partition has its own error code (0: appended). */
function answerStoredNothing(
  responses: NonNullable<ProduceResponseLike['responses']>,
  errors: unknown[],
  slot: Slot | undefined,
): boolean {
  const errorAt = (path: string) => errors.find((inner) => (inner as { path?: unknown }).path === path);
  for (let i = 0; i < responses.length; i++) {
    const topic = responses[i]!;
    const partitions = topic.partitionResponses ?? [];
    for (let j = 0; j < partitions.length; j++) {
      const answer = partitions[j]!;
      if (slot !== undefined && (topic.name !== slot.topic || answer.index !== slot.partition)) continue;
      if (answer.errorCode === 0) return false;
      const own = errorAt(`/responses/${i}/partition_responses/${j}`);
      if (own === undefined || !storedNothing(own)) return false;
      if (slot !== undefined) return true;
    }
  }
  return true; // every partition refused before the append, or the request did not carry the record's
}

interface Pending {
  record: OutgoingRecord;
  resolve: (ack: RecordAck) => void;
  reject: (error: Error) => void;
  /**
   * `queued` until the record is handed to the producer (`sent`: from then on the broker may store it);
   * `abandoned` when its caller stopped waiting first: it is then never sent.
   */
  state: 'queued' | 'sent' | 'abandoned';
}

export class KafkaPublisher {
  #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #createProducer: () => Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #maxBatch: number;
  /** A batch not settled after this long is given up and the producer replaced (see `#flush`). */
  readonly #batchDeadlineMs: number;
  #queue: Pending[] = [];
  #inFlight = false;
  #closed = false;
  #lastSuccessAt = 0;
  #lastError: Error | undefined;
  #roundRobin = 0;

  constructor(connection: KafkaConnection, role: string, options: PublisherOptions = {}) {
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 4000;
    this.#maxBatch = options.maxBatchRecords ?? 500;
    // Beyond the client's own retries: a deadline shorter than them replaced every producer during a
    // broker restart before it could finish, and order-service did not recover (seen with + 2 s).
    this.#batchDeadlineMs = deliveryTimeoutMs + 5000;
    this.#createProducer = () =>
      new Producer<Buffer, Buffer, Buffer, Buffer>({
        ...baseClientOptions(connection, role),
        idempotent: true,
        acks: ProduceAcks.ALL,
        partitioner: compatibilityPartitioner,
        timeout: Math.min(deliveryTimeoutMs, 3000),
        retries: Math.max(0, Math.floor(deliveryTimeoutMs / 1000) - 1),
        retryDelay: 250,
      });
    this.#producer = this.#createProducer();
  }

  /** Resolves once the broker acknowledged the record with acks=all. */
  send(record: OutgoingRecord): Promise<RecordAck> {
    return this.#enqueue(record).promise;
  }

  /**
   * Like `send`, with a bound on the wait for the record's turn. A record still queued after `timeoutMs`
   * is withdrawn and never published (`published: 'no'`): a caller answered with an error must not see
   * its event stored later. A record already on its way to the broker waits for the answer to its
   * produce request instead (at most the batch deadline more): so a late acknowledgement is still a
   * success, and a failure says whether the record may be stored (`published: 'unknown'`).
   */
  async sendWithin(record: OutgoingRecord, timeoutMs: number): Promise<RecordAck> {
    const { pending, promise } = this.#enqueue(record);
    const timer = setTimeout(() => {
      if (pending.state !== 'queued') return; // sent: its produce request's answer decides
      pending.state = 'abandoned';
      pending.reject(
        new PublishFailedError(
          `Kafka did not take the event within ${timeoutMs} ms; it was not published`,
          'no',
        ),
      );
    }, timeoutMs);
    try {
      return await promise;
    } finally {
      clearTimeout(timer);
    }
  }

  #enqueue(record: OutgoingRecord): { pending: Pending; promise: Promise<RecordAck> } {
    let pending: Pending | undefined;
    const promise = new Promise<RecordAck>((resolve, reject) => {
      pending = { record, resolve, reject, state: 'queued' };
    });
    if (this.#closed) {
      pending!.reject(new PublishFailedError('publisher is closed; the event was not published', 'no'));
      return { pending: pending!, promise };
    }
    this.#queue.push(pending!);
    if (!this.#inFlight) this.#flush();
    return { pending: pending!, promise };
  }

  /** Connection state for health checks: when the last batch succeeded and the last error seen. */
  status(): { lastSuccessAt: number; lastError: Error | undefined; queued: number } {
    return { lastSuccessAt: this.#lastSuccessAt, lastError: this.#lastError, queued: this.#queue.length };
  }

  /** Checks the broker answers a metadata request. */
  async ping(topics: string[]): Promise<void> {
    await this.#producer.metadata({ topics, forceUpdate: true });
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#inFlight || this.#queue.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.#producer.close();
  }

  #flush(): void {
    const batch = this.#queue.splice(0, this.#maxBatch).filter((pending) => pending.state === 'queued');
    if (batch.length === 0) {
      if (this.#queue.length > 0) this.#flush();
      return;
    }
    this.#inFlight = true;
    // One batch at a time keeps the natural batching simple, so a send that never settles (seen after a
    // broker restart under load) would hold the slot forever: past a deadline the batch is failed and the
    // producer replaced. Its records may or may not have been stored; their callers were answered 503.
    let settled = false;
    const deadline = setTimeout(() => {
      if (settled) return;
      settled = true;
      this.#lastError = new Error(`the produce request did not complete within ${this.#batchDeadlineMs} ms`);
      for (const pending of batch) pending.reject(failureOf(pending, this.#lastError));
      const stuck = this.#producer;
      this.#producer = this.#createProducer();
      void stuck.close(true).catch(() => undefined);
      this.#next();
    }, this.#batchDeadlineMs);
    this.#sendBatch(batch).then(
      ({ sent, failed, error }) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (sent.length > 0) this.#lastSuccessAt = Date.now();
        this.#lastError = error;
        for (const [pending, ack] of sent) pending.resolve(ack);
        for (const [pending, slot] of failed) pending.reject(failureOf(pending, error!, slot));
        this.#next();
      },
      (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.#lastError = error;
        for (const pending of batch) pending.reject(failureOf(pending, error));
        this.#next();
      },
    );
  }

  /**
   * Chooses every record's partition before sending (the Java rule for keys), so that each caller can be
   * told the exact partition and offset its record got. The client sends to each partition leader
   * separately: when some of those requests fail, the records of the others were stored and are
   * acknowledged; only the rest fail.
   */
  async #sendBatch(batch: Pending[]): Promise<BatchOutcome> {
    const topics = [...new Set(batch.map((pending) => pending.record.topic))];
    const metadata = await this.#producer.metadata({ topics });
    // Callers that gave up while the metadata was awaited are not published.
    const live = batch.filter((pending) => pending.state === 'queued');
    if (live.length === 0) return { sent: [], failed: [] };
    for (const pending of live) pending.state = 'sent';
    const messages = live.map(({ record }) => {
      const count = metadata.topics.get(record.topic)?.partitionsCount ?? 1;
      const partition = record.partition ?? this.#partitionFor(record, count);
      return {
        topic: record.topic,
        key: record.key ?? undefined,
        value: record.value as Buffer,
        headers: headerMap(record.headers),
        partition,
      };
    });
    let offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>;
    let error: Error | undefined;
    try {
      offsets = (await this.#producer.send({ messages })).offsets ?? [];
    } catch (failure) {
      error = failure as Error;
      offsets = (failure as { produced?: { offsets?: typeof offsets } }).produced?.offsets ?? [];
    }
    const bases = new Map<string, bigint>();
    for (const entry of offsets) bases.set(`${entry.topic}\u0000${entry.partition}`, entry.offset);
    const ranks = new Map<string, bigint>();
    const outcome: BatchOutcome = { sent: [], failed: [], error };
    messages.forEach(({ topic, partition }, index) => {
      const slot = `${topic}\u0000${partition}`;
      const rank = ranks.get(slot) ?? 0n;
      ranks.set(slot, rank + 1n);
      const base = bases.get(slot);
      if (error !== undefined && base === undefined)
        outcome.failed.push([live[index]!, { topic, partition }]);
      else
        outcome.sent.push([
          live[index]!,
          { topic, partition, offset: base === undefined ? -1n : base + rank },
        ]);
    });
    return outcome;
  }

  #partitionFor(record: OutgoingRecord, count: number): number {
    if (record.key === null) {
      this.#roundRobin = (this.#roundRobin + 1) % count;
      return this.#roundRobin;
    }
    return javaKeyPartition(record.key, count);
  }

  #next(): void {
    this.#inFlight = false;
    if (this.#queue.length > 0) this.#flush();
  }
}

/** What became of a sent batch: records acknowledged, and records that failed with the send's error. */
interface BatchOutcome {
  sent: Array<[Pending, RecordAck]>;
  failed: Array<[Pending, Slot]>;
  error?: Error;
}

/** The error a caller gets when its record's batch failed: whether the record may be stored, and why. */
function failureOf(pending: Pending, error: Error, slot?: Slot): PublishFailedError {
  if (pending.state !== 'sent' || storedNothing(error, slot)) {
    return new PublishFailedError(`Kafka refused the event: ${error.message}; it was not published`, 'no', {
      cause: error,
    });
  }
  return new PublishFailedError(
    `Kafka did not confirm the event (${error.message}); it may still have been stored`,
    'unknown',
    { cause: error },
  );
}

/**
 * Header names as distinct Buffer keys: a Map keyed by Buffer objects can hold the same name twice, which
 * a string-keyed Map or an object cannot.
 */
function headerMap(headers: OutgoingRecord['headers']): Map<Buffer, Buffer> | undefined {
  if (headers === undefined) return undefined;
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  const map = new Map<Buffer, Buffer>();
  for (const [name, value] of entries as Array<readonly [string, Buffer]>)
    map.set(Buffer.from(name, 'utf8'), value);
  return map;
}
