/**
 * End-to-end latency: a steady stream of POST /api/orders at a fixed rate (open loop), and for each
 * acknowledged order the time from the client sending the request to notification-service having sent
 * the notification. Run twice, once per notifier:
 * - `log` (the default): the notification is the log notifier's line; its `time` (ISO, ms) and
 *   `eventId` are read back from notification-service's application.log;
 * - `webhook`: notification-service POSTs each notification to a sink in this process, which stamps the
 *   arrival of each `Idempotency-Key` (= eventId) — a real downstream HTTP call per notification.
 * Send and arrival times are wall-clock times on the same machine (µs resolution, ms for log lines).
 *
 * Ceiling: Kafka's own `EndToEndLatency` tool (produce with acks=all, consume, one record at a time)
 * with the same record size — the floor any produce → consume path on this broker can reach.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderBodies } from '../lib/bodies.ts';
import { type Context, type E2eReport, load1 } from '../lib/context.ts';
import { Histogram } from '../lib/histogram.ts';
import { type EndToEndLatencyResult, endToEndLatencyTool, orderCreatedRecordSize } from '../lib/kafka.ts';
import { runLoad, startLoad } from '../lib/load.ts';
import { Sampler } from '../lib/proc-stats.ts';
import { NotificationSink } from '../lib/sink.ts';
import { startService } from '../lib/stack.ts';
import { httpSummary, latencySummary } from '../lib/summary.ts';

export type E2eNotifier = 'log' | 'webhook';

/** Reads the log notifier's lines appended to application.log since `offset`: eventId → time (ms). */
class LogArrivals {
  readonly arrivals = new Map<string, number>();
  readonly #file: string;
  #offset: number;
  #partial = '';

  constructor(file: string) {
    this.#file = file;
    this.#offset = sizeOf(file);
  }

  /** Forget what came before this moment. */
  reset(): void {
    this.poll();
    this.arrivals.clear();
  }

  poll(): void {
    const size = sizeOf(this.#file);
    if (size <= this.#offset) return;
    const buffer = Buffer.alloc(size - this.#offset);
    const fd = openSync(this.#file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.#offset);
    } finally {
      closeSync(fd);
    }
    this.#offset = size;
    const lines = (this.#partial + buffer.toString('utf8')).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"notifier":"log"')) continue;
      const parsed = JSON.parse(line) as { time?: string; eventId?: string };
      if (parsed.eventId && parsed.time && !this.arrivals.has(parsed.eventId)) {
        this.arrivals.set(parsed.eventId, Date.parse(parsed.time));
      }
    }
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function runE2e(ctx: Context, groupId: string, notifier: E2eNotifier): Promise<E2eReport> {
  const { settings, infra } = ctx;
  const order = ctx.services.get('order-service');
  if (!order) throw new Error('order-service is not running');
  const sink = new NotificationSink();
  const sinkUrl = await sink.listen();
  try {
    await ctx.services.get('notification-service')?.stop();
    const notification = await startService('notification-service', infra, {
      NOTIFICATION_CONSUMER_GROUP: groupId,
      ...(notifier === 'webhook' ? { NOTIFICATION_WEBHOOK_URL: sinkUrl } : {}),
    });
    ctx.services.set('notification-service', notification);
    const logArrivals = new LogArrivals(
      join(infra.dataDir, 'logs', 'notification-service', 'application.log'),
    );
    const arrivals = (): Map<string, number> => {
      if (notifier === 'webhook') return sink.arrivals;
      logArrivals.poll();
      return logArrivals.arrivals;
    };

    const bodies = orderBodies();
    ctx.log(`  ${notifier} notifier: warming up (300 orders/s for 3 s) ...`);
    await runLoad({
      baseUrl: order.url,
      path: '/api/orders',
      method: 'POST',
      bodies,
      mode: 'open',
      rate: 300,
      durationMs: 3000,
      connections: 64,
    });
    await sleep(2000);
    sink.arrivals.clear();
    logArrivals.reset();

    const loadBefore = load1();
    ctx.log(
      `  ${notifier} notifier: ${settings.e2eRate} orders/s for ${settings.e2eSeconds} s (load ${loadBefore.toFixed(2)}) ...`,
    );
    const running = startLoad({
      baseUrl: order.url,
      path: '/api/orders',
      method: 'POST',
      bodies,
      mode: 'open',
      rate: settings.e2eRate,
      durationMs: settings.e2eSeconds * 1000,
      connections: 256,
      collectEventIds: true,
    });
    const sampler = new Sampler([
      { name: 'order-service', pid: order.process.pid },
      { name: 'notification-service', pid: notification.process.pid },
      { name: 'load generator', pid: running.pid },
      { name: 'kafka', pid: infra.kafka.nodes[0]?.pid },
      { name: 'redis', pid: infra.redis.pid },
    ]).start();
    const result = await running.result;
    const sent = result.eventIds ?? [];
    // Give the last notifications time to arrive.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && sent.some(([id]) => !arrivals().has(id))) await sleep(250);
    const usage = sampler.stop();

    const histogram = new Histogram();
    let missing = 0;
    const seen = arrivals();
    for (const [eventId, sentAt] of sent) {
      const arrivedAt = seen.get(eventId);
      if (arrivedAt === undefined) missing++;
      else histogram.recordMs(Math.max(0, arrivedAt - sentAt));
    }
    const latency = latencySummary(histogram.toJSON());
    ctx.log(
      `  e2e (${notifier}): ${histogram.count} notified, ${missing} missing; p50 ${latency.p50.toFixed(2)} ms, ` +
        `p95 ${latency.p95.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, max ${latency.max.toFixed(1)} ms`,
    );
    return {
      notifier,
      rate: settings.e2eRate,
      seconds: settings.e2eSeconds,
      sent: result.completed,
      acknowledged: sent.length,
      notified: histogram.count,
      missing,
      latency,
      http: httpSummary('POST /api/orders during the e2e run', result),
      usage,
      load: { before: loadBefore, peak: sampler.peakLoad },
    };
  } finally {
    await ctx.services.get('notification-service')?.stop();
    ctx.services.delete('notification-service');
    await sink.close();
  }
}

/** Kafka's EndToEndLatency with our record size: the produce → consume floor of this broker. */
export async function runKafkaLatencyFloor(ctx: Context): Promise<EndToEndLatencyResult> {
  const { settings, infra } = ctx;
  ctx.log(`  ceiling: Kafka EndToEndLatency (${settings.e2eLatencyToolMessages} records, acks=all) ...`);
  const result = await endToEndLatencyTool(
    infra.kafka.bootstrapServers,
    'bench.e2e-latency',
    settings.e2eLatencyToolMessages,
    orderCreatedRecordSize(),
  );
  ctx.log(
    `  EndToEndLatency: avg ${result.avgMs.toFixed(2)} ms, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
  );
  return result;
}
