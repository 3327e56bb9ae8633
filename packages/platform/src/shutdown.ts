/**
 * Graceful shutdown on SIGINT/SIGTERM: stop taking work, close clients in order, flush the log, exit.
 *
 * The order matters (HTTP first so no request is half-served, then consumers, then producers and Redis),
 * so the steps run one after another, each logged with its duration. A failing step is logged and the
 * next one still runs (exit code 1). The whole is bounded by `timeoutMs`: a stuck client must not keep
 * an orchestrator waiting for its SIGKILL. A second signal exits at once. The logic (`createShutdown`) is
 * separate from the `process` wiring (`installShutdown`) so it can be tested without sending signals.
 */
import type { Logger } from 'pino';
import { flushLogger } from './logger.ts';

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Longest the whole shutdown may take before the process exits with code 1. */
  timeoutMs: number;
  steps: readonly ShutdownStep[];
}

export interface ShutdownDeps {
  exit: (code: number) => void;
  /** Drains the logger; default `flushLogger`. Bounded by `flushTimeoutMs`. */
  flush?: (logger: Logger) => Promise<void>;
  flushTimeoutMs?: number;
}

export interface Shutdown {
  /** Starts the shutdown; called again while it runs, exits immediately. */
  trigger(reason: string): void;
  /** Settles with the exit code once `exit` has been called. */
  readonly finished: Promise<number>;
}

export function createShutdown(opts: ShutdownOptions, deps: ShutdownDeps): Shutdown {
  const { logger, timeoutMs, steps } = opts;
  const flush = deps.flush ?? flushLogger;
  const flushTimeoutMs = deps.flushTimeoutMs ?? 2000;
  let started = false;
  let exited = false;
  let resolveFinished: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    resolveFinished = resolve;
  });

  function exitNow(code: number): void {
    if (exited) return;
    exited = true;
    deps.exit(code);
    resolveFinished(code);
  }

  async function finish(code: number): Promise<void> {
    if (exited) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, flushTimeoutMs);
    });
    await Promise.race([flush(logger).catch(() => {}), bound]);
    clearTimeout(timer);
    exitNow(code);
  }

  async function run(reason: string): Promise<void> {
    const startedAt = performance.now();
    logger.info({ reason, steps: steps.map((s) => s.name), timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, `shutdown did not finish within ${timeoutMs} ms; exiting`);
      void finish(1);
    }, timeoutMs);

    let failed = false;
    for (const step of steps) {
      if (exited) return;
      const stepStart = performance.now();
      try {
        await step.run();
        logger.info(
          { step: step.name, durationMs: Math.round(performance.now() - stepStart) },
          `stopped ${step.name}`,
        );
      } catch (error) {
        failed = true;
        logger.error({ step: step.name, err: error }, `failed to stop ${step.name}`);
      }
    }
    clearTimeout(deadline);
    const durationMs = Math.round(performance.now() - startedAt);
    if (failed) logger.warn({ durationMs }, 'shutdown finished with errors');
    else logger.info({ durationMs }, 'shutdown complete');
    await finish(failed ? 1 : 0);
  }

  return {
    finished,
    trigger(reason: string): void {
      if (exited) return;
      if (started) {
        logger.warn({ reason }, 'second shutdown signal: exiting now');
        exitNow(1);
        return;
      }
      started = true;
      void run(reason);
    },
  };
}

/** Where signals come from and how to exit: this process, unless a test says otherwise. */
export interface ShutdownWiring extends Partial<ShutdownDeps> {
  signals?: Pick<NodeJS.EventEmitter, 'on'>;
}

/** Wires `createShutdown` to SIGINT and SIGTERM of this process. Returns it, so code can trigger it too. */
export function installShutdown(opts: ShutdownOptions, wiring: ShutdownWiring = {}): Shutdown {
  const { signals = process, exit = (code: number) => process.exit(code), ...rest } = wiring;
  const shutdown = createShutdown(opts, { ...rest, exit });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    signals.on(signal, () => shutdown.trigger(signal));
  }
  return shutdown;
}
