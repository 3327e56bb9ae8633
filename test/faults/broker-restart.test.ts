/**
 * The only Kafka broker stopped and started again under load. While it is down, order-service answers
 * 503 within its publish bound (never hangs, never 201) and reports DOWN; once it is back, the same
 * process answers 201 again and notification-service resumes by itself. Nothing acknowledged is lost and
 * nothing is notified twice. Runs on a broker of its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type KafkaCluster, startKafka } from '../../tools/kafka/cluster.ts';
import {
  byProfile,
  delay,
  drainedDeliveries,
  eventually,
  health,
  notificationEnv,
  reportRow,
  rowFrom,
  type ScenarioTopics,
  sample,
  scenarioEnv,
  scenarioTopics,
} from '../support/faults.ts';
import { OrderLoad } from '../support/load.ts';
import { type RunningService, startService } from '../support/services.ts';
import { WebhookSink } from '../support/webhook-sink.ts';

const settings = byProfile({
  short: { rate: 80, beforeMs: 3000, downMs: 7000, afterMs: 5000 },
  full: { rate: 100, beforeMs: 10_000, downMs: 30_000, afterMs: 20_000 },
});
const publishTimeoutMs = 2000;

let kafka: KafkaCluster;
let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RunningService;
let notification: RunningService;

before(async () => {
  kafka = await startKafka({ dataDir: mkdtempSync(join(tmpdir(), 'faults-broker-')), heapMb: 384 });
  bootstrap = kafka.bootstrapServers.split(',');
  sink = await WebhookSink.start();
  topics = scenarioTopics('broker');
  const base = { ...scenarioEnv(topics, kafka.bootstrapServers), LOG_LEVEL: 'info' };
  [order, notification] = await Promise.all([
    startService('order-service', { ...base, KAFKA_PUBLISH_TIMEOUT_MS: String(publishTimeoutMs) }),
    startService('notification-service', { ...base, ...notificationEnv(sink) }),
  ]);
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
  await kafka?.stop();
});

test('broker stopped and restarted under load: 503 meanwhile, recovery without restarts, nothing lost', async (t) => {
  const started = Date.now();
  // The stream runs until `afterMs` past the broker's return, however long its start takes (a stream of
  // fixed length could end before the broker is back on a busy machine, leaving no request to recover).
  const durationMs = settings.beforeMs + settings.downMs + settings.afterMs + 120_000;
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: Math.ceil((settings.rate * durationMs) / 1000),
    durationMs,
    customerPrefix: 'broker',
    requestTimeoutMs: 15_000,
  }).start();

  const samples: Array<{ service: string; from: number; to: number; status: number }> = [];
  let sampling = true;
  // A failed assertion must not leave the sampling loop running (the test process would never end).
  t.after(() => {
    sampling = false;
  });
  const samplers = [order, notification].map(async (service) => {
    while (sampling) {
      const from = Date.now();
      const { status } = await health(service.url);
      samples.push({ service: service.name, from, to: Date.now(), status });
      await delay(250);
    }
  });

  await delay(settings.beforeMs);
  const stopAt = Date.now();
  await kafka.nodes[0]!.stop();
  const stoppedAt = Date.now();
  await delay(Math.max(0, settings.downMs - (stoppedAt - stopAt)));
  const startAt = Date.now();
  await kafka.nodes[0]!.start();
  const readyAt = Date.now();

  assert.ok(
    await eventually(
      () => load.requests.some((r) => r.startedAt >= readyAt && r.result?.kind === 'acknowledged'),
      60_000,
      20,
    ),
    'order-service answers 201 again without a restart',
  );
  const firstAck = load.requests.find((r) => r.startedAt >= readyAt && r.result?.kind === 'acknowledged')!;
  const deliveriesBeforeStart = sink.report().totalDeliveries;
  await delay(Math.max(0, readyAt + settings.afterMs - Date.now()));
  await load.stop();
  sampling = false;
  await Promise.all(samplers);
  const summary = load.summary();

  const { onTopic, result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 60_000,
    lagTimeoutMs: 30_000,
  });
  const firstDeliveryAfter = sink.allAttempts().find((a) => a.answer === 'delivered' && a.at >= readyAt);

  // Requests wholly inside the outage: started once the broker was gone, answered before it was back.
  const duringOutage = load.requests.filter(
    (r) => r.startedAt >= stoppedAt && r.endedAt !== undefined && r.endedAt <= startAt,
  );
  const byCustomer = new Set([...onTopic.values()].map((e) => e.customerId));
  const failedButPublished = load.requests.filter(
    (r) => r.result?.kind !== 'acknowledged' && byCustomer.has(r.customerId),
  );
  reportRow(
    rowFrom('single broker stopped and restarted', result, {
      recoverMs: firstAck.endedAt! - readyAt,
      durationMs: Date.now() - started,
      notes:
        `broker down ${startAt - stopAt} ms (stop took ${stoppedAt - stopAt} ms, start ${readyAt - startAt} ms); ` +
        `503: ${summary.unavailable}, other: ${summary.otherStatus + summary.errors}; ` +
        `503 saying the event may be stored: ${summary.inDoubt}; ` +
        `published although answered 503: ${failedButPublished.length} ` +
        `(started at stop${failedButPublished.map((r) => `${r.startedAt - stopAt >= 0 ? '+' : ''}${r.startedAt - stopAt}`).join('/')} ms); ` +
        'broker ready→first 201; ' +
        `broker ready→first notification: ${firstDeliveryAfter ? firstDeliveryAfter.at - readyAt : 'none'} ms ` +
        `(deliveries before the restart: ${deliveriesBeforeStart})`,
    }),
  );

  assert.ok(duringOutage.length > 0, 'requests were made while the broker was down');
  for (const request of duringOutage) {
    assert.equal(
      request.result?.kind,
      'unavailable',
      `request ${request.seq}: ${JSON.stringify(request.result)}`,
    );
    assert.ok(
      request.endedAt! - request.startedAt < publishTimeoutMs + 1500,
      `503 within the bound, took ${request.endedAt! - request.startedAt} ms`,
    );
  }
  const outageSamples = samples.filter(
    (s) => s.service === 'order-service' && s.from >= stoppedAt + 1000 && s.to <= startAt,
  );
  assert.ok(outageSamples.length > 0, `health was sampled during the outage: ${JSON.stringify(samples)}`);
  assert.deepEqual(
    outageSamples.filter((s) => s.status !== 503),
    [],
    'order-service health is DOWN (503) while the broker is down',
  );
  assert.equal(summary.errors + summary.otherStatus, 0, 'every request got 201 or 503');
  // A 503 that says "not published" is the truth: only an answer that said the outcome is unknown may
  // have its event on the topic.
  assert.deepEqual(
    result.publishedAfterSaidNot,
    [],
    'no event on the topic for a 503 that said it was not published',
  );
  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.equal(result.deliveredTwice.size, 0, `delivered twice: ${sample(result.deliveredTwice.keys())}`);
  assert.deepEqual(result.phantom, []);
  assert.deepEqual(result.unexpectedDeadLetters, [], 'nothing dead-lettered');
  assert.ok(order.process.running && notification.process.running, 'no service restarted or crashed');
  for (const service of [order, notification]) {
    assert.equal((await health(service.url)).status, 200, `${service.name} healthy again`);
  }
});
