import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { test } from 'node:test';
import { findExecutable } from '../proc.ts';
import { pingRedis, redisArgs, startRedis } from './server.ts';

function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    );
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const bulk = /^\$(\d+)\r\n/.exec(text);
      if (bulk ? text.length >= bulk[0].length + Number(bulk[1]) + 2 : text.endsWith('\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
  });
}

test('redis-server arguments: loopback only, no RDB; AOF only when persisting', () => {
  const base = { port: 7000, dataDir: '/d', logFile: '/d/redis.log' };
  const volatile = redisArgs({ ...base, persist: false });
  assert.deepEqual(volatile.slice(0, 4), ['--port', '7000', '--bind', '127.0.0.1']);
  assert.equal(volatile[volatile.indexOf('--save') + 1], '');
  assert.equal(volatile[volatile.indexOf('--appendonly') + 1], 'no');
  const durable = redisArgs({ ...base, persist: true, extra: ['--maxmemory', '64mb'] });
  assert.equal(durable[durable.indexOf('--appendonly') + 1], 'yes');
  assert.deepEqual(durable.slice(-2), ['--maxmemory', '64mb']);
});

test('a persistent Redis keeps data across stop/start and comes back on the same port after kill', {
  skip: findExecutable('redis-server') === undefined && 'redis-server is not installed',
}, async () => {
  const redis = await startRedis({ persist: true });
  try {
    assert.equal(redis.host, '127.0.0.1');
    assert.notEqual(redis.port, 6379);
    assert.equal(await command(redis.port, 'SET', 'k', 'v1'), '+OK\r\n');
    await redis.stop();
    assert.equal(redis.running, false);
    assert.equal(await pingRedis(redis.port), false);
    await redis.start();
    assert.equal(await command(redis.port, 'GET', 'k'), '$2\r\nv1\r\n');
    await redis.kill();
    assert.equal(await pingRedis(redis.port), false);
    await redis.start();
    assert.equal(await pingRedis(redis.port), true);
  } finally {
    await redis.stop();
  }
});

test('a non-persistent Redis starts empty after a restart', {
  skip: findExecutable('redis-server') === undefined && 'redis-server is not installed',
}, async () => {
  const redis = await startRedis({});
  try {
    await command(redis.port, 'SET', 'k', 'v');
    await redis.stop();
    await redis.start();
    assert.equal(await command(redis.port, 'GET', 'k'), '$-1\r\n');
  } finally {
    await redis.stop();
  }
});
