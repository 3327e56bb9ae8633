/**
 * A 3-node KRaft cluster (replication factor 3, min.insync.replicas 2): the broker leading partition 0 of
 * the order topic is SIGKILLed under load (in the full profile it is started again later and then the new
 * leader is killed too). The services ride through without a restart: order-service keeps answering 201
 * once the partitions have new leaders, notification-service keeps notifying; no acknowledged event is
 * lost and none is notified twice. Runs on a cluster of its own.
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
  partitionLeaders,
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

/** Each step: at `atMs` after the stream started, kill the leader of partition 0, or restart the killed node. */
type Step = { atMs: number; action: 'kill-leader' | 'restart-killed' };
const settings = byProfile<{ rate: number; durationMs: number; steps: Step[] }>({
  short: { rate: 80, durationMs: 12_000, steps: [{ atMs: 4000, action: 'kill-leader' }] },
  full: {
    rate: 100,
    durationMs: 60_000,
    steps: [
      { atMs: 10_000, action: 'kill-leader' },
      { atMs: 25_000, action: 'restart-killed' },
      { atMs: 40_000, action: 'kill-leader' },
    ],
  },
});

let kafka: KafkaCluster;
let sink: WebhookSink;
let topics: ScenarioTopics;
let order: RunningService;
let notification: RunningService;

/** Bootstrap addresses of the nodes running now. */
const liveBootstrap = () => kafka.nodes.filter((n) => n.running).map((n) => `127.0.0.1:${n.port}`);

before(async () => {
  const { redisHost, redisPort } = infra();
  kafka = await startKafka({
    nodes: 3,
    dataDir: mkdtempSync(join(tmpdir(), 'faults-cluster-')),
    heapMb: 320,
  });
  sink = await WebhookSink.start();
  topics = scenarioTopics('failover');
  const base = {
    KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    KAFKA_TOPIC_REPLICATION_FACTOR: '3',
    KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
    REDIS_HOST: redisHost,
    REDIS_PORT: String(redisPort),
    LOG_LEVEL: 'info',
    ...topics.env,
  };
  [order, notification] = await Promise.all([
    startService('order-service', base),
    startService('notification-service', { ...base, ...notificationEnv(sink) }),
  ]);
});

after(async () => {
  await Promise.allSettled([order?.stop(), notification?.stop()]);
  await sink?.close();
  await kafka?.stop();
});

test('one broker of three killed under load: no acknowledged event lost, the services ride through', async () => {
  const started = Date.now();
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: Math.ceil((settings.rate * settings.durationMs) / 1000),
    durationMs: settings.durationMs,
    customerPrefix: 'failover',
    requestTimeoutMs: 30_000,
  }).start();

  const events: Array<{
    action: string;
    node: number;
    at: number;
    publishRecoverMs: number;
    notifyRecoverMs: number;
  }> = [];
  let killed: number | undefined;
  for (const step of settings.steps) {
    await delay(Math.max(0, step.atMs - (Date.now() - started)));
    let node: number;
    if (step.action === 'kill-leader') {
      const leader = (await partitionLeaders(liveBootstrap(), topics.orderCreated))[0]!;
      node = kafka.nodes.findIndex((n) => n.id === leader);
      assert.ok(node >= 0 && kafka.nodes[node]!.running, `leader ${leader} of partition 0 is a running node`);
      await kafka.nodes[node]!.kill();
      killed = node;
    } else {
      assert.ok(killed !== undefined);
      node = killed;
      await kafka.nodes[node]!.start();
      killed = undefined;
    }
    const at = Date.now();
    // Riding through: a request started after the event is acknowledged, and a notification arrives.
    assert.ok(
      await eventually(
        () => load.requests.some((r) => r.startedAt >= at && r.result?.kind === 'acknowledged'),
        30_000,
        20,
      ),
      `order-service answers 201 again after ${step.action} of node ${kafka.nodes[node]!.id}`,
    );
    const firstAck = load.requests.find((r) => r.startedAt >= at && r.result?.kind === 'acknowledged')!;
    assert.ok(
      await sink.waitUntil(
        () => sink.allAttempts().some((a) => a.answer === 'delivered' && a.at >= at),
        30_000,
      ),
      'notifications continue',
    );
    const firstDelivery = sink.allAttempts().find((a) => a.answer === 'delivered' && a.at >= at)!;
    events.push({
      action: step.action,
      node: kafka.nodes[node]!.id,
      at,
      publishRecoverMs: firstAck.endedAt! - at,
      notifyRecoverMs: firstDelivery.at - at,
    });
  }
  await load.finished();
  const summary = load.summary();

  const bootstrap = liveBootstrap();
  const { result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 60_000,
    lagTimeoutMs: 30_000,
  });
  reportRow(
    rowFrom('3-node cluster, leader broker killed', result, {
      recoverMs: Math.max(...events.map((e) => Math.max(e.publishRecoverMs, e.notifyRecoverMs))),
      durationMs: Date.now() - started,
      notes:
        events
          .map(
            (e) =>
              `${e.action} node ${e.node}: first 201 +${e.publishRecoverMs} ms, first notification +${e.notifyRecoverMs} ms`,
          )
          .join('; ') +
        `; 503: ${summary.unavailable}, errors: ${summary.errors + summary.otherStatus}; ` +
        `on topic without a 201: ${result.onTopicWithout201} ` +
        `(503 saying the event may be stored: ${summary.inDoubt})`,
    }),
  );

  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.deepEqual(
    result.publishedAfterSaidNot,
    [],
    'no event on the topic for a 503 that said it was not published',
  );
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.equal(result.deliveredTwice.size, 0, `delivered twice: ${sample(result.deliveredTwice.keys())}`);
  assert.deepEqual(result.phantom, []);
  assert.deepEqual(result.unexpectedDeadLetters, [], 'nothing dead-lettered');
  assert.equal(summary.errors + summary.otherStatus, 0, 'every request got 201 or 503');
  assert.ok(order.process.running && notification.process.running, 'no service restarted or crashed');
  // A consumer whose group coordinator was on the killed broker re-joins through another one; health is
  // DOWN meanwhile, then UP again without a restart.
  for (const service of [order, notification]) {
    assert.ok(
      await eventually(async () => (await health(service.url)).status === 200, 30_000, 250),
      `${service.name} healthy again on the remaining brokers`,
    );
  }
});
