import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import {
  canConnect,
  ephemeralPortRange,
  getFreePort,
  getFreePorts,
  isPortFree,
  waitForPort,
} from './ports.ts';

test('getFreePorts returns distinct free loopback ports', async () => {
  const ports = await getFreePorts(6);
  assert.equal(new Set(ports).size, 6);
  for (const port of ports) {
    assert.ok(port > 0 && port < 65536);
    assert.equal(await isPortFree(port), true);
  }
});

test('free ports lie outside the range outgoing connections take their local ports from', async () => {
  const [low, high] = ephemeralPortRange();
  assert.ok(low > 0 && low <= high && high < 65536, `${low}-${high}`);
  for (const port of await getFreePorts(20)) {
    assert.ok(port < low || port > high, `${port} is outside ${low}-${high}`);
  }
});

test('isPortFree / canConnect / waitForPort follow a listening server', async () => {
  const port = await getFreePort();
  assert.equal(await canConnect(port), false);
  await assert.rejects(waitForPort(port, { timeoutMs: 300, intervalMs: 50 }), /within 300 ms/);
  const server = createServer();
  setTimeout(() => server.listen(port, '127.0.0.1'), 200);
  await waitForPort(port, { timeoutMs: 5000, intervalMs: 50 });
  assert.equal(await isPortFree(port), false);
  assert.equal(await canConnect(port), true);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await isPortFree(port), true);
});
