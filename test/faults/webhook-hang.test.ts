/**
 * A webhook that never answers for some events (all of one partition's first few during the stream).
 * Each attempt is cut by the attempt timeout (the webhook's own timeout is set far longer, so only the
 * attempt timeout can end it), tried 1 + NOTIFICATION_RETRY_MAX_RETRIES times and dead-lettered on time;
 * the other partitions keep flowing meanwhile, the blocked one catches up afterwards, and the consumer
 * group does not rebalance over it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { javaPartitionFor } from '@commerce/contracts';
import {
  byProfile,
  delay,
  drainedDeliveries,
  notificationEnv,
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
  short: { rate: 80, events: 1200, hung: 2 },
  full: { rate: 100, events: 5000, hung: 6 },
});
const attemptTimeoutMs = 1500;
const backoffMs = 250;
const maxRetries = 3;
const attempts = maxRetries + 1;
/** How long one hung event holds its partition: every attempt times out, with the back-off between. */
const budgetMs = attempts * attemptTimeoutMs + maxRetries * backoffMs;
const blockedPartition = 0;
/** The flowing partitions' events must reach the webhook within this of their 201. */
const flowingLatencyMs = 3000;

let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RunningService;
let notification: RunningService;

before(async () => {
  const { kafkaBootstrap } = infra();
  bootstrap = kafkaBootstrap.split(',');
  sink = await WebhookSink.start();
  topics = scenarioTopics('hang');
  const base = { ...scenarioEnv(topics), LOG_LEVEL: 'info' };
  [order, notification] = await Promise.all([
    startService('order-service', base),
    startService('notification-service', {
      ...base,
      ...notificationEnv(sink, {
        NOTIFICATION_WEBHOOK_TIMEOUT_MS: '60000',
        NOTIFICATION_ATTEMPT_TIMEOUT_MS: String(attemptTimeoutMs),
        NOTIFICATION_RETRY_BACKOFF_MS: String(backoffMs),
        NOTIFICATION_RETRY_MAX_RETRIES: String(maxRetries),
      }),
    }),
  ]);
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
});

test(`a webhook that hangs for ${settings.hung} events: retried, dead-lettered on time, others flow`, async () => {
  const started = Date.now();
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: settings.events,
    customerPrefix: 'hang',
  }).start();
  // Once the stream flows, the next events of one partition hang, until `hung` of them were picked.
  await delay(1000);
  sink.hangWhen(
    (body) =>
      sink.hungKeys.size < settings.hung &&
      javaPartitionFor(Buffer.from(String(body.event?.orderId)), 3) === blockedPartition,
  );
  await load.finished();

  const hung = new Set(sink.hungKeys);
  assert.equal(hung.size, settings.hung, 'the sink hung for the planned events');
  const { onTopic, deadLetters, result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 60_000 + settings.hung * budgetMs,
    expectedDeadLetters: hung,
  });

  // Latency from the 201 to the first delivery, per partition.
  const latency = new Map<number, number[]>();
  for (const [eventId, request] of load.acknowledged) {
    const event = onTopic.get(eventId);
    const delivered = sink.deliveriesOf(eventId)[0];
    if (!event || delivered === undefined) continue;
    const list = latency.get(event.partition) ?? [];
    list.push(delivered - request.endedAt!);
    latency.set(event.partition, list);
  }
  const maxLatency = new Map([...latency].map(([partition, values]) => [partition, Math.max(...values)]));
  const hungTimes = [...hung].map((key) => {
    const tries = sink.attemptsOf(key);
    const dead = deadLetters.find((d) => d.eventId === key);
    return { key, tries: tries.map((t) => t.at), deadAt: dead?.timestamp, partition: dead?.partition };
  });
  const lastDeadAt = Math.max(...hungTimes.map((h) => h.deadAt ?? Number.NaN));
  const blockedEvents = [...onTopic.values()].filter(
    (e) => e.partition === blockedPartition && !hung.has(e.eventId),
  );
  const caughtUpAt = Math.max(...blockedEvents.map((e) => sink.deliveriesOf(e.eventId)[0]!));
  const assignments = notification
    .logLines()
    .filter((l) => l.msg === 'partitions assigned' && l.group === topics.group).length;
  reportRow(
    rowFrom(`webhook hangs for ${settings.hung} events`, result, {
      recoverMs: caughtUpAt - lastDeadAt,
      durationMs: Date.now() - started,
      notes:
        `hung event: ${attempts} attempts, dead-lettered after ` +
        `${hungTimes.map((h) => (h.deadAt ?? Number.NaN) - h.tries[0]!).join('/')} ms (budget ${budgetMs} ms); ` +
        `max 201→notification per partition ${[...maxLatency].map(([p, v]) => `p${p}=${v}`).join(' ')} ms; ` +
        `last dead letter→partition ${blockedPartition} caught up; group assignments: ${assignments}`,
    }),
  );

  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.equal(result.deliveredTwice.size, 0, `delivered twice: ${sample(result.deliveredTwice.keys())}`);
  assert.deepEqual(result.phantom, []);
  assert.deepEqual(result.unexpectedDeadLetters, [], 'only the hung events are dead-lettered');
  assert.deepEqual(result.missingDeadLetters, [], 'every hung event dead-lettered exactly once');
  for (const h of hungTimes) {
    assert.equal(h.tries.length, attempts, `${h.key}: ${attempts} attempts reached the webhook`);
    assert.equal(h.partition, blockedPartition, 'dead letter on the same partition');
    for (let i = 1; i < h.tries.length; i++) {
      const gap = h.tries[i]! - h.tries[i - 1]!;
      assert.ok(
        gap >= attemptTimeoutMs + backoffMs - 50 && gap < attemptTimeoutMs + backoffMs + 1000,
        `${h.key}: attempts ${attemptTimeoutMs} ms + ${backoffMs} ms apart, got ${gap} ms`,
      );
    }
    const took = h.deadAt! - h.tries[0]!;
    assert.ok(
      took >= budgetMs - backoffMs && took < budgetMs + 2000,
      `${h.key}: dead-lettered ${took} ms after its first attempt (budget ${budgetMs} ms)`,
    );
  }
  for (const [partition, worst] of maxLatency) {
    if (partition === blockedPartition) continue;
    assert.ok(
      worst < flowingLatencyMs,
      `partition ${partition} kept flowing: worst 201→notification ${worst} ms`,
    );
  }
  assert.equal(assignments, 1, 'no rebalance: the group was assigned once');
});
