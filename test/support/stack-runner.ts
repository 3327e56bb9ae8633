/**
 * Runs the local stack (`npm start`, or `node tools/stack/start.ts`) the way the stack tests need it: on
 * free ports, in fresh data and log folders, with its output collected.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePorts } from '../../tools/ports.ts';
import { repoRoot } from './services.ts';

export interface StackPorts {
  kafka: number;
  redis: number;
  order: number;
  notification: number;
  product: number;
}

export interface RunningStack {
  child: ChildProcess;
  ports: StackPorts;
  stackDir: string;
  /** LOG_DIR of the services. */
  logDir: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until the runner printed "ready" (rejects with the output when it exits or takes too long). */
  ready(timeoutMs?: number): Promise<void>;
}

/** Free ports for the stack; `kafka` is given by the caller when several brokers need consecutive ports. */
export async function freeStackPorts(overrides: Partial<StackPorts> = {}): Promise<StackPorts> {
  const [kafka, redis, order, notification, product] = (await getFreePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { kafka, redis, order, notification, product, ...overrides };
}

export function launchStack(options: {
  command: 'npm start' | 'start.ts';
  ports: StackPorts;
  env?: Record<string, string>;
  /** Own process group, as a terminal runs it (so a Ctrl-C can reach npm and the runner together). */
  detached?: boolean;
  /** The data folder of an earlier run (a restart); a fresh one by default. */
  stackDir?: string;
}): RunningStack {
  const { ports } = options;
  const stackDir = options.stackDir ?? mkdtempSync(join(tmpdir(), 'stack-'));
  const logDir = mkdtempSync(join(tmpdir(), 'stack-logs-'));
  const [file, args] =
    options.command === 'npm start' ? ['npm', ['start']] : [process.execPath, ['tools/stack/start.ts']];
  const child = spawn(file, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_BOOTSTRAP_SERVERS: '',
      STACK_DIR: stackDir,
      STACK_KAFKA_PORT: String(ports.kafka),
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(ports.redis),
      ORDER_SERVICE_PORT: String(ports.order),
      NOTIFICATION_SERVICE_PORT: String(ports.notification),
      PRODUCT_SERVICE_PORT: String(ports.product),
      LOG_DIR: logDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    ports,
    stackDir,
    logDir,
    output: () => output,
    exited,
    async ready(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!/\[stack\] ready in/.test(output)) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the stack exited before it was ready:\n${output}`);
        }
        if (Date.now() > deadline)
          throw new Error(`the stack was not ready within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}
