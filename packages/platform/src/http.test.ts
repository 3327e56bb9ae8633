import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClientError, PublishError, ValidationError } from './errors.ts';
import { createHttpServer, type HttpServer, ListenError, startHttpServer } from './http.ts';
import { JsonNumber } from './json-number.ts';
import { createLogger, type LogSink } from './logger.ts';
import { createMetrics, type Registry } from './metrics.ts';

const ORDER_ID = '3f2c9a4e-0b1d-4c6e-9a57-1e2d3c4b5a69';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Harness {
  app: HttpServer;
  registry: Registry;
  lines: string[];
  /** Bodies seen by `POST /api/inspect`. */
  bodies: unknown[];
}

function logRecords(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function harness(opts: { level?: string; bodyLimitBytes?: number } = {}): Promise<Harness> {
  const lines: string[] = [];
  const sink: LogSink = { write: (line) => lines.push(line) };
  const logger = createLogger({
    service: 'test-service',
    level: opts.level ?? 'info',
    logDir: false,
    consoleSink: sink,
  });
  const registry = createMetrics('test-service');
  const app = createHttpServer({
    logger,
    serviceName: 'test-service',
    metrics: registry,
    bodyLimitBytes: opts.bodyLimitBytes ?? 1024,
  });
  const bodies: unknown[] = [];
  app.post('/api/echo', async (request) => ({ received: request.body }));
  app.post('/api/inspect', async (request) => {
    bodies.push(request.body);
    return {};
  });
  app.post('/api/orders/:orderId/status', async (request) => ({ ok: true, body: request.body }));
  app.post('/api/ping', { config: { bodyOptional: true } }, async (request) => ({
    body: request.body ?? 'none',
  }));
  app.get('/api/orders/:orderId', async () => ({ ok: true }));
  app.get('/fail/validation', async () => {
    throw new ValidationError(['customerId: customerId is required', 'currency: currency is required']);
  });
  app.get('/fail/client', async () => {
    throw new ClientError(409, 'Conflict', 'already shipped');
  });
  app.get('/fail/publish', async () => {
    throw new PublishError('broker did not acknowledge within 5000 ms');
  });
  app.get('/fail/bug', async () => {
    throw new Error('connection string postgres://admin:hunter2@db');
  });
  await app.ready();
  return { app, registry, lines, bodies };
}

/** The value of the first sample of `name` carrying all of `labels`, in Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

function json(payload: string, contentType = 'application/json') {
  return { method: 'POST' as const, url: '/api/echo', payload, headers: { 'content-type': contentType } };
}

function assertErrorShape(body: Record<string, unknown>, status: number, error: string): void {
  assert.equal(body.status, status);
  assert.equal(body.error, error);
  assert.match(String(body.timestamp), ISO);
}

describe('createHttpServer: request bodies', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.app.close());

  it('parses JSON numbers as JsonNumber with their exact source text', async () => {
    const res = await h.app.inject(json('{"totalAmount":12000.50,"qty":1E+3,"name":"x"}'));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().received, {
      totalAmount: { source: '12000.50' },
      qty: { source: '1E+3' },
      name: 'x',
    });
  });

  it('hands the route real JsonNumber instances', async () => {
    await h.app.inject({ ...json('{"price":0.10}'), url: '/api/inspect' });
    const price = (h.bodies.at(-1) as { price: unknown }).price;
    assert.ok(price instanceof JsonNumber);
    assert.equal(price.source, '0.10');
  });

  it('accepts a charset parameter and application/*+json', async () => {
    const a = await h.app.inject(json('{"a":1}', 'application/json; charset=utf-8'));
    const b = await h.app.inject(json('{"a":1}', 'application/vnd.commerce+json'));
    const c = await h.app.inject(json('{"a":1}', 'Application/JSON;Charset="UTF-8"'));
    assert.deepEqual([a.statusCode, b.statusCode, c.statusCode], [200, 200, 200]);
  });

  it('lets non-object bodies through to the route', async () => {
    for (const [payload, expected] of [
      ['[1,2]', [{ source: '1' }, { source: '2' }]],
      ['"text"', 'text'],
      ['null', null],
      ['7', { source: '7' }],
    ] as const) {
      const res = await h.app.inject(json(payload));
      assert.equal(res.statusCode, 200, payload);
      assert.deepEqual(res.json().received, expected);
    }
  });

  it('malformed JSON → 400 Malformed JSON request saying what is wrong', async () => {
    const res = await h.app.inject(json('{"customerId": "c-1",'));
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assertErrorShape(body, 400, 'Malformed JSON request');
    assert.match(body.message, /^JSON parse error: /);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  });

  it('empty body with a JSON content type → 400', async () => {
    const res = await h.app.inject(json(''));
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 400, 'Malformed JSON request');
    assert.equal(res.json().message, 'Request body is missing');
  });

  it('no content type and no body → 415', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/echo' });
    assert.equal(res.statusCode, 415);
    assertErrorShape(res.json(), 415, 'Unsupported Media Type');
    assert.match(res.json().message, /Content-Type is missing/);
  });

  it('no content type with a body → 415', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/echo', payload: Buffer.from('{"a":1}') });
    assert.equal(res.statusCode, 415);
    assertErrorShape(res.json(), 415, 'Unsupported Media Type');
  });

  it('wrong content type → 415 naming it', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'nonsense']) {
      const res = await h.app.inject(json('{"a":1}', type));
      assert.equal(res.statusCode, 415, type);
      assertErrorShape(res.json(), 415, 'Unsupported Media Type');
    }
    const res = await h.app.inject(json('a=1', 'text/plain'));
    assert.match(res.json().message, /'text\/plain' is not supported/);
  });

  it('a charset other than UTF-8 → 415', async () => {
    const res = await h.app.inject(json('{"a":1}', 'application/json; charset=iso-8859-1'));
    assert.equal(res.statusCode, 415);
    assert.match(res.json().message, /iso-8859-1/);
  });

  it('body over the limit → 413 Payload Too Large', async () => {
    const res = await h.app.inject(json(JSON.stringify({ a: 'x'.repeat(2000) })));
    assert.equal(res.statusCode, 413);
    assertErrorShape(res.json(), 413, 'Payload Too Large');
    assert.match(res.json().message, /1024 bytes/);
  });

  it('deep nesting → 400, the limit itself is fine', async () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const ok = await h.app.inject(json(nested(32)));
    assert.equal(ok.statusCode, 200);
    const res = await h.app.inject(json(nested(33)));
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 400, 'Malformed JSON request');
    assert.match(res.json().message, /deeper than 32 levels/);
  });

  it('malformed UTF-8 → 400, never decoded into U+FFFD', async () => {
    const payload = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await h.app.inject({ ...json(''), payload });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 400, 'Malformed JSON request');
    assert.match(res.json().message, /not valid UTF-8/);
  });

  it('a key given twice → 400', async () => {
    const res = await h.app.inject(json('{"a":1,"a":2}'));
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 400, 'Malformed JSON request');
    assert.equal(res.json().message, 'Duplicate field "a"');
  });

  it('a route may make its body optional', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/ping' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { body: 'none' });
  });
});

describe('createHttpServer: routing errors and the error mapper', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.app.close());

  it('unknown route → 404 in the SPEC shape', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/nope?x=1' });
    assert.equal(res.statusCode, 404);
    assertErrorShape(res.json(), 404, 'Not Found');
    assert.equal(res.json().message, 'No endpoint GET /nope');
  });

  it('known path, wrong method → 405 with Allow', async () => {
    const res = await h.app.inject({ method: 'DELETE', url: `/api/orders/${ORDER_ID}/status` });
    assert.equal(res.statusCode, 405);
    assertErrorShape(res.json(), 405, 'Method Not Allowed');
    assert.equal(res.headers.allow, 'POST');
    const get = await h.app.inject({ method: 'PUT', url: `/api/orders/${ORDER_ID}` });
    assert.equal(get.statusCode, 405);
    assert.equal(get.headers.allow, 'GET, HEAD');
  });

  it('bad percent-encoding → 400 and an over-long path parameter → 414, in the SPEC shape', async () => {
    const bad = await h.app.inject({ ...json('{}'), url: '/api/orders/%zz/status' });
    assert.equal(bad.statusCode, 400);
    assertErrorShape(bad.json(), 400, 'Bad Request');
    const long = await h.app.inject({ ...json('{}'), url: `/api/orders/${'a'.repeat(2000)}/status` });
    assert.equal(long.statusCode, 414);
    assertErrorShape(long.json(), 414, 'URI Too Long');
    assert.ok(!long.body.includes('aaaa'), 'the path is not echoed');
  });

  it('ValidationError → 400 Validation failed with details', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/fail/validation' });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assertErrorShape(body, 400, 'Validation failed');
    assert.deepEqual(body.details, ['customerId: customerId is required', 'currency: currency is required']);
    assert.equal(body.message, undefined);
  });

  it('ClientError → its status, error and message', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/fail/client' });
    assert.equal(res.statusCode, 409);
    assertErrorShape(res.json(), 409, 'Conflict');
    assert.equal(res.json().message, 'already shipped');
  });

  it('PublishError → 503 Event publish failed', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/fail/publish' });
    assert.equal(res.statusCode, 503);
    assertErrorShape(res.json(), 503, 'Event publish failed');
    assert.equal(res.json().message, 'broker did not acknowledge within 5000 ms');
  });

  it('any other error → 500 with a generic message; the details go to the log only', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/fail/bug' });
    assert.equal(res.statusCode, 500);
    assertErrorShape(res.json(), 500, 'Unexpected error');
    assert.ok(!res.body.includes('hunter2'), res.body);
    const logged = logRecords(h.lines).find((r) => r.msg === 'request failed' && r.route === '/fail/bug');
    assert.ok(logged, 'the failure is logged');
    assert.equal(logged.level, 'error');
    assert.match(JSON.stringify(logged.err), /postgres:\/\/admin/);
    assert.equal(logged.route, '/fail/bug');
  });
});

describe('createHttpServer: observability', () => {
  it('records http_server_requests_seconds by route pattern, never by raw URL', async () => {
    const h = await harness();
    await h.app.inject(json('{}'));
    const other = 'aaaaaaaa-0b1d-4c6e-9a57-1e2d3c4b5a69';
    for (const id of [ORDER_ID, other]) {
      await h.app.inject({ ...json('{}'), url: `/api/orders/${id}/status` });
    }
    await h.app.inject({ method: 'GET', url: `/unknown/${ORDER_ID}` });
    const text = await h.registry.metrics();
    await h.app.close();
    const labels = { method: 'POST', route: '/api/orders/:orderId/status', status: '200' };
    assert.equal(sample(text, 'http_server_requests_seconds_count', labels), 2);
    assert.equal(
      sample(text, 'http_server_requests_seconds_count', { ...labels, application: 'test-service' }),
      2,
    );
    assert.equal(
      sample(text, 'http_server_requests_seconds_count', { route: 'UNMATCHED', status: '404' }),
      1,
    );
    assert.equal(sample(text, 'http_server_requests_seconds_bucket', { route: '/api/echo', le: '+Inf' }), 1);
    assert.ok(!text.includes(ORDER_ID), 'no raw ids in label values');
  });

  it('logs each request at debug, and not at all at info', async () => {
    const quiet = await harness({ level: 'info' });
    await quiet.app.inject(json('{}'));
    await quiet.app.close();
    assert.equal(logRecords(quiet.lines).filter((r) => r.msg === 'request completed').length, 0);

    const chatty = await harness({ level: 'debug' });
    await chatty.app.inject({ ...json('{}'), url: `/api/orders/${ORDER_ID}/status` });
    await chatty.app.close();
    const completed = logRecords(chatty.lines).filter((r) => r.msg === 'request completed');
    assert.equal(completed.length, 1);
    assert.equal(completed[0]?.level, 'debug');
    assert.equal(completed[0]?.route, '/api/orders/:orderId/status');
    assert.equal(completed[0]?.status, 200);
  });

  it('uses an incoming x-request-id in its log lines', async () => {
    const h = await harness({ level: 'debug' });
    await h.app.inject({
      ...json('{}'),
      headers: { 'content-type': 'application/json', 'x-request-id': 'abc-123' },
    });
    await h.app.close();
    const completed = logRecords(h.lines).find((r) => r.msg === 'request completed');
    assert.equal(completed?.requestId, 'abc-123');
  });
});

describe('startHttpServer', () => {
  let blocker: Server;
  let port: number;
  before(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('names the port when it is already in use', async () => {
    const h = await harness();
    await assert.rejects(startHttpServer(h.app, { host: '127.0.0.1', port }), (error: unknown) => {
      assert.ok(error instanceof ListenError);
      assert.equal(error.port, port);
      assert.match(error.message, new RegExp(`^Port ${port} is already in use`));
      return true;
    });
    await h.app.close();
  });

  it('returns the address when the port is free', async () => {
    const h = await harness();
    const address = await startHttpServer(h.app, { host: '127.0.0.1', port: 0 });
    assert.match(address, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${address}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1.0}',
    });
    assert.deepEqual(await res.json(), { received: { x: { source: '1.0' } } });
    await h.app.close();
  });
});

describe('createHttpServer: requests the HTTP parser refuses', () => {
  /** Writes raw bytes and reads until the server closes the connection. */
  function exchange(address: string, bytes: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(Number(new URL(address).port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
      socket.write(bytes);
    });
  }

  it('an unknown method, a NUL in a header and oversized headers get the SPEC shape, then close', async () => {
    const h = await harness();
    const address = await startHttpServer(h.app, { host: '127.0.0.1', port: 0 });
    for (const [request, status, error] of [
      ['FOO /api/echo HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'Bad Request'],
      ['GET /nope HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', 400, 'Bad Request'],
      [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'Request Header Fields Too Large'],
    ] as const) {
      const received = await exchange(address, request);
      assert.match(received, new RegExp(`^HTTP/1\\.1 ${status} `), received);
      assert.match(received, /\r\nContent-Type: application\/json\r\n/i);
      assertErrorShape(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)), status, error);
    }
    await h.app.close();
  });
});

describe('createHttpServer: closing', () => {
  it('answers requests that arrive while closing with a SPEC-shaped 503', async () => {
    const fresh = createHttpServer({
      logger: createLogger({ service: 's', logDir: false, console: false }),
      serviceName: 's',
      metrics: createMetrics('s'),
    });
    let entered: () => void = () => {};
    const inSlow = new Promise<void>((resolve) => (entered = resolve));
    let release: (value: unknown) => void = () => {};
    fresh.get('/slow', () => {
      entered();
      return new Promise((resolve) => (release = resolve));
    });
    fresh.get('/fast', async () => ({ fast: true }));
    const address = await startHttpServer(fresh, { host: '127.0.0.1', port: 0 });

    // One keep-alive connection: /slow in flight keeps it open while close() begins, then /fast arrives.
    const socket = connect(Number(new URL(address).port), '127.0.0.1');
    let received = '';
    const got503 = new Promise<void>((resolve) =>
      socket.on('data', (chunk) => {
        received += chunk;
        if (received.includes('"status":503')) resolve();
      }),
    );
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await inSlow;
    const closing = fresh.close();
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    release({ slow: true });
    await got503;
    socket.destroy();
    await closing;

    const body = JSON.parse(received.slice(received.lastIndexOf('\r\n\r\n') + 4));
    assertErrorShape(body, 503, 'Service Unavailable');
    assert.match(received, /HTTP\/1\.1 503/);
    assert.match(received, /\{"slow":true\}/);
  });
});
