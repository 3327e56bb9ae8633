/** The idempotency gate against a real redis-server started by this test. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { type RedisServer, startRedis } from '../../../tools/redis/server.ts';
import { OutageBoard } from './consumer/outage.ts';
import { IdempotencyGate, processedKeyPrefix } from './idempotency.ts';

let server: RedisServer;
let redis: Redis;
const signal = new AbortController().signal;

before(async () => {
  server = await startRedis({ dataDir: mkdtempSync(join(tmpdir(), 'gate-redis-')) });
  redis = new Redis({
    host: server.host,
    port: server.port,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: () => 100,
  });
  await redis.connect();
});

after(async () => {
  redis?.disconnect();
  await server?.stop();
});

function gate(options: Partial<ConstructorParameters<typeof IdempotencyGate>[1]> = {}) {
  return new IdempotencyGate(redis, { doneTtlSeconds: 604_800, leaseMs: 2000, busyPollMs: 50, ...options });
}

const id = () => crypto.randomUUID();

describe('IdempotencyGate', () => {
  test('first send is SENT and leaves the done mark 1 with the 7-day TTL; the next is DUPLICATE', async () => {
    const eventId = id();
    let sends = 0;
    assert.equal(await gate().guard(eventId, signal, async () => void sends++), 'SENT');
    assert.equal(await redis.get(processedKeyPrefix + eventId), '1');
    const ttl = await redis.ttl(processedKeyPrefix + eventId);
    assert.ok(ttl > 604_000 && ttl <= 604_800);
    assert.equal(await gate().guard(eventId, signal, async () => void sends++), 'DUPLICATE');
    assert.equal(sends, 1);
  });

  test('the Java service’s mark (SET key 1 EX 604800 NX) counts as done', async () => {
    const eventId = id();
    assert.equal(await redis.set(processedKeyPrefix + eventId, '1', 'EX', 604_800, 'NX'), 'OK');
    let sends = 0;
    assert.equal(await gate().guard(eventId, signal, async () => void sends++), 'DUPLICATE');
    assert.equal(sends, 0);
  });

  test('while sending, the key holds a lease: a Java SET NX is refused, and a failed send releases it', async () => {
    const eventId = id();
    await assert.rejects(
      async () =>
        gate().guard(eventId, signal, async () => {
          const value = await redis.get(processedKeyPrefix + eventId);
          assert.match(value ?? '', /^lease:/);
          const pttl = await redis.pttl(processedKeyPrefix + eventId);
          assert.ok(pttl > 0 && pttl <= 2000, 'a short lease, not a 7-day mark');
          assert.equal(await redis.set(processedKeyPrefix + eventId, '1', 'EX', 604_800, 'NX'), null);
          throw new Error('send failed');
        }),
      /send failed/,
    );
    assert.equal(await redis.get(processedKeyPrefix + eventId), null, 'released for the retry');
  });

  test('a live lease of another attempt is waited for, never skipped; an expired one is taken over', async () => {
    const eventId = id();
    await redis.set(processedKeyPrefix + eventId, 'lease:crashed-instance:1', 'PX', 400);
    const started = Date.now();
    let sends = 0;
    assert.equal(await gate().guard(eventId, signal, async () => void sends++), 'SENT');
    assert.ok(Date.now() - started >= 300, 'waited for the lease to expire');
    assert.equal(sends, 1);
    assert.equal(await redis.get(processedKeyPrefix + eventId), '1');
  });

  test('only the owner releases a lease', async () => {
    const eventId = id();
    const key = processedKeyPrefix + eventId;
    await assert.rejects(async () =>
      gate({ leaseMs: 1000 }).guard(eventId, signal, async () => {
        await redis.set(key, 'lease:someone-else:9', 'PX', 5000); // our lease expired, another took over
        throw new Error('late failure');
      }),
    );
    assert.equal(await redis.get(key), 'lease:someone-else:9');
  });

  test('a Redis outage is waited out and reported, not turned into a failure', async () => {
    const eventId = id();
    const board = new OutageBoard();
    const downSeen: string[] = [];
    const tracker = {
      down: (component: string, error: unknown, retryInMs: number) => {
        downSeen.push(component);
        board.down(component, error, retryInMs);
      },
      up: (component: string) => board.up(component),
    };
    await server.stop();
    const guarded = gate({ tracker }).guard(eventId, signal, async () => {});
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(downSeen.includes('redis'), 'outage reported');
    assert.ok(board.current().has('redis'), 'health can show it');
    await server.start();
    assert.equal(await guarded, 'SENT');
    assert.equal(board.current().size, 0, 'recovered');
    assert.equal(await redis.get(processedKeyPrefix + eventId), '1');
  });

  test('sendTimeoutMs bounds the send only: its signal aborts, the lease is released', async () => {
    const eventId = id();
    let seen: AbortSignal | undefined;
    await assert.rejects(
      async () =>
        gate({ sendTimeoutMs: 100 }).guard(eventId, signal, (attempt) => {
          seen = attempt;
          return new Promise<void>(() => {});
        }),
      { name: 'HandlerTimeoutError' },
    );
    assert.equal(seen?.aborted, true, 'the send was told to stop');
    assert.equal(await redis.get(processedKeyPrefix + eventId), null, 'released for the retry');
  });

  test('waiting for another attempt’s lease, or out a Redis outage, is not bounded by sendTimeoutMs', async () => {
    const leased = id();
    await redis.set(processedKeyPrefix + leased, 'lease:crashed-instance:1', 'PX', 500);
    assert.equal(await gate({ sendTimeoutMs: 100 }).guard(leased, signal, async () => {}), 'SENT');

    const eventId = id();
    await server.stop();
    const guarded = gate({ sendTimeoutMs: 100 }).guard(eventId, signal, async () => {});
    await new Promise((r) => setTimeout(r, 500));
    await server.start();
    assert.equal(await guarded, 'SENT');
  });

  test('stopping ends the wait for another attempt’s lease and keeps the send from starting', async () => {
    const eventId = id();
    await redis.set(processedKeyPrefix + eventId, 'lease:other-instance:1', 'PX', 60_000);
    const stopping = new AbortController();
    let sends = 0;
    const guarded = Promise.resolve(gate().guard(eventId, stopping.signal, async () => void sends++));
    stopping.abort();
    await assert.rejects(guarded, { name: 'HandlingAbortedError' });
    assert.equal(sends, 0);
    assert.equal(
      await redis.get(processedKeyPrefix + eventId),
      'lease:other-instance:1',
      'not its lease to touch',
    );
  });

  test('stopping before the send gives the lease back; stopping during it lets the send finish and marks it done', async () => {
    const before = id();
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(
      async () => gate().guard(before, stopped.signal, async () => assert.fail('no send after the stop')),
      { name: 'HandlingAbortedError' },
    );
    assert.equal(
      await redis.get(processedKeyPrefix + before),
      null,
      'the lease is released for the next owner',
    );

    const during = id();
    const stopping = new AbortController();
    let sendSignal: AbortSignal | undefined;
    const result = await gate({ sendTimeoutMs: 5000 }).guard(during, stopping.signal, async (attempt) => {
      sendSignal = attempt;
      stopping.abort();
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    assert.equal(result, 'SENT');
    assert.equal(sendSignal?.aborted, false, 'the send was not cut by the stop');
    assert.equal(await redis.get(processedKeyPrefix + during), '1');
  });
});

describe('IdempotencyGate with write-behind done marks', () => {
  const behind = (options: Partial<ConstructorParameters<typeof IdempotencyGate>[1]> = {}) =>
    gate({ writeBehind: true, ...options });

  test('guard returns after the send; settle resolves once the marks of every earlier guard are written', async () => {
    const g = behind();
    const ids = Array.from({ length: 50 }, id);
    const results = await Promise.all(ids.map((eventId) => g.guard(eventId, signal, async () => {})));
    assert.deepEqual(new Set(results), new Set(['SENT']));
    await g.settle(signal);
    const marks = await redis.mget(ids.map((eventId) => processedKeyPrefix + eventId));
    assert.deepEqual(
      marks,
      ids.map(() => '1'),
    );
    const ttl = await redis.ttl(processedKeyPrefix + ids[0]);
    assert.ok(ttl > 604_000 && ttl <= 604_800, 'the 7-day mark');
  });

  test('until settled, the key still holds the lease: another instance waits instead of sending again', async () => {
    const g = behind();
    const eventId = id();
    assert.equal(await g.guard(eventId, signal, async () => {}), 'SENT');
    assert.match((await redis.get(processedKeyPrefix + eventId)) ?? '', /^lease:/);
    await g.settle(signal);
    assert.equal(await redis.get(processedKeyPrefix + eventId), '1');
  });

  test('the same event again while its mark is being written is a DUPLICATE at once, not a lease poll', async () => {
    const g = behind({ busyPollMs: 60_000 });
    const eventId = id();
    let sends = 0;
    const first = Promise.resolve(g.guard(eventId, signal, async () => void sends++));
    const second = first.then(() => g.guard(eventId, signal, async () => void sends++));
    assert.deepEqual(await Promise.all([first, second]), ['SENT', 'DUPLICATE']);
    assert.equal(sends, 1);
  });

  test('a Redis outage holds settle (and so the commit) until the marks are written', async () => {
    const g = behind();
    const eventId = id();
    // Redis goes away during the send, so the mark's write meets the outage.
    assert.equal(await g.guard(eventId, signal, () => server.stop()), 'SENT');
    let settled = false;
    const settling = g.settle(signal).then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(settled, false, 'not settled while Redis is away');
    const aborted = new AbortController();
    const abandoned = g.settle(aborted.signal);
    aborted.abort();
    await assert.rejects(abandoned, { name: 'HandlingAbortedError' });
    await server.start();
    await settling;
    assert.equal(await redis.get(processedKeyPrefix + eventId), '1');
  });
});
