/**
 * Turns one JSON log line into a line a person can read:
 * `HH:MM:SS.mmm LEVEL [service] msg key=value ...`.
 *
 * Files and stdout stay JSON (machines read them); this formatter serves the tail scripts
 * (`scripts/pretty-log.ts`) and `LOG_FORMAT=pretty` on the console. Lines that are not JSON objects
 * pass through untouched, so it is safe to pipe anything through it.
 */

const LEVEL_BY_NUMBER: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

const COLOR_BY_LEVEL: Record<string, string> = {
  TRACE: '\x1b[90m',
  DEBUG: '\x1b[36m',
  INFO: '\x1b[32m',
  WARN: '\x1b[33m',
  ERROR: '\x1b[31m',
  FATAL: '\x1b[35m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** Fields shown in the fixed part of the line (or of no use to a reader). */
const HEADER_KEYS = new Set(['time', 'level', 'service', 'msg', 'pid', 'hostname', 'v']);

export interface FormatOptions {
  /** ANSI colours for the level and the key names. */
  color?: boolean;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function clock(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '--:--:--.---';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function levelName(level: unknown): string {
  if (typeof level === 'number') return LEVEL_BY_NUMBER[level] ?? `L${level}`;
  if (typeof level === 'string') return level.toUpperCase();
  return 'INFO';
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

function isErrorLike(value: unknown): value is { type?: unknown; message?: unknown; stack?: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value && 'stack' in value;
}

/** Formats one line; returns it unchanged when it is not a JSON object. */
export function formatLogLine(line: string, opts: FormatOptions = {}): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }

  const color = opts.color === true;
  const level = levelName(record.level);
  const levelText = level.padEnd(5);
  const parts = [
    clock(record.time),
    color ? `${COLOR_BY_LEVEL[level] ?? ''}${levelText}${RESET}` : levelText,
    `[${typeof record.service === 'string' ? record.service : '-'}]`,
  ];
  if (record.msg !== undefined) parts.push(String(record.msg));

  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (HEADER_KEYS.has(key)) continue;
    if (isErrorLike(value)) {
      const type = typeof value.type === 'string' ? `${value.type}: ` : '';
      parts.push(`${color ? `${DIM}${key}${RESET}` : key}=${scalar(`${type}${String(value.message)}`)}`);
      if (typeof value.stack === 'string') stacks.push(value.stack.replace(/^/gm, '    '));
      continue;
    }
    parts.push(`${color ? `${DIM}${key}${RESET}` : key}=${scalar(value)}`);
  }
  const head = parts.join(' ');
  return stacks.length > 0 ? `${head}\n${stacks.join('\n')}` : head;
}
