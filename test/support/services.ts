/**
 * Starts the real services as separate processes for end-to-end tests, exactly as a user would run them
 * (`node <flags> dist/<name>.mjs`, the bundle the global setup built, with environment variables), each on a free port with its own log
 * folder, and reads back their structured log lines.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundlePath } from '../../tools/build/services.ts';
import { getFreePort } from '../../tools/ports.ts';
import { type ManagedProcess, spawnManaged } from '../../tools/proc.ts';
import { SERVICE_NODE_FLAGS } from '../../tools/service-node-flags.ts';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export type ServiceName = 'order-service' | 'product-service' | 'notification-service';

export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  logDir: string;
  process: ManagedProcess;
  /** Every JSON line of the service's application.log so far. */
  logLines(): Array<Record<string, unknown>>;
  /** Waits until a log line matches. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  /** `waitHealthy: false`: return once /actuator/health answers at all (a service meant to be DOWN). */
  opts: { logDir?: string; port?: number; waitHealthy?: boolean } = {},
): Promise<RunningService> {
  const port = opts.port ?? (await getFreePort());
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), `${name}-logs-`));
  const process_ = await spawnManaged(process.execPath, [...SERVICE_NODE_FLAGS, bundlePath(name)], {
    name,
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'debug', ...env, SERVER_PORT: String(port), LOG_DIR: logDir },
    stdoutFile: join(logDir, `${name}.stdout`),
    stderrFile: join(logDir, `${name}.stderr`),
  });
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(logDir, name, 'application.log');
  const logLines = () => {
    let text = '';
    try {
      text = readFileSync(logFile, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  const service: RunningService = {
    name,
    port,
    url,
    logDir,
    process: process_,
    logLines,
    async waitForLog(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logLines().find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`${name}: no matching log line within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: (signal = 'SIGTERM') => process_.stop({ signal, timeoutMs: 30_000 }),
  };
  await waitHealthy(service, 60_000, opts.waitHealthy === false ? 'answering' : 'healthy');
  return service;
}

export async function waitHealthy(
  service: Pick<RunningService, 'url' | 'name' | 'process' | 'logDir'>,
  timeoutMs = 60_000,
  until: 'healthy' | 'answering' = 'healthy',
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!service.process.running) {
      const stderr = readFileSync(join(service.logDir, `${service.name}.stderr`), 'utf8');
      throw new Error(`${service.name} exited during start-up: ${stderr.slice(-2000)}`);
    }
    try {
      const response = await fetch(`${service.url}/actuator/health`);
      if (response.status === 200 || until === 'answering') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${service.name} not healthy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** POSTs JSON (or raw text when `body` is a string) and returns status and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}
