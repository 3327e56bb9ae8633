/**
 * Waiting out an outage. When Redis or the dead-letter topic cannot be reached, the record is not at
 * fault: retrying it a fixed number of times and then dead-lettering it would throw a healthy event
 * away. Instead the operation is tried again with a capped exponential back-off until it works or the
 * lane is stopped, and the outage is reported (health turns DOWN) while it lasts.
 */
import { sleep } from './errors.ts';

export interface OutageTracker {
  /** Called on every failed try. */
  down(component: string, error: unknown, retryInMs: number): void;
  /** Called when the operation worked again after a failure. */
  up(component: string): void;
}

export interface WaitOutOptions {
  component: string;
  tracker?: OutageTracker | undefined;
  signal: AbortSignal;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export async function waitOut<T>(operation: () => Promise<T>, options: WaitOutOptions): Promise<T> {
  let delay = options.initialDelayMs ?? 200;
  const maxDelay = options.maxDelayMs ?? 10_000;
  let failed = false;
  for (;;) {
    try {
      const result = await operation();
      if (failed) options.tracker?.up(options.component);
      return result;
    } catch (error) {
      failed = true;
      options.tracker?.down(options.component, error, delay);
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** Remembers which components are down, for the health endpoint. */
export class OutageBoard implements OutageTracker {
  readonly #down = new Map<string, { since: number; error: string }>();
  readonly #log: ((component: string, error: unknown, retryInMs: number) => void) | undefined;

  constructor(log?: (component: string, error: unknown, retryInMs: number) => void) {
    this.#log = log;
  }

  down(component: string, error: unknown, retryInMs: number): void {
    if (!this.#down.has(component)) {
      this.#down.set(component, {
        since: Date.now(),
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.#log?.(component, error, retryInMs);
  }

  up(component: string): void {
    this.#down.delete(component);
  }

  current(): ReadonlyMap<string, { since: number; error: string }> {
    return this.#down;
  }
}
