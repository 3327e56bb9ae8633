/**
 * Publish path: POST /api/orders on order-service as fast as `connections` keep-alive connections can
 * go (closed loop: each connection sends its next order when the previous one was answered, and an
 * answer means the broker stored the event with acks=all), then a fixed-rate check at the target rate
 * (open loop, latency from each request's due time).
 *
 * Ceilings in the same run: the same generator against a bare Fastify route that does nothing (in its
 * own process), and Kafka's `ProducerPerformance` (acks=all, idempotent) with our exact record values.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { orderBodies } from '../lib/bodies.ts';
import { type Context, load1, type PublishReport } from '../lib/context.ts';
import { createTopic, orderCreatedRecordSize, producerPerformance } from '../lib/kafka.ts';
import { runLoad, startLoad } from '../lib/load.ts';
import { Sampler } from '../lib/proc-stats.ts';
import { describeHttp, httpSummary } from '../lib/summary.ts';
import type { BareServer } from './startup.ts';

export async function runPublish(ctx: Context, bare: BareServer): Promise<PublishReport> {
  const { settings, infra } = ctx;
  const order = ctx.services.get('order-service');
  if (!order) throw new Error('order-service is not running');
  const bodies = orderBodies();
  const closed = (baseUrl: string, seconds: number, warmup: number) => ({
    baseUrl,
    path: '/api/orders',
    method: 'POST' as const,
    bodies,
    mode: 'closed' as const,
    connections: settings.connections,
    durationMs: seconds * 1000,
    warmupMs: warmup * 1000,
  });

  await sleep(1000);
  const loadBefore = load1();
  ctx.log(
    `  POST /api/orders, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.publishSeconds} s (load ${loadBefore.toFixed(2)}) ...`,
  );
  const running = startLoad(closed(order.url, settings.publishSeconds, settings.warmupSeconds));
  const sampler = new Sampler([
    { name: 'order-service', pid: order.process.pid },
    { name: 'load generator', pid: running.pid },
    { name: 'kafka', pid: infra.kafka.nodes[0]?.pid },
  ]).start();
  const ours = httpSummary('order-service POST /api/orders', await running.result);
  const usage = sampler.stop();
  ctx.log(`  ${describeHttp(ours)}`);

  await sleep(1000);
  ctx.log(
    `  fixed rate ${settings.publishCheckRate}/s, ${settings.warmupSeconds} s warm-up + ${settings.publishCheckSeconds} s ...`,
  );
  const check = httpSummary(
    `order-service at ${settings.publishCheckRate}/s`,
    await runLoad({
      baseUrl: order.url,
      path: '/api/orders',
      method: 'POST',
      bodies,
      mode: 'open',
      rate: settings.publishCheckRate,
      // The same warm-up as the max-rate runs: the generator opens its connections as the rate needs
      // them, and the first of them, with the code paths cold on both sides, came a few hundred ms late.
      warmupMs: settings.warmupSeconds * 1000,
      durationMs: settings.publishCheckSeconds * 1000,
      connections: 512,
    }),
  );
  ctx.log(`  ${describeHttp(check)}`);

  await sleep(1000);
  ctx.log('  ceiling: bare Fastify route ...');
  const bareRun = httpSummary(
    'bare Fastify POST route',
    await runLoad(closed(bare.url, settings.publishSeconds, settings.warmupSeconds)),
  );
  ctx.log(`  ${describeHttp(bareRun)}`);

  const recordBytes = orderCreatedRecordSize();
  ctx.log(
    `  ceiling: ProducerPerformance, ${settings.producerPerfRecords} records of ${recordBytes} B, acks=all ...`,
  );
  await createTopic(infra.kafka.bootstrapServers, 'bench.producer-perf', 3);
  const producerPerf = await producerPerformance(
    infra.kafka.bootstrapServers,
    'bench.producer-perf',
    settings.producerPerfRecords,
    ctx.workDir,
  );
  ctx.log(`  ProducerPerformance: ${producerPerf.line}`);
  return {
    recordBytes,
    ours,
    bare: bareRun,
    check,
    producerPerf,
    usage,
    load: { before: loadBefore, peak: sampler.peakLoad },
  };
}
