/**
 * Typed configuration from environment variables, read once at start-up.
 *
 * Why readers record problems instead of throwing: an operator fixing a deployment wants every bad
 * variable at once, not one per restart. Each reader returns its default on a bad value and notes the
 * problem on the `EnvSource`; `loadConfig` throws one `ConfigError` listing them all, and
 * `loadConfigOrExit` turns that into a message on stderr and exit code 1. Values of variables whose
 * name looks secret are never echoed.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';

/** Environment variables plus the problems found while reading them. Made by `loadConfig`. */
export interface EnvSource {
  readonly vars: Readonly<Record<string, string | undefined>>;
  readonly problems: string[];
}

/** Every problem found in the environment, one line each, naming the variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super(
      `Invalid configuration (${problems.length} ${noun}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;
const MAX_ECHO = 80;

/** True when a variable's value must never appear in messages or logs. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

function shown(name: string, value: string): string {
  if (isSecretName(name)) return '<hidden>';
  const text = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}...` : value;
  return JSON.stringify(text);
}

/** Reads and trims a variable; blank counts as unset (compose files often write `FOO=`). */
function raw(env: EnvSource, name: string): string | undefined {
  const value = env.vars[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function problem<T>(env: EnvSource, name: string, value: string, expectation: string, fallback: T): T {
  env.problems.push(`${name} must be ${expectation}, got ${shown(name, value)}`);
  return fallback;
}

function missing<T>(env: EnvSource, name: string, fallback: T): T {
  env.problems.push(`${name} is required`);
  return fallback;
}

export interface StringOptions {
  /** Keep an empty value instead of treating it as unset. */
  allowEmpty?: boolean;
  /** The value must match this pattern; `describe` explains it in the message. */
  pattern?: RegExp;
  describe?: string;
}

/** A string; `defaultValue: undefined` makes the variable required. */
export function readString(
  env: EnvSource,
  name: string,
  defaultValue: string | undefined,
  opts: StringOptions = {},
): string {
  const value = opts.allowEmpty ? env.vars[name] : raw(env, name);
  if (value === undefined) return defaultValue ?? missing(env, name, '');
  if (opts.pattern && !opts.pattern.test(value)) {
    return problem(
      env,
      name,
      value,
      opts.describe ?? `a string matching ${opts.pattern}`,
      defaultValue ?? '',
    );
  }
  return value;
}

export interface IntOptions {
  min?: number;
  max?: number;
}

function rangeText(opts: IntOptions): string {
  const { min, max } = opts;
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

/** A decimal integer, optionally bounded (inclusive). */
export function readInt(env: EnvSource, name: string, defaultValue: number, opts: IntOptions = {}): number {
  const value = raw(env, name);
  if (value === undefined) return defaultValue;
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
  const ok =
    Number.isSafeInteger(n) &&
    (opts.min === undefined || n >= opts.min) &&
    (opts.max === undefined || n <= opts.max);
  return ok ? n : problem(env, name, value, `an integer${rangeText(opts)}`, defaultValue);
}

/** A TCP port, 1..65535. */
export function readPort(env: EnvSource, name: string, defaultValue: number): number {
  return readInt(env, name, defaultValue, { min: 1, max: 65535 });
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** true/false, 1/0, yes/no, on/off, any case. */
export function readBool(env: EnvSource, name: string, defaultValue: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return defaultValue;
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return problem(env, name, value, 'a boolean (true/false, 1/0, yes/no, on/off)', defaultValue);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO_DURATION = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i;

/** Parses `2000` (ms, like Spring), `500ms`, `2s`, `1.5m`, `1h`, `7d` or ISO `PT2S`; undefined if invalid. */
export function parseDurationMs(text: string): number | undefined {
  const simple = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text);
  if (simple) {
    const unit = UNIT_MS[(simple[2] ?? 'ms').toLowerCase()] ?? 1;
    return Math.round(Number(simple[1]) * unit);
  }
  const iso = ISO_DURATION.exec(text);
  if (iso && text.length > 2) {
    const [, h = '0', m = '0', s = '0'] = iso;
    return Math.round(Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000);
  }
  return undefined;
}

/** A duration in milliseconds (see `parseDurationMs` for the accepted forms), optionally bounded. */
export function readDurationMs(
  env: EnvSource,
  name: string,
  defaultValue: number,
  opts: IntOptions = {},
): number {
  const value = raw(env, name);
  if (value === undefined) return defaultValue;
  const ms = parseDurationMs(value);
  const ok =
    ms !== undefined &&
    (opts.min === undefined || ms >= opts.min) &&
    (opts.max === undefined || ms <= opts.max);
  if (ok) return ms;
  const range = rangeText(opts);
  return problem(
    env,
    name,
    value,
    `a duration like 2000, 500ms, 2s, 1m or PT2S${range ? ` (ms${range})` : ''}`,
    defaultValue,
  );
}

/** Comma-separated values, trimmed, blanks dropped. */
export function readList(
  env: EnvSource,
  name: string,
  defaultValue: readonly string[],
  opts: { minItems?: number } = {},
): string[] {
  const value = raw(env, name);
  if (value === undefined) return [...defaultValue];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (opts.minItems !== undefined && items.length < opts.minItems) {
    return problem(env, name, value, `a comma-separated list of at least ${opts.minItems} item(s)`, [
      ...defaultValue,
    ]);
  }
  return items;
}

/** One of `values`, matched case-insensitively and returned in its canonical spelling. */
export function readEnum<T extends string>(
  env: EnvSource,
  name: string,
  defaultValue: T,
  values: readonly T[],
): T {
  const value = raw(env, name);
  if (value === undefined) return defaultValue;
  const found = values.find((v) => v.toLowerCase() === value.toLowerCase());
  return found ?? problem(env, name, value, `one of ${values.join(', ')}`, defaultValue);
}

/** An absolute URL, or undefined when unset and no default is given. */
export function readUrl(
  env: EnvSource,
  name: string,
  defaultValue?: string,
  opts: { protocols?: readonly string[] } = {},
): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return defaultValue;
  const protocols = opts.protocols ?? ['http:', 'https:'];
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && protocols.includes(url.protocol)) return value;
  const schemes = protocols.map((p) => p.replace(/:$/, '')).join(' or ');
  return problem(env, name, value, `an absolute ${schemes} URL`, defaultValue);
}

/** Runs `build` against the environment and throws one `ConfigError` listing every problem found. */
export function loadConfig<T>(
  build: (env: EnvSource) => T,
  vars: Readonly<Record<string, string | undefined>> = process.env,
): T {
  const env: EnvSource = { vars, problems: [] };
  const config = build(env);
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return config;
}

export interface LoadConfigIo {
  vars?: Readonly<Record<string, string | undefined>>;
  writeStderr?: (text: string) => void;
  exit?: (code: number) => never;
}

/**
 * `loadConfig`, but a `ConfigError` is printed to stderr (and logged as fatal when a logger exists)
 * and the process exits with code 1. Other errors are bugs and propagate.
 */
export function loadConfigOrExit<T>(build: (env: EnvSource) => T, logger?: Logger, io: LoadConfigIo = {}): T {
  try {
    return loadConfig(build, io.vars ?? process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger?.fatal({ problems: error.problems }, 'invalid configuration');
    (io.writeStderr ?? ((text: string) => process.stderr.write(text)))(`${error.message}\n`);
    return (io.exit ?? ((code: number) => process.exit(code)))(1);
  }
}

/** TLS settings of a client connection, shaped for `node:tls` (ioredis and the Kafka client take them as is). */
export interface TlsClientOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

/**
 * `<prefix>_TLS_ENABLED` and its companions: `_TLS_CA_FILE` (PEM of the CA to trust instead of the system's),
 * `_TLS_CERT_FILE` + `_TLS_KEY_FILE` (client certificate, for servers that require one), `_TLS_SERVERNAME`
 * (the name the server's certificate must carry, when it differs from the host) and
 * `_TLS_REJECT_UNAUTHORIZED` (true; false only for a test server). Undefined when TLS is off.
 */
export function readTlsClient(env: EnvSource, prefix: string): TlsClientOptions | undefined {
  if (!readBool(env, `${prefix}_TLS_ENABLED`, false)) return undefined;
  const pem = (suffix: string): [file: string, text: string | undefined] => {
    const name = `${prefix}_TLS_${suffix}`;
    const file = readString(env, name, '');
    if (!file) return [file, undefined];
    try {
      return [file, readFileSync(file, 'utf8')];
    } catch (error) {
      env.problems.push(`${name} cannot be read: ${(error as Error).message}`);
      return [file, undefined];
    }
  };
  const [, ca] = pem('CA_FILE');
  const [certFile, cert] = pem('CERT_FILE');
  const [keyFile, key] = pem('KEY_FILE');
  if (!certFile !== !keyFile) {
    env.problems.push(`${prefix}_TLS_CERT_FILE and ${prefix}_TLS_KEY_FILE go together: set both or neither`);
  }
  const servername = readString(env, `${prefix}_TLS_SERVERNAME`, '');
  return {
    rejectUnauthorized: readBool(env, `${prefix}_TLS_REJECT_UNAUTHORIZED`, true),
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
    ...(servername ? { servername } : {}),
  };
}
