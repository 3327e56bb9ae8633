/**
 * A plain Kafka client for tests: reads topics back from the beginning (own throwaway group) and
 * writes raw records, so tests check what is really on the broker.
 */
import { randomUUID } from 'node:crypto';
import {
  Admin,
  Consumer,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | null;
  value: Buffer;
  headers: Map<string, Buffer>;
  timestamp: bigint;
}

/** Reads `topics` from the earliest offset until `done(records)` is true or the time is up. */
export async function readUntil(
  bootstrap: string,
  topics: string[],
  done: (records: ReadRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const consumer = new Consumer<Buffer, Buffer, string, Buffer>({
    clientId: 'test-reader',
    groupId: `test-reader-${randomUUID()}`,
    bootstrapBrokers: [bootstrap],
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  const records: ReadRecord[] = [];
  try {
    const stream = await consumer.consume({
      topics,
      autocommit: false,
      mode: MessagesStreamModes.EARLIEST,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      maxWaitTime: 200,
      deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string },
    });
    const deadline = Date.now() + timeoutMs;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (done(records) || Date.now() > deadline) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
      stream.on('data', (m: Message<Buffer, Buffer, string, Buffer>) => {
        records.push({
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value,
          headers: m.headers,
          timestamp: m.timestamp,
        });
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return records;
}

/** End offsets (high watermarks) of every partition of `topic`, summed: how many records it holds. */
export async function recordCount(bootstrap: string, topic: string): Promise<bigint> {
  const consumer = new Consumer({
    clientId: 'test-count',
    groupId: `test-count-${randomUUID()}`,
    bootstrapBrokers: [bootstrap],
  });
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] });
    return (offsets.get(topic) ?? []).reduce((sum, offset) => sum + offset, 0n);
  } finally {
    await consumer.close(true);
  }
}

export async function produceRaw(
  bootstrap: string,
  records: Array<{
    topic: string;
    partition?: number;
    key?: string;
    value: Buffer | string;
    headers?: Record<string, Buffer | string>;
  }>,
): Promise<void> {
  const producer = new Producer<Buffer, Buffer, string, Buffer>({
    clientId: 'test-writer',
    bootstrapBrokers: [bootstrap],
    serializers: { headerKey: stringSerializer as (data?: string) => Buffer },
  });
  try {
    await producer.send({
      messages: records.map((r) => ({
        topic: r.topic,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        key: r.key === undefined ? undefined : Buffer.from(r.key),
        value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value),
        headers: Object.fromEntries(
          Object.entries(r.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]),
        ),
      })),
    });
  } finally {
    await producer.close();
  }
}

export async function createTopics(bootstrap: string, topics: string[], partitions = 3): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap] });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) await admin.createTopics({ topics: missing, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}
