import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Deadlines } from './deadlines.ts';
import { HandlerTimeoutError } from './timeout.ts';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('Deadlines', () => {
  test('an operation that finishes in time gives its value, and its signal stays quiet', async () => {
    const deadlines = new Deadlines(200, 'send');
    let seen: AbortSignal | undefined;
    const value = await deadlines.run(async (signal) => {
      seen = signal;
      return 42;
    });
    assert.equal(value, 42);
    assert.equal(seen?.aborted, false);
  });

  test('a hung operation fails with HandlerTimeoutError once its bound passed, and its signal aborts', async () => {
    const deadlines = new Deadlines(100, 'notification send');
    let seen: AbortSignal | undefined;
    const started = performance.now();
    await assert.rejects(
      deadlines.run((signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      }),
      (error: Error) => {
        assert.ok(error instanceof HandlerTimeoutError);
        assert.equal(error.message, 'notification send did not finish within 100 ms');
        return true;
      },
    );
    // Timers may fire a millisecond early by the high-resolution clock; never a whole window early.
    assert.ok(performance.now() - started >= 99, `cut after ${performance.now() - started} ms`);
    assert.equal(seen?.aborted, true);
    assert.ok(seen?.reason instanceof HandlerTimeoutError);
  });

  test('operations of one window: the hung ones time out, the ones that finished keep their result', async () => {
    const deadlines = new Deadlines(60);
    const quick = deadlines.run(async () => 'done');
    const hung = deadlines.run(() => new Promise<never>(() => {}));
    const late = deadlines.run(
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => resolve('ignored'), { once: true });
        }),
    );
    assert.equal(await quick, 'done');
    await assert.rejects(hung, HandlerTimeoutError);
    await assert.rejects(late, HandlerTimeoutError, 'a value after the bound does not count');
  });

  test('an operation started in a later window is not cut by an earlier window’s timer', async () => {
    const deadlines = new Deadlines(100);
    const first = deadlines.run(() => new Promise<never>(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 60));
    let finish: (value: string) => void = () => {};
    const second = deadlines.run(() => new Promise<string>((resolve) => (finish = resolve)));
    await assert.rejects(first, HandlerTimeoutError);
    // The first window's bound has passed; the second operation, 60 ms younger, still has time.
    finish('in time');
    assert.equal(await second, 'in time');
  });

  test('a failing operation passes its own error on: thrown at once, or rejected', async () => {
    const deadlines = new Deadlines(1000);
    assert.throws(
      () =>
        deadlines.run(() => {
          throw new Error('thrown at once');
        }),
      /thrown at once/,
    );
    await assert.rejects(
      deadlines.run(async () => {
        throw new Error('rejected');
      }),
      /rejected/,
    );
  });

  test('an operation that finishes synchronously gives its value at once, holding no timer', () => {
    const deadlines = new Deadlines(10_000);
    const before = timers();
    let seen: AbortSignal | undefined;
    const value = deadlines.run((signal) => {
      seen = signal;
      return 'sent';
    });
    assert.equal(value, 'sent', 'the value itself, not a promise');
    assert.equal(seen?.aborted, false);
    assert.equal(timers(), before, 'nothing keeps the process alive for it');
  });

  test('the shared timer keeps the process alive only while one of its operations runs', async () => {
    const deadlines = new Deadlines(10_000);
    const before = timers();
    let finish: () => void = () => {};
    const running = deadlines.run(() => new Promise<void>((resolve) => (finish = resolve)));
    assert.equal(timers(), before + 1, 'armed while the operation runs');
    finish();
    await running;
    assert.equal(timers(), before, 'no longer holding the process once it finished');
  });
});
