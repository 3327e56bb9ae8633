/**
 * One partition stuck in retries must not hold the others back, and must not fill memory: fetching
 * pauses once its lane holds half of NOTIFICATION_MAX_QUEUED_RECORDS_PER_PARTITION; the records fetched
 * before the pause still go to the lanes (docs/decisions/0013); after a second without progress the stuck
 * lane no longer holds the others back and drops what keeps arriving, and later fetches it again from
 * the right offset (no record skipped, none reordered). Runs on topics and a group of its own.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  encodeEvent,
  instantFromEpochMillis,
  type OrderCreatedEvent,
  parseDecimalText,
} from '@commerce/contracts';
import { infra } from '../support/infra.ts';
import { createTopics, produceRaw, readUntil } from '../support/kafka-client.ts';
import { type RunningService, startService } from '../support/services.ts';

const suffix = randomUUID().slice(0, 8);
const topic = `bp-${suffix}.order.created.v1`;
const dlq = `${topic}.dlq`;
const laneLimit = 10;
const stuckCount = 20;
const flowingCount = 40;
let notification: RunningService;
let bootstrap: string;

function order(customerId: string): { key: string; value: Buffer } {
  const event: OrderCreatedEvent = {
    eventId: randomUUID(),
    orderId: randomUUID(),
    customerId,
    customerEmail: 'bp@example.com',
    totalAmount: parseDecimalText('1'),
    currency: 'KRW',
    createdAt: instantFromEpochMillis(Date.now()),
  };
  return { key: event.orderId, value: encodeEvent('OrderCreated', event) };
}

/** Samples notification-service's health every `everyMs` for the most records its lanes held. */
function watchQueuedRecords(everyMs: number): { max(): number; stop(): void } {
  let max = 0;
  const sampler = setInterval(async () => {
    try {
      const health = (await (await fetch(`${notification.url}/actuator/health`)).json()) as {
        components: { kafka?: { details?: { queuedRecords?: number } } };
      };
      max = Math.max(max, health.components.kafka?.details?.queuedRecords ?? 0);
    } catch {
      // the sampler only observes
    }
  }, everyMs);
  return { max: () => max, stop: () => clearInterval(sampler) };
}

before(async () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  bootstrap = kafkaBootstrap;
  await createTopics(bootstrap, [
    topic,
    dlq,
    `bp-${suffix}.s`,
    `bp-${suffix}.s.dlq`,
    `bp-${suffix}.p`,
    `bp-${suffix}.p.dlq`,
  ]);
  notification = await startService('notification-service', {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    REDIS_HOST: redisHost,
    REDIS_PORT: String(redisPort),
    KAFKA_TOPIC_ORDER_CREATED: topic,
    KAFKA_TOPIC_ORDER_SHIPPED: `bp-${suffix}.s`,
    KAFKA_TOPIC_PRODUCT_CREATED: `bp-${suffix}.p`,
    NOTIFICATION_CONSUMER_GROUP: `bp-${suffix}`,
    NOTIFICATION_DLQ_CONSUMER_GROUP: `bp-${suffix}-dlq`,
    NOTIFICATION_RETRY_BACKOFF_MS: '250',
    NOTIFICATION_MAX_QUEUED_RECORDS_PER_PARTITION: String(laneLimit),
  });
});

after(async () => {
  await notification?.stop();
});

test('a stuck partition stays bounded while the others flow, and loses or reorders nothing', async () => {
  const stuck = Array.from({ length: stuckCount }, (_, i) => order(`fail-bp-${i}`));
  const flowing = Array.from({ length: flowingCount }, (_, i) => order(`ok-bp-${i}`));
  await produceRaw(bootstrap, [
    ...stuck.map((r) => ({ topic, partition: 0, key: r.key, value: r.value })),
    ...flowing.map((r) => ({ topic, partition: 1, key: r.key, value: r.value })),
  ]);

  const queued = watchQueuedRecords(50);

  try {
    const sentLines = () =>
      notification.logLines().filter((l) => l.topic === topic && l.partition === 1 && l.status === 'SENT');
    const deadline = Date.now() + 30_000;
    while (sentLines().length < flowingCount && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(sentLines().length, flowingCount, 'partition 1 flowed completely');
    const deadLetteredSoFar = notification
      .logLines()
      .filter((l) => l.topic === topic && l.partition === 0 && l.status === 'DEAD_LETTERED').length;
    assert.ok(
      deadLetteredSoFar < stuckCount,
      `partition 1 did not wait for partition 0 (${deadLetteredSoFar})`,
    );
    assert.deepEqual(
      sentLines().map((l) => Number(l.offset)),
      Array.from({ length: flowingCount }, (_, i) => i),
      'partition 1 handled in offset order',
    );

    const dead = await readUntil(bootstrap, [dlq], (rs) => rs.length >= stuckCount, 60_000);
    assert.equal(dead.length, stuckCount, 'every stuck record dead-lettered once');
    assert.deepEqual(
      dead.map((r) => r.headers.get('kafka_dlt-original-offset')?.readBigInt64BE(0)),
      Array.from({ length: stuckCount }, (_, i) => BigInt(i)),
      'in offset order, none skipped, none twice',
    );
    assert.deepEqual(
      dead.map((r) => r.key),
      stuck.map((r) => r.key),
    );
  } finally {
    queued.stop();
  }
  assert.ok(queued.max() > 0, 'the sampler saw the lanes at work');
});

test('a stuck partition with a backlog of many fetches holds at most what two fetches bring', async (t) => {
  // Three records stuck in retries (~2 s, past the second after which the lane lets fetching go on),
  // then a backlog of 20,000 records: about six fetches' worth (1 MiB per partition and fetch).
  const stuckFirst = Array.from({ length: 3 }, (_, i) => order(`fail-bp-backlog-${i}`));
  const backlog = Array.from({ length: 20_000 }, (_, i) => order(`ok-bp-backlog-${i}`));
  const partition = 2;
  await produceRaw(
    bootstrap,
    stuckFirst.map((r) => ({ topic, partition, key: r.key, value: r.value })),
  );
  for (let start = 0; start < backlog.length; start += 1000) {
    await produceRaw(
      bootstrap,
      backlog.slice(start, start + 1000).map((r) => ({ topic, partition, key: r.key, value: r.value })),
    );
  }
  // Records per fetch, at most: 1 MiB over the smallest record's key and value bytes.
  const smallest = Math.min(...backlog.map((r) => r.key.length + r.value.length));
  const perFetch = Math.ceil((1024 * 1024) / smallest);
  const bound = laneLimit * 3 + 2 * perFetch;
  assert.ok(bound < backlog.length / 2, `the bound (${bound}) is far below the backlog`);

  const queued = watchQueuedRecords(20);
  try {
    const sent = () =>
      notification
        .logLines()
        .filter((l) => l.topic === topic && l.partition === partition && l.status === 'SENT');
    const deadline = Date.now() + 120_000;
    while (sent().length < backlog.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const offsets = sent().map((l) => Number(l.offset));
    assert.equal(offsets.length, backlog.length, 'the whole backlog was sent');
    assert.deepEqual(
      offsets,
      Array.from({ length: backlog.length }, (_, i) => stuckFirst.length + i),
      'in offset order, none skipped, none twice',
    );
  } finally {
    queued.stop();
  }
  const maxQueued = queued.max();
  t.diagnostic(`records held at most: ${maxQueued} (bound ${bound}, backlog ${backlog.length})`);
  assert.ok(maxQueued > laneLimit, `the stuck lane did fill up (saw ${maxQueued})`);
  assert.ok(maxQueued <= bound, `memory bounded: at most ${bound} records held, saw ${maxQueued}`);
});
