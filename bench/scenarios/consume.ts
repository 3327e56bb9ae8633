/**
 * Consume path: `order.created.v1` is pre-filled with N valid OrderCreated records (published the way
 * order-service publishes them), then notification-service is started in a fresh consumer group and the
 * drain is timed until the group's committed offsets reach the end of the topic — every record decoded,
 * passed through the idempotency gate (Redis), notified (the default log notifier) and committed.
 *
 * Ceilings in the same run: Kafka's `ConsumerPerformance` reading the same records, and
 * `redis-benchmark` running the gate's two Lua scripts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConsumeReport, type Context, load1 } from '../lib/context.ts';
import { consumerPerformance, OffsetWatcher, ORDER_CREATED_TOPIC, prefillOrders } from '../lib/kafka.ts';
import { Sampler } from '../lib/proc-stats.ts';
import { redisGateBenchmark } from '../lib/redis-bench.ts';
import { startService } from '../lib/stack.ts';

export async function runConsume(ctx: Context, groupId: string): Promise<ConsumeReport> {
  const { settings, infra } = ctx;
  const bootstrap = infra.kafka.bootstrapServers;
  await ctx.services.get('notification-service')?.stop();
  ctx.services.delete('notification-service');

  const watcher = new OffsetWatcher(bootstrap, ORDER_CREATED_TOPIC);
  try {
    ctx.log(`  pre-filling ${ORDER_CREATED_TOPIC} with ${settings.drainEvents} events ...`);
    const prefill = await prefillOrders(bootstrap, settings.drainEvents);
    const events = Number(await watcher.endOffset());
    ctx.log(
      `  pre-filled in ${(prefill.ms / 1000).toFixed(1)} s (${Math.round((settings.drainEvents / prefill.ms) * 1000)} events/s through KafkaPublisher); topic holds ${events}`,
    );

    ctx.log('  ceiling: ConsumerPerformance ...');
    const consumerPerf = await consumerPerformance(bootstrap, ORDER_CREATED_TOPIC, events);
    ctx.log(
      `  ConsumerPerformance: ${Math.round(consumerPerf.msgPerSec)} msg/s overall, ${Math.round(consumerPerf.fetchMsgPerSec)} msg/s fetching`,
    );

    ctx.log('  ceiling: redis-benchmark of the gate scripts ...');
    const redis = await redisGateBenchmark(infra.redis.host, infra.redis.port, settings.redisBenchRequests);
    ctx.log(
      `  redis-benchmark: begin ${Math.round(redis.beginOpsPerSec)}/s, complete ${Math.round(redis.completeOpsPerSec)}/s -> ${Math.round(redis.eventsPerSec)} events/s`,
    );

    await sleep(1000);
    const loadBefore = load1();
    ctx.log(
      `  draining ${events} events with notification-service (group ${groupId}), load ${loadBefore.toFixed(2)} ...`,
    );
    const spawned = performance.now();
    const service = await startService('notification-service', infra, {
      NOTIFICATION_CONSUMER_GROUP: groupId,
    });
    ctx.services.set('notification-service', service);
    const healthyAt = performance.now();
    const sampler = new Sampler([
      { name: 'notification-service', pid: service.process.pid },
      { name: 'kafka', pid: infra.kafka.nodes[0]?.pid },
      { name: 'redis', pid: infra.redis.pid },
    ]).start();
    let committed = 0;
    const deadline = Date.now() + 15 * 60_000;
    let lastReport = performance.now();
    while (committed < events) {
      if (Date.now() > deadline) throw new Error(`drain did not finish: ${committed}/${events}`);
      if (!service.process.running) throw new Error('notification-service exited during the drain');
      await sleep(50);
      committed = Number(await watcher.committed(groupId));
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        ctx.log(`    ... ${committed}/${events}`);
      }
    }
    const doneAt = performance.now();
    const usage = sampler.stop();
    const drainSeconds = (doneAt - healthyAt) / 1000;
    const report: ConsumeReport = {
      events,
      prefillMs: prefill.ms,
      drainEventsPerSec: events / drainSeconds,
      drainSeconds,
      wallSeconds: (doneAt - spawned) / 1000,
      consumerPerf,
      redis,
      usage,
      load: { before: loadBefore, peak: sampler.peakLoad },
    };
    ctx.log(
      `  drained ${events} in ${drainSeconds.toFixed(2)} s: ${Math.round(report.drainEventsPerSec)} events/s ` +
        `(RSS peak ${usage['notification-service']?.rssPeakMb.toFixed(0)} MB, CPU ${usage['notification-service']?.cpuMeanPct.toFixed(0)} %, ` +
        `system ${usage['notification-service']?.cpuSystemPct.toFixed(0)} %; kafka CPU ${usage.kafka?.cpuMeanPct.toFixed(0)} %, redis CPU ${usage.redis?.cpuMeanPct.toFixed(0)} %)`,
    );
    return report;
  } finally {
    await watcher.close();
  }
}

export const drainGroup = (): string => `bench-drain-${randomUUID().slice(0, 8)}`;
