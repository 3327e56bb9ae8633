/**
 * Asynchronous, ordered writes of byte chunks to one file descriptor: one write in flight at a time;
 * chunks that arrive meanwhile go out together in the next one. The logger's two destinations (stdout
 * and the log file) use it; the caller never waits on a disk or a pipe.
 *
 * Why not sonic-boom (pino's own destination): in its buffer mode, on Node 22.7 and later, it copies
 * every chunk once more before writing it (a change meant for its string mode), and with two
 * destinations at tens of megabytes a second that copy was a tenth of notification-service's busiest
 * path. What is needed here is small: order, partial writes, a full non-blocking pipe (EAGAIN), and a
 * synchronous flush at exit.
 */
import { write, writeSync } from 'node:fs';

/** How long to wait before writing again to a pipe that was full. */
const PIPE_FULL_RETRY_MS = 10;

export class FdWriter {
  readonly fd: number;
  readonly #onError: (error: NodeJS.ErrnoException) => void;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  /** The chunk being written, or undefined when idle. */
  #inFlight: Buffer | undefined;
  #idleWaiters: Array<() => void> = [];

  /** `onError`: a chunk that could not be written (other than a full pipe) is reported and dropped. */
  constructor(fd: number, onError: (error: NodeJS.ErrnoException) => void = () => {}) {
    this.fd = fd;
    this.#onError = onError;
  }

  /** Queues `bytes` (not copied: they must not change afterwards). */
  write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    if (this.#inFlight === undefined) this.#next();
  }

  /** Bytes queued or being written. */
  get pendingBytes(): number {
    return this.#queuedBytes + (this.#inFlight?.length ?? 0);
  }

  /** Resolves once everything queued so far is written (or dropped after an error). */
  idle(): Promise<void> {
    if (this.#inFlight === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Writes what is queued synchronously, for `process.on('exit')` where nothing asynchronous runs any
   * more. A write already in flight was handed to the kernel by a thread-pool thread; what is queued
   * behind it follows it.
   */
  flushSync(): void {
    const chunk = this.#take();
    let offset = 0;
    let fullPipeTries = 0;
    while (chunk && offset < chunk.length) {
      try {
        offset += writeSync(this.fd, chunk, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++fullPipeTries > 1000) return;
      }
    }
  }

  #take(): Buffer | undefined {
    if (this.#queue.length === 0) return undefined;
    const chunk = this.#queue.length === 1 ? this.#queue[0]! : Buffer.concat(this.#queue, this.#queuedBytes);
    this.#queue = [];
    this.#queuedBytes = 0;
    return chunk;
  }

  #next(): void {
    const chunk = this.#take();
    if (chunk) {
      this.#writeFrom(chunk, 0);
      return;
    }
    this.#inFlight = undefined;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #writeFrom(chunk: Buffer, offset: number): void {
    this.#inFlight = chunk;
    write(this.fd, chunk, offset, chunk.length - offset, null, (error, written) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          setTimeout(() => this.#writeFrom(chunk, offset), PIPE_FULL_RETRY_MS);
          return;
        }
        this.#onError(error);
      } else if (offset + written < chunk.length) {
        this.#writeFrom(chunk, offset + written);
        return;
      }
      this.#next();
    });
  }
}
