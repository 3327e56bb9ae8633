/** Turns load-generator results and histograms into the report's summaries. */
import type { HttpRunSummary, LatencySummary } from './context.ts';
import { Histogram, type HistogramJson } from './histogram.ts';
import type { LoadResult } from './load.ts';

export function latencySummary(json: HistogramJson): LatencySummary {
  const h = Histogram.fromJSON(json);
  return {
    count: h.count,
    p50: h.percentileMs(50),
    p90: h.percentileMs(90),
    p95: h.percentileMs(95),
    p99: h.percentileMs(99),
    p999: h.percentileMs(99.9),
    max: h.max / 1000,
    mean: h.meanMs(),
    histogram: json,
  };
}

export function httpSummary(label: string, result: LoadResult): HttpRunSummary {
  return {
    label,
    mode: result.mode,
    connections: result.connections,
    targetRate: result.targetRate,
    seconds: result.elapsedMs / 1000,
    throughput: result.throughput,
    completed: result.completed,
    errors: result.errors,
    non2xx: result.non2xx,
    latency: latencySummary(result.latency),
  };
}

export function describeHttp(s: HttpRunSummary): string {
  const l = s.latency;
  return (
    `${s.label}: ${Math.round(s.throughput)} req/s (${s.completed} in ${s.seconds.toFixed(1)} s, ` +
    `${s.mode === 'closed' ? `${s.connections} connections` : `${s.targetRate}/s open loop`}), ` +
    `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(1)} ms, ` +
    `errors ${s.errors}, non-2xx ${s.non2xx}`
  );
}
