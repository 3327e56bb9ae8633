/**
 * Kafka-side helpers of the benchmark: pre-filling a topic with valid events through the services' own
 * publisher, reading end offsets and a group's committed offsets, and running Kafka's own performance
 * tools (`ProducerPerformance`, `ConsumerPerformance` from the kafka-tools artifact) as ceilings.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventTypes,
  encodeEvent,
  nowInstant,
  type OrderCreatedEvent,
  parseDecimalText,
} from '@commerce/contracts';
import { EventPublisher, type KafkaConnection, KafkaPublisher } from '@commerce/messaging';
import { Admin, Consumer } from '@platformatic/kafka';
import { checkJava, ensureKafkaPerfLibs } from '../../tools/kafka/provision.ts';
import { runCommand } from '../../tools/proc.ts';

export const ORDER_CREATED_TOPIC = EventTypes.OrderCreated.topic;

const amount = parseDecimalText('12900.50');

/** An OrderCreated event like the ones order-service publishes (fresh ids, current time). */
export function sampleOrderCreated(seq: number): OrderCreatedEvent {
  return {
    eventId: randomUUID(),
    orderId: randomUUID(),
    customerId: `bench-user-${seq % 1000}`,
    customerEmail: `bench${seq % 1000}@example.com`,
    totalAmount: amount,
    currency: 'KRW',
    createdAt: nowInstant(),
  };
}

/** Bytes of one encoded OrderCreated value (the record size the ceilings use). */
export function orderCreatedRecordSize(): number {
  return encodeEvent('OrderCreated', sampleOrderCreated(0)).length;
}

function connectionOf(bootstrap: string): KafkaConnection {
  return { bootstrapServers: bootstrap.split(','), clientId: 'bench' };
}

/**
 * Publishes `count` OrderCreated events to `order.created.v1` exactly as order-service does (key, value,
 * `__TypeId__` and `x-event-id` headers, Java partitioning, acks=all), in large batches.
 */
export async function prefillOrders(bootstrap: string, count: number): Promise<{ ms: number }> {
  const publisher = new KafkaPublisher(connectionOf(bootstrap), 'prefill', {
    maxBatchRecords: 4000,
    deliveryTimeoutMs: 30_000,
  });
  const events = new EventPublisher(publisher, {
    topics: {
      OrderCreated: EventTypes.OrderCreated.topic,
      OrderShipped: EventTypes.OrderShipped.topic,
      ProductCreated: EventTypes.ProductCreated.topic,
    },
    typeIdHeader: true,
    javaClassNames: {
      OrderCreated: EventTypes.OrderCreated.javaClassName,
      OrderShipped: EventTypes.OrderShipped.javaClassName,
      ProductCreated: EventTypes.ProductCreated.javaClassName,
    },
    timeoutMs: 60_000,
  });
  const started = performance.now();
  const window = 20_000;
  try {
    for (let done = 0; done < count; done += window) {
      const batch: Promise<unknown>[] = [];
      for (let i = done; i < Math.min(count, done + window); i++) {
        batch.push(events.publish('OrderCreated', sampleOrderCreated(i)));
      }
      await Promise.all(batch);
    }
  } finally {
    await publisher.close();
  }
  return { ms: performance.now() - started };
}

/** Sum over partitions of the end offsets of `topic`, and of a group's committed offsets on it. */
export class OffsetWatcher {
  readonly #admin: Admin;
  readonly #topic: string;

  constructor(bootstrap: string, topic: string) {
    this.#admin = new Admin({ clientId: 'bench-offsets', bootstrapBrokers: bootstrap.split(',') });
    this.#topic = topic;
  }

  async endOffset(): Promise<bigint> {
    const metadata = await this.#admin.metadata({ topics: [this.#topic] });
    const partitions = metadata.topics.get(this.#topic)?.partitionsCount ?? 0;
    const listed = await this.#admin.listOffsets({
      topics: [
        {
          name: this.#topic,
          partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
            partitionIndex,
            timestamp: -1n,
          })),
        },
      ],
    });
    let sum = 0n;
    for (const topic of listed) for (const p of topic.partitions) sum += p.offset;
    return sum;
  }

  async committed(groupId: string): Promise<bigint> {
    const groups = await this.#admin.listConsumerGroupOffsets({ groups: [groupId] });
    let sum = 0n;
    for (const group of groups) {
      for (const topic of group.topics) {
        if (topic.name !== this.#topic) continue;
        for (const p of topic.partitions) if (p.committedOffset > 0n) sum += p.committedOffset;
      }
    }
    return sum;
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: bootstrap.split(',') });
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

async function kafkaTool(mainClass: string, args: string[], timeoutMs: number) {
  const libs = await ensureKafkaPerfLibs();
  const java = (await checkJava()).path;
  const started = performance.now();
  const result = await runCommand(
    java,
    ['-Xmx512m', '-XX:+UseG1GC', '-Dlog4j2.level=WARN', '-cp', `${libs}/*`, mainClass, ...args],
    { timeoutMs },
  );
  if (result.code !== 0) {
    throw new Error(
      `${mainClass} failed (exit ${result.code ?? result.signal}):\n${result.stderr.slice(-2000)}`,
    );
  }
  return { ...result, wallMs: performance.now() - started };
}

export interface ProducerPerfResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
  line: string;
}

/**
 * `ProducerPerformance` with acks=all (idempotent, as our producer) and, as payloads, real encoded
 * OrderCreated values written to a file (so the record size is exactly ours).
 */
export async function producerPerformance(
  bootstrap: string,
  topic: string,
  records: number,
  workDir: string,
): Promise<ProducerPerfResult> {
  const payloadFile = join(workDir, 'order-created-payloads.txt');
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++)
    lines.push(encodeEvent('OrderCreated', sampleOrderCreated(i)).toString('utf8'));
  writeFileSync(payloadFile, lines.join('\n'));
  const { stdout } = await kafkaTool(
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--throughput',
      '-1',
      '--payload-file',
      payloadFile,
      '--producer-props',
      `bootstrap.servers=${bootstrap}`,
      'acks=all',
      'enable.idempotence=true',
      'client.id=bench-producer-perf',
    ],
    10 * 60_000,
  );
  // "200000 records sent, 98425.2 records/sec (23.49 MB/sec), 210.41 ms avg latency, 612.00 ms max latency,
  //  190 ms 50th, 540 ms 95th, 600 ms 99th, 610 ms 99.9th."
  const line = stdout.split('\n').find((l) => /records sent,.*records\/sec/.test(l) && /50th/.test(l)) ?? '';
  const number = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? Number.NaN);
  return {
    records: number(/^(\d+) records sent/),
    recordsPerSec: number(/([\d.]+) records\/sec/),
    mbPerSec: number(/\(([\d.]+) MB\/sec\)/),
    avgLatencyMs: number(/([\d.]+) ms avg latency/),
    maxLatencyMs: number(/([\d.]+) ms max latency/),
    p50Ms: number(/(\d+) ms 50th/),
    p99Ms: number(/(\d+) ms 99th/),
    line: line.trim(),
  };
}

export interface ConsumerPerfResult {
  messages: number;
  /** Messages per second over the whole run (group join included). */
  msgPerSec: number;
  /** Messages per second over the fetch time only (group join excluded). */
  fetchMsgPerSec: number;
  mbPerSec: number;
  rebalanceMs: number;
  fetchMs: number;
  line: string;
}

/** `ConsumerPerformance` reading `messages` records of `topic` from the start, in a fresh group. */
export async function consumerPerformance(
  bootstrap: string,
  topic: string,
  messages: number,
): Promise<ConsumerPerfResult> {
  const { stdout } = await kafkaTool(
    'org.apache.kafka.tools.ConsumerPerformance',
    [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--messages',
      String(messages),
      '--group',
      `bench-consumer-perf-${randomUUID().slice(0, 8)}`,
      '--timeout',
      '30000',
    ],
    10 * 60_000,
  );
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
  // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const rows = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d{4}-\d\d-\d\d/.test(l));
  const line = rows.at(-1) ?? '';
  const cells = line.split(',').map((c) => c.trim());
  const at = (index: number) => Number(cells[index] ?? Number.NaN);
  return {
    messages: at(4),
    msgPerSec: at(5),
    mbPerSec: at(3),
    rebalanceMs: at(6),
    fetchMs: at(7),
    fetchMsgPerSec: at(9),
    line,
  };
}

export interface EndToEndLatencyResult {
  messages: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/**
 * Kafka's `EndToEndLatency`: sends one record at a time (acks=all) and waits until its consumer has read
 * it back. Percentiles are printed in whole milliseconds, the average with decimals.
 */
export async function endToEndLatencyTool(
  bootstrap: string,
  topic: string,
  messages: number,
  recordBytes: number,
): Promise<EndToEndLatencyResult> {
  await createTopic(bootstrap, topic, 1);
  const { stdout } = await kafkaTool(
    'org.apache.kafka.tools.EndToEndLatency',
    [bootstrap, topic, String(messages), 'all', String(recordBytes)],
    10 * 60_000,
  );
  const avg = Number(/Avg latency: ([\d.]+) ms/.exec(stdout)?.[1] ?? Number.NaN);
  const pct = /50th = (\d+), 99th = (\d+), 99\.9th = (\d+)/.exec(stdout);
  return {
    messages,
    avgMs: avg,
    p50Ms: Number(pct?.[1] ?? Number.NaN),
    p99Ms: Number(pct?.[2] ?? Number.NaN),
    p999Ms: Number(pct?.[3] ?? Number.NaN),
  };
}

/**
 * Joins and leaves a throwaway consumer group, so that the broker creates `__consumer_offsets` now and
 * not during the first service's start-up (a broker that has been up a while already has it).
 */
export async function warmGroupCoordinator(bootstrap: string, topic: string): Promise<void> {
  const consumer = new Consumer({
    clientId: 'bench-warm-up',
    bootstrapBrokers: bootstrap.split(','),
    groupId: `bench-warm-up-${randomUUID().slice(0, 8)}`,
  });
  try {
    const stream = await consumer.consume({ topics: [topic], autocommit: false, maxWaitTime: 100 });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
}
