/**
 * The services' logger: pino writing one JSON line per event to stdout and to
 * `<logDir>/<service>/application.log` (rolled daily, see `rolling-file.ts`), as the original's
 * logback configuration did.
 *
 * Both destinations are asynchronous sonic-boom streams, so logging never waits on a disk or a pipe;
 * `flushLogger` (at shutdown) drains and closes them, and a process `exit` hook writes what is still
 * buffered synchronously if the process ends some other way. Secret-looking fields are redacted and
 * e-mail fields masked before a line is serialised, whatever the caller passes in.
 */
import { type Logger, pino } from 'pino';
// sonic-boom is CommonJS; its class is reachable the same way at runtime and in its types.
import sonicBoom from 'sonic-boom';
import { formatLogLine } from './log-format.ts';
import { maskEmail } from './mask.ts';
import { DailyRollingFile } from './rolling-file.ts';

export type { Logger } from 'pino';

/** Where formatted log lines go. */
export interface LogSink {
  write(line: string): unknown;
  flushSync?(): void;
  end?(): Promise<void> | void;
}

export interface LoggerOptions {
  /** Service name: the `service` field of every line and the folder under `logDir`. */
  service: string;
  /** Lowest level written: one of `LOG_LEVELS`; default `info`. */
  level?: string;
  /** Root folder of the log files; default `logs` (relative to the working directory); `false`: no file. */
  logDir?: string | false;
  /** Write to stdout too; default true. */
  console?: boolean;
  /** `pretty` prints console lines through `formatLogLine`; the file stays JSON. Default `json`. */
  consoleFormat?: 'json' | 'pretty';
  /** Replaces stdout as the console destination (tests). */
  consoleSink?: LogSink;
  /** Clock of the rolling file (tests). */
  now?: () => number;
}

/** The levels `createLogger` accepts, lowest first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names whose values never reach a log line. */
const SECRET_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'api_key',
  'clientSecret',
  'credentials',
  'authorization',
  'cookie',
];
/** Field names whose values are e-mail addresses, logged masked. */
const EMAIL_KEYS = ['email', 'customerEmail'];

/** Each key at the top level and two levels down (`req.headers.authorization`, `event.customerEmail`). */
function redactPaths(): string[] {
  const keys = [...SECRET_KEYS, ...EMAIL_KEYS].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return [...keys, '*.headers["set-cookie"]'];
}

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  return EMAIL_KEYS.includes(key) ? maskEmail(value) : '[REDACTED]';
}

/** Fans one line out to several sinks; owns their shutdown. */
class LogTee {
  readonly sinks: LogSink[];
  #closed = false;

  constructor(sinks: LogSink[]) {
    this.sinks = sinks;
    live.add(this);
  }

  write(line: string): void {
    if (this.#closed) {
      // A line logged after shutdown began still deserves to be seen.
      process.stderr.write(line);
      return;
    }
    for (const sink of this.sinks) sink.write(line);
  }

  flushSync(): void {
    for (const sink of this.sinks) {
      try {
        sink.flushSync?.();
      } catch {
        // best effort at exit
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    live.delete(this);
    await Promise.all(this.sinks.map((sink) => sink.end?.()));
  }
}

const live = new Set<LogTee>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const tee of live) tee.flushSync();
  });
}

function stdoutSink(pretty: boolean): LogSink {
  const boom = new sonicBoom.SonicBoom({ fd: 1, sync: false });
  // EPIPE (stdout closed by `| head`) and similar must not crash the service.
  boom.on('error', () => {});
  const color = pretty && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  return {
    write: pretty
      ? (line) => boom.write(`${formatLogLine(line.trimEnd(), { color })}\n`)
      : (line) => boom.write(line),
    flushSync: () => boom.flushSync(),
    end: () =>
      new Promise<void>((resolve) => {
        boom.once('close', () => resolve());
        boom.once('error', () => resolve());
        boom.end();
      }),
  };
}

function prettySink(sink: LogSink): LogSink {
  return { ...sink, write: (line) => sink.write(`${formatLogLine(line.trimEnd())}\n`) };
}

/** A pino logger writing JSON lines to stdout and to `<logDir>/<service>/application.log`. */
export function createLogger(opts: LoggerOptions): Logger {
  const level = (opts.level ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`Unknown log level "${opts.level}"; use one of ${LOG_LEVELS.join(', ')}`);
  }
  const sinks: LogSink[] = [];
  const pretty = opts.consoleFormat === 'pretty';
  if (opts.consoleSink) sinks.push(pretty ? prettySink(opts.consoleSink) : opts.consoleSink);
  else if (opts.console ?? true) sinks.push(stdoutSink(pretty));
  const logDir = opts.logDir ?? 'logs';
  if (logDir !== false) {
    const options = { dir: `${logDir}/${opts.service}`, ...(opts.now ? { now: opts.now } : {}) };
    sinks.push(new DailyRollingFile(options));
  }
  const tee = new LogTee(sinks);
  installExitHook();

  return pino(
    {
      level,
      base: { service: opts.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor },
    },
    tee,
  );
}

/**
 * Drains and closes the destinations behind `logger` (or any child of it): every line logged so far
 * is written. Call it last at shutdown; lines logged afterwards go to stderr.
 */
export async function flushLogger(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  if (stream instanceof LogTee) await stream.close();
  else await new Promise<void>((resolve) => logger.flush(() => resolve()));
}
