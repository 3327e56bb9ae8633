/**
 * The management endpoints of Spring Boot Actuator, at the same paths, so dashboards, probes and
 * scrape configs written for the Java services keep working:
 *
 *   GET /actuator                     links to the others
 *   GET /actuator/health              { status, components } — 503 when DOWN
 *   GET /actuator/health/liveness     the process answers: always UP
 *   GET /actuator/health/readiness    the dependencies answer: the overall status — 503 when DOWN
 *   GET /actuator/health/{component}  one component
 *   GET /actuator/info                what runs: app, runtime, git commit
 *   GET /actuator/metrics[/{name}]    metric names (Spring's JSON shape), one metric's values
 *   GET /actuator/prometheus          the Prometheus text format
 *
 * Nothing here reads the environment: no endpoint can leak a variable or a secret.
 */
import type { Registry } from 'prom-client';
import { ClientError } from './errors.ts';
import { readGitInfo } from './git-info.ts';
import { checkHealth, DEFAULT_HEALTH_TIMEOUT_MS, type HealthIndicator, runCheck } from './health.ts';
import type { HttpServer } from './http.ts';

export interface ActuatorOptions {
  health: readonly HealthIndicator[];
  /** Static facts for `/actuator/info`, e.g. `{ app: { name, version, description } }`. */
  info: object;
  registry: Registry;
  /** Bound on each health check; default 3000 ms. */
  healthTimeoutMs?: number;
  /** Add the git branch/commit of the working directory to `/actuator/info`; default true. */
  gitInfo?: boolean;
}

const PREFIX = '/actuator';

export function registerActuator(app: HttpServer, opts: ActuatorOptions): void {
  const timeoutMs = opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const byName = new Map<string, HealthIndicator>();
  for (const indicator of opts.health) {
    if (byName.has(indicator.name)) throw new Error(`Two health indicators are named "${indicator.name}"`);
    byName.set(indicator.name, indicator);
  }
  const info = buildInfo(opts);

  app.get(PREFIX, async (request) => {
    const base = `${request.protocol}://${request.host}${PREFIX}`;
    const names = ['health', 'info', 'metrics', 'prometheus'];
    const links: Record<string, { href: string }> = { self: { href: base } };
    for (const name of names) links[name] = { href: `${base}/${name}` };
    return { _links: links };
  });

  app.get(`${PREFIX}/health`, async (_request, reply) => {
    const report = await checkHealth(opts.health, timeoutMs);
    return reply.code(report.status === 'UP' ? 200 : 503).send(report);
  });

  app.get(`${PREFIX}/health/liveness`, async () => ({ status: 'UP' }));

  app.get(`${PREFIX}/health/readiness`, async (_request, reply) => {
    const { status } = await checkHealth(opts.health, timeoutMs);
    return reply.code(status === 'UP' ? 200 : 503).send({ status });
  });

  app.get<{ Params: { component: string } }>(`${PREFIX}/health/:component`, async (request, reply) => {
    const indicator = byName.get(request.params.component);
    if (!indicator)
      throw new ClientError(404, 'Not Found', `No health component "${request.params.component}"`);
    const result = await runCheck(indicator, timeoutMs);
    return reply.code(result.status === 'UP' ? 200 : 503).send(result);
  });

  app.get(`${PREFIX}/info`, async () => ({
    ...info,
    runtime: { node: process.versions.node, uptimeSeconds: Math.round(process.uptime()) },
  }));

  app.get(`${PREFIX}/metrics`, async () => {
    const metrics = await opts.registry.getMetricsAsJSON();
    return { names: [...new Set(metrics.map((m) => m.name))].sort() };
  });

  app.get<{ Params: { name: string } }>(`${PREFIX}/metrics/:name`, async (request) => {
    const metric = opts.registry.getSingleMetric(request.params.name);
    if (!metric) throw new ClientError(404, 'Not Found', `No metric named "${request.params.name}"`);
    const { name, help, type, values } = await metric.get();
    return { name, description: help, type, measurements: values };
  });

  app.get(`${PREFIX}/prometheus`, async (_request, reply) => {
    const text = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(text);
  });
}

function buildInfo(opts: ActuatorOptions): Record<string, unknown> {
  const info: Record<string, unknown> = { ...opts.info };
  if (opts.gitInfo ?? true) {
    const git = readGitInfo();
    if (git) info.git = git;
  }
  return info;
}
