/**
 * The publish path's only door to Kafka. An idempotent producer (acks=all) keeps one produce request in
 * flight per broker connection, so sending each HTTP request's event on its own would cap throughput at
 * one broker round trip per event. The publisher therefore batches naturally: records that arrive while
 * a request is in flight leave together in the next one, each caller still waiting for its own record's
 * acknowledgement. Keyed records are partitioned exactly as the Java client does (murmur2).
 */
import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import { baseClientOptions, type KafkaConnection } from './kafka-client-options.ts';
import { javaKeyPartition } from './partitioner.ts';

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer;
  headers?: Map<string, Buffer> | Record<string, Buffer>;
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

/** The broker did not acknowledge the record in time, or refused it. */
export class PublishFailedError extends Error {
  override name = 'PublishFailedError';
}

interface Pending {
  record: OutgoingRecord;
  resolve: (ack: RecordAck) => void;
  reject: (error: Error) => void;
}

export class KafkaPublisher {
  readonly #producer: Producer<Buffer, Buffer, string, Buffer>;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #inFlight = false;
  #closed = false;
  #lastSuccessAt = 0;
  #lastError: Error | undefined;
  #roundRobin = 0;

  constructor(connection: KafkaConnection, role: string, options: PublisherOptions = {}) {
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 4000;
    this.#maxBatch = options.maxBatchRecords ?? 500;
    this.#producer = new Producer<Buffer, Buffer, string, Buffer>({
      ...baseClientOptions(connection, role),
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
      serializers: { headerKey: stringSerializer as (data?: string) => Buffer },
      timeout: Math.min(deliveryTimeoutMs, 3000),
      retries: Math.max(0, Math.floor(deliveryTimeoutMs / 1000) - 1),
      retryDelay: 250,
    });
  }

  /** Resolves once the broker acknowledged the record with acks=all. */
  send(record: OutgoingRecord): Promise<RecordAck> {
    if (this.#closed) return Promise.reject(new PublishFailedError('publisher is closed'));
    return new Promise<RecordAck>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      if (!this.#inFlight) this.#flush();
    });
  }

  /** Like `send`, but gives up waiting after `timeoutMs` (the record may still be stored later). */
  async sendWithin(record: OutgoingRecord, timeoutMs: number): Promise<RecordAck> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishFailedError(`Kafka did not acknowledge the event within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.send(record), timeout]);
    } finally {
      clearTimeout(timer);
    }
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
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    this.#inFlight = true;
    this.#sendBatch(batch).then(
      (acks) => {
        this.#lastSuccessAt = Date.now();
        this.#lastError = undefined;
        for (const [index, pending] of batch.entries()) pending.resolve(acks[index]!);
        this.#next();
      },
      (error: Error) => {
        this.#lastError = error;
        const failure = new PublishFailedError(`Kafka refused the event: ${error.message}`, { cause: error });
        for (const pending of batch) pending.reject(failure);
        this.#next();
      },
    );
  }

  /**
   * Chooses every record's partition before sending (the Java rule for keys), so that each caller can be
   * told the exact partition and offset its record got.
   */
  async #sendBatch(batch: Pending[]): Promise<RecordAck[]> {
    const topics = [...new Set(batch.map((pending) => pending.record.topic))];
    const metadata = await this.#producer.metadata({ topics });
    const messages = batch.map(({ record }) => {
      const count = metadata.topics.get(record.topic)?.partitionsCount ?? 1;
      const partition = record.partition ?? this.#partitionFor(record, count);
      return {
        topic: record.topic,
        key: record.key ?? undefined,
        value: record.value,
        headers: record.headers,
        partition,
      };
    });
    const result = await this.#producer.send({ messages });
    const bases = new Map<string, bigint>();
    for (const entry of result.offsets ?? [])
      bases.set(`${entry.topic}\u0000${entry.partition}`, entry.offset);
    const ranks = new Map<string, bigint>();
    return messages.map(({ topic, partition }) => {
      const slot = `${topic}\u0000${partition}`;
      const rank = ranks.get(slot) ?? 0n;
      ranks.set(slot, rank + 1n);
      const base = bases.get(slot);
      return { topic, partition, offset: base === undefined ? -1n : base + rank };
    });
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
