/**
 * Soak (`npm run test:soak`, part of `npm run test:faults`; not in `npm test`): a steady stream for 30
 * minutes (FAULTS_SOAK_MINUTES to change it). The heap
 * and RSS of notification-service, read from its /actuator/prometheus process metrics, stay flat after
 * the warm-up, the consumer group's lag stays bounded, and every order is notified once.
 *
 * notification-service runs with a bounded old space (as in a container): without a bound V8 lets the
 * used heap grow lazily to hundreds of MB before a full collection, which says nothing about leaks. With
 * it, a leak ends in an out-of-memory exit, and the heap's lowest readings (just after a collection)
 * track the live size.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  delay,
  drainedDeliveries,
  groupLag,
  notificationEnv,
  prometheusValues,
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

const minutes = Number(process.env.FAULTS_SOAK_MINUTES ?? '30');
const durationMs = minutes * 60_000;
const rate = 50;
const sampleEveryMs = 10_000;
/** Lag may never exceed this many seconds of the stream. */
const maxLagSeconds = 10;
const maxOldSpaceMb = 192;
const heapMetric = 'nodejs_heap_size_used_bytes';
const rssMetric = 'process_resident_memory_bytes';

let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RunningService;
let notification: RunningService;

before(async () => {
  const { kafkaBootstrap } = infra();
  bootstrap = kafkaBootstrap.split(',');
  sink = await WebhookSink.start({ keepBodies: false });
  topics = scenarioTopics('soak');
  const base = { ...scenarioEnv(topics), LOG_LEVEL: 'info' };
  [order, notification] = await Promise.all([
    startService('order-service', base),
    startService('notification-service', {
      ...base,
      ...notificationEnv(sink),
      NODE_OPTIONS: `--max-old-space-size=${maxOldSpaceMb}`,
    }),
  ]);
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

test(`soak: ${minutes} min at ${rate}/s, heap and RSS flat, lag bounded`, {
  timeout: durationMs + 10 * 60_000,
}, async () => {
  const started = Date.now();
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: rate,
    count: Math.ceil((rate * durationMs) / 1000),
    durationMs,
    customerPrefix: 'soak',
  }).start();

  const samples: Array<{ at: number; heap: number; rss: number; lag: number }> = [];
  let done = false;
  void load.finished().then(() => {
    done = true;
  });
  while (!done) {
    const [values, lag] = await Promise.all([
      prometheusValues(notification.url, [heapMetric, rssMetric]),
      groupLag(bootstrap, topics.group, [topics.orderCreated]).catch(() => -1n),
    ]);
    samples.push({
      at: Date.now() - started,
      heap: values?.get(heapMetric) ?? Number.NaN,
      rss: values?.get(rssMetric) ?? Number.NaN,
      lag: Number(lag),
    });
    await Promise.race([delay(sampleEveryMs), load.finished()]);
  }

  const { result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 120_000,
    lagTimeoutMs: 60_000,
    readTimeoutMs: 300_000,
  });

  // After the warm-up (the first third: buffers, JIT, V8's new space and allocator arenas settle), the
  // first and the last quarter of the samples are compared: lowest heap readings, median RSS.
  const warm = samples.filter((s) => s.at >= durationMs / 3);
  const quarter = Math.max(1, Math.floor(warm.length / 4));
  const early = warm.slice(0, quarter);
  const late = warm.slice(-quarter);
  const heapEarly = Math.min(...early.map((s) => s.heap));
  const heapLate = Math.min(...late.map((s) => s.heap));
  const rssEarly = median(early.map((s) => s.rss));
  const rssLate = median(late.map((s) => s.rss));
  const maxLag = Math.max(...samples.map((s) => s.lag));
  reportRow(
    rowFrom(`soak ${minutes} min at ${rate}/s`, result, {
      recoverMs: null,
      durationMs: Date.now() - started,
      notes:
        `heap ${mb(heapEarly)}→${mb(heapLate)} MB (lowest), RSS ${mb(rssEarly)}→${mb(rssLate)} MB (median), ` +
        `first vs last quarter after the warm-up; max heap ${mb(Math.max(...samples.map((s) => s.heap)))} MB ` +
        `(old space bounded at ${maxOldSpaceMb} MB), ` +
        `max RSS ${mb(Math.max(...samples.map((s) => s.rss)))} MB; max lag ${maxLag} records; ` +
        `${samples.length} samples`,
    }),
  );

  assert.ok(samples.length >= 5 && samples.every((s) => Number.isFinite(s.heap) && s.lag >= 0), 'sampled');
  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(load.summary().acknowledged, load.requests.length, 'every order acknowledged');
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.equal(result.deliveredTwice.size, 0, `delivered twice: ${sample(result.deliveredTwice.keys())}`);
  assert.deepEqual(result.phantom, []);
  assert.deepEqual(result.unexpectedDeadLetters, [], 'nothing dead-lettered');
  assert.ok(notification.process.running, 'notification-service never ran out of memory');
  assert.ok(heapLate <= heapEarly * 1.2 + 8 * 2 ** 20, `heap flat: ${mb(heapEarly)} → ${mb(heapLate)} MB`);
  assert.ok(rssLate <= rssEarly * 1.15 + 16 * 2 ** 20, `RSS flat: ${mb(rssEarly)} → ${mb(rssLate)} MB`);
  assert.ok(maxLag <= rate * maxLagSeconds, `lag bounded: at most ${maxLag} records behind`);
});
