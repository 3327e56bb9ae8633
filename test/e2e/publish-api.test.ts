/**
 * The publish path end to end, on the real broker: the seed README's curl examples give SPEC's
 * answers, each event lands on its topic and on the partition Java would choose for its key, with the
 * Java type header and SPEC's JSON fields; refused requests publish nothing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { javaPartitionFor } from '@commerce/contracts';
import { type CurlExample, curlExamples } from '../support/curl-examples.ts';
import { infra } from '../support/infra.ts';
import { readUntil, recordCount } from '../support/kafka-client.ts';
import { postJson, type RunningService, repoRoot, startService } from '../support/services.ts';

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let order: RunningService;
let product: RunningService;
let bootstrap: string;

before(async () => {
  bootstrap = infra().kafkaBootstrap;
  const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap };
  [order, product] = await Promise.all([
    startService('order-service', env),
    startService('product-service', env),
  ]);
});

after(async () => {
  await Promise.all([order?.stop(), product?.stop()]);
});

/** Sends a documented example to the service under test instead of localhost:808x. */
function send(example: CurlExample, replacements: Record<string, string> = {}) {
  let url = example.url
    .replace('http://localhost:8081', order.url)
    .replace('http://localhost:8083', product.url);
  for (const [from, to] of Object.entries(replacements)) url = url.replace(from, to);
  return postJson(url, example.body ?? '', example.headers);
}

describe("the seed README's curl examples", () => {
  const examples = curlExamples(join(repoRoot, '..', 'shared', 'seed', 'README.ko.md'));
  const createOrder = examples.find((e) => e.url.endsWith('/api/orders') && e.body?.includes('user-1001'))!;
  const changeStatus = examples.find((e) => e.url.includes('/status'))!;
  const createProduct = examples.find((e) => e.url.endsWith('/api/products'))!;
  const failOrder = examples.find((e) => e.body?.includes('fail-user-1'))!;

  test('the README has the four examples', () => {
    assert.ok(createOrder && changeStatus && createProduct && failOrder);
  });

  test('POST /api/orders: 201 after the broker stored OrderCreatedEvent on the key partition', async () => {
    const response = await send(createOrder);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body).sort(), ['createdAt', 'eventId', 'orderId', 'status']);
    assert.equal(response.body.status, 'PUBLISHED');
    assert.match(String(response.body.orderId), uuid);
    assert.match(String(response.body.eventId), uuid);
    assert.match(String(response.body.createdAt), isoInstant);

    const orderId = String(response.body.orderId);
    const records = await readUntil(bootstrap, ['order.created.v1'], (rs) =>
      rs.some((r) => r.key === orderId),
    );
    const record = records.find((r) => r.key === orderId)!;
    assert.ok(record, 'event on order.created.v1 keyed by orderId');
    assert.equal(record.partition, javaPartitionFor(Buffer.from(orderId), 3));
    assert.equal(record.headers.get('__TypeId__')?.toString(), 'com.example.common.event.OrderCreatedEvent');
    const raw = record.value.toString('utf8');
    assert.match(raw, /"totalAmount":12900[,}]/, 'amount is a JSON number with its exact digits');
    const event = JSON.parse(raw);
    assert.deepEqual(Object.keys(event), [
      'eventId',
      'orderId',
      'customerId',
      'customerEmail',
      'totalAmount',
      'currency',
      'createdAt',
    ]);
    assert.equal(event.eventId, response.body.eventId);
    assert.equal(event.orderId, orderId);
    assert.equal(event.customerId, 'user-1001');
    assert.equal(event.customerEmail, 'user1001@example.com');
    assert.equal(event.currency, 'KRW');
    assert.equal(event.createdAt, response.body.createdAt);
  });

  test('POST /api/orders/{orderId}/status: 200 and OrderShippedEvent on order.shipped.v1', async () => {
    const created = await send(createOrder);
    const orderId = String(created.body.orderId);
    const response = await send(changeStatus, { '<orderId>': orderId });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body).sort(), [
      'changedAt',
      'currentStatus',
      'eventId',
      'orderId',
      'previousStatus',
      'status',
    ]);
    assert.equal(response.body.orderId, orderId);
    assert.equal(response.body.previousStatus, 20);
    assert.equal(response.body.currentStatus, 25);
    assert.equal(response.body.status, 'PUBLISHED');
    assert.match(String(response.body.changedAt), isoInstant);

    const records = await readUntil(bootstrap, ['order.shipped.v1'], (rs) =>
      rs.some((r) => r.key === orderId),
    );
    const record = records.find((r) => r.key === orderId)!;
    assert.equal(record.partition, javaPartitionFor(Buffer.from(orderId), 3));
    assert.equal(record.headers.get('__TypeId__')?.toString(), 'com.example.common.event.OrderShippedEvent');
    const event = JSON.parse(record.value.toString('utf8'));
    assert.deepEqual(event, {
      eventId: response.body.eventId,
      orderId,
      customerId: 'user-1001',
      customerEmail: 'user1001@example.com',
      previousStatus: 20,
      currentStatus: 25,
      changedAt: response.body.changedAt,
    });
  });

  test('POST /api/products: 201 and ProductCreatedEvent on product.created.v1', async () => {
    const response = await send(createProduct);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body).sort(), ['createdAt', 'eventId', 'productId', 'status']);
    const productId = String(response.body.productId);
    const records = await readUntil(bootstrap, ['product.created.v1'], (rs) =>
      rs.some((r) => r.key === productId),
    );
    const record = records.find((r) => r.key === productId)!;
    assert.equal(record.partition, javaPartitionFor(Buffer.from(productId), 3));
    assert.equal(
      record.headers.get('__TypeId__')?.toString(),
      'com.example.common.event.ProductCreatedEvent',
    );
    assert.match(record.value.toString('utf8'), /"price":59900[,}]/);
    const event = JSON.parse(record.value.toString('utf8'));
    assert.deepEqual(event, {
      eventId: response.body.eventId,
      productId,
      productName: 'wireless-keyboard',
      price: 59900,
      currency: 'KRW',
      stockQuantity: 120,
      createdAt: response.body.createdAt,
    });
  });
});

describe('refused requests', () => {
  const validOrder = { customerId: 'c-1', customerEmail: 'c1@example.com', totalAmount: 10, currency: 'KRW' };
  const validStatus = {
    customerId: 'c-1',
    customerEmail: 'c1@example.com',
    previousStatus: 20,
    currentStatus: 25,
  };
  const someOrderId = '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11';

  test('validation errors: 400 with one SPEC message per failing field', async () => {
    const response = await postJson(`${order.url}/api/orders`, {});
    assert.equal(response.status, 400);
    assert.equal(response.body.status, 400);
    assert.equal(response.body.error, 'Validation failed');
    assert.match(String(response.body.timestamp), isoInstant);
    assert.deepEqual(response.body.details, [
      'customerId: customerId is required',
      'customerEmail: customerEmail is required',
      'totalAmount: totalAmount is required',
      'currency: currency is required',
    ]);

    const bad = await postJson(`${order.url}/api/orders`, {
      ...validOrder,
      customerEmail: 'nope',
      totalAmount: 0,
    });
    assert.deepEqual(bad.body.details, [
      'customerEmail: customerEmail must be valid',
      'totalAmount: totalAmount must be positive',
    ]);

    const product_ = await postJson(`${product.url}/api/products`, { price: 0.001, stockQuantity: -1 });
    assert.equal(product_.status, 400);
    assert.deepEqual(product_.body.details, [
      'productName: productName is required',
      'price: price must be positive',
      'currency: currency is required',
      'stockQuantity: stockQuantity must be zero or positive',
    ]);
  });

  test('an unsupported transition is a 400 with the SPEC message, not a 500', async () => {
    const response = await postJson(`${order.url}/api/orders/${someOrderId}/status`, {
      ...validStatus,
      previousStatus: 20,
      currentStatus: 80,
    });
    assert.equal(response.status, 400);
    assert.equal(
      response.body.message,
      'Only 20->25(shipping) and 25->80(delivered) transitions are supported. requested=20->80',
    );
  });

  test('malformed JSON, wrong content type, non-object and oversized bodies are 4xx in the SPEC shape', async () => {
    const malformed = await postJson(`${order.url}/api/orders`, '{"customerId": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.status, 400);
    assert.ok(malformed.body.timestamp && malformed.body.error);

    const wrongType = await postJson(`${order.url}/api/orders`, JSON.stringify(validOrder), {
      'content-type': 'text/plain',
    });
    assert.equal(wrongType.status, 415);
    assert.equal(wrongType.body.status, 415);

    for (const body of ['[]', 'null', '"text"', '42']) {
      const response = await postJson(`${order.url}/api/orders`, body);
      assert.equal(response.status, 400, `body ${body}`);
    }

    const huge = await postJson(`${order.url}/api/orders`, {
      ...validOrder,
      customerId: 'x'.repeat(200_000),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.status, 413);

    const notUuid = await postJson(`${order.url}/api/orders/not-an-id/status`, validStatus);
    assert.equal(notUuid.status, 400);
  });

  test('no refused request published anything', async () => {
    const topics = ['order.created.v1', 'order.shipped.v1', 'product.created.v1'];
    const before_ = await Promise.all(topics.map((t) => recordCount(bootstrap, t)));
    const refused = [
      postJson(`${order.url}/api/orders`, {}),
      postJson(`${order.url}/api/orders`, { ...validOrder, totalAmount: -5 }),
      postJson(`${order.url}/api/orders`, { ...validOrder, totalAmount: '1e999' }),
      postJson(`${order.url}/api/orders`, '{bad json'),
      postJson(`${order.url}/api/orders/${someOrderId}/status`, { ...validStatus, currentStatus: 80 }),
      postJson(`${order.url}/api/orders/${someOrderId}/status`, { ...validStatus, previousStatus: 'x' }),
      postJson(`${product.url}/api/products`, { productName: ' ', price: 1, currency: 'KRW' }),
      postJson(`${product.url}/api/products`, 'x'.repeat(100_000)),
    ];
    for (const response of await Promise.all(refused))
      assert.ok(response.status >= 400 && response.status < 500);
    const after_ = await Promise.all(topics.map((t) => recordCount(bootstrap, t)));
    assert.deepEqual(after_, before_);
  });
});
