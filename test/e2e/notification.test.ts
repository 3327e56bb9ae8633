/**
 * The consume path end to end on the real broker and Redis: an event is notified once (SENT), a
 * re-delivered copy is a DUPLICATE, a `fail-` order is tried 4 times about 2 s apart and then
 * dead-lettered on the same partition with Spring's headers, and a record that cannot be decoded is
 * dead-lettered at once while the records after it still flow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { javaPartitionFor } from '@commerce/contracts';
import { Redis } from 'ioredis';
import { infra } from '../support/infra.ts';
import { produceRaw, readUntil } from '../support/kafka-client.ts';
import { postJson, type RunningService, startService } from '../support/services.ts';

let order: RunningService;
let product: RunningService;
let notification: RunningService;
let bootstrap: string;
let redis: Redis;

const levelOf = (line: Record<string, unknown>) => line.level;
const isError = (line: Record<string, unknown>) => levelOf(line) === 50 || levelOf(line) === 'error';

before(async () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  bootstrap = kafkaBootstrap;
  redis = new Redis({ host: redisHost, port: redisPort });
  const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, REDIS_HOST: redisHost, REDIS_PORT: String(redisPort) };
  [order, product, notification] = await Promise.all([
    startService('order-service', env),
    startService('product-service', env),
    startService('notification-service', env),
  ]);
});

after(async () => {
  await Promise.all([order?.stop(), product?.stop(), notification?.stop()]);
  redis?.disconnect();
});

function processed(eventId: string, status?: string) {
  return notification
    .logLines()
    .filter((l) => l.msg === 'record processed' && l.eventId === eventId && (!status || l.status === status));
}

async function placeOrder(customerId: string) {
  const response = await postJson(`${order.url}/api/orders`, {
    customerId,
    customerEmail: 'user1001@example.com',
    totalAmount: 12000.5,
    currency: 'KRW',
  });
  assert.equal(response.status, 201);
  return { orderId: String(response.body.orderId), eventId: String(response.body.eventId) };
}

describe('notification-service', () => {
  test('an order is notified once: SENT, logged with its coordinates, done mark in Redis', async () => {
    const { orderId, eventId } = await placeOrder('user-1001');
    const line = await notification.waitForLog((l) => l.msg === 'record processed' && l.eventId === eventId);
    assert.equal(line.status, 'SENT');
    assert.equal(line.topic, 'order.created.v1');
    assert.equal(line.orderId, orderId);
    assert.ok(typeof line.processedAt === 'string' && typeof line.detail === 'string');
    assert.equal(line.partition, javaPartitionFor(Buffer.from(orderId), 3));
    assert.ok(typeof line.offset === 'string' && /^\d+$/.test(line.offset));
    assert.equal(await redis.get(`notification:processed:event:${eventId}`), '1');
    const ttl = await redis.ttl(`notification:processed:event:${eventId}`);
    assert.ok(ttl > 604_000 && ttl <= 604_800, `7-day TTL, got ${ttl}`);
    const notified = notification
      .logLines()
      .find((l) => l.eventId === eventId && l.kind === 'ORDER_CONFIRMATION');
    assert.ok(notified, 'the log notifier wrote the notification');
    assert.match(String(notified.msg), /u\*\*\*@example\.com/);
    assert.doesNotMatch(
      JSON.stringify(notification.logLines()),
      /user1001@example\.com/,
      'e-mail never in full',
    );
    assert.match(String(notified.msg), /amount=12000\.5 KRW/);
  });

  test('a re-delivered copy of the same record is DUPLICATE and sends nothing', async () => {
    const { orderId, eventId } = await placeOrder('user-dup');
    await notification.waitForLog((l) => l.msg === 'record processed' && l.eventId === eventId);
    const records = await readUntil(bootstrap, ['order.created.v1'], (rs) =>
      rs.some((r) => r.key === orderId),
    );
    const record = records.find((r) => r.key === orderId)!;
    await produceRaw(bootstrap, [
      {
        topic: 'order.created.v1',
        key: orderId,
        value: record.value,
        headers: Object.fromEntries(record.headers),
      },
    ]);
    const duplicate = await notification.waitForLog(
      (l) => l.msg === 'record processed' && l.eventId === eventId && l.status === 'DUPLICATE',
    );
    assert.equal(duplicate.detail, 'Already processed');
    assert.equal(processed(eventId, 'SENT').length, 1);
    const sends = notification
      .logLines()
      .filter((l) => l.eventId === eventId && l.kind === 'ORDER_CONFIRMATION');
    assert.equal(sends.length, 1, 'one notification only');
  });

  test('a fail- order: 4 attempts about 2 s apart, then order.created.v1.dlq on the same partition', async () => {
    const { orderId, eventId } = await placeOrder('fail-user-1');
    await notification.waitForLog(
      (l) => l.msg === 'record processed' && l.eventId === eventId && l.status === 'DEAD_LETTERED',
      30_000,
    );
    const attempts = notification
      .logLines()
      .filter((l) => l.eventId === eventId && l.status === 'FAILED')
      .map((l) => Date.parse(String(l.time)));
    assert.equal(attempts.length, 4, 'exactly 4 attempts');
    for (let i = 1; i < attempts.length; i++) {
      const gap = attempts[i]! - attempts[i - 1]!;
      assert.ok(gap >= 1900 && gap < 4000, `attempts about 2 s apart, got ${gap} ms`);
    }
    const partition = javaPartitionFor(Buffer.from(orderId), 3);
    const dead = (
      await readUntil(bootstrap, ['order.created.v1.dlq'], (rs) => rs.some((r) => r.key === orderId))
    ).find((r) => r.key === orderId)!;
    assert.ok(dead, 'dead letter stored');
    assert.equal(dead.partition, partition);
    const original = (
      await readUntil(bootstrap, ['order.created.v1'], (rs) => rs.some((r) => r.key === orderId))
    ).find((r) => r.key === orderId)!;
    assert.deepEqual(dead.value, original.value, 'original value bytes kept');
    assert.equal(dead.headers.get('kafka_dlt-original-topic')?.toString(), 'order.created.v1');
    assert.equal(dead.headers.get('kafka_dlt-original-partition')?.readInt32BE(0), partition);
    assert.equal(dead.headers.get('kafka_dlt-original-offset')?.readBigInt64BE(0), original.offset);
    assert.equal(dead.headers.get('kafka_dlt-original-timestamp')?.readBigInt64BE(0), original.timestamp);
    assert.equal(
      dead.headers.get('kafka_dlt-original-consumer-group')?.toString(),
      'notification-consumer-group',
    );
    assert.match(
      dead.headers.get('kafka_dlt-exception-message')?.toString() ?? '',
      /Simulated downstream failure/,
    );
    assert.ok(dead.headers.get('kafka_dlt-exception-fqcn')?.length);
    assert.ok(dead.headers.get('kafka_dlt-exception-stacktrace')?.length);
    assert.equal(dead.headers.get('__TypeId__')?.toString(), 'com.example.common.event.OrderCreatedEvent');
    assert.equal(
      await redis.get(`notification:processed:event:${eventId}`),
      null,
      'failed sends leave no mark',
    );

    const logged = await notification.waitForLog(
      (l) => l.msg === 'dead letter received' && l.eventId === eventId && l.topic === 'order.created.v1.dlq',
    );
    assert.ok(isError(logged), 'DLQ consumer logs at error level');
    assert.equal(logged.originalTopic, 'order.created.v1');
    assert.equal(logged.originalOffset, String(original.offset));
    assert.equal(logged.customerId, 'fail-user-1');
  });

  test('an undecodable record is dead-lettered at once and the records after it still flow', async () => {
    const key = 'poison-key-1';
    const partition = javaPartitionFor(Buffer.from(key), 3);
    const goodEventId = crypto.randomUUID();
    const goodOrderId = crypto.randomUUID();
    const good = JSON.stringify({
      eventId: goodEventId,
      orderId: goodOrderId,
      customerId: 'after-poison',
      customerEmail: 'a@example.com',
      totalAmount: 1,
      currency: 'KRW',
      createdAt: new Date().toISOString(),
    });
    await produceRaw(bootstrap, [
      { topic: 'order.created.v1', partition, key, value: 'this is not json' },
      { topic: 'order.created.v1', partition, key, value: '{"eventId":"x","totalAmount":"abc"}' },
      { topic: 'order.created.v1', partition, key, value: good },
    ]);
    const sent = await notification.waitForLog(
      (l) => l.msg === 'record processed' && l.eventId === goodEventId && l.status === 'SENT',
    );
    assert.equal(sent.partition, partition);
    const dead = await readUntil(
      bootstrap,
      ['order.created.v1.dlq'],
      (rs) => rs.filter((r) => r.key === key).length >= 2,
    );
    const poison = dead.filter((r) => r.key === key);
    assert.equal(poison.length, 2);
    assert.deepEqual(
      poison.map((r) => r.value.toString()),
      ['this is not json', '{"eventId":"x","totalAmount":"abc"}'],
    );
    for (const record of poison) {
      assert.equal(record.partition, partition);
      assert.ok(record.headers.get('x-dlt-reason')?.length, 'reason header');
    }
    const poisonOffsets = poison.map((r) => r.headers.get('kafka_dlt-original-offset')!.readBigInt64BE(0));
    const failedAttempts = notification
      .logLines()
      .filter(
        (l) =>
          l.status === 'FAILED' &&
          l.partition === partition &&
          poisonOffsets.map(String).includes(String(l.offset)),
      );
    assert.equal(failedAttempts.length, 0, 'no retries for poison records');
  });

  test('a product event is notified', async () => {
    const response = await postJson(`${product.url}/api/products`, {
      productName: 'wireless-keyboard',
      price: 59900,
      currency: 'KRW',
      stockQuantity: 120,
    });
    const eventId = String(response.body.eventId);
    const line = await notification.waitForLog((l) => l.msg === 'record processed' && l.eventId === eventId);
    assert.equal(line.status, 'SENT');
    assert.equal(line.topic, 'product.created.v1');
  });

  test('metrics and health report the results', async () => {
    const text = await (await fetch(`${notification.url}/actuator/prometheus`)).text();
    assert.match(text, /notification_records_total\{[^}]*result="SENT"[^}]*\} [1-9]/);
    assert.match(text, /notification_records_total\{[^}]*result="DEAD_LETTERED"[^}]*\} [1-9]/);
    assert.match(text, /notification_retries_total\{[^}]*\} [1-9]/);
    const health = (await (await fetch(`${notification.url}/actuator/health`)).json()) as {
      status: string;
      components: Record<string, { status: string }>;
    };
    assert.equal(health.status, 'UP');
    assert.equal(health.components.redis?.status, 'UP');
    assert.equal(health.components.kafka?.status, 'UP');
  });

  test('SIGTERM stops each service gracefully: exit code 0', async () => {
    const exits = await Promise.all([
      order.stop('SIGTERM'),
      product.stop('SIGTERM'),
      notification.stop('SIGTERM'),
    ]);
    assert.deepEqual(
      exits.map((e) => e.code),
      [0, 0, 0],
    );
    const stopped = notification.logLines().filter((l) => /shut ?down|stopped/i.test(String(l.msg)));
    assert.ok(stopped.length > 0, 'shutdown is logged');
  });
});
