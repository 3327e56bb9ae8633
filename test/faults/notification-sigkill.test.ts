/**
 * SIGKILL of notification-service at random moments, several times, while a steady stream of orders
 * flows; each time it is started again. Every acknowledged order must reach the webhook, none may be lost.
 * A notification can only reach the webhook twice when the process died between the webhook's answer and
 * the done mark (the crash window ADRs 0004 and 0006 leave to the receiver's Idempotency-Key). Right after
 * each kill, before the restart, the test reads Redis for every key the webhook had received: a key
 * delivered twice must be one whose done mark was missing then, and its first delivery must precede a kill.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { processedKeyPrefix } from '@commerce/messaging';
import { Redis } from 'ioredis';
import {
  byProfile,
  delay,
  drainedDeliveries,
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
import { OrderLoad } from '../support/load.ts';
import { type RunningService, startService } from '../support/services.ts';
import { WebhookSink } from '../support/webhook-sink.ts';

const settings = byProfile({
  short: { events: 1200, rate: 100, kills: 2, killDelayMs: [300, 2500] as const, leaseMs: 15_000 },
  // A lease that outlives the retry budget after the rejoin (25 s - 10 s session > 4 × 3 s + 3 × 0.25 s):
  // waiting for a dead instance's lease must not use up the record's attempts.
  full: { events: 6000, rate: 100, kills: 5, killDelayMs: [300, 6000] as const, leaseMs: 25_000 },
});
/** Longest plausible time between the webhook's 200 and the done mark in Redis. */
const crashWindowMs = 3000;

let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RunningService;
let notification: RestartableService;
let redis: Redis;

before(async () => {
  const { redisHost, redisPort } = infra();
  redis = new Redis({ host: redisHost, port: redisPort, lazyConnect: true });
  await redis.connect();
  const { kafkaBootstrap } = infra();
  bootstrap = kafkaBootstrap.split(',');
  sink = await WebhookSink.start();
  topics = scenarioTopics('nkill');
  const base = { ...scenarioEnv(topics) };
  order = await startService('order-service', { ...base, LOG_LEVEL: 'info' });
  notification = await RestartableService.start('notification-service', {
    ...base,
    ...notificationEnv(sink, { NOTIFICATION_LEASE_MS: String(settings.leaseMs) }),
  });
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
  redis?.disconnect();
});

/** The keys the webhook received whose done mark is not in Redis (sent, mark not yet written). */
async function deliveredWithoutMark(): Promise<string[]> {
  const keys = [...sink.deliveredKeys()];
  const unmarked: string[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const marks = await redis.mget(chunk.map((key) => processedKeyPrefix + key));
    chunk.forEach((key, index) => {
      if (marks[index] !== '1') unmarked.push(key);
    });
  }
  return unmarked;
}

test(`notification-service SIGKILLed ${settings.kills} times during ${settings.events} orders: none lost`, async () => {
  const started = Date.now();
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: settings.events,
    customerPrefix: 'nkill',
  }).start();

  /** When SIGKILL was sent, and when the exit was seen (requests already on the wire may land in between). */
  const kills: Array<{ at: number; exitedAt: number }> = [];
  /** Keys delivered before a kill whose done mark the killed instance had not written. */
  const unmarkedAtKill = new Set<string>();
  for (let i = 0; i < settings.kills; i++) {
    // Kill at a random moment once the (re)started instance is delivering again.
    const before = sink.report().totalDeliveries;
    const delivering = await sink.waitUntil(() => sink.report().totalDeliveries > before, 60_000);
    assert.ok(delivering, `instance #${notification.starts} delivers`);
    await delay(randomBetween(settings.killDelayMs[0], settings.killDelayMs[1]));
    const at = Date.now();
    await notification.kill();
    kills.push({ at, exitedAt: Date.now() });
    for (const key of await deliveredWithoutMark()) unmarkedAtKill.add(key);
    await notification.restart();
  }
  await load.finished();
  const summary = load.summary();
  assert.equal(summary.acknowledged, settings.events, `every order acknowledged: ${JSON.stringify(summary)}`);

  const { onTopic, result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 120_000,
    lagTimeoutMs: 60_000,
  });

  const recoveries = kills.map((kill) => {
    const first = sink.allAttempts().find((a) => a.answer === 'delivered' && a.at > kill.exitedAt);
    return first ? first.at - kill.exitedAt : Number.NaN;
  });
  reportRow(
    rowFrom(`notification-service SIGKILL ×${settings.kills}`, result, {
      recoverMs: Math.max(...recoveries),
      durationMs: Date.now() - started,
      notes:
        `kill→first delivery of the restarted instance: ${recoveries.join(', ')} ms; ` +
        `redelivered in the crash window: ${result.deliveredTwice.size} ` +
        `(sent without a done mark at a kill: ${unmarkedAtKill.size})`,
    }),
  );

  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.deepEqual(result.phantom, [], 'nothing delivered that is not on the topic');
  assert.deepEqual(result.unexpectedDeadLetters, [], 'nothing dead-lettered');
  assert.equal(result.notified, onTopic.size);
  for (const [key, times] of result.deliveredTwice) {
    assert.equal(times.length, 2, `${key} delivered ${times.length} times`);
    assert.ok(unmarkedAtKill.has(key), `${key} delivered twice although its done mark was written`);
    const first = times[0]!;
    const kill = kills.find((k) => first <= k.exitedAt && k.at - first <= crashWindowMs);
    assert.ok(
      kill,
      `${key} (${JSON.stringify(onTopic.get(key), (_k, v) => (typeof v === 'bigint' ? String(v) : v))}): ` +
        `delivered at ${times.map((t) => new Date(t).toISOString()).join(', ')}, ` +
        `not in the crash window of a kill (${kills.map((k) => new Date(k.at).toISOString()).join(', ')})`,
    );
  }
});
