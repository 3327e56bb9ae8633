/**
 * Writes the run's report: Markdown tables (our figure, the ceiling measured in the same run, the
 * ratio, and the issue's target), the raw figures as JSON, and an SVG of the latency distributions.
 */
import type { BenchReport, HttpRunSummary, LatencySummary } from './context.ts';
import { Histogram } from './histogram.ts';
import type { ProcUsage } from './proc-stats.ts';
import { type CurveSeries, latencyChart } from './svg.ts';

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) =>
  Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : 'n/a';
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a';
const mb = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(0)} MB`);
const pct = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(0)} %`);
const mark = (ok: boolean) => (ok ? '✅' : '❌');
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const lat = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}`;

const SERVICES = ['order-service', 'product-service', 'notification-service'];

/** The summary table: one row per figure, ours next to the ceiling of the same run. */
export function summaryTable(report: BenchReport): string {
  const rows: string[] = [
    '| scenario | figure | ours | ceiling, same run | ratio | target |',
    '|---|---|---:|---:|---:|---|',
  ];
  const { publish, consume, e2e, startup } = report;
  if (publish) {
    const { ours, bare, check, producerPerf } = publish;
    rows.push(
      `| publish | POST /api/orders, req/s (${ours.connections} connections, acks=all) | ${int(ours.throughput)} | ${int(bare.throughput)} (bare Fastify route) | ${ratio(ours.throughput, bare.throughput)} | ≥ 5,000 ${mark(ours.throughput >= 5000)} |`,
      `| publish | same, against Kafka's producer | ${int(ours.throughput)} | ${int(producerPerf.recordsPerSec)} records/s (ProducerPerformance, acks=all, ${publish.recordBytes} B) | ${ratio(ours.throughput, producerPerf.recordsPerSec)} | |`,
      `| publish | latency p50 / p99 / max, ms (at max rate) | ${lat(ours.latency)} | ${lat(bare.latency)} (bare route) | p99 × ${ratio(ours.latency.p99, bare.latency.p99)} | p99 < 50 ${mark(ours.latency.p99 < 50)} |`,
      `| publish | at a fixed ${int(check.targetRate ?? 0)}/s: p50 / p99 / max, ms | ${lat(check.latency)} | — | | p99 < 50 ${mark(check.latency.p99 < 50 && check.errors + check.non2xx === 0)} |`,
      `| publish | errors + non-2xx (max rate / fixed rate) | ${ours.errors + ours.non2xx} / ${check.errors + check.non2xx} | ${bare.errors + bare.non2xx} | | 0 ${mark(ours.errors + ours.non2xx + check.errors + check.non2xx === 0)} |`,
    );
  }
  if (consume) {
    const drain = consume.drainEventsPerSec;
    rows.push(
      `| consume | drain of ${int(consume.events)} events, events/s (decode, gate, notify, commit) | ${int(drain)} | ${int(consume.consumerPerf.fetchMsgPerSec)} msg/s (ConsumerPerformance) | ${ratio(drain, consume.consumerPerf.fetchMsgPerSec)} | ≥ 30,000 ${mark(drain >= 30_000)}, ≥ ¼ ${mark(drain * 4 >= consume.consumerPerf.fetchMsgPerSec)} |`,
      `| consume | same, against Redis | ${int(drain)} | ${int(consume.redis.eventsPerSec)} events/s (redis-benchmark, gate scripts begin + complete) | ${ratio(drain, consume.redis.eventsPerSec)} | |`,
    );
  }
  const floor = report.kafkaLatency;
  const floorText = floor
    ? `p50 ${floor.p50Ms} / p99 ${floor.p99Ms} / avg ${ms(floor.avgMs)} (Kafka EndToEndLatency, acks=all)`
    : '—';
  for (const run of e2e ?? []) {
    const l = run.latency;
    rows.push(
      `| end to end | POST → notification sent (${run.notifier} notifier) at ${int(run.rate)}/s: p50 / p95 / p99 / max, ms | ${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)} | ${floorText} | ${floor ? `p99 × ${ratio(l.p99, Math.max(floor.p99Ms, 1))}` : ''} | p99 < 100 ${mark(l.p99 < 100)} |`,
      `| end to end | notified / acknowledged (${run.notifier} notifier) | ${int(run.notified)} / ${int(run.acknowledged)} | | | all ${mark(run.missing === 0)} |`,
    );
  }
  if (startup) {
    const bareRss = startup.idle['bare Fastify']?.rssMeanMb ?? Number.NaN;
    for (const name of SERVICES) {
      const times = startup.services[name] ?? [];
      const peak = peakRss(report, name);
      rows.push(
        `| footprint | ${name}: start-up to healthy, ms (median of ${times.length}) | ${int(median(times))} | ${int(startup.bareFastifyMs)} (bare Fastify process) | ${ratio(median(times), startup.bareFastifyMs)} | < 1,000 ${mark(median(times) < 1000)} |`,
        `| footprint | ${name}: RSS idle / peak under load, MB | ${mb(startup.idle[name]?.rssMeanMb)} / ${mb(peak)} | ${mb(bareRss)} (bare Fastify, idle) | ${ratio(peak ?? Number.NaN, bareRss)} | < 150 ${mark((peak ?? 0) < 150)} |`,
      );
    }
  }
  return rows.join('\n');
}

function peakRss(report: BenchReport, name: string): number | undefined {
  const values = [
    report.startup?.idle[name]?.rssPeakMb,
    report.publish?.usage[name]?.rssPeakMb,
    report.consume?.usage[name]?.rssPeakMb,
    ...(report.e2e ?? []).map((run) => run.usage[name]?.rssPeakMb),
  ].filter((v): v is number => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}

function httpRow(run: HttpRunSummary): string {
  const l = run.latency;
  const how =
    run.mode === 'closed' ? `${run.connections} connections` : `${int(run.targetRate ?? 0)}/s open loop`;
  return `| ${run.label} | ${how} | ${int(run.throughput)} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.p999)} | ${ms(l.max)} | ${run.errors} | ${run.non2xx} |`;
}

function usageTable(report: BenchReport): string {
  const phases: Array<[string, Record<string, ProcUsage> | undefined]> = [
    ['idle', report.startup?.idle],
    ['consume (drain)', report.consume?.usage],
    ...(report.e2e ?? []).map((run): [string, Record<string, ProcUsage>] => [
      `end to end (${run.notifier} notifier)`,
      run.usage,
    ]),
    ['publish (max rate)', report.publish?.usage],
  ];
  const names = new Set<string>();
  for (const [, usage] of phases) for (const name of Object.keys(usage ?? {})) names.add(name);
  const rows = [
    '| process | phase | RSS mean | RSS peak | CPU mean (% of one core) | of which system | CPU peak |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const name of names) {
    for (const [phase, usage] of phases) {
      const u = usage?.[name];
      if (!u) continue;
      rows.push(
        `| ${name} | ${phase} | ${mb(u.rssMeanMb)} | ${mb(u.rssPeakMb)} | ${pct(u.cpuMeanPct)} | ${pct(u.cpuSystemPct)} | ${pct(u.cpuPeakPct)} |`,
      );
    }
  }
  return rows.join('\n');
}

export function markdownReport(report: BenchReport, chartFile: string): string {
  const m = report.machine;
  const out: string[] = [];
  out.push(
    `# Benchmark report — ${report.startedAt}${report.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb.toFixed(0)} GB RAM; Node ${m.node}; Apache Kafka ${m.kafka} (one KRaft node); Redis ${m.redis}. ` +
      `Load average (1 min) at start ${report.loadAverage.start.map((n) => n.toFixed(2)).join(' / ')}, at end ${report.loadAverage.end.map((n) => n.toFixed(2)).join(' / ')} (1 / 5 / 15 min). ` +
      'Everything (broker, Redis, services, load generator, ceilings) runs on this one machine.',
    '',
    '## Summary',
    '',
    'Ratio = ours ÷ ceiling (for throughput 1.00 would be "as fast as the ceiling"; for latency and footprint it is how many times the floor).',
    '',
    summaryTable(report),
    '',
    ...(report.failures
      ? ['**Failed scenarios** (no figures):', '', ...report.failures.map((f) => `- ${f}`), '']
      : []),
    `![latency distributions](${chartFile})`,
    '',
  );
  if (report.publish) {
    const p = report.publish;
    out.push(
      '## Publish path',
      '',
      `Load average before: ${p.load.before.toFixed(2)}, peak during: ${p.load.peak.toFixed(2)}. Latency in ms.`,
      '',
      '| run | load | req/s | p50 | p90 | p99 | p99.9 | max | errors | non-2xx |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      httpRow(p.ours),
      httpRow(p.check),
      httpRow(p.bare),
      '',
      `ProducerPerformance (acks=all, idempotent, ${p.recordBytes}-byte OrderCreated values): \`${p.producerPerf.line}\``,
      '',
    );
  }
  if (report.consume) {
    const c = report.consume;
    out.push(
      '## Consume path',
      '',
      `Load average before: ${c.load.before.toFixed(2)}, peak during: ${c.load.peak.toFixed(2)}.`,
      '',
      '| figure | value |',
      '|---|---:|',
      `| events on the topic | ${int(c.events)} |`,
      `| pre-fill through KafkaPublisher (acks=all), events/s | ${int((c.events / c.prefillMs) * 1000)} |`,
      `| drain, healthy → last offset committed, s | ${c.drainSeconds.toFixed(2)} |`,
      `| **drain, events/s** | **${int(c.drainEventsPerSec)}** |`,
      `| drain including start-up (spawn → drained), s | ${c.wallSeconds.toFixed(2)} |`,
      `| ConsumerPerformance, msg/s fetching (overall incl. group join) | ${int(c.consumerPerf.fetchMsgPerSec)} (${int(c.consumerPerf.msgPerSec)}) |`,
      `| redis-benchmark EVALSHA begin / complete, ops/s (${c.redis.clients} clients) | ${int(c.redis.beginOpsPerSec)} / ${int(c.redis.completeOpsPerSec)} |`,
      `| Redis ceiling per event (1 / (1/begin + 1/complete)) | ${int(c.redis.eventsPerSec)} |`,
      '',
    );
  }
  if (report.e2e || report.kafkaLatency) {
    out.push(
      '## End-to-end latency',
      '',
      'POST sent → notification sent, open loop. The log notifier is the default (its line is read back from ' +
        'application.log, ms resolution); the webhook notifier POSTs each notification to a sink in the ' +
        'benchmark process. Latency in ms.',
      '',
      '| run | load average before / peak | p50 | p90 | p95 | p99 | p99.9 | max | count | missing |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const e of report.e2e ?? []) {
      const l = e.latency;
      const h = e.http.latency;
      out.push(
        `| ${e.notifier} notifier, ${int(e.rate)}/s for ${e.seconds} s | ${e.load.before.toFixed(2)} / ${e.load.peak.toFixed(2)} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.p999)} | ${ms(l.max)} | ${int(l.count)} | ${int(e.missing)} |`,
        `| POST /api/orders round trip in that run | | ${ms(h.p50)} | ${ms(h.p90)} | ${ms(h.p95)} | ${ms(h.p99)} | ${ms(h.p999)} | ${ms(h.max)} | ${int(h.count)} | |`,
      );
    }
    const k = report.kafkaLatency;
    if (k) {
      out.push(
        `| Kafka EndToEndLatency (acks=all, one record at a time, whole ms) | | ${k.p50Ms} | | | ${k.p99Ms} | ${k.p999Ms} | | ${int(k.messages)} (avg ${ms(k.avgMs)}) | |`,
      );
    }
    out.push('');
  }
  out.push('## Footprint', '');
  if (report.startup) {
    const s = report.startup;
    out.push(
      'Start-up: spawn → first 200 from `/actuator/health`, broker and Redis up, topics existing (ms, each run):',
      '',
      '| service | runs | median |',
      '|---|---|---:|',
      ...SERVICES.map(
        (name) =>
          `| ${name} | ${(s.services[name] ?? []).map((t) => int(t)).join(', ')} | ${int(median(s.services[name] ?? []))} |`,
      ),
      `| bare Fastify process (ceiling) | ${int(s.bareFastifyMs)} | ${int(s.bareFastifyMs)} |`,
      '',
    );
  }
  out.push('Resident memory and CPU, sampled every 250 ms from /proc:', '', usageTable(report), '');
  return `${out.join('\n')}\n`;
}

function series(label: string, latency: LatencySummary): CurveSeries {
  const h = Histogram.fromJSON(latency.histogram);
  return { label, points: h.curve(), summary: { p50: latency.p50, p99: latency.p99, max: latency.max } };
}

export function chartSvg(report: BenchReport): string {
  const all: CurveSeries[] = [];
  if (report.publish) {
    const p = report.publish;
    all.push(series(`POST /api/orders, max rate (${int(p.ours.throughput)}/s)`, p.ours.latency));
    all.push(series(`POST /api/orders at ${int(p.check.targetRate ?? 0)}/s`, p.check.latency));
    all.push(series(`bare Fastify route (${int(p.bare.throughput)}/s)`, p.bare.latency));
  }
  for (const run of report.e2e ?? []) {
    all.push(series(`end to end, ${run.notifier} notifier, ${int(run.rate)}/s`, run.latency));
  }
  const firstE2e = report.e2e?.[0];
  if (firstE2e) all.push(series(`POST /api/orders at ${int(firstE2e.rate)}/s`, firstE2e.http.latency));
  return latencyChart(
    'Latency distributions',
    `${report.startedAt}${report.quick ? ' (quick)' : ''} · ${report.machine.cpus} cores · percentile on a "nines" axis, latency on a log axis`,
    all,
  );
}
