import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerActuator } from './actuator.ts';
import type { HealthIndicator, HealthResult } from './health.ts';
import { createHttpServer, type HttpServer } from './http.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';

function indicator(name: string, check: () => Promise<HealthResult>): HealthIndicator {
  return { name, check };
}

const up = (details?: Record<string, unknown>) => async (): Promise<HealthResult> =>
  details ? { status: 'UP', details } : { status: 'UP' };

async function server(health: HealthIndicator[], healthTimeoutMs = 200): Promise<HttpServer> {
  const registry = createMetrics('order-service');
  const app = createHttpServer({
    logger: createLogger({ service: 'order-service', logDir: false, console: false }),
    serviceName: 'order-service',
    metrics: registry,
  });
  registerActuator(app, {
    health,
    info: { app: { name: 'order-service', version: '1.2.3' } },
    registry,
    healthTimeoutMs,
  });
  await app.ready();
  return app;
}

describe('GET /actuator/health', () => {
  it('is UP (200) when every component is UP', async () => {
    const app = await server([indicator('kafka', up({ brokers: 1 })), indicator('redis', up())]);
    const res = await app.inject({ method: 'GET', url: '/actuator/health' });
    await app.close();
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: 'UP',
      components: { kafka: { status: 'UP', details: { brokers: 1 } }, redis: { status: 'UP' } },
    });
  });

  it('is DOWN (503) when one component is DOWN', async () => {
    const app = await server([
      indicator('kafka', up()),
      indicator('redis', async () => ({ status: 'DOWN', details: { error: 'ECONNREFUSED' } })),
    ]);
    const res = await app.inject({ method: 'GET', url: '/actuator/health' });
    await app.close();
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().status, 'DOWN');
    assert.deepEqual(res.json().components.redis, { status: 'DOWN', details: { error: 'ECONNREFUSED' } });
    assert.equal(res.json().components.kafka.status, 'UP');
  });

  it('reports a check that throws as DOWN with the reason', async () => {
    const app = await server([
      indicator('redis', async () => {
        throw new Error('Connection is closed.');
      }),
    ]);
    const res = await app.inject({ method: 'GET', url: '/actuator/health' });
    await app.close();
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json().components.redis, {
      status: 'DOWN',
      details: { error: 'Connection is closed.' },
    });
  });

  it('bounds a hanging check: DOWN after the timeout, the others still reported', async () => {
    const app = await server([indicator('kafka', () => new Promise(() => {})), indicator('redis', up())], 50);
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/actuator/health' });
    const elapsed = Date.now() - started;
    await app.close();
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().components.kafka.status, 'DOWN');
    assert.match(res.json().components.kafka.details.error, /timed out after 50 ms/);
    assert.equal(res.json().components.redis.status, 'UP');
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  it('liveness stays UP while readiness follows the components', async () => {
    const app = await server([indicator('redis', async () => ({ status: 'DOWN' }))]);
    const live = await app.inject({ method: 'GET', url: '/actuator/health/liveness' });
    const ready = await app.inject({ method: 'GET', url: '/actuator/health/readiness' });
    const one = await app.inject({ method: 'GET', url: '/actuator/health/redis' });
    const none = await app.inject({ method: 'GET', url: '/actuator/health/nope' });
    await app.close();
    assert.deepEqual([live.statusCode, live.json()], [200, { status: 'UP' }]);
    assert.deepEqual([ready.statusCode, ready.json()], [503, { status: 'DOWN' }]);
    assert.deepEqual([one.statusCode, one.json()], [503, { status: 'DOWN' }]);
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().error, 'Not Found');
  });

  it('refuses two indicators with the same name', async () => {
    await assert.rejects(server([indicator('redis', up()), indicator('redis', up())]), /named "redis"/);
  });
});

describe('other actuator endpoints', () => {
  let app: HttpServer;
  before(async () => {
    app = await server([indicator('redis', up())]);
  });
  after(() => app.close());

  it('GET /actuator/info: app, runtime, no environment', async () => {
    process.env.PLATFORM_TEST_SECRET = 'do-not-show-me';
    const res = await app.inject({ method: 'GET', url: '/actuator/info' });
    delete process.env.PLATFORM_TEST_SECRET;
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(body.app, { name: 'order-service', version: '1.2.3' });
    assert.equal(body.runtime.node, process.versions.node);
    assert.ok(!res.body.includes('do-not-show-me'));
    if (body.git) assert.match(body.git.commit.id, /^[0-9a-f]{40}/);
  });

  it('GET /actuator/metrics lists metric names, Spring-style', async () => {
    await app.inject({ method: 'GET', url: '/actuator/health' });
    const res = await app.inject({ method: 'GET', url: '/actuator/metrics' });
    const { names } = res.json() as { names: string[] };
    assert.ok(names.includes('http_server_requests_seconds'));
    assert.ok(names.includes('process_cpu_user_seconds_total'));
    assert.deepEqual(names, [...names].sort());
  });

  it('GET /actuator/metrics/{name} shows one metric, 404 for an unknown one', async () => {
    const res = await app.inject({ method: 'GET', url: '/actuator/metrics/http_server_requests_seconds' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().name, 'http_server_requests_seconds');
    assert.ok(Array.isArray(res.json().measurements));
    const missing = await app.inject({ method: 'GET', url: '/actuator/metrics/nope' });
    assert.equal(missing.statusCode, 404);
  });

  it('GET /actuator/prometheus: text format with the HTTP metric labelled by route pattern', async () => {
    await app.inject({ method: 'GET', url: '/actuator/health/redis' });
    const res = await app.inject({ method: 'GET', url: '/actuator/prometheus' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /# TYPE http_server_requests_seconds histogram/);
    const line = res.body
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_server_requests_seconds_count{') &&
          l.includes('route="/actuator/health/:component"'),
      );
    assert.ok(line, 'a series for the route pattern');
    assert.match(line, /application="order-service"/);
    assert.ok(!res.body.includes('route="/actuator/health/redis"'));
  });

  it('GET /actuator links the endpoints', async () => {
    const res = await app.inject({ method: 'GET', url: '/actuator' });
    assert.match(res.json()._links.health.href, /\/actuator\/health$/);
    assert.match(res.json()._links.prometheus.href, /\/actuator\/prometheus$/);
  });
});
