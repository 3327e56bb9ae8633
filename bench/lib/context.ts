/**
 * What every scenario gets (the stack, the run's settings, a logger) and what each one reports.
 */
import { loadavg } from 'node:os';
import type { HistogramJson } from './histogram.ts';
import type { ConsumerPerfResult, EndToEndLatencyResult, ProducerPerfResult } from './kafka.ts';
import type { ProcUsage } from './proc-stats.ts';
import type { RedisBenchResult } from './redis-bench.ts';
import type { Infra, RunningService, ServiceName } from './stack.ts';

export interface Settings {
  quick: boolean;
  /** Connections of the closed-loop publish runs. */
  connections: number;
  publishSeconds: number;
  warmupSeconds: number;
  /** Fixed rate of the open-loop publish check (the target rate). */
  publishCheckRate: number;
  publishCheckSeconds: number;
  producerPerfRecords: number;
  drainEvents: number;
  redisBenchRequests: number;
  e2eRate: number;
  e2eSeconds: number;
  /** Notifiers the end-to-end run is made with, one run each. */
  e2eNotifiers: Array<'log' | 'webhook'>;
  e2eLatencyToolMessages: number;
  startupRuns: number;
  idleSeconds: number;
}

export function settingsFor(quick: boolean, connections?: number): Settings {
  return quick
    ? {
        quick,
        connections: connections ?? 64,
        publishSeconds: 5,
        warmupSeconds: 1,
        publishCheckRate: 5000,
        publishCheckSeconds: 3,
        producerPerfRecords: 100_000,
        drainEvents: 40_000,
        redisBenchRequests: 50_000,
        e2eRate: 1000,
        e2eSeconds: 15,
        e2eNotifiers: ['log'],
        e2eLatencyToolMessages: 500,
        startupRuns: 1,
        idleSeconds: 2,
      }
    : {
        quick,
        connections: connections ?? 64,
        publishSeconds: 30,
        warmupSeconds: 5,
        publishCheckRate: 5000,
        publishCheckSeconds: 20,
        producerPerfRecords: 1_000_000,
        drainEvents: 200_000,
        redisBenchRequests: 200_000,
        e2eRate: 1000,
        e2eSeconds: 60,
        e2eNotifiers: ['log', 'webhook'],
        e2eLatencyToolMessages: 5000,
        startupRuns: 3,
        idleSeconds: 10,
      };
}

export interface Context {
  settings: Settings;
  infra: Infra;
  /** Scratch folder of this run (payload files, logs). */
  workDir: string;
  services: Map<ServiceName, RunningService>;
  log(line: string): void;
}

/** Latency figures of a run, in ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  histogram: HistogramJson;
}

export interface HttpRunSummary {
  label: string;
  mode: 'closed' | 'open';
  connections: number;
  targetRate?: number | undefined;
  seconds: number;
  throughput: number;
  completed: number;
  errors: number;
  non2xx: number;
  latency: LatencySummary;
}

export interface StartupReport {
  /** Start-up times (ms, spawn → first healthy answer) per service, in run order. */
  services: Record<string, number[]>;
  /** The bare Fastify process: spawn → first answer. */
  bareFastifyMs: number;
  idle: Record<string, ProcUsage>;
}

export interface PublishReport {
  recordBytes: number;
  ours: HttpRunSummary;
  bare: HttpRunSummary;
  check: HttpRunSummary;
  producerPerf: ProducerPerfResult;
  usage: Record<string, ProcUsage>;
  load: { before: number; peak: number };
}

export interface ConsumeReport {
  events: number;
  prefillMs: number;
  /** Events/s from the service being healthy (group joined) to the last offset committed. */
  drainEventsPerSec: number;
  /** Seconds from healthy to drained. */
  drainSeconds: number;
  /** Seconds from spawning the service to drained (start-up included). */
  wallSeconds: number;
  consumerPerf: ConsumerPerfResult;
  redis: RedisBenchResult;
  usage: Record<string, ProcUsage>;
  load: { before: number; peak: number };
}

export interface E2eReport {
  notifier: 'log' | 'webhook';
  rate: number;
  seconds: number;
  sent: number;
  acknowledged: number;
  notified: number;
  missing: number;
  latency: LatencySummary;
  /** The POST /api/orders round trips of the same run. */
  http: HttpRunSummary;
  usage: Record<string, ProcUsage>;
  load: { before: number; peak: number };
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  settings: Settings;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; kafka: string; redis: string };
  loadAverage: { start: number[]; end: number[] };
  startup?: StartupReport;
  consume?: ConsumeReport;
  e2e?: E2eReport[];
  /** Kafka's EndToEndLatency tool (produce → consume, one record at a time, acks=all): the e2e floor. */
  kafkaLatency?: EndToEndLatencyResult;
  publish?: PublishReport;
  /** Scenarios that failed, with the reason (their figures are missing). */
  failures?: string[];
}

export const load1 = (): number => loadavg()[0] ?? 0;
