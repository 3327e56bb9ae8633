/**
 * Hostile HTTP input (issue 4, point 8) against the real order-service and product-service, started as
 * processes on the shared broker: every case of test/support/hostile-cases.ts gets the answer its table
 * row decides (a 4xx in the SPEC's error shape, never a 5xx, or an accepted 201/200 where the original
 * accepted it too), no refused request publishes anything (the three topics' end offsets grow by exactly
 * the accepted cases), accepted requests with prototype-pollution keys publish only the SPEC's fields,
 * and both processes stay up and keep serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Endpoint,
  EVENT_FIELDS,
  type HostileCase,
  hostileHttpCases,
  PATH_OF,
  type RawResponse,
  SERVICE_OF,
  sendCase,
  TOPIC_OF,
} from '../support/hostile-cases.ts';
import { infra } from '../support/infra.ts';
import { readUntil, recordCount } from '../support/kafka-client.ts';
import { postJson, type RunningService, startService } from '../support/services.ts';

const TOPICS = ['order.created.v1', 'order.shipped.v1', 'product.created.v1'];
const ERROR_KEYS = new Set(['timestamp', 'status', 'error', 'details', 'message']);
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const cases = hostileHttpCases();
let order: RunningService;
let product: RunningService;
let bootstrap: string;
let offsetsBefore: bigint[] = [];
const accepted: Array<{ hostile: HostileCase; eventId: string }> = [];
const answered = new Set<string>();

before(async () => {
  bootstrap = infra().kafkaBootstrap;
  const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap };
  [order, product] = await Promise.all([
    startService('order-service', env),
    startService('product-service', env),
  ]);
  offsetsBefore = await Promise.all(TOPICS.map((t) => recordCount(bootstrap, t)));
});

after(async () => {
  await Promise.all([order?.stop(), product?.stop()]);
});

const urlOf = (endpoint: Endpoint) => (SERVICE_OF[endpoint] === 'order' ? order.url : product.url);

function requestIdentity(c: HostileCase): string {
  const bytes = (v: string | Buffer | undefined) =>
    v === undefined ? '-' : Buffer.from(v).toString('base64');
  return [
    SERVICE_OF[c.endpoint],
    c.method ?? 'POST',
    c.path ?? PATH_OF[c.endpoint],
    String(c.contentType),
    JSON.stringify(c.headers ?? {}),
    String(c.chunked ?? false),
    bytes(c.body),
    bytes(c.raw),
  ].join('|');
}

function checkAnswer(c: HostileCase, response: RawResponse): void {
  const where = `${c.name}: got ${response.status} ${response.text.slice(0, 300)}`;
  assert.ok(response.status >= 200 && response.status < 500, `never a 5xx — ${where}`);
  if (c.expect.kind === 'accepted') {
    assert.equal(response.status, c.endpoint === 'changeStatus' ? 200 : 201, where);
    const body = JSON.parse(response.text) as Record<string, unknown>;
    assert.equal(body.status, 'PUBLISHED', where);
    assert.equal(typeof body.eventId, 'string', where);
    accepted.push({ hostile: c, eventId: String(body.eventId) });
    return;
  }
  assert.equal(response.status, c.expect.status, where);
  assert.match(String(response.headers['content-type']), /^application\/json/, where);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.text) as Record<string, unknown>;
  } catch {
    assert.fail(`the body is not JSON — ${where}`);
  }
  for (const key of Object.keys(body)) assert.ok(ERROR_KEYS.has(key), `unexpected key "${key}" — ${where}`);
  assert.match(String(body.timestamp), isoInstant, where);
  assert.equal(body.status, response.status, `status in the body is the HTTP status — ${where}`);
  assert.equal(body.error, c.expect.error, where);
  const hasDetails =
    Array.isArray(body.details) &&
    body.details.length > 0 &&
    body.details.every((d) => typeof d === 'string' && d.length > 0);
  const hasMessage = typeof body.message === 'string' && body.message.length > 0;
  assert.ok(hasDetails || hasMessage, `details or message — ${where}`);
  if (c.expect.details) assert.deepEqual(body.details, c.expect.details, where);
  if (c.expect.message) assert.match(String(body.message), c.expect.message, where);
  if (response.status === 405)
    assert.match(String(response.headers.allow), /POST/, `Allow header — ${where}`);
  assert.ok(response.text.length < 2048, `the error does not echo the hostile input back — ${where}`);
}

describe('hostile HTTP input', () => {
  test('the table has at least 100 distinct cases over all three endpoints', () => {
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
    const identities = new Set(cases.map(requestIdentity));
    assert.equal(identities.size, cases.length, 'no two cases send the same request');
    assert.ok(cases.length >= 100, `${cases.length} cases`);
    for (const endpoint of ['createOrder', 'changeStatus', 'createProduct'] as const) {
      const own = cases.filter((c) => c.endpoint === endpoint && c.expect.kind === 'refused');
      assert.ok(own.length >= 20, `${endpoint}: ${own.length} refused cases`);
    }
  });

  describe('each case gets the answer its table row decides', () => {
    for (const c of cases) {
      test(c.name, async () => {
        const response = await sendCase(urlOf(c.endpoint), c);
        answered.add(c.name);
        checkAnswer(c, response);
      });
    }
  });

  test('nothing was published for a refused request: topics grew by exactly the accepted cases', async () => {
    assert.equal(answered.size, cases.length, 'every case was answered');
    const offsetsAfter = await Promise.all(TOPICS.map((t) => recordCount(bootstrap, t)));
    const expected = TOPICS.map((topic, i) => {
      const published = cases.filter((c) => c.expect.kind === 'accepted' && TOPIC_OF[c.endpoint] === topic);
      return offsetsBefore[i]! + BigInt(published.length);
    });
    assert.deepEqual(
      Object.fromEntries(TOPICS.map((t, i) => [t, String(offsetsAfter[i])])),
      Object.fromEntries(TOPICS.map((t, i) => [t, String(expected[i])])),
    );
  });

  test('accepted cases published exactly the SPEC fields; pollution keys reached no event', async () => {
    const wanted = new Set(accepted.map((a) => a.eventId));
    assert.equal(wanted.size, cases.filter((c) => c.expect.kind === 'accepted').length);
    const eventIdOf = (value: Buffer) => {
      try {
        return String((JSON.parse(value.toString('utf8')) as { eventId?: unknown }).eventId);
      } catch {
        return '';
      }
    };
    const records = await readUntil(
      bootstrap,
      TOPICS,
      (rs) => rs.filter((r) => wanted.has(eventIdOf(r.value))).length >= wanted.size,
      60_000,
    );
    for (const { hostile, eventId } of accepted) {
      const record = records.find((r) => eventIdOf(r.value) === eventId);
      assert.ok(record, `${hostile.name}: event ${eventId} on the topic`);
      assert.equal(record.topic, TOPIC_OF[hostile.endpoint], hostile.name);
      const raw = record.value.toString('utf8');
      const event = JSON.parse(raw) as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(event),
        EVENT_FIELDS[hostile.endpoint],
        `${hostile.name}: SPEC fields only`,
      );
      assert.equal(Object.getPrototypeOf(event), Object.prototype, hostile.name);
      assert.doesNotMatch(raw, /__proto__|constructor|prototype|polluted|isAdmin|evil"/, hostile.name);
      if (hostile.expect.kind !== 'accepted') continue;
      for (const [field, value] of Object.entries(hostile.expect.event ?? {}))
        assert.deepEqual(event[field], value, `${hostile.name}: ${field}`);
      if (hostile.expect.rawIncludes)
        assert.ok(raw.includes(hostile.expect.rawIncludes), `${hostile.name}: ${raw}`);
    }
  });

  test('both services stayed up, healthy and serving, and logged no server error', async () => {
    for (const service of [order, product]) {
      assert.ok(service.process.running, `${service.name} is running`);
      const health = await fetch(`${service.url}/actuator/health`);
      assert.equal(health.status, 200, service.name);
      assert.equal(((await health.json()) as { status: string }).status, 'UP', service.name);
      const errors = service
        .logLines()
        .filter((l) => l.level === 50 || l.level === 60 || l.level === 'error' || l.level === 'fatal');
      assert.deepEqual(
        errors.map((l) => l.msg),
        [],
        `${service.name} logged no error`,
      );
    }
    const created = await postJson(`${order.url}/api/orders`, {
      customerId: 'after-hostile',
      customerEmail: 'after@example.com',
      totalAmount: 1,
      currency: 'KRW',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const shipped = await postJson(`${order.url}/api/orders/${String(created.body.orderId)}/status`, {
      customerId: 'after-hostile',
      customerEmail: 'after@example.com',
      previousStatus: 20,
      currentStatus: 25,
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    const productCreated = await postJson(`${product.url}/api/products`, {
      productName: 'after-hostile',
      price: 1,
      currency: 'KRW',
    });
    assert.equal(productCreated.status, 201, JSON.stringify(productCreated.body));
  });
});
