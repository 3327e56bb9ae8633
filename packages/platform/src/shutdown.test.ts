import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { createLogger, type LogSink } from './logger.ts';
import { createShutdown, installShutdown, type ShutdownStep } from './shutdown.ts';

function setup() {
  const lines: string[] = [];
  const sink: LogSink = { write: (line) => lines.push(line) };
  const logger = createLogger({ service: 's', logDir: false, consoleSink: sink });
  const events: string[] = [];
  const exits: number[] = [];
  const deps = {
    exit: (code: number) => {
      exits.push(code);
      events.push(`exit ${code}`);
    },
    flush: async () => {
      events.push('flush');
    },
  };
  const step = (name: string, run?: () => Promise<void>): ShutdownStep => ({
    name,
    run: async () => {
      events.push(name);
      await run?.();
    },
  });
  const messages = () => lines.map((l) => JSON.parse(l).msg as string);
  return { logger, events, exits, deps, step, messages };
}

describe('createShutdown', () => {
  it('runs the steps in order, flushes the log, exits 0', async () => {
    const t = setup();
    const shutdown = createShutdown(
      { logger: t.logger, timeoutMs: 1000, steps: [t.step('http'), t.step('consumer'), t.step('redis')] },
      t.deps,
    );
    shutdown.trigger('SIGTERM');
    assert.equal(await shutdown.finished, 0);
    assert.deepEqual(t.events, ['http', 'consumer', 'redis', 'flush', 'exit 0']);
    assert.ok(t.messages().includes('shutting down'));
    assert.ok(t.messages().includes('stopped consumer'));
    assert.ok(t.messages().includes('shutdown complete'));
  });

  it('logs a failing step, still runs the next ones, exits 1', async () => {
    const t = setup();
    const shutdown = createShutdown(
      {
        logger: t.logger,
        timeoutMs: 1000,
        steps: [
          t.step('http', async () => {
            throw new Error('close failed');
          }),
          t.step('redis'),
        ],
      },
      t.deps,
    );
    shutdown.trigger('SIGINT');
    assert.equal(await shutdown.finished, 1);
    assert.deepEqual(t.events, ['http', 'redis', 'flush', 'exit 1']);
    assert.ok(t.messages().includes('failed to stop http'));
  });

  it('exits 1 when the steps take longer than timeoutMs', async () => {
    const t = setup();
    const shutdown = createShutdown(
      {
        logger: t.logger,
        timeoutMs: 30,
        steps: [t.step('stuck', () => new Promise(() => {})), t.step('never')],
      },
      t.deps,
    );
    shutdown.trigger('SIGTERM');
    assert.equal(await shutdown.finished, 1);
    assert.deepEqual(t.events, ['stuck', 'flush', 'exit 1']);
    assert.ok(t.messages().some((m) => /did not finish within 30 ms/.test(m)));
  });

  it('a second signal exits at once', async () => {
    const t = setup();
    let release: () => void = () => {};
    const shutdown = createShutdown(
      {
        logger: t.logger,
        timeoutMs: 5000,
        steps: [t.step('slow', () => new Promise<void>((resolve) => (release = resolve)))],
      },
      t.deps,
    );
    shutdown.trigger('SIGINT');
    shutdown.trigger('SIGINT');
    assert.equal(await shutdown.finished, 1);
    assert.deepEqual(t.exits, [1]);
    assert.ok(t.messages().includes('second shutdown signal: exiting now'));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(t.exits, [1], 'exit is called only once');
  });

  it('installShutdown reacts to SIGTERM and SIGINT of the given emitter', async () => {
    const t = setup();
    const signals = new EventEmitter();
    const shutdown = installShutdown(
      { logger: t.logger, timeoutMs: 1000, steps: [t.step('http')] },
      { ...t.deps, signals },
    );
    assert.equal(signals.listenerCount('SIGTERM'), 1);
    assert.equal(signals.listenerCount('SIGINT'), 1);
    signals.emit('SIGTERM');
    assert.equal(await shutdown.finished, 0);
    assert.deepEqual(t.events, ['http', 'flush', 'exit 0']);
  });
});
