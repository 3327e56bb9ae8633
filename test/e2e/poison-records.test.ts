/**
 * Poison records (issue 4, point 8) written raw to `order.created.v1`, `order.shipped.v1` and
 * `product.created.v1`, each topic's on one partition, followed there by valid records. The topics are
 * per-run copies (`poison-<run>.order.created.v1`, ..., named through KAFKA_TOPIC_*) read by a per-run
 * consumer group, so that a poison record that stalls a partition cannot leak into other tests, and
 * other tests' leftovers cannot slow this one down. Every poison
 * record (test/support/hostile-cases.ts) must be dead-lettered at once — on `<topic>.dlq`, same
 * partition, original key, value bytes and headers, with its reason code and an explaining message —
 * and never retried; the valid records behind it must be SENT; notification-service must stay healthy.
 *
 * Two hostile-but-valid records ride along and must be SENT, not dead-lettered: a valid event without a
 * key and one with unknown binary headers (the Java consumer read both; the key is not part of the event).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { javaPartitionFor } from '@commerce/contracts';
import {
  type PoisonCase,
  poisonCases,
  produceExact,
  type RawRecord,
  readRaw,
  type SourceTopic,
  validEventValue,
} from '../support/hostile-cases.ts';
import { infra } from '../support/infra.ts';
import { produceRaw } from '../support/kafka-client.ts';
import { type RunningService, startService } from '../support/services.ts';

const MAX_RECORD_BYTES = 4096;
const CASE_HEADER = 'x-test-case';
const TOPICS: SourceTopic[] = ['order.created.v1', 'order.shipped.v1', 'product.created.v1'];
const run = randomUUID().slice(0, 8);
const keyOf = (topic: SourceTopic) => `poison-${topic}-${run}`;
/** The run's copy of a topic. */
const topicOf = (topic: SourceTopic) => `poison-${run}.${topic}`;
const partitionOf = (topic: SourceTopic) => javaPartitionFor(Buffer.from(keyOf(topic)), 3);
const cases = poisonCases(keyOf, MAX_RECORD_BYTES);

/** Valid records written after the poison, on the same partitions: all must be SENT. */
interface ValidRecord {
  name: string;
  topic: SourceTopic;
  eventId: string;
  key?: string;
  headers: Array<readonly [string, Buffer]>;
  value: string;
}
const valid: ValidRecord[] = TOPICS.flatMap((topic): ValidRecord[] => {
  const record = (name: string, key: string | undefined, headers: Array<readonly [string, Buffer]>) => {
    const eventId = randomUUID();
    return {
      name,
      topic,
      eventId,
      ...(key ? { key } : {}),
      headers,
      value: validEventValue(topic, { eventId }),
    };
  };
  return [
    record(`${topic}: valid event without a key`, undefined, []),
    record(`${topic}: valid event with unknown binary headers`, keyOf(topic), [
      ['x-trace', Buffer.from([0x00, 0xff, 0x10, 0x80])],
      ['x-empty', Buffer.alloc(0)],
    ]),
    record(`${topic}: valid event after the poison`, keyOf(topic), []),
  ];
});

let notification: RunningService;
let bootstrap: string;
let sources: RawRecord[] = [];
let deadLetters: RawRecord[] = [];

const headerOf = (record: RawRecord, name: string): Buffer | undefined => {
  let found: Buffer | undefined;
  for (const [key, value] of record.headers) if (key === name) found = value;
  return found;
};
const caseOf = (record: RawRecord) => headerOf(record, CASE_HEADER)?.toString('utf8');
const sourceOf = (c: PoisonCase) => sources.find((r) => caseOf(r) === c.name);
const deadLetterOf = (c: PoisonCase) => deadLetters.find((r) => caseOf(r) === c.name);
const asBuffer = (v: Buffer | string) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8'));

/** Writes a case with produceRaw when it can express it, else byte for byte. */
async function produce(c: PoisonCase): Promise<void> {
  const headers: Array<readonly [string, Buffer]> = [
    ...(c.headers ?? []).map(([k, v]): readonly [string, Buffer] => [k, asBuffer(v)]),
    [CASE_HEADER, Buffer.from(c.name)],
  ];
  const partition = partitionOf(c.topic);
  const repeated = new Set(headers.map(([k]) => k)).size !== headers.length;
  if (c.value === null || Buffer.isBuffer(c.key) || repeated) {
    await produceExact(bootstrap, {
      topic: topicOf(c.topic),
      partition,
      key: c.key === undefined ? undefined : asBuffer(c.key),
      value: c.value === null ? null : asBuffer(c.value),
      headers,
    });
    return;
  }
  await produceRaw(bootstrap, [
    {
      topic: topicOf(c.topic),
      partition,
      ...(c.key === undefined ? {} : { key: c.key }),
      value: c.value,
      headers: Object.fromEntries(headers),
    },
  ]);
}

before(async () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  bootstrap = kafkaBootstrap;
  notification = await startService('notification-service', {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    REDIS_HOST: redisHost,
    REDIS_PORT: String(redisPort),
    KAFKA_TOPIC_ORDER_CREATED: topicOf('order.created.v1'),
    KAFKA_TOPIC_ORDER_SHIPPED: topicOf('order.shipped.v1'),
    KAFKA_TOPIC_PRODUCT_CREATED: topicOf('product.created.v1'),
    NOTIFICATION_CONSUMER_GROUP: `poison-${run}`,
    NOTIFICATION_DLQ_CONSUMER_GROUP: `poison-${run}-dlq`,
    NOTIFICATION_MAX_RECORD_BYTES: String(MAX_RECORD_BYTES),
  });
  for (const c of cases) await produce(c);
  for (const v of valid) {
    await produceRaw(bootstrap, [
      {
        topic: topicOf(v.topic),
        partition: partitionOf(v.topic),
        ...(v.key === undefined ? {} : { key: v.key }),
        value: v.value,
        headers: Object.fromEntries([...v.headers, [CASE_HEADER, Buffer.from(v.name)]]),
      },
    ]);
  }
  const names = new Set(cases.map((c) => c.name));
  sources = (
    await readRaw(
      bootstrap,
      TOPICS.map(topicOf),
      (rs) => rs.filter((r) => names.has(caseOf(r) ?? '')).length >= names.size,
    )
  ).filter((r) => names.has(caseOf(r) ?? ''));
  deadLetters = (
    await readRaw(
      bootstrap,
      TOPICS.map((t) => `${topicOf(t)}.dlq`),
      (rs) => rs.filter((r) => names.has(caseOf(r) ?? '')).length >= names.size,
      60_000,
    )
  ).filter((r) => names.has(caseOf(r) ?? ''));
});

after(async () => {
  await notification?.stop();
});

/** Waits (one deadline for all) until each item has a matching log line; returns the names of those without. */
async function waitForAll<T extends { name: string }>(
  items: readonly T[],
  match: (item: T) => (line: Record<string, unknown>) => boolean,
  timeoutMs = 60_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = notification.logLines();
    const missing = items.filter((item) => !lines.some(match(item))).map((item) => item.name);
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const at = (record: RawRecord) => (l: Record<string, unknown>) =>
  l.topic === record.topic && l.partition === record.partition && l.offset === String(record.offset);

describe('poison records', () => {
  test('at least 20 distinct poison records over the three topics, all written', () => {
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'names are unique');
    const identity = (c: PoisonCase) =>
      JSON.stringify([
        c.topic,
        c.key === undefined ? null : asBuffer(c.key).toString('base64'),
        c.value === null ? null : asBuffer(c.value).toString('base64'),
        (c.headers ?? []).map(([k, v]) => [k, asBuffer(v).toString('base64')]),
      ]);
    assert.equal(new Set(cases.map(identity)).size, cases.length, 'no two records are the same');
    assert.ok(cases.length >= 20, `${cases.length} poison records`);
    for (const topic of TOPICS)
      assert.ok(
        cases.some((c) => c.topic === topic),
        topic,
      );
    assert.equal(sources.length, cases.length, 'every poison record is on its topic');
  });

  describe('each is dead-lettered at once: same partition, original bytes, a reason', () => {
    for (const c of cases) {
      test(c.name, () => {
        const source = sourceOf(c);
        assert.ok(source, 'the record is on its topic');
        assert.equal(source.partition, partitionOf(c.topic));
        const dead = deadLetterOf(c);
        assert.ok(dead, `a dead letter on ${topicOf(c.topic)}.dlq`);
        assert.equal(dead.topic, `${topicOf(c.topic)}.dlq`);
        assert.equal(dead.partition, source.partition, 'same partition number');
        assert.deepEqual(dead.key, source.key, 'original key (or none)');
        const omitted = headerOf(dead, 'x-dlt-value-omitted-bytes');
        if (omitted) {
          // The broker refuses the value plus the dead-letter headers (over its size limit): the dead
          // letter keeps the coordinates and says how large the value was.
          assert.equal(dead.value, null, 'no value when it was omitted');
          assert.equal(omitted.toString(), String(source.value?.length ?? 0));
        } else {
          // Buffer.equals, not deepEqual: a failing deepEqual on a 1 MB buffer builds a gigantic diff.
          const same =
            dead.value === null ? source.value === null : source.value?.equals(dead.value) === true;
          assert.ok(same, 'original value bytes (a tombstone stays one)');
        }
        assert.equal(headerOf(dead, 'kafka_dlt-original-topic')?.toString(), topicOf(c.topic));
        assert.equal(headerOf(dead, 'kafka_dlt-original-partition')?.readInt32BE(0), source.partition);
        assert.equal(headerOf(dead, 'kafka_dlt-original-offset')?.readBigInt64BE(0), source.offset);
        assert.equal(headerOf(dead, 'kafka_dlt-original-timestamp')?.readBigInt64BE(0), source.timestamp);
        assert.equal(headerOf(dead, 'x-dlt-reason')?.toString(), c.reason, 'reason code');
        const message = headerOf(dead, 'kafka_dlt-exception-message')?.toString() ?? '';
        assert.match(message, c.explains, 'the exception message explains');
        assert.ok(message.length < 1000, 'the message does not carry the payload');
        assert.ok(headerOf(dead, 'kafka_dlt-exception-fqcn')?.length, 'exception class');
        const originalHeaders = source.headers.filter(([k]) => !k.startsWith('kafka_dlt-'));
        assert.deepEqual(
          dead.headers.filter(([k]) => originalHeaders.some(([name]) => name === k)),
          originalHeaders,
          'original headers kept, in order, with their bytes',
        );
      });
    }
  });

  test('no poison record was retried: one DEAD_LETTERED outcome each, no FAILED attempt', async () => {
    const outcome = (c: PoisonCase) => (l: Record<string, unknown>) =>
      l.msg === 'record processed' && at(sourceOf(c)!)(l);
    const missing = await waitForAll(cases, outcome);
    assert.deepEqual(missing, [], 'every poison record has an outcome');
    for (const c of cases) {
      const lines = notification.logLines().filter(at(sourceOf(c)!));
      assert.deepEqual(
        lines.filter((l) => l.status === 'FAILED').map((l) => l.attempt),
        [],
        `${c.name}: no retry`,
      );
      assert.deepEqual(
        lines.filter((l) => l.msg === 'record processed').map((l) => l.status),
        ['DEAD_LETTERED'],
        `${c.name}: dead-lettered once`,
      );
    }
  });

  test('the valid records after the poison, on the same partitions, are SENT', async () => {
    const outcome = (v: ValidRecord) => (l: Record<string, unknown>) =>
      l.msg === 'record processed' && l.eventId === v.eventId;
    const missing = await waitForAll(valid, outcome);
    assert.deepEqual(missing, [], 'every valid record was handled (its partition did not stall)');
    for (const v of valid) {
      const line = notification.logLines().find(outcome(v))!;
      assert.equal(line.status, 'SENT', v.name);
      assert.equal(line.topic, topicOf(v.topic), v.name);
      assert.equal(line.partition, partitionOf(v.topic), v.name);
    }
  });

  test('the DLQ consumer logged every dead letter with its original coordinates', async () => {
    const logged = (c: PoisonCase) => (l: Record<string, unknown>) =>
      l.msg === 'dead letter received' &&
      l.topic === `${topicOf(c.topic)}.dlq` &&
      l.originalTopic === topicOf(c.topic) &&
      l.originalOffset === String(sourceOf(c)?.offset);
    assert.deepEqual(await waitForAll(cases, logged), []);
  });

  test('notification-service stayed up and healthy, with no outage', async () => {
    assert.ok(notification.process.running, 'running');
    const response = await fetch(`${notification.url}/actuator/health`);
    const health = (await response.json()) as { status: string; components?: Record<string, unknown> };
    assert.equal(response.status, 200, JSON.stringify(health));
    assert.equal(health.status, 'UP', JSON.stringify(health));
    const outages = notification.logLines().filter((l) => /unavailable; waiting/.test(String(l.msg)));
    assert.deepEqual(
      outages.map((l) => `${String(l.component)}: ${JSON.stringify(l.err).slice(0, 300)}`),
      [],
      'no dependency outage reported while dead-lettering',
    );
  });
});
