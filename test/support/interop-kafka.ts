/**
 * Raw Kafka access for the interoperability tests: writes records exactly as built (header entries in
 * order, a header name repeated when the record has it twice, an explicit partition and timestamp) and
 * reads records back with every header entry, so nothing about the wire is hidden by a map.
 */
import { randomUUID } from 'node:crypto';
import {
  Consumer,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  stringDeserializer,
} from '@platformatic/kafka';
import type { HeaderEntry, WireRecordOut } from './java-wire.ts';

export interface WireRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header in record order. */
  headers: HeaderEntry[];
}

export interface WrittenRecord {
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * Produces the records as they are, in one request, and returns where each landed. Header names are
 * sent as distinct Buffer keys, so a name that repeats in `headers` is written twice.
 */
export async function produceWire(bootstrap: string, records: WireRecordOut[]): Promise<WrittenRecord[]> {
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    clientId: 'interop-writer',
    bootstrapBrokers: [bootstrap],
  });
  try {
    const result = await producer.send({
      messages: records.map((record) => ({
        topic: record.topic,
        partition: record.partition,
        key: record.key ?? undefined,
        value: record.value,
        headers: new Map(record.headers.map(([name, value]) => [Buffer.from(name, 'utf8'), value] as const)),
        ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
      })),
    });
    const bases = new Map<string, bigint>();
    for (const entry of result.offsets ?? []) bases.set(`${entry.topic}:${entry.partition}`, entry.offset);
    const ranks = new Map<string, bigint>();
    return records.map(({ topic, partition }) => {
      const slot = `${topic}:${partition}`;
      const rank = ranks.get(slot) ?? 0n;
      ranks.set(slot, rank + 1n);
      const base = bases.get(slot);
      if (base === undefined) throw new Error(`no offset reported for ${slot}`);
      return { topic, partition, offset: base + rank };
    });
  } finally {
    await producer.close();
  }
}

/** Reads `topics` from the earliest offset (a throwaway group) until `done(records)` or the time is up. */
export async function readWire(
  bootstrap: string,
  topics: string[],
  done: (records: WireRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<WireRecord[]> {
  const consumer = new Consumer<Buffer, Buffer, string, Buffer>({
    clientId: 'interop-reader',
    groupId: `interop-reader-${randomUUID()}`,
    bootstrapBrokers: [bootstrap],
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  const records: WireRecord[] = [];
  try {
    const stream = await consumer.consume({
      topics,
      autocommit: false,
      mode: MessagesStreamModes.EARLIEST,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      maxWaitTime: 200,
      deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string },
    });
    stream.on('data', (m: Message<Buffer, Buffer, string, Buffer>) => {
      records.push({
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        timestamp: m.timestamp,
        key: m.key ?? null,
        value: m.value ?? null,
        headers: m.headerEntries.map(([name, value]) => [name, value] as const),
      });
    });
    const deadline = Date.now() + timeoutMs;
    while (!done(records) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return records;
}

/** Waits until `predicate` holds (polling), or fails with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
