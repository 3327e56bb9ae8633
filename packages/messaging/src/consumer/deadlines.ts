/**
 * Bounds many operations of the same length (the notifier's sends) at the cost of one timer and one
 * AbortController per short window of start times, instead of one of each per operation: at thousands of
 * sends a second, arming and clearing a timer, making a controller and linking signals per send cost
 * more than a log notifier's send itself.
 *
 * Every operation started within one window shares the window's signal and its timer, which fires `ms`
 * after the window closed: an operation is therefore cut between `ms` and `ms + window` after it began,
 * never earlier. When the timer fires, the operations of that window still running reject with
 * HandlerTimeoutError and the shared signal aborts (operations that already finished ignore it).
 */
import { isPromise, type MaybePromise } from './maybe-async.ts';
import { HandlerTimeoutError } from './timeout.ts';

interface Window {
  readonly controller: AbortController;
  /** Start times before this (`performance.now()`) join this window. */
  readonly closesAt: number;
  /** The reject functions of this window's operations still running. */
  readonly running: Set<(error: Error) => void>;
  /** Keeps the process alive only while one of the window's operations runs (as a timer per operation would). */
  timer: NodeJS.Timeout | undefined;
}

export class Deadlines {
  readonly #ms: number;
  readonly #windowMs: number;
  readonly #what: string;
  #open: Window | undefined;

  /** `ms`: the bound; `what` names the operation in the timeout error. */
  constructor(ms: number, what = 'operation') {
    this.#ms = ms;
    // A twentieth of the bound, at most 10 ms: a timeout comes at most 5 % (or 10 ms) late.
    this.#windowMs = Math.max(1, Math.min(10, Math.floor(ms / 20)));
    this.#what = what;
  }

  /**
   * Runs `operation` with a signal that aborts when its time is up; rejects with HandlerTimeoutError
   * then. An operation that finishes synchronously (returns its value or throws) is done: its value
   * comes back as it is, or its error is thrown, without a promise.
   */
  run<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T>;
  run<T>(operation: (signal: AbortSignal) => MaybePromise<T>): MaybePromise<T>;
  run<T>(operation: (signal: AbortSignal) => MaybePromise<T>): MaybePromise<T> {
    const window = this.#current();
    const pending = operation(window.controller.signal);
    if (!isPromise(pending)) return pending;
    return new Promise<T>((resolve, reject) => {
      if (window.running.size === 0) window.timer?.ref();
      window.running.add(reject);
      const done = () => {
        window.running.delete(reject);
        if (window.running.size === 0) window.timer?.unref();
      };
      pending.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }

  #current(): Window {
    const now = performance.now();
    const open = this.#open;
    if (open && now < open.closesAt) return open;
    const window: Window = {
      controller: new AbortController(),
      closesAt: now + this.#windowMs,
      running: new Set(),
      timer: undefined,
    };
    this.#open = window;
    window.timer = setTimeout(() => {
      if (this.#open === window) this.#open = undefined;
      if (window.running.size === 0) return;
      const error = new HandlerTimeoutError(`${this.#what} did not finish within ${this.#ms} ms`);
      window.controller.abort(error);
      for (const reject of window.running) reject(error);
      window.running.clear();
    }, this.#ms + this.#windowMs).unref(); // held only while an operation of the window runs (`run`)
    return window;
  }
}
