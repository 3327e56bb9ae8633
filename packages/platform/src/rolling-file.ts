/**
 * A log file rolled daily, the way logback's TimeBasedRollingPolicy did it for the original services:
 * the active file is always `application.log`; the first write after local midnight renames it to
 * `application.YYYY-MM-DD.log` (the day its lines belong to) and starts a new one; only the newest
 * `maxArchives` archives are kept.
 *
 * Writes are asynchronous (`fd-writer.ts`), so the hot path never blocks on the disk. The roll
 * itself is synchronous (a rename and an open, once a day) and safe with writes in flight: on POSIX a
 * renamed file keeps its inode, so lines still buffered for the old descriptor land in the archive,
 * where they belong. Pruning runs in the background. The clock is injectable for tests.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FdWriter } from './fd-writer.ts';

export interface RollingFileOptions {
  /** Directory of the files, created if missing (e.g. `logs/order-service`). */
  dir: string;
  /** File name without extension; default `application`. */
  baseName?: string;
  /** Archives kept, newest first; default 30 (logback's maxHistory in the original). */
  maxArchives?: number;
  /** Current time in ms; default `Date.now`. */
  now?: () => number;
  /** Where I/O problems go; a logger cannot log its own failures. Default: a line on stderr. */
  onError?: (error: Error) => void;
}

/** `YYYY-MM-DD` of the local day containing `ms`. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Local midnight after `ms`; `new Date(y, m, d + 1)` takes care of month ends and DST. */
function nextLocalMidnight(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export class DailyRollingFile {
  readonly activePath: string;
  /** Settles when the latest background prune has finished (tests await it). */
  maintenance: Promise<void> = Promise.resolve();

  readonly #dir: string;
  readonly #baseName: string;
  readonly #maxArchives: number;
  readonly #now: () => number;
  readonly #onError: (error: Error) => void;
  readonly #archivePattern: RegExp;
  readonly #closing: Promise<void>[] = [];
  #stream: FdWriter;
  #periodStart: number;
  #rollAt: number;
  #ended = false;

  constructor(opts: RollingFileOptions) {
    this.#dir = opts.dir;
    this.#baseName = opts.baseName ?? 'application';
    this.#maxArchives = opts.maxArchives ?? 30;
    this.#now = opts.now ?? Date.now;
    this.#onError =
      opts.onError ?? ((error) => process.stderr.write(`[logger] ${this.activePath}: ${error.message}\n`));
    this.#archivePattern = new RegExp(
      `^${escapeRegExp(this.#baseName)}\\.(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?\\.log$`,
    );
    this.activePath = join(this.#dir, `${this.#baseName}.log`);

    mkdirSync(this.#dir, { recursive: true });
    const now = this.#now();
    this.#archiveLeftover(now);
    this.#periodStart = now;
    this.#rollAt = nextLocalMidnight(now);
    this.#stream = this.#open();
    this.maintenance = this.#prune();
  }

  /** Appends one chunk (log lines; a string is written as UTF-8), rolling first when the day has changed. */
  write(chunk: string | Buffer): void {
    if (this.#ended) return;
    if (this.#now() >= this.#rollAt) this.roll();
    this.#stream.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }

  /** Archives the active file and starts a new one. Called by `write`; public for tests and tools. */
  roll(): void {
    const archive = this.#archivePath(localDay(this.#periodStart));
    const old = this.#stream;
    try {
      renameSync(this.activePath, archive);
    } catch (error) {
      if (!isMissing(error)) this.#onError(error as Error);
    }
    this.#stream = this.#open();
    this.#closing.push(closeWhenWritten(old));
    const now = this.#now();
    this.#periodStart = now;
    this.#rollAt = nextLocalMidnight(now);
    this.maintenance = this.maintenance.then(() => this.#prune());
  }

  /** Writes whatever is buffered, synchronously. For `process.on('exit')`, where nothing async runs. */
  flushSync(): void {
    if (this.#ended) return;
    this.#stream.flushSync();
  }

  /** Writes what is buffered, closes the file, and settles when every descriptor is closed. */
  async end(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      this.#closing.push(closeWhenWritten(this.#stream));
    }
    await Promise.all([...this.#closing, this.maintenance]);
  }

  /** A file left by an earlier run on an earlier day is archived under the day it was last written. */
  #archiveLeftover(now: number): void {
    try {
      const stat = statSync(this.activePath);
      if (stat.size > 0 && stat.mtimeMs < startOfLocalDay(now)) {
        renameSync(this.activePath, this.#archivePath(localDay(stat.mtimeMs)));
      }
    } catch (error) {
      if (!isMissing(error)) this.#onError(error as Error);
    }
  }

  #open(): FdWriter {
    // Opened synchronously (once a day) so the descriptor exists before any rename can happen.
    return new FdWriter(openSync(this.activePath, 'a'), (error) => this.#onError(error));
  }

  #archivePath(day: string): string {
    let path = join(this.#dir, `${this.#baseName}.${day}.log`);
    for (let i = 1; existsSync(path); i++) path = join(this.#dir, `${this.#baseName}.${day}.${i}.log`);
    return path;
  }

  async #prune(): Promise<void> {
    try {
      const archives: { name: string; day: string; index: number }[] = [];
      for (const name of await readdir(this.#dir)) {
        const match = this.#archivePattern.exec(name);
        if (match) archives.push({ name, day: match[1] ?? '', index: Number(match[2] ?? 0) });
      }
      archives.sort((a, b) => (a.day === b.day ? b.index - a.index : a.day < b.day ? 1 : -1));
      for (const old of archives.slice(this.#maxArchives)) {
        await unlink(join(this.#dir, old.name)).catch((error: unknown) => {
          if (!isMissing(error)) throw error;
        });
      }
    } catch (error) {
      this.#onError(error as Error);
    }
  }
}

/** Closes a file's descriptor once everything queued for it is written. */
async function closeWhenWritten(writer: FdWriter): Promise<void> {
  await writer.idle();
  try {
    closeSync(writer.fd);
  } catch {
    // already closed
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
