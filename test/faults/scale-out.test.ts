/**
 * A second notification-service instance joins the group during a stream (the partitions are shared),
 * then dies by SIGKILL (its partitions go back to the first instance). Nothing may be lost. Nothing may
 * be sent twice because of the join or of the hand-back; the one copy the receiver may see is a record
 * whose send the killed instance completed just before dying (its done mark never written), which the
 * Idempotency-Key absorbs.
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
  short: { rate: 100, events: 1500, cycles: 1, sharedMs: 2000 },
  full: { rate: 100, events: 8000, cycles: 3, sharedMs: 8000 },
});
const crashWindowMs = 3000;

let bootstrap: string[];
let sink: WebhookSink;
let topics: ScenarioTopics;
let env: Record<string, string>;
let order: RunningService;
let first: RunningService;
let second: RestartableService | undefined;

before(async () => {
  const { kafkaBootstrap } = infra();
  bootstrap = kafkaBootstrap.split(',');
  sink = await WebhookSink.start();
  topics = scenarioTopics('scale');
  const base = { ...scenarioEnv(topics), LOG_LEVEL: 'info' };
  env = { ...base, ...notificationEnv(sink) };
  [order, first] = await Promise.all([
    startService('order-service', base),
    startService('notification-service', env),
  ]);
});

after(async () => {
  await Promise.allSettled([order?.stop(), first?.stop(), second?.stop()]);
  await sink?.close();
});

/** The order-topic partitions a service's latest 'partitions assigned' line of the event group names. */
function assignedOrderPartitions(lines: Array<Record<string, unknown>>): number[] {
  const assigned = lines.filter((l) => l.msg === 'partitions assigned' && l.group === topics.group).at(-1);
  return ((assigned?.assigned as string[] | undefined) ?? [])
    .filter((p) => p.startsWith(`${topics.orderCreated}:`))
    .map((p) => Number(p.slice(topics.orderCreated.length + 1)))
    .sort();
}

test(`a second instance joins and is SIGKILLed during a stream (${settings.cycles}×): rebalances, nothing lost`, async () => {
  const started = Date.now();
  const load = new OrderLoad({
    url: order.url,
    ratePerSec: settings.rate,
    count: settings.events,
    customerPrefix: 'scale',
  }).start();
  const cycles: Array<{
    joinedAt: number;
    at: number;
    exitedAt: number;
    partitions: number[];
    handled: number;
  }> = [];

  for (let i = 0; i < settings.cycles; i++) {
    await delay(1500);
    const assignmentsBefore = first.logLines().filter((l) => l.msg === 'partitions assigned').length;
    second = await RestartableService.start('notification-service', env);
    const joinedAt = Date.now();
    // The group rebalanced: the first instance gave up partitions of the order topic to the second.
    assert.ok(
      await eventually(
        () =>
          assignedOrderPartitions(second!.logLines()).length > 0 &&
          first.logLines().filter((l) => l.msg === 'partitions assigned').length > assignmentsBefore,
        30_000,
      ),
      'the partitions are shared between the two instances',
    );
    const partitions = assignedOrderPartitions(second.logLines());
    assert.deepEqual(
      [...partitions, ...assignedOrderPartitions(first.logLines())].sort(),
      [0, 1, 2],
      'each partition has exactly one owner',
    );
    // Let the second instance work for a while, then kill it at once.
    const processedBySecond = () =>
      second!.logLines().filter((l) => l.msg === 'record processed' && l.topic === topics.orderCreated)
        .length;
    assert.ok(await eventually(() => processedBySecond() > 0, 30_000), 'the second instance handles records');
    await delay(settings.sharedMs);
    const handled = processedBySecond();
    const at = Date.now();
    await second.kill();
    cycles.push({ joinedAt, at, exitedAt: Date.now(), partitions, handled });
    second = undefined;
    // The first instance takes the partitions back (after the dead member's session times out).
    assert.ok(
      await eventually(() => assignedOrderPartitions(first.logLines()).length === 3, 30_000),
      'the first instance owns every partition again',
    );
  }
  await load.finished();

  const { onTopic, result } = await drainedDeliveries({
    bootstrap,
    topics,
    sink,
    load,
    notifyTimeoutMs: 60_000,
    lagTimeoutMs: 30_000,
  });

  // Recovery: from the kill to the first notification of an event on a partition the dead instance owned.
  const recoveries = cycles.map((cycle) => {
    const owned = new Set(cycle.partitions);
    const firstAfter = sink
      .allAttempts()
      .find(
        (a) =>
          a.answer === 'delivered' && a.at > cycle.exitedAt && owned.has(onTopic.get(a.key)?.partition ?? -1),
      );
    return firstAfter ? firstAfter.at - cycle.exitedAt : Number.NaN;
  });
  const assignments = first
    .logLines()
    .filter((l) => l.msg === 'partitions assigned' && l.group === topics.group);
  reportRow(
    rowFrom(`second instance joins, then SIGKILL ×${settings.cycles}`, result, {
      recoverMs: Math.max(...recoveries),
      durationMs: Date.now() - started,
      notes:
        `second instance owned order partitions ${cycles.map((c) => `[${c.partitions.join(',')}]`).join(' ')} ` +
        `and handled ${cycles.map((c) => c.handled).join('/')} records; ` +
        `first instance assignments: ${assignments.length}; kill→first notification on its partitions; ` +
        `redelivered in the crash window: ${result.deliveredTwice.size}`,
    }),
  );

  assert.deepEqual(result.ackedNotOnTopic, [], 'every 201 is on the topic');
  assert.equal(result.lost.length, 0, `lost: ${sample(result.lost)}`);
  assert.deepEqual(result.phantom, []);
  assert.deepEqual(result.unexpectedDeadLetters, [], 'nothing dead-lettered');
  assert.ok(
    assignments.length >= 1 + 2 * settings.cycles,
    'the first instance saw every join and every leave',
  );
  for (const [key, times] of result.deliveredTwice) {
    assert.equal(times.length, 2, `${key} delivered ${times.length} times`);
    const event = onTopic.get(key)!;
    const cycle = cycles.find(
      (c) =>
        c.partitions.includes(event.partition) &&
        times[0]! <= c.exitedAt &&
        c.at - times[0]! <= crashWindowMs,
    );
    assert.ok(
      cycle,
      `${key} (partition ${event.partition}) delivered at ${times.join(', ')}: ` +
        `not a send of the killed instance just before its death (${JSON.stringify(cycles)})`,
    );
  }
  const allowed = cycles.reduce((sum, c) => sum + c.partitions.length, 0);
  assert.ok(result.deliveredTwice.size <= allowed, `at most one copy per partition of the killed instance`);
});
