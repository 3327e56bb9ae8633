/** The idempotency gate's prefetched leases, against a real redis-server started by this test. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { type RedisServer, startRedis } from '../../../tools/redis/server.ts';
import { IdempotencyGate, processedKeyPrefix } from './idempotency.ts';

let server: RedisServer;
let redis: Redis;
const signal = new AbortController().signal;
const id = () => crypto.randomUUID();
const key = (eventId: string) => processedKeyPrefix + eventId;

before(async () => {
  server = await startRedis({ dataDir: mkdtempSync(join(tmpdir(), 'gate-prefetch-redis-')) });
  redis = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 0, lazyConnect: true });
  await redis.connect();
});

after(async () => {
  redis?.disconnect();
  await server?.stop();
});

function gate(leaseMs = 2000) {
  return new IdempotencyGate(redis, { doneTtlSeconds: 604_800, leaseMs, busyPollMs: 50, instanceId: 'test' });
}

async function until(condition: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('IdempotencyGate.prefetch', () => {
  test('takes the leases ahead; guard sends under that same lease and writes the done mark', async () => {
    const g = gate();
    const [a, b] = [id(), id()];
    g.prefetch([a, b]);
    await until(async () => (await redis.get(key(b))) !== null);
    const leaseOfA = await redis.get(key(a));
    assert.match(leaseOfA ?? '', /^lease:test:\d+$/);
    // One call takes the leases, each under a token of its own, numbered in a row.
    const numberOf = (lease: string | null) => Number(/:(\d+)$/.exec(lease ?? '')?.[1]);
    assert.equal(numberOf(await redis.get(key(b))), numberOf(leaseOfA) + 1);
    let seenDuringSend: string | null = null;
    assert.equal(
      await g.guard(a, signal, async () => {
        seenDuringSend = await redis.get(key(a));
      }),
      'SENT',
    );
    assert.equal(seenDuringSend, leaseOfA, 'the prefetched lease was used, not a second one');
    assert.equal(await redis.get(key(a)), '1');
    assert.equal(await g.guard(b, signal, async () => {}), 'SENT');
    assert.equal(await redis.get(key(b)), '1');
  });

  test('an event already done is DUPLICATE without a send', async () => {
    const g = gate();
    const eventId = id();
    await redis.set(key(eventId), '1', 'EX', 60);
    g.prefetch([eventId]);
    let sends = 0;
    assert.equal(await g.guard(eventId, signal, async () => void sends++), 'DUPLICATE');
    assert.equal(sends, 0);
  });

  test('a live lease of another attempt is waited for, never skipped', async () => {
    const g = gate();
    const eventId = id();
    await redis.set(key(eventId), 'lease:other:1', 'PX', 300);
    g.prefetch([eventId]);
    const started = Date.now();
    let sends = 0;
    assert.equal(await g.guard(eventId, signal, async () => void sends++), 'SENT');
    assert.equal(sends, 1);
    assert.ok(Date.now() - started >= 200, 'waited for the other lease to expire');
  });

  test('release gives back leases that will not be claimed', async () => {
    const g = gate();
    const [a, b] = [id(), id()];
    g.prefetch([a, b]);
    await until(async () => (await redis.get(key(b))) !== null);
    g.release([a, b]);
    await until(async () => (await redis.exists(key(a), key(b))) === 0);
  });

  test('a prefetched lease past half its lifetime is renewed before the send', async () => {
    const g = gate(400);
    const eventId = id();
    g.prefetch([eventId]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    let ttlDuringSend = 0;
    assert.equal(
      await g.guard(eventId, signal, async () => {
        ttlDuringSend = await redis.pttl(key(eventId));
      }),
      'SENT',
    );
    assert.ok(ttlDuringSend > 300, `the lease was renewed (pttl ${ttlDuringSend} ms)`);
  });

  test('an event twice in one window is leased once: the first record sends, the second is DUPLICATE', async () => {
    const g = gate();
    const eventId = id();
    g.prefetch([eventId, eventId]);
    let sends = 0;
    const started = Date.now();
    assert.equal(await g.guard(eventId, signal, async () => void sends++), 'SENT');
    assert.equal(await g.guard(eventId, signal, async () => void sends++), 'DUPLICATE');
    assert.equal(sends, 1);
    assert.ok(Date.now() - started < 1500, 'no wait for an orphaned lease of our own');
  });
});
