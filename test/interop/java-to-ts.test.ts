/**
 * Java → TypeScript, on the real broker and Redis: records built byte for byte as the Java producers
 * write them go to the real notification-service on the original topics and consumer groups.
 *
 * - Every form the Java consumer accepts (decimal-second, integer and ISO instants, exponent decimals,
 *   numeric strings, unknown properties, a repeated or absent `__TypeId__`) is SENT, and the
 *   notification shows the amount with its exact digits (`12000.50`; `1E+3` as `1000`).
 * - A `__TypeId__` naming another event, an unknown class or an untrusted package is dead-lettered at
 *   once (no retries) as TYPE_MISMATCH, and the dead letter keeps the exact value bytes.
 * - Dead letters both ways: ours carry Spring's `kafka_dlt-*` headers with Spring's encodings and a value
 *   a Java DLQ listener reads; dead letters written by Spring's recoverer are read by our DLQ consumer
 *   with their original coordinates decoded.
 * - The Java service's idempotency mark `1` is honoured, and ours is the same mark with the same TTL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { infra } from '../support/infra.ts';
import {
  eventually,
  produceWire,
  readWire,
  type WireRecord,
  type WrittenRecord,
} from '../support/interop-kafka.ts';
import {
  headerValues,
  instantOfEpochSecond,
  JavaClassNames,
  type JavaEventMap,
  javaDefaultPartition,
  javaEventJson,
  javaListenerFailure,
  javaProducerRecord,
  javaToString,
  lastHeaderValue,
  readSpringDltHeaders,
  SpringDltHeaders,
  springDeadLetter,
  strictJavaDecode,
  TYPE_ID_HEADER,
  type WireRecordOut,
} from '../support/java-wire.ts';
import { type RunningService, startService } from '../support/services.ts';

let notification: RunningService;
let bootstrap: string;
let redis: Redis;

const CREATED_AT = instantOfEpochSecond(1_732_400_000n, 123_456_000n)!; // written 1732400000.123456000
const bytes = (text: string) => Buffer.from(text, 'utf8');
const processedKey = (eventId: string) => `notification:processed:event:${eventId}`;

before(async () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  bootstrap = kafkaBootstrap;
  redis = new Redis({ host: redisHost, port: redisPort });
  notification = await startService('notification-service', {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    REDIS_HOST: redisHost,
    REDIS_PORT: String(redisPort),
    // Shorter than the default 2 s so backlog left on the shared topics by other suites drains fast.
    NOTIFICATION_RETRY_BACKOFF_MS: '500',
  });
});

after(async () => {
  await notification?.stop();
  redis?.disconnect();
});

const order = (overrides: Partial<JavaEventMap['OrderCreated']> = {}): JavaEventMap['OrderCreated'] => ({
  eventId: randomUUID(),
  orderId: randomUUID(),
  customerId: 'java-user-1',
  customerEmail: 'java.user@example.com',
  totalAmount: '12000.50',
  currency: 'KRW',
  createdAt: CREATED_AT,
  ...overrides,
});

function processedLine(eventId: string, status?: string) {
  return notification.waitForLog(
    (l) =>
      l.msg === 'record processed' && l.eventId === eventId && (status === undefined || l.status === status),
  );
}

function linesAt(written: WrittenRecord) {
  return notification
    .logLines()
    .filter(
      (l) =>
        l.topic === written.topic && l.partition === written.partition && l.offset === String(written.offset),
    );
}

async function deadLetterOf(written: WrittenRecord, dlqTopic = `${written.topic}.dlq`): Promise<WireRecord> {
  const records = await readWire(bootstrap, [dlqTopic], (rs) =>
    rs.some(
      (r) =>
        lastHeaderValue(r.headers, SpringDltHeaders.originalOffset)?.readBigInt64BE(0) === written.offset &&
        r.partition === written.partition,
    ),
  );
  const dead = records.find(
    (r) =>
      r.partition === written.partition &&
      lastHeaderValue(r.headers, SpringDltHeaders.originalOffset)?.readBigInt64BE(0) === written.offset,
  );
  assert.ok(dead, `no dead letter for ${written.topic}/${written.partition}@${written.offset}`);
  return dead;
}

interface Case {
  name: string;
  record: WireRecordOut;
  eventId: string;
  /** What the notification line must show. */
  shows: RegExp;
}

describe('Java → TS: every form the Java consumer accepts is SENT with exact digits', () => {
  const cases: Case[] = [];
  const written = new Map<string, WrittenRecord>();

  const addOrder = (name: string, event: JavaEventMap['OrderCreated'], shows: RegExp, options = {}) =>
    cases.push({
      name,
      eventId: event.eventId,
      shows,
      record: javaProducerRecord('OrderCreated', event, options),
    });

  addOrder('decimal-second instant, 12000.50', order(), /amount=12000\.50 KRW$/);
  addOrder('integer-second instant, 1E+3', order({ totalAmount: '1E+3' }), /amount=1000 KRW$/, {
    raw: { createdAt: '1732400000' },
  });
  addOrder('ISO instant with Z and nanoseconds, 0.01', order({ totalAmount: '0.01' }), /amount=0\.01 KRW$/, {
    raw: { createdAt: '"2024-11-23T22:13:20.123456789Z"' },
  });
  addOrder('ISO instant with +00:00, amount as a numeric string', order(), /amount=12000\.50 KRW$/, {
    raw: { createdAt: '"2024-11-23T22:13:20+00:00"', totalAmount: '"12000.50"' },
  });
  addOrder('unknown properties, 1.0E+4', order({ totalAmount: '1.0E+4' }), /amount=10000 KRW$/, {
    extra: [
      ['channel', '"web"'],
      ['audit', '{"by":"java","tags":["a","b"],"at":1732400000.000000000}'],
    ],
  });
  addOrder(
    '__TypeId__ twice, the last one right',
    order({ totalAmount: '59900.00' }),
    /amount=59900\.00 KRW$/,
    {
      typeId: 'com.example.common.event.LegacyOrderEvent',
      moreHeaders: [[TYPE_ID_HEADER, bytes(JavaClassNames.OrderCreated)]],
    },
  );
  addOrder(
    'no __TypeId__ (a producer with type headers off)',
    order({ totalAmount: '7.25' }),
    /amount=7\.25 KRW$/,
    {
      typeId: null,
    },
  );
  const shipped: JavaEventMap['OrderShipped'] = {
    eventId: randomUUID(),
    orderId: randomUUID(),
    customerId: 'java-user-2',
    customerEmail: 'java.user@example.com',
    previousStatus: 20,
    currentStatus: 25,
    changedAt: CREATED_AT,
  };
  cases.push({
    name: 'OrderShipped with a decimal-second changedAt',
    eventId: shipped.eventId,
    shows: /status 20 \(order completed\) -> 25 \(shipping\)$/,
    record: javaProducerRecord('OrderShipped', shipped),
  });
  const product: JavaEventMap['ProductCreated'] = {
    eventId: randomUUID(),
    productId: randomUUID(),
    productName: '무선 키보드 "Pro" ⌨️',
    price: '59900.00',
    currency: 'KRW',
    stockQuantity: 120,
    createdAt: CREATED_AT,
  };
  cases.push({
    name: 'ProductCreated with a Unicode name',
    eventId: product.eventId,
    shows: /name=무선 키보드 "Pro" ⌨️, price=59900\.00 KRW, stock=120$/,
    record: javaProducerRecord('ProductCreated', product),
  });

  before(async () => {
    const offsets = await produceWire(
      bootstrap,
      cases.map((c) => c.record),
    );
    for (const [i, c] of cases.entries()) written.set(c.eventId, offsets[i]!);
  });

  for (const c of cases) {
    test(c.name, async () => {
      const type =
        c.record.topic === 'order.created.v1'
          ? 'OrderCreated'
          : c.record.topic === 'order.shipped.v1'
            ? 'OrderShipped'
            : 'ProductCreated';
      const java = strictJavaDecode(type, c.record.value, c.record.headers);
      assert.ok(
        java.ok && java.defects.length === 0,
        'the fixture is something a Java consumer reads cleanly',
      );
      const line = await processedLine(c.eventId);
      assert.equal(line.status, 'SENT', String(line.detail));
      const at = written.get(c.eventId)!;
      assert.equal(line.topic, c.record.topic);
      assert.equal(line.partition, at.partition);
      assert.equal(line.offset, String(at.offset));
      const key = c.record.key!.toString('utf8');
      assert.equal(at.partition, javaDefaultPartition(key, 3), 'on the partition Java chose');
      const sent = notification.logLines().find((l) => l.eventId === c.eventId && typeof l.kind === 'string');
      assert.ok(sent, 'the log notifier wrote the notification');
      assert.match(String(sent.msg), c.shows);
      assert.doesNotMatch(String(sent.msg), /java\.user@example\.com/, 'e-mail masked');
    });
  }
});

describe('Java → TS: a __TypeId__ that is not the topic type is dead-lettered at once', () => {
  const classes = [
    ['another event', JavaClassNames.OrderShipped],
    ['an unknown class of the package', 'com.example.common.event.RefundIssuedEvent'],
    ['a class outside the package', 'com.evil.Gadget'],
  ] as const;
  const records = classes.map(([, typeId]) => javaProducerRecord('OrderCreated', order(), { typeId }));
  let written: WrittenRecord[] = [];

  before(async () => {
    written = await produceWire(bootstrap, records);
  });

  classes.forEach(([name, typeId], i) => {
    test(`${name} (${typeId}): TYPE_MISMATCH, no retries, exact bytes in the DLQ`, async () => {
      const record = records[i]!;
      const java = strictJavaDecode('OrderCreated', record.value, record.headers);
      assert.equal(java.ok ? 'accepted' : java.stage, 'TYPE', 'the Java consumer refuses it too');
      const at = written[i]!;
      const line = await eventually('the record dead-lettered', () =>
        linesAt(at).find((l) => l.msg === 'record dead-lettered'),
      );
      assert.equal(line.reason, 'TYPE_MISMATCH');
      assert.equal(line.dlqTopic, 'order.created.v1.dlq');
      const outcome = await eventually('its outcome', () =>
        linesAt(at).find((l) => l.msg === 'record processed'),
      );
      assert.equal(outcome.status, 'DEAD_LETTERED');
      assert.equal(
        linesAt(at).filter((l) => l.status === 'FAILED').length,
        0,
        'dead-lettered without a single retry',
      );

      const dead = await deadLetterOf(at);
      assert.equal(dead.partition, at.partition, 'same partition number');
      assert.deepEqual(dead.key, record.key, 'same key');
      assert.deepEqual(dead.value, record.value, 'the exact original bytes');
      assert.match(
        dead.value!.toString('utf8'),
        /"totalAmount":12000\.50,"currency":"KRW","createdAt":1732400000\.123456000/,
      );
      assert.equal(lastHeaderValue(dead.headers, 'x-dlt-reason')?.toString(), 'TYPE_MISMATCH');
      assert.equal(
        lastHeaderValue(dead.headers, TYPE_ID_HEADER)?.toString(),
        typeId,
        'original __TypeId__ kept',
      );
      const spring = readSpringDltHeaders(dead.headers);
      assert.deepEqual(spring.problems, []);
      assert.equal(spring.originalTopic, 'order.created.v1');
      assert.equal(spring.originalPartition, at.partition);
      assert.equal(spring.originalOffset, at.offset);
      assert.match(spring.exceptionMessage ?? '', /__TypeId__/);
    });
  });
});

describe('dead letters both ways', () => {
  test("ours: Spring's header names and encodings, the original bytes, a value a Java DLQ listener reads", async () => {
    const event = order({ customerId: 'fail-java-1', totalAmount: '12000.50' });
    const record = javaProducerRecord('OrderCreated', event);
    const [at] = await produceWire(bootstrap, [record]);
    await processedLine(event.eventId, 'DEAD_LETTERED');
    const attempts = notification
      .logLines()
      .filter((l) => l.eventId === event.eventId && l.status === 'FAILED');
    assert.equal(attempts.length, 4, '4 attempts, then the DLQ');

    const [original] = (
      await readWire(bootstrap, ['order.created.v1'], (rs) =>
        rs.some((r) => r.offset === at!.offset && r.partition === at!.partition),
      )
    ).filter((r) => r.offset === at!.offset && r.partition === at!.partition);
    assert.ok(original);
    const dead = await deadLetterOf(at!);
    assert.equal(dead.partition, at!.partition);
    assert.deepEqual(dead.key, record.key);
    assert.deepEqual(dead.value, record.value, 'digits survive: the exact bytes the Java producer wrote');

    // Every Spring header exactly once, with Spring's encodings.
    for (const name of Object.values(SpringDltHeaders)) {
      assert.equal(headerValues(dead.headers, name).length, 1, `${name} once`);
    }
    assert.equal(lastHeaderValue(dead.headers, SpringDltHeaders.originalPartition)?.length, 4);
    assert.equal(lastHeaderValue(dead.headers, SpringDltHeaders.originalOffset)?.length, 8);
    assert.equal(lastHeaderValue(dead.headers, SpringDltHeaders.originalTimestamp)?.length, 8);
    const spring = readSpringDltHeaders(dead.headers);
    assert.deepEqual(spring.problems, []);
    assert.equal(spring.originalTopic, 'order.created.v1');
    assert.equal(spring.originalPartition, at!.partition);
    assert.equal(spring.originalOffset, at!.offset);
    assert.equal(spring.originalTimestamp, original.timestamp);
    assert.equal(spring.originalTimestampType, 'CreateTime');
    assert.equal(spring.originalConsumerGroup, 'notification-consumer-group');
    assert.equal(spring.exceptionFqcn, 'EventHandlingError');
    assert.equal(spring.exceptionCauseFqcn, 'NotificationSendError');
    assert.match(spring.exceptionMessage ?? '', /Simulated downstream failure/);
    assert.match(
      spring.exceptionStacktrace ?? '',
      /^EventHandlingError: Simulated downstream failure[^\n]*\n\s+at /,
    );

    // A Java DLQ listener (JsonDeserializer, as in the original) deserializes it without error.
    const java = strictJavaDecode('OrderCreated', dead.value, dead.headers);
    assert.ok(java.ok, java.ok ? '' : java.message);
    assert.deepEqual(java.defects, []);
    assert.equal(javaToString(java.event.totalAmount), '12000.50');
    assert.equal(java.event.eventId, event.eventId);

    const logged = await notification.waitForLog(
      (l) => l.msg === 'dead letter received' && l.eventId === event.eventId,
    );
    assert.equal(logged.originalOffset, String(at!.offset));
    assert.equal(logged.totalAmount, '12000.50');
  });

  test("Spring's: dead letters written by the Java recoverer are read with their original coordinates", async () => {
    const failure = (listener: string) =>
      javaListenerFailure(`public void com.example.notification.consumer.${listener}`, {
        fqcn: 'java.lang.IllegalStateException',
        message: 'Simulated downstream failure: customerId=fail-user-1',
      });
    const created = order({ customerId: 'fail-user-1', totalAmount: '1E+3' });
    const createdRecord = javaProducerRecord('OrderCreated', created);
    const shipped: JavaEventMap['OrderShipped'] = {
      eventId: randomUUID(),
      orderId: randomUUID(),
      customerId: 'fail-user-1',
      customerEmail: 'java.user@example.com',
      previousStatus: 25,
      currentStatus: 80,
      changedAt: CREATED_AT,
    };
    const shippedRecord = javaProducerRecord('OrderShipped', shipped);
    const product: JavaEventMap['ProductCreated'] = {
      eventId: randomUUID(),
      productId: randomUUID(),
      productName: 'fail-keyboard',
      price: '0.01',
      currency: 'KRW',
      stockQuantity: 0,
      createdAt: CREATED_AT,
    };
    const productRecord = javaProducerRecord('ProductCreated', product);
    const letters = [
      {
        record: createdRecord,
        className: JavaClassNames.OrderCreated,
        eventId: created.eventId,
        offset: 123_456_789_012n,
        mode: 'append' as const,
        listener: 'OrderEventConsumer.onOrderCreated',
      },
      {
        record: shippedRecord,
        className: JavaClassNames.OrderShipped,
        eventId: shipped.eventId,
        offset: 7n,
        mode: 'replace' as const,
        listener: 'OrderEventConsumer.onOrderShipped',
      },
      {
        record: productRecord,
        className: JavaClassNames.ProductCreated,
        eventId: product.eventId,
        offset: 2_147_483_648n,
        mode: 'append' as const,
        listener: 'ProductEventConsumer.onProductCreated',
      },
    ];
    const timestamp = 1_732_400_000_123n;
    await produceWire(
      bootstrap,
      letters.map((l) =>
        springDeadLetter({
          original: { ...l.record, offset: l.offset, timestamp, headers: l.record.headers },
          value: l.record.value,
          className: l.className,
          exception: failure(l.listener),
          typeIdHeader: l.mode,
        }),
      ),
    );
    for (const letter of letters) {
      const line = await notification.waitForLog(
        (l) => l.msg === 'dead letter received' && l.eventId === letter.eventId,
      );
      assert.ok(line.level === 'error' || line.level === 50, 'logged at error level');
      assert.equal(line.topic, `${letter.record.topic}.dlq`);
      assert.equal(line.partition, letter.record.partition, 'same partition number as the original');
      assert.equal(line.originalTopic, letter.record.topic);
      assert.equal(line.originalPartition, letter.record.partition);
      assert.equal(line.originalOffset, String(letter.offset), '8-byte big-endian offset decoded');
      assert.equal(line.originalConsumerGroup, 'notification-consumer-group');
      assert.equal(line.exception, 'org.springframework.kafka.listener.ListenerExecutionFailedException');
      assert.match(String(line.exceptionMessage), /threw exception; Simulated downstream failure/);
      assert.equal(line.decodeError, undefined, 'the re-serialized value decodes');
    }
    const createdLine = notification
      .logLines()
      .find((l) => l.msg === 'dead letter received' && l.eventId === created.eventId)!;
    assert.equal(createdLine.totalAmount, '1E+3', 'amount with its exact digits');
    assert.equal(createdLine.createdAt, '2024-11-23T22:13:20.123456Z', 'decimal-second instant decoded');
    assert.match(String(createdLine.customerEmail), /^j\*\*\*@example\.com$/, 'e-mail masked');
  });
});

describe('shared idempotency with the Java service', () => {
  test('a done mark written as the Java service writes it (SET ... 1 EX 604800 NX) → DUPLICATE, nothing sent', async () => {
    const event = order();
    assert.equal(await redis.set(processedKey(event.eventId), '1', 'EX', 604_800, 'NX'), 'OK');
    await produceWire(bootstrap, [javaProducerRecord('OrderCreated', event)]);
    const line = await processedLine(event.eventId);
    assert.equal(line.status, 'DUPLICATE');
    assert.equal(line.detail, 'Already processed');
    assert.equal(
      notification.logLines().filter((l) => l.eventId === event.eventId && typeof l.kind === 'string').length,
      0,
      'no notification',
    );
  });

  test('after our service sends, the key holds the Java mark 1 for ~7 days: a Java SET NX is refused', async () => {
    const event = order();
    await produceWire(bootstrap, [javaProducerRecord('OrderCreated', event)]);
    assert.equal((await processedLine(event.eventId)).status, 'SENT');
    assert.equal(await redis.get(processedKey(event.eventId)), '1');
    const ttl = await redis.ttl(processedKey(event.eventId));
    assert.ok(ttl > 604_000 && ttl <= 604_800, `7-day TTL, got ${ttl}`);
    assert.equal(
      await redis.set(processedKey(event.eventId), '1', 'EX', 604_800, 'NX'),
      null,
      'Java: DUPLICATE',
    );
  });

  test('a Java send that failed and DELeted its mark leaves the event to us', async () => {
    const event = order();
    assert.equal(await redis.set(processedKey(event.eventId), '1', 'EX', 604_800, 'NX'), 'OK');
    assert.equal(await redis.del(processedKey(event.eventId)), 1);
    await produceWire(bootstrap, [javaProducerRecord('OrderCreated', event)]);
    assert.equal((await processedLine(event.eventId)).status, 'SENT');
  });
});

// Keep the JSON builder in the import list honest: the fixtures above are Java's bytes.
test('fixture sanity: a Java value is what SPEC shows', () => {
  const json = javaEventJson('OrderCreated', order({ eventId: 'e', orderId: 'o' }));
  assert.match(
    json,
    /^\{"eventId":"e","orderId":"o",.*"totalAmount":12000\.50,"currency":"KRW","createdAt":1732400000\.123456000\}$/,
  );
});
