/**
 * `npm start` on a machine that lacks a prerequisite says what is missing and how to install it, exits
 * non-zero and leaves nothing running: with Java and Maven missing (no broker can be started), and with
 * redis-server missing (the broker it had already started is stopped again).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPortFree } from '../../tools/ports.ts';
import { findExecutable } from '../../tools/proc.ts';
import { freeStackPorts, launchStack } from '../support/stack-runner.ts';

/** A PATH holding only the named commands (as links to the real ones). */
function pathWith(commands: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-path-'));
  for (const command of commands) {
    const real = command === 'node' ? process.execPath : findExecutable(command);
    assert.ok(real, `${command} is on this machine's PATH`);
    symlinkSync(real, join(dir, command));
  }
  return dir;
}

async function startWithPath(path: string, takenOrderPort?: number) {
  const ports = await freeStackPorts(takenOrderPort === undefined ? {} : { order: takenOrderPort });
  const stack = launchStack({ command: 'start.ts', ports, env: { PATH: path, JAVA_HOME: '' } });
  const { code } = await stack.exited;
  for (const port of [ports.kafka, ports.redis, ports.notification, ports.product]) {
    assert.ok(await isPortFree(port), `port ${port} is free again:\n${stack.output()}`);
  }
  return { code, output: stack.output() };
}

test('without Java: says so with install commands, exits 1, nothing left running', async () => {
  const { code, output } = await startWithPath(pathWith(['node', 'npm']));
  assert.equal(code, 1, output);
  assert.match(output, /cannot start: Java 17 or newer is needed/);
  assert.match(output, /apt-get install openjdk-17-jre-headless maven/);
  assert.match(output, /brew install openjdk@17 maven/);
});

test('without redis-server: says so, and stops the broker it had started', async () => {
  const { code, output } = await startWithPath(pathWith(['node', 'npm', 'java', 'mvn']));
  assert.equal(code, 1, output);
  assert.match(output, /Kafka node 1 ready/, 'the broker had started');
  assert.match(output, /cannot start: `redis-server` is not on PATH/);
  assert.match(output, /apt-get install redis-server/);
  assert.match(output, /\[stack\] stopped/);
});

test('a service port taken by something else: says which and how to move it, starts nothing', async () => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  try {
    const { code, output } = await startWithPath(process.env.PATH ?? '', port);
    assert.equal(code, 1, output);
    assert.match(output, new RegExp(`port ${port} \\(order-service\\) is already in use`));
    assert.match(output, /ORDER_SERVICE_PORT/);
    assert.doesNotMatch(output, /Starting Kafka/, 'checked before anything was started');
  } finally {
    server.close();
  }
});
