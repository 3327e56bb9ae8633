/**
 * `npm run bench [-- --quick] [--only=startup,consume,e2e,publish] [--connections=64] [--partitions=3]
 *   [--notifiers=log,webhook] [--drain-events=N] [--profile] [--node-arg=ARG] [--services-root=DIR] [--keep]`
 * (bench/README.md explains each option and figure.)
 *
 * Starts a private stack (one Kafka broker, one Redis, the three services) on free ports in its own data
 * folder, runs the scenarios, and writes the report to bench/results/ (Markdown, JSON, SVG), copies it to
 * bench/results/latest.* and, for a standard run (no option but --keep or --data-dir), into
 * bench/README.md's results section. Benchmarks print figures; they
 * never pass or fail.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EventTypes } from '@commerce/contracts';
import { buildServices } from '../tools/build/services.ts';
import { type BenchReport, type Context, type Settings, settingsFor } from './lib/context.ts';
import { createTopic, warmGroupCoordinator } from './lib/kafka.ts';
import { chartSvg, markdownReport, summaryTable } from './lib/report.ts';
import { type ServiceName, serviceNodeArgs, servicesRoot, startInfra, startService } from './lib/stack.ts';
import { drainGroup, runConsume } from './scenarios/consume.ts';
import { runE2e, runKafkaLatencyFloor } from './scenarios/e2e.ts';
import { runPublish } from './scenarios/publish.ts';
import { runStartup, startBareServer } from './scenarios/startup.ts';

const BENCH_DIR = import.meta.dirname;
const RESULTS_DIR = join(BENCH_DIR, 'results');
const SCENARIOS = ['startup', 'consume', 'e2e', 'publish'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    connections: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    profile: { type: 'boolean', default: false },
    partitions: { type: 'string', default: '3' },
    'services-root': { type: 'string' },
    'node-arg': { type: 'string', multiple: true },
    notifiers: { type: 'string' },
    'drain-events': { type: 'string' },
  },
  allowPositionals: false,
});

const selected = new Set<Scenario>(
  values.only ? (values.only.split(',').map((s) => s.trim()) as Scenario[]) : SCENARIOS,
);
for (const name of selected) {
  if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario "${name}"; use ${SCENARIOS.join(', ')}`);
}
/** Partitions of the event topics (3, the services' default, unless asked otherwise). */
const partitions = Number(values.partitions);
const settings = settingsFor(values.quick, values.connections ? Number(values.connections) : undefined);
if (values['drain-events'] !== undefined) {
  const drainEvents = Number(values['drain-events']);
  if (!Number.isSafeInteger(drainEvents) || drainEvents < 1) {
    throw new Error(`--drain-events must be a positive whole number, got "${values['drain-events']}"`);
  }
  settings.drainEvents = drainEvents;
}
if (values.notifiers) settings.e2eNotifiers = values.notifiers.split(',') as Settings['e2eNotifiers'];
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const dataDir = values['data-dir'] ?? join(RESULTS_DIR, 'stack-data');
const began = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

function redisVersion(): string {
  try {
    return /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** Runs one scenario; a failure is reported and the run goes on with the next one. */
async function scenario<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  log(`scenario: ${name}`);
  try {
    return await run();
  } catch (error) {
    const message = (error as Error).stack ?? String(error);
    log(`  scenario "${name}" failed: ${message}`);
    failures.push(`${name}: ${(error as Error).message}`);
    return undefined;
  }
}

const failures: string[] = [];

async function main(): Promise<void> {
  const loadStart = loadavg();
  log(
    `${settings.quick ? 'quick' : 'full'} run; scenarios ${[...selected].join(', ')}; load average ${loadStart.map((n) => n.toFixed(2)).join(' ')}`,
  );
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const workDir = join(dataDir, 'work');
  mkdirSync(workDir, { recursive: true });

  log('starting Kafka and Redis ...');
  const infra = await startInfra(dataDir, (line) => log(`  ${line}`));
  const report: BenchReport = {
    startedAt: new Date().toISOString().slice(0, 19).replace('T', ' '),
    finishedAt: '',
    quick: settings.quick,
    settings,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? '?',
      memoryGb: totalmem() / 1024 ** 3,
      node: process.version,
      kafka: infra.kafka.version,
      redis: redisVersion(),
    },
    loadAverage: { start: loadStart, end: [] },
  };
  if (values['services-root']) {
    servicesRoot.path = resolve(values['services-root']);
    log(`services started from ${servicesRoot.path}`);
  }
  // The services run as `npm start` runs them: bundles built from the sources of this run.
  const built = await buildServices({ root: servicesRoot.path });
  log(`services built in ${built.ms} ms`);
  if (values['node-arg']) {
    serviceNodeArgs.push(...values['node-arg']);
    log(`services started with node ${values['node-arg'].join(' ')}`);
  }
  if (values.profile) {
    const dir = join(RESULTS_DIR, 'profiles', stamp);
    mkdirSync(dir, { recursive: true });
    serviceNodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    log(`CPU profiles of every service process go to ${dir}`);
  }
  const ctx: Context = { settings, infra, workDir, services: new Map(), log };
  try {
    // Topics exist before any service starts, as on any restart of a running system.
    for (const type of Object.values(EventTypes)) {
      await createTopic(infra.kafka.bootstrapServers, type.topic, partitions);
      await createTopic(infra.kafka.bootstrapServers, `${type.topic}.dlq`, partitions);
    }
    await warmGroupCoordinator(infra.kafka.bootstrapServers, EventTypes.OrderCreated.topic);
    const bare = await startBareServer(ctx);
    if (selected.has('startup')) {
      report.startup = await scenario('start-up and idle footprint', () => runStartup(ctx, bare));
    }
    for (const name of ['order-service', 'notification-service'] as ServiceName[]) {
      if (!ctx.services.has(name)) ctx.services.set(name, await startService(name, infra));
    }
    const group = drainGroup();
    if (selected.has('consume'))
      report.consume = await scenario('consume path', () => runConsume(ctx, group));
    if (selected.has('e2e')) {
      for (const notifier of settings.e2eNotifiers) {
        const run = await scenario(`end-to-end latency (${notifier} notifier)`, () =>
          runE2e(ctx, group, notifier),
        );
        if (run) {
          report.e2e ??= [];
          report.e2e.push(run);
        }
      }
      report.kafkaLatency = await scenario('Kafka EndToEndLatency', () => runKafkaLatencyFloor(ctx));
      ctx.services.set('notification-service', await startService('notification-service', infra));
    }
    if (selected.has('publish')) {
      await ctx.services.get('notification-service')?.stop();
      ctx.services.delete('notification-service');
      if (!ctx.services.get('order-service')?.process.running) {
        ctx.services.set('order-service', await startService('order-service', infra));
      }
      report.publish = await scenario('publish path', () => runPublish(ctx, bare));
    }
    await bare.process.stop();
  } finally {
    log('stopping the stack ...');
    await Promise.allSettled([...ctx.services.values()].map((s) => s.stop()));
    await infra.stop();
    if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
  }
  report.loadAverage.end = loadavg();
  if (failures.length > 0) report.failures = failures;
  report.finishedAt = new Date().toISOString().slice(0, 19).replace('T', ' ');
  writeReport(report);
  log(`done in ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

function writeReport(report: BenchReport): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = `${stamp}${report.quick ? '-quick' : ''}`;
  const svgName = `${base}-latency.svg`;
  writeFileSync(join(RESULTS_DIR, svgName), chartSvg(report));
  writeFileSync(join(RESULTS_DIR, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, `${base}.md`), markdownReport(report, svgName));
  copyFileSync(join(RESULTS_DIR, svgName), join(RESULTS_DIR, 'latest-latency.svg'));
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdownReport(report, 'latest-latency.svg'));
  if (isStandardRun()) updateReadme(report, base);
  process.stdout.write(
    `\n${summaryTable(report)}\n\nReport: bench/results/${base}.md (chart: bench/results/${svgName})\n`,
  );
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/**
 * Only a standard run stands for the project's figures in bench/README.md: every scenario at full length,
 * the services as they ship (no other copy, Node flags, profiler, partitions or notifiers).
 */
function isStandardRun(): boolean {
  return (
    !values.quick &&
    selected.size === SCENARIOS.length &&
    values['services-root'] === undefined &&
    values['drain-events'] === undefined &&
    values['node-arg'] === undefined &&
    !values.profile &&
    values.partitions === '3' &&
    values.notifiers === undefined &&
    values.connections === undefined
  );
}

/** Replaces bench/README.md's results section with this run's summary. */
function updateReadme(report: BenchReport, base: string): void {
  const readme = join(BENCH_DIR, 'README.md');
  if (!existsSync(readme)) return;
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return;
  const m = report.machine;
  const section = [
    START,
    '',
    `Run of ${report.startedAt}${report.quick ? ' (`--quick`)' : ''} on ${m.cpus} × ${m.cpuModel}, Node ${m.node}, ` +
      `Kafka ${m.kafka}, Redis ${m.redis}; load average at start ${report.loadAverage.start.map((n) => n.toFixed(2)).join(' / ')}. ` +
      `Full report: \`bench/results/${base}.md\` (chart \`bench/results/${base}-latency.svg\`; both git-ignored).`,
    '',
    summaryTable(report),
    '',
    END,
  ].join('\n');
  writeFileSync(readme, text.slice(0, from) + section + text.slice(to + END.length));
}

await main();
