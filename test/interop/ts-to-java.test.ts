/**
 * TypeScript → Java, on the real broker: every event our services can emit (an order, both status
 * transitions, a product; amounts such as `12000.50`, `0.01`, `1E+3` sent as JSON numbers over HTTP,
 * Unicode text) is read back from its topic and must pass `strictJavaDecode` — the rules of the original
 * Java consumer — with the right class, no defect, the exact digits, and the key on the partition Java
 * would pick. `__TypeId__` is on by default with the Java class name, absent when
 * KAFKA_TYPE_ID_HEADER_ENABLED=false, and renamed by KAFKA_TYPE_ID_ORDER_CREATED.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { infra } from '../support/infra.ts';
import { readWire, type WireRecord } from '../support/interop-kafka.ts';
import {
  type BigDecimal,
  bigDecimalToString,
  headerValues,
  instantToString,
  JavaClassNames,
  type JavaEventType,
  type JavaInstant,
  JavaTopics,
  type JavaValue,
  javaDecimalText,
  javaDefaultPartition,
  strictJavaDecode,
  TYPE_ID_HEADER,
} from '../support/java-wire.ts';
import { postJson, type RunningService, startService } from '../support/services.ts';

let order: RunningService;
let product: RunningService;
let orderWithoutTypeId: RunningService;
let orderRenamed: RunningService;
let bootstrap: string;

const RENAMED = 'com.acme.events.OrderPlaced';

before(async () => {
  bootstrap = infra().kafkaBootstrap;
  const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, LOG_LEVEL: 'info' };
  [order, product, orderWithoutTypeId, orderRenamed] = await Promise.all([
    startService('order-service', env),
    startService('product-service', env),
    startService('order-service', { ...env, KAFKA_TYPE_ID_HEADER_ENABLED: 'false' }),
    startService('order-service', { ...env, KAFKA_TYPE_ID_ORDER_CREATED: RENAMED }),
  ]);
});

after(async () => {
  await Promise.all([order?.stop(), product?.stop(), orderWithoutTypeId?.stop(), orderRenamed?.stop()]);
});

/** An event we asked a service to publish and what must be on the wire for it. */
interface Expected {
  type: JavaEventType;
  eventId: string;
  key: string;
  /** Property → the exact JSON text it must have on the wire (decimals as sent over HTTP). */
  rawJson: Record<string, string>;
  /** Property → the value the Java object must hold (toString). */
  java: Record<string, string | number>;
}

/** POSTs the JSON text as is, so amounts reach the service with exactly these digits. */
const post = (url: string, body: string) => postJson(url, body);

/** Reads the three topics until every expected event is there; returns them by eventId. */
async function readBack(expected: Expected[]): Promise<Map<string, WireRecord>> {
  const wanted = new Set(expected.map((e) => e.eventId));
  const eventIdOf = (r: WireRecord) =>
    /"eventId":"([0-9a-f-]{36})"/.exec(r.value?.toString('utf8') ?? '')?.[1];
  const records = await readWire(
    bootstrap,
    Object.values(JavaTopics),
    (rs) => rs.filter((r) => wanted.has(eventIdOf(r) ?? '')).length >= wanted.size,
  );
  const found = new Map<string, WireRecord>();
  for (const record of records) {
    const id = eventIdOf(record);
    if (id !== undefined && wanted.has(id)) found.set(id, record);
  }
  assert.equal(found.size, wanted.size, 'every published event is on its topic');
  return found;
}

function checkAgainstJava(expected: Expected, record: WireRecord) {
  assert.equal(record.topic, JavaTopics[expected.type]);
  assert.equal(record.key?.toString('utf8'), expected.key, 'key = orderId / productId');
  assert.equal(
    record.partition,
    javaDefaultPartition(expected.key, 3),
    'the partition a Java producer picks',
  );
  const text = record.value!.toString('utf8');
  for (const [name, raw] of Object.entries(expected.rawJson)) {
    assert.ok(text.includes(`"${name}":${raw}`), `${name} written as ${raw} in ${text}`);
  }
  const java = strictJavaDecode(expected.type, record.value, record.headers);
  assert.ok(
    java.ok,
    `the Java consumer refuses ${text}: ${java.ok ? '' : `${java.exception}: ${java.message}`}`,
  );
  assert.equal(java.className, JavaClassNames[expected.type]);
  assert.deepEqual(java.defects, [], text);
  for (const [name, value] of Object.entries(expected.java)) {
    const held: JavaValue | undefined = java.event[name];
    const shown: unknown =
      held !== null && typeof held === 'object'
        ? 'unscaled' in held
          ? bigDecimalToString(held as BigDecimal)
          : instantToString(held as JavaInstant)
        : held;
    assert.equal(shown, value, `${name} as the Java object holds it`);
  }
}

describe('TS → Java: every event our services emit passes the Java consumer rules', () => {
  const expected: Expected[] = [];
  let records: Map<string, WireRecord>;

  before(async () => {
    const orders: Array<[customerId: string, amount: string]> = [
      ['고객-1001 "VIP" 🙂 \\', '12000.50'],
      ['user-0.01', '0.01'],
      ['user-exponent', '1E+3'],
      ['user-lower-exponent', '1.5e2'],
      ['user-large', '123456789012345678901234567890.12345678'],
      ['user-integer', '59900'],
    ];
    for (const [customerId, amount] of orders) {
      const body = `{"customerId":${JSON.stringify(customerId)},"customerEmail":"user1001@example.com","totalAmount":${amount},"currency":"KRW"}`;
      const response = await post(`${order.url}/api/orders`, body);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      expected.push({
        type: 'OrderCreated',
        eventId: String(response.body.eventId),
        key: String(response.body.orderId),
        rawJson: { totalAmount: amount, customerId: JSON.stringify(customerId) },
        java: {
          totalAmount: javaDecimalText(amount),
          customerId,
          createdAt: String(response.body.createdAt),
          currency: 'KRW',
        },
      });
    }
    // A numeric string, as Jackson accepted it from clients of the Java service: written as a number.
    const stringAmount = await post(
      `${order.url}/api/orders`,
      '{"customerId":"user-string","customerEmail":"u@example.com","totalAmount":"12.50","currency":"KRW"}',
    );
    assert.equal(stringAmount.status, 201);
    expected.push({
      type: 'OrderCreated',
      eventId: String(stringAmount.body.eventId),
      key: String(stringAmount.body.orderId),
      rawJson: { totalAmount: '12.50' },
      java: { totalAmount: '12.50' },
    });

    const orderId = expected[0]!.key;
    for (const [previous, current] of [
      [20, 25],
      [25, 80],
    ] as const) {
      const body = `{"customerId":"고객-1001","customerEmail":"user1001@example.com","previousStatus":${previous},"currentStatus":${current}}`;
      const response = await post(`${order.url}/api/orders/${orderId}/status`, body);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      expected.push({
        type: 'OrderShipped',
        eventId: String(response.body.eventId),
        key: orderId,
        rawJson: { previousStatus: String(previous), currentStatus: String(current) },
        java: {
          previousStatus: previous,
          currentStatus: current,
          changedAt: String(response.body.changedAt),
        },
      });
    }

    const products: Array<[name: string, price: string, stock: string | undefined]> = [
      ['무선 키보드 "Pro" ⌨️ \\ é', '12000.50', '120'],
      ['sticker', '0.01', '0'],
      ['bulk-pack', '1E+3', undefined],
    ];
    for (const [name, price, stock] of products) {
      const body = `{"productName":${JSON.stringify(name)},"price":${price},"currency":"KRW"${stock === undefined ? '' : `,"stockQuantity":${stock}`}}`;
      const response = await post(`${product.url}/api/products`, body);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      expected.push({
        type: 'ProductCreated',
        eventId: String(response.body.eventId),
        key: String(response.body.productId),
        rawJson: { price, stockQuantity: stock ?? '0' },
        java: {
          productName: name,
          price: javaDecimalText(price),
          stockQuantity: Number(stock ?? 0),
          createdAt: String(response.body.createdAt),
        },
      });
    }
    records = await readBack(expected);
  });

  test('OrderCreated: 12000.50, 0.01, 1E+3, 1.5e2, 38 digits, 59900, "12.50" — exact digits, Unicode text', () => {
    const orders = expected.filter((e) => e.type === 'OrderCreated');
    assert.equal(orders.length, 7);
    for (const e of orders) checkAgainstJava(e, records.get(e.eventId)!);
  });

  test('OrderShipped: 20 -> 25 and 25 -> 80, keyed by the order', () => {
    const shipped = expected.filter((e) => e.type === 'OrderShipped');
    assert.equal(shipped.length, 2);
    for (const e of shipped) checkAgainstJava(e, records.get(e.eventId)!);
  });

  test('ProductCreated: 12000.50, 0.01, 1E+3, stock absent → 0, Unicode name', () => {
    const created = expected.filter((e) => e.type === 'ProductCreated');
    assert.equal(created.length, 3);
    for (const e of created) checkAgainstJava(e, records.get(e.eventId)!);
  });

  test('__TypeId__ by default: exactly one header, the Java class name as raw UTF-8', () => {
    for (const e of expected) {
      const values = headerValues(records.get(e.eventId)!.headers, TYPE_ID_HEADER);
      assert.equal(values.length, 1, `${e.type}: one __TypeId__`);
      assert.deepEqual(values[0], Buffer.from(JavaClassNames[e.type], 'utf8'));
    }
  });
});

describe('TS → Java: the __TypeId__ header is configurable', () => {
  const body =
    '{"customerId":"user-1001","customerEmail":"u@example.com","totalAmount":12000.50,"currency":"KRW"}';

  test('KAFKA_TYPE_ID_HEADER_ENABLED=false: no header; the Java consumer uses its configured type', async () => {
    const response = await post(`${orderWithoutTypeId.url}/api/orders`, body);
    assert.equal(response.status, 201);
    const eventId = String(response.body.eventId);
    const record = (await readBack([{ type: 'OrderCreated', eventId, key: '', rawJson: {}, java: {} }])).get(
      eventId,
    )!;
    assert.deepEqual(headerValues(record.headers, TYPE_ID_HEADER), []);
    const java = strictJavaDecode('OrderCreated', record.value, record.headers);
    assert.ok(java.ok && java.typeFrom === 'default' && java.defects.length === 0);
    assert.equal(bigDecimalToString(java.event.totalAmount as BigDecimal), '12000.50');
  });

  test(`KAFKA_TYPE_ID_ORDER_CREATED=${RENAMED}: that name, which a Java consumer must know`, async () => {
    const response = await post(`${orderRenamed.url}/api/orders`, body);
    assert.equal(response.status, 201);
    const eventId = String(response.body.eventId);
    const record = (await readBack([{ type: 'OrderCreated', eventId, key: '', rawJson: {}, java: {} }])).get(
      eventId,
    )!;
    assert.deepEqual(headerValues(record.headers, TYPE_ID_HEADER), [Buffer.from(RENAMED, 'utf8')]);
    const withSpecClasses = strictJavaDecode('OrderCreated', record.value, record.headers);
    assert.equal(
      withSpecClasses.ok ? 'accepted' : withSpecClasses.stage,
      'TYPE',
      'unknown to a consumer with the SPEC classes',
    );
    const configured = strictJavaDecode('OrderCreated', record.value, record.headers, {
      classNames: { OrderCreated: RENAMED },
    });
    assert.ok(configured.ok && configured.className === RENAMED && configured.defects.length === 0);
  });
});

test('TS → Java: 150 orders created over HTTP land on the partition Java computes for their key', async () => {
  const ids: string[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(
          `${order.url}/api/orders`,
          `{"customerId":"spread-${batch}-${i}","customerEmail":"u@example.com","totalAmount":1,"currency":"KRW"}`,
        ),
      ),
    );
    for (const response of responses) {
      assert.equal(response.status, 201);
      ids.push(String(response.body.orderId));
    }
  }
  const wanted = new Set(ids);
  const records = (
    await readWire(
      bootstrap,
      ['order.created.v1'],
      (rs) => rs.filter((r) => wanted.has(r.key?.toString() ?? '')).length >= ids.length,
    )
  ).filter((r) => wanted.has(r.key?.toString() ?? ''));
  assert.equal(records.length, ids.length);
  const perPartition = [0, 0, 0];
  for (const record of records) {
    const key = record.key!.toString('utf8');
    assert.equal(record.partition, javaDefaultPartition(key, 3), key);
    perPartition[record.partition]!++;
  }
  assert.ok(
    perPartition.every((n) => n > 0),
    `all partitions used: ${perPartition}`,
  );
});
