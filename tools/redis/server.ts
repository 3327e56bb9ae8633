// Starts a private redis-server on 127.0.0.1 for tests, `npm start` and benchmarks (never the machine's own
// Redis on 6379). Readiness is a PING answered with PONG over a raw TCP socket.
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getFreePort, LOOPBACK } from '../ports.ts';
import { findExecutable, lastLines, type ManagedProcess, removeOnExit, spawnManaged } from '../proc.ts';

export interface StartRedisOptions {
  /** Working folder (AOF, log). Default: a fresh temp folder, removed when this process exits. */
  dataDir?: string;
  /** Default: a free port. */
  port?: number;
  /**
   * true: append-only file (fsync every second) so data survives stop()/start() and, up to ~1 s, kill().
   * false (default): nothing is written to disk; a restart starts empty.
   */
  persist?: boolean;
  /** How long to wait for PONG (default 20 s). */
  readyTimeoutMs?: number;
  /** Extra `redis-server` arguments, e.g. ['--maxmemory', '64mb']. */
  extraArgs?: string[];
}

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly dataDir: string;
  /** redis-server's own log. */
  readonly logFile: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM (Redis saves/flushes what `persist` asks for) and wait; SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL and wait (simulates a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder; resolves on PONG. No-op if running. */
  start(): Promise<void>;
}

/** `redis-server` arguments (pure, for tests). */
export function redisArgs(input: {
  port: number;
  dataDir: string;
  logFile: string;
  persist: boolean;
  extra?: string[];
}): string[] {
  return [
    '--port',
    String(input.port),
    '--bind',
    LOOPBACK,
    '--daemonize',
    'no',
    '--dir',
    input.dataDir,
    '--logfile',
    input.logFile,
    '--save',
    '',
    ...(input.persist ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
    ...(input.extra ?? []),
  ];
}

/** Sends PING over a raw socket; true when the answer is +PONG. */
export function pingRedis(port: number, host = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = createConnection({ port, host });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      // A loading server answers -LOADING; anything but +PONG means "not ready yet".
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG\r\n'));
    });
  });
}

/** Starts redis-server and resolves once it answers PING. */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = process.env.REDIS_SERVER_BIN ?? findExecutable('redis-server');
  if (bin === undefined) {
    throw new Error(
      '`redis-server` is not on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; ' +
        'macOS: brew install redis), or point REDIS_HOST/REDIS_PORT at a running Redis.',
    );
  }
  let dataDir: string;
  if (opts.dataDir === undefined) {
    dataDir = mkdtempSync(join(tmpdir(), 'redis-'));
    removeOnExit(dataDir);
  } else {
    dataDir = resolve(opts.dataDir);
    await mkdir(dataDir, { recursive: true });
  }
  const port = opts.port ?? (await getFreePort());
  const logFile = join(dataDir, 'redis.log');
  const consoleFile = join(dataDir, 'redis.console.log');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  const args = redisArgs({ port, dataDir, logFile, persist: opts.persist ?? false, extra: opts.extraArgs });
  let proc: ManagedProcess | undefined;
  let starting: Promise<void> | undefined;

  const doStart = async (): Promise<void> => {
    const current = await spawnManaged(bin, args, {
      name: `redis-${port}`,
      cwd: dataDir,
      stdoutFile: consoleFile,
      stderrFile: consoleFile,
    });
    proc = current;
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (await pingRedis(port)) return;
      if (!current.running || Date.now() > deadline) {
        if (current.running) await current.kill();
        const log = [
          ...lastLines(await readFile(logFile, 'utf8').catch(() => ''), 30),
          ...lastLines(await readFile(consoleFile, 'utf8').catch(() => ''), 10),
        ];
        const why = current.exitInfo
          ? `exited (${current.exitInfo.code ?? current.exitInfo.signal})`
          : `did not answer PING within ${readyTimeoutMs / 1000} s`;
        throw new Error(`redis-server on 127.0.0.1:${port} ${why}.\n--- ${logFile} ---\n${log.join('\n')}`);
      }
      await sleep(50);
    }
  };

  const server: RedisServer = {
    host: LOOPBACK,
    port,
    url: `redis://${LOOPBACK}:${port}`,
    dataDir,
    logFile,
    get pid() {
      return proc?.running ? proc.pid : undefined;
    },
    get running() {
      return proc?.running ?? false;
    },
    async start() {
      if (starting !== undefined) return starting;
      if (proc?.running) return;
      starting = doStart().finally(() => {
        starting = undefined;
      });
      return starting;
    },
    async stop() {
      await starting?.catch(() => {});
      await proc?.stop({ timeoutMs: 10_000 });
    },
    async kill() {
      await proc?.kill();
    },
  };
  await server.start();
  return server;
}
