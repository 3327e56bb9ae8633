/**
 * The services' logger: pino writing one JSON line per event to stdout and to
 * `<logDir>/<service>/application.log` (rolled daily, see `rolling-file.ts`), as the original's
 * logback configuration did.
 *
 * Both destinations are written asynchronously (`fd-writer.ts`), so logging never waits on a disk or a pipe;
 * `flushLogger` (at shutdown) drains and closes them, and a process `exit` hook writes what is still
 * buffered synchronously if the process ends some other way. Secret-looking fields are redacted and
 * e-mail fields masked before a line is serialised, whatever the caller passes in.
 */
import { type Logger, pino } from 'pino';
import { ChunkBuffer } from './chunk-buffer.ts';
import { FdWriter } from './fd-writer.ts';
import { formatLogLine } from './log-format.ts';
import { maskEmail } from './mask.ts';
import { DailyRollingFile } from './rolling-file.ts';

export type { Logger } from 'pino';

/** Where formatted log lines go. */
export interface LogSink {
  /** Takes each line as it is logged (unless the sink takes chunks). */
  write(line: string): unknown;
  /**
   * Takes the lines of the last few milliseconds at once, as UTF-8 bytes (see `LogTee`); a sink that has
   * this gets only chunks. The same bytes go to every such sink: they must not be modified.
   */
  writeChunk?(bytes: Buffer): unknown;
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

const SECRETS = new Set([...SECRET_KEYS, 'set-cookie']);
const EMAILS = new Set(EMAIL_KEYS);
/** Keys are looked at on the logged object itself and two levels down (`req.headers.authorization`). */
const REDACT_DEPTH = 2;

/**
 * Masks e-mails and replaces secrets at the top level and up to two levels down, returning the object
 * itself when nothing matched (the usual case: no copy, no allocation) and otherwise a copy along the
 * changed path only; the caller's object is never modified. One pass over the keys with a Set lookup
 * each: pino's own `redact` with wildcard paths cost ~50 µs per line, this costs well under 1 µs.
 */
function redact<T>(value: T, depth: number): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  const keys = Object.keys(source);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const current = source[key];
    let next = current;
    if (EMAILS.has(key)) next = maskEmail(current);
    else if (SECRETS.has(key)) next = '[REDACTED]';
    else if (key === 'command' && carriesCredentials(current)) next = { ...current, args: ['[REDACTED]'] };
    else if (depth < REDACT_DEPTH && current !== null && typeof current === 'object') {
      next = redact(current, depth + 1);
    }
    if (next !== current) {
      copy ??= copyOf(source);
      copy[key] = next;
    }
  }
  return (copy ?? value) as T;
}

/**
 * Redis client errors carry the failed command (`err.command = { name, args }`): for AUTH and the other
 * commands whose arguments can hold a password, the arguments are not logged.
 */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello', 'acl', 'config', 'migrate']);
function carriesCredentials(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' && CREDENTIAL_COMMANDS.has(name.toLowerCase()) && 'args' in value;
}

/** A writable copy; an Error keeps what pino's error serializer would have shown of it. */
function copyOf(source: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(source)) return [...source] as unknown as Record<string, unknown>;
  if (source instanceof Error) {
    return { ...source, type: source.constructor.name, message: source.message, stack: source.stack };
  }
  return { ...source };
}

/**
 * Fans lines out to several sinks; owns their shutdown. Chunk sinks (stdout, the file) get the lines of
 * the last few milliseconds as one write (`FLUSH_MS`, or sooner past `FLUSH_BYTES`): a write per line
 * cost more than building the line did (every asynchronous write wakes a thread-pool thread). The lines
 * are encoded to UTF-8 once, into the chunk (`chunk-buffer.ts`), and the same bytes go to every chunk
 * sink. Other sinks (pretty console, test captures) get each line at once, as it is logged. Buffered
 * lines are written at shutdown and at exit.
 */
const FLUSH_MS = 10;
const FLUSH_BYTES = 256 * 1024;

class LogTee {
  readonly sinks: LogSink[];
  readonly #chunked: LogSink[];
  readonly #perLine: LogSink[];
  /** Lines waiting for the chunk sinks, as bytes. */
  readonly chunk: ChunkBuffer;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(sinks: LogSink[]) {
    this.sinks = sinks;
    this.#chunked = sinks.filter((sink) => sink.writeChunk !== undefined);
    this.#perLine = sinks.filter((sink) => sink.writeChunk === undefined);
    // A little more than a chunk: a line that would not fit hands the chunk on early.
    this.chunk = new ChunkBuffer(FLUSH_BYTES + 64 * 1024, (bytes) => {
      for (const sink of this.#chunked) sink.writeChunk?.(bytes);
    });
    live.add(this);
  }

  /** True when every sink takes chunks: a line may then be written as bytes only (`lineWriter`). */
  get bytesOnly(): boolean {
    return this.#perLine.length === 0 && !this.#closed;
  }

  write(line: string): void {
    if (this.#closed) {
      // A line logged after shutdown began still deserves to be seen.
      process.stderr.write(line);
      return;
    }
    for (const sink of this.#perLine) sink.write(line);
    if (this.#chunked.length === 0) return;
    this.chunk.room(line.length * 3);
    this.chunk.utf8(line);
    this.wrote();
  }

  /** A line was added to `chunk`: it goes out with the chunk. */
  wrote(): void {
    if (this.chunk.used >= FLUSH_BYTES) this.#drain();
    else this.#timer ??= setTimeout(this.#drain, FLUSH_MS).unref();
  }

  readonly #drain = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.chunk.flush();
  };

  flushSync(): void {
    this.#drain();
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
    this.#drain();
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
  // EPIPE (stdout closed by `| head`) and similar must not crash the service: the chunk is dropped.
  const stdout = new FdWriter(1);
  const color = pretty && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  const write = (bytes: Buffer) => stdout.write(bytes);
  const lines: Pick<LogSink, 'write' | 'writeChunk'> = pretty
    ? { write: (line) => write(Buffer.from(`${formatLogLine(line.trimEnd(), { color })}\n`)) }
    : { write: (line) => write(Buffer.from(line)), writeChunk: write };
  return {
    ...lines,
    flushSync: () => stdout.flushSync(),
    end: () => stdout.idle(),
  };
}

function prettySink(sink: LogSink): LogSink {
  return { ...sink, write: (line) => sink.write(`${formatLogLine(line.trimEnd())}\n`) };
}

let lastStampMs = -1;
let lastIso = '';
let lastStamp = '';

/** The current time as an ISO-8601 string, formatted once per millisecond (see `isoTimestamp`). */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastStampMs) {
    lastStampMs = now;
    lastIso = new Date(now).toISOString();
    lastStamp = `,"time":"${lastIso}"`;
  }
  return lastIso;
}

/**
 * pino's `isoTime`, made once per millisecond: a busy service logs many lines in the same millisecond,
 * and formatting the date was an eighth of a line's cost.
 */
function isoTimestamp(): string {
  isoNow();
  return lastStamp;
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
    const file = new DailyRollingFile(options);
    sinks.push({
      write: (line) => file.write(line),
      writeChunk: (bytes) => file.write(bytes),
      flushSync: () => file.flushSync(),
      end: () => file.end(),
    });
  }
  const tee = new LogTee(sinks);
  installExitHook();

  const logger = pino(
    {
      level,
      base: { service: opts.service },
      timestamp: isoTimestamp,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object, 0),
      },
    },
    tee,
  );
  // Child bindings (`logger.child({ email })`) are serialised once, when the child is made, without going
  // through `formatters.log`; every child inherits this method from the root logger.
  const makeChild = logger.child;
  logger.child = function child(this: Logger, bindings, options) {
    return makeChild.call(this, redact(bindings, 0), options);
  } as Logger['child'];
  return logger;
}

/** A value of a `lineWriter` field; `undefined` leaves the field out, as pino does. */
export type LineValue = string | number | undefined;

/**
 * A writer of one kind of log line with fixed field names, for paths that log once per record: the
 * same JSON line as `logger[level]({ ...fields }, msg)` (same level, time, bindings, masking of e-mail
 * fields and redaction of secrets, same field order), made without pino's generic walk over an object. At
 * thousands of records a second, building the object and pino's serialisation of it were a fifth of the
 * consume path. The logger's level is read at each call, so it can still change at runtime.
 */
export function lineWriter(
  logger: Logger,
  level: Exclude<LogLevel, 'silent'>,
  keys: readonly string[],
): (values: readonly LineValue[], msg: string) => void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  const threshold = logger.levels.values[level]!;
  if (!(stream instanceof LogTee)) {
    // Not one of ours (a test's plain pino): the generic path, same content.
    return (values, msg) => {
      const fields: Record<string, LineValue> = {};
      keys.forEach((key, index) => {
        fields[key] = values[index];
      });
      logger[level](fields, msg);
    };
  }
  const tee = stream;
  const head = `{"level":${JSON.stringify(level)}`;
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const names = keys.map((key) => `,${JSON.stringify(key)}:`);
  const clean = keys.map((key): ((value: unknown) => unknown) | undefined =>
    EMAILS.has(key) ? maskEmail : SECRETS.has(key) ? () => '[REDACTED]' : undefined,
  );
  // The same parts as bytes, for the chunk.
  const headBytes = Buffer.from(head);
  const bindingBytes = Buffer.from(bindings);
  const nameBytes = names.map((name) => Buffer.from(name));
  const msgBytes = Buffer.from(',"msg":');
  const endBytes = Buffer.from('}\n');
  const fixedRoom = headBytes.length + 40 + bindingBytes.length + msgBytes.length + endBytes.length;
  const nameRoom = nameBytes.reduce((sum, name) => sum + name.length, 0);

  const asString = (values: readonly LineValue[], msg: string): string => {
    let line = head + isoTimestamp() + bindings;
    for (let index = 0; index < names.length; index++) {
      const value = values[index];
      if (value === undefined) continue;
      const cleanValue = clean[index];
      const cleaned = cleanValue ? cleanValue(value) : value;
      const json =
        typeof cleaned === 'number' && !Number.isFinite(cleaned) ? 'null' : JSON.stringify(cleaned);
      line += names[index]! + json;
    }
    return `${line},"msg":${JSON.stringify(msg)}}\n`;
  };

  return (values, msg) => {
    if (logger.levelVal > threshold) return;
    if (!tee.bytesOnly) {
      tee.write(asString(values, msg));
      return;
    }
    const chunk = tee.chunk;
    let room = fixedRoom + nameRoom + msg.length * 6 + 2;
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      room += typeof value === 'string' ? value.length * 6 + 2 : 32;
    }
    chunk.room(room);
    chunk.bytes(headBytes);
    chunk.ascii(isoTimestamp());
    chunk.bytes(bindingBytes);
    for (let index = 0; index < nameBytes.length; index++) {
      const value = values[index];
      if (value === undefined) continue;
      const cleanValue = clean[index];
      const cleaned = cleanValue ? cleanValue(value) : value;
      chunk.bytes(nameBytes[index]!);
      if (typeof cleaned === 'string') chunk.jsonString(cleaned);
      else if (typeof cleaned === 'number') chunk.jsonNumber(cleaned);
      else chunk.utf8(JSON.stringify(cleaned) ?? 'null');
    }
    chunk.bytes(msgBytes);
    chunk.jsonString(msg);
    chunk.bytes(endBytes);
    tee.wrote();
  };
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
