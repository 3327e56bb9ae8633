/**
 * SIGKILL of order-service under load, then a restart on the same port. Every 201 the client received
 * must have its event on the topic (acks=all before the answer); a request in flight at the moment of the
 * kill may or may not have been published: the test reports how many were in flight and how many of
 * those made it. Everything on the topic is notified exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  byProfile,
  delay,
  drainedDeliveries,
  eventually,
  notificationEnv,
  RestartableService,
  randomBetween,
  reportRow,
  rowFrom,
  type ScenarioTopics,
  sample,
  scenarioEnv,
  scenarioTopics,
} from '../support/faults.ts';
import { infra } from '../support/infra.ts';
import { type LoadRequest, OrderLoad } from '../support/load.ts';
import { type RunningService, startService } from '../support/services.ts';
import { WebhookSink } from '../support/webhook-sink.ts';

const settings = byProfile({
  short: { events: 1000, rate: 150, kills: 1 },
  full: { events: 6000, rate: 200, kills: 3 },
});

let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RestartableService;
let notification: RunningService;

before(async () => {
  const { kafkaBootstrap } = infra();
  bootstrap = kafkaBootstrap.split(',');
  sink = await WebhookSink.start();
  topics = scenarioTopics('okill');
  const base = { ...scenarioEnv(topics) };
  order = await RestartableService.start('order-service', { ...base, LOG_LEVEL: 'info' });
  notification = await startService('notification-service', { ...base, ...notificationEnv(sink) });
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
});

test(`order-service SIGKILLed ${settings.kills} time(s) under load: every 201 is on the topic`, async () => {
  const started = Date.now();
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: settings.events,
    customerPrefix: 'okill',
    requestTimeoutMs: 10_000,
  }).start();

  const kills: Array<{ at: number; backAt: number; inFlight: LoadRequest[]; recoverMs: number }> = [];
  const perKill = Math.floor(settings.events / (settings.kills + 1));
  for (let i = 0; i < settings.kills; i++) {
    // Somewhere in the (i+1)-th slice of the stream, once the service answers 201 again.
    const target = perKill * (i + 1) - randomBetween(0, Math.floor(perKill / 2));
    assert.ok(
      await eventually(() => load.acknowledged.size >= target, 60_000, 5),
      `${target} orders acknowledged before kill ${i + 1}`,
    );
    await eventually(() => load.inFlight > 0, 5000, 1); // strike while requests are in flight
    const at = Date.now();
    await order.kill();
    const exitedAt = Date.now();
    // In flight at the kill: started before the process was gone, not answered before SIGKILL was sent.
    const inFlight = load.requests.filter(
      (r) => r.startedAt <= exitedAt && (r.endedAt === undefined || r.endedAt >= at),
    );
    await delay(randomBetween(200, 1000));
    await order.restart();
    const backAt = Date.now();
    assert.ok(
      await eventually(
        () => load.requests.some((r) => r.result?.kind === 'acknowledged' && r.startedAt > exitedAt),
        30_000,
        5,
      ),
      'order-service answers 201 again after the restart',
    );
    const first = load.requests.find((r) => r.result?.kind === 'acknowledged' && r.startedAt > exitedAt)!;
    kills.push({ at, backAt, inFlight, recoverMs: first.endedAt! - exitedAt });
  }
  await load.finished();
  const summary = load.summary();

  const { onTopic, result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 60_000,
    lagTimeoutMs: 30_000,
  });

  const customersOnTopic = new Set([...onTopic.values()].map((e) => e.customerId));
  const inFlightPublished = kills.reduce(
    (sum, k) =>
      sum +
      k.inFlight.filter((r) => r.result?.kind !== 'acknowledged' && customersOnTopic.has(r.customerId))
        .length,
    0,
  );
  // A request that never reached the killed process cannot have been published; one the process took
  // but did not answer may have been. Neither got a 201.
  const inFlightAcknowledged = kills
    .flatMap((k) => k.inFlight)
    .filter((r) => r.result?.kind === 'acknowledged');
  reportRow(
    rowFrom(`order-service SIGKILL ×${settings.kills}`, result, {
      recoverMs: Math.max(...kills.map((k) => k.recoverMs)),
      durationMs: Date.now() - started,
      notes:
        `in flight at the kills: ${kills.map((k) => k.inFlight.length).join(', ')} ` +
        `(published anyway: ${inFlightPublished}, 201 anyway: ${inFlightAcknowledged.length}); ` +
        `503: ${summary.unavailable}, transport errors: ${summary.errors}; ` +
        `on topic without a 201: ${result.onTopicWithout201}; kill→first 201 after restart`,
    }),
  );

  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.equal(result.deliveredTwice.size, 0, `delivered twice: ${sample(result.deliveredTwice.keys())}`);
  assert.deepEqual(result.phantom, []);
  assert.deepEqual(result.unexpectedDeadLetters, [], 'nothing dead-lettered');
  assert.equal(result.notified, onTopic.size, 'everything on the topic notified');
  assert.equal(summary.otherStatus, 0, 'only 201, 503 or a broken connection');
  // Only requests in flight at a kill, or sent while the service was down, may lack a 201.
  const killWindows = kills.map((k) => [k.at, k.backAt] as const);
  for (const request of load.requests) {
    if (request.result?.kind === 'acknowledged') continue;
    const inWindow = killWindows.some(([from, to]) => request.endedAt! >= from && request.startedAt <= to);
    assert.ok(inWindow, `request ${request.seq} failed outside a kill: ${JSON.stringify(request.result)}`);
  }
  assert.equal(
    result.onTopicWithout201,
    inFlightPublished,
    'the only events published without a 201 are requests in flight at a kill',
  );
});
