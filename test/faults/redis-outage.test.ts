/**
 * Redis stopped under load (30 s in the full profile). An unreachable idempotency store is an outage,
 * not a failure of the records: nothing may be dead-lettered because of it, notification-service reports
 * DOWN meanwhile, and once Redis is back every order is notified, none twice. Runs on a Redis of its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RedisServer, startRedis } from '../../tools/redis/server.ts';
import {
  byProfile,
  delay,
  drainedDeliveries,
  health,
  notificationEnv,
  reportRow,
  rowFrom,
  type ScenarioTopics,
  sample,
  scenarioTopics,
} from '../support/faults.ts';
import { infra } from '../support/infra.ts';
import { OrderLoad } from '../support/load.ts';
import { type RunningService, startService } from '../support/services.ts';
import { WebhookSink } from '../support/webhook-sink.ts';

const settings = byProfile({
  short: { rate: 80, beforeMs: 2000, downMs: 8000, afterMs: 3000 },
  full: { rate: 100, beforeMs: 10_000, downMs: 30_000, afterMs: 15_000 },
});

let redis: RedisServer;
let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RunningService;
let notification: RunningService;

before(async () => {
  const { kafkaBootstrap } = infra();
  bootstrap = kafkaBootstrap.split(',');
  redis = await startRedis({ dataDir: mkdtempSync(join(tmpdir(), 'faults-redis-')), persist: true });
  sink = await WebhookSink.start();
  topics = scenarioTopics('redis');
  const base = { KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap, LOG_LEVEL: 'info', ...topics.env };
  [order, notification] = await Promise.all([
    startService('order-service', base),
    startService('notification-service', {
      ...base,
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      ...notificationEnv(sink),
    }),
  ]);
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
  await redis?.stop();
});

test(`Redis stopped for ${settings.downMs / 1000} s under load: nothing dead-lettered, all notified after`, async (t) => {
  const started = Date.now();
  const durationMs = settings.beforeMs + settings.downMs + settings.afterMs;
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: Math.ceil((settings.rate * durationMs) / 1000),
    durationMs,
    customerPrefix: 'redis',
  }).start();

  const samples: Array<{ from: number; to: number; status: number; redis: string | undefined }> = [];
  let sampling = true;
  // A failed assertion must not leave the sampling loop running (the test process would never end).
  t.after(() => {
    sampling = false;
  });
  const sampler = (async () => {
    while (sampling) {
      const from = Date.now();
      const result = await health(notification.url);
      samples.push({ from, to: Date.now(), status: result.status, redis: result.components.redis });
      await delay(250);
    }
  })();

  await delay(settings.beforeMs);
  const stopAt = Date.now();
  await redis.stop();
  const stoppedAt = Date.now();
  const deliveredAtStop = sink.report().totalDeliveries;
  await delay(Math.max(0, settings.downMs - (stoppedAt - stopAt)));
  // At most the records whose Redis round trip was under way when it stopped may have been delivered since.
  const deliveredDuringOutage = sink.report().totalDeliveries - deliveredAtStop;
  const startAt = Date.now();
  await redis.start();
  const readyAt = Date.now();

  await load.finished();
  sampling = false;
  await sampler;
  const { deadLetters, result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 60_000,
    lagTimeoutMs: 30_000,
  });
  const firstAfter = sink.allAttempts().find((a) => a.answer === 'delivered' && a.at >= readyAt);
  const outageSamples = samples.filter((s) => s.from >= stoppedAt + 1000 && s.to <= startAt);
  reportRow(
    rowFrom(`Redis stopped ${settings.downMs / 1000} s`, result, {
      recoverMs: firstAfter ? firstAfter.at - readyAt : null,
      durationMs: Date.now() - started,
      notes:
        `Redis ready→first notification; health samples during the outage: ${outageSamples.length}, ` +
        `DOWN: ${outageSamples.filter((s) => s.status === 503).length}; ` +
        `delivered while Redis was down: ${deliveredDuringOutage}`,
    }),
  );

  assert.equal(load.summary().acknowledged, load.requests.length, 'order-service does not need Redis');
  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(
    deadLetters.length,
    0,
    `nothing dead-lettered: ${deadLetters.map((d) => d.eventId).join(', ')}`,
  );
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.equal(result.deliveredTwice.size, 0, `delivered twice: ${sample(result.deliveredTwice.keys())}`);
  assert.deepEqual(result.phantom, []);
  assert.ok(outageSamples.length > 0, 'health was sampled during the outage');
  assert.deepEqual(
    outageSamples.filter((s) => s.status !== 503 || s.redis !== 'DOWN'),
    [],
    'health is DOWN, with Redis DOWN, while Redis is away',
  );
  assert.ok(
    deliveredDuringOutage <= 9,
    `nothing notified unguarded while Redis was down (${deliveredDuringOutage})`,
  );
  assert.ok(notification.process.running, 'notification-service rode through');
  assert.equal((await health(notification.url)).status, 200, 'healthy again');
});
