/**
 * `npm start` as a user runs it: the whole stack comes up (its own Kafka and Redis, on free ports here),
 * the README's curl examples give their documented answers, a second notification-service started with
 * the README's one-service command joins the group, and Ctrl-C (SIGINT) stops everything it started with
 * exit code 0, leaving no port in use; a second `npm start` finds the topics and records of the first.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { getFreePorts, isPortFree } from '../../tools/ports.ts';
import { curlExamples } from '../support/curl-examples.ts';
import { readUntil } from '../support/kafka-client.ts';
import { postJson, repoRoot } from '../support/services.ts';
import { freeStackPorts, launchStack, type RunningStack } from '../support/stack-runner.ts';

/** Runs `npm run <script> -- args` with the test's stack folder, without a terminal on stdin. */
function stackCommand(script: string, stackDir: string, args: string[] = []) {
  const result = spawnSync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: repoRoot,
    env: { ...process.env, STACK_DIR: stackDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Waits for a stack that was sent Ctrl-C to end: the runner stopped every service once, gracefully, and
 * every port it used is free again.
 */
async function stoppedCleanly(stack: RunningStack): Promise<void> {
  const { code, signal } = await stack.exited;
  // npm itself ends on the SIGINT it received; the runner below it must have stopped everything cleanly.
  assert.ok(code === 0 || signal === 'SIGINT' || code === 130, `npm start ended with ${code ?? signal}`);
  const stopDeadline = Date.now() + 60_000;
  while (!/\[stack\] stopped/.test(stack.output()) && Date.now() < stopDeadline)
    await new Promise((r) => setTimeout(r, 200));
  assert.match(stack.output(), /\[stack\] stopped/, stack.output().slice(-3000));
  assert.doesNotMatch(stack.output(), /second shutdown signal/, 'each service was stopped once, gracefully');
  for (const [name, port] of Object.entries(stack.ports) as Array<[string, number]>) {
    assert.ok(await isPortFree(port), `${name} ${port} was released`);
  }
}

/**
 * The README's one-service command beside the running stack: `SERVER_PORT=<port> npm run
 * start:notification` starts a second notification-service that joins the same consumer group and takes
 * a share of the partitions; Ctrl-C stops it.
 */
async function secondNotificationInstance(kafkaPort: number, redisPort: number): Promise<void> {
  const [port] = (await getFreePorts(1)) as [number];
  const logDir = mkdtempSync(join(tmpdir(), 'second-notification-'));
  const second = spawn('npm', ['run', '--silent', 'start:notification'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SERVER_PORT: String(port),
      KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${kafkaPort}`,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redisPort),
      LOG_DIR: logDir,
    },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise((resolve) => second.on('exit', resolve));
  const logFile = join(logDir, 'notification-service', 'application.log');
  try {
    const assignedToSecond = (): string[] | undefined => {
      if (!existsSync(logFile)) return undefined;
      const line = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .map((text) => JSON.parse(text) as { msg?: string; group?: string; assigned?: string[] })
        .findLast(
          (entry) => entry.msg === 'partitions assigned' && entry.group === 'notification-consumer-group',
        );
      return line?.assigned;
    };
    const deadline = Date.now() + 60_000;
    while (!(assignedToSecond()?.length ?? 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const assigned = assignedToSecond() ?? [];
    const health = await fetch(`http://127.0.0.1:${port}/actuator/health`);
    assert.equal(health.status, 200, 'the second instance is healthy on its SERVER_PORT');
    assert.ok(assigned.length > 0, 'the second instance was given partitions of the group');
    assert.ok(assigned.length < 9, `and shares them with the first: ${assigned.join(', ')}`);
  } finally {
    process.kill(-second.pid!, 'SIGINT');
  }
  await exited;
  // npm ends at once on Ctrl-C; the service below it is done when it logged the end of its shutdown
  // (it left the consumer group: the stack's restart below would otherwise wait for its session to expire).
  const shutDown = () =>
    existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"msg":"shutdown complete"');
  const deadline = Date.now() + 30_000;
  while (!shutDown() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(shutDown(), 'the second instance shut down gracefully');
  assert.ok(await isPortFree(port), 'the second instance stopped');
}

test('npm start runs the stack, the README examples work, Ctrl-C leaves nothing behind', async () => {
  const ports = await freeStackPorts();
  const { kafka: kafkaPort, redis: redisPort, order: orderPort, notification: notificationPort } = ports;
  const productPort = ports.product;
  const stack = launchStack({ command: 'npm start', ports, detached: true });
  const { child, stackDir } = stack;
  let orderId = '';
  try {
    await stack.ready();
    assert.match(stack.output(), new RegExp(`http://localhost:${orderPort}`));

    const examples = curlExamples(join(repoRoot, 'README.md'));
    const local = (url: string) =>
      url
        .replace('http://localhost:8081', `http://127.0.0.1:${orderPort}`)
        .replace('http://localhost:8083', `http://127.0.0.1:${productPort}`);
    for (const example of examples) {
      const url = local(example.url).replace('<orderId>', orderId);
      const response = await postJson(url, example.body ?? '', example.headers);
      if (example.url.endsWith('/status')) {
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.equal(response.body.status, 'PUBLISHED');
      } else {
        assert.equal(response.status, 201, `${example.url}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.status, 'PUBLISHED');
        if (example.url.endsWith('/api/orders') && !orderId) orderId = String(response.body.orderId);
      }
    }
    assert.ok(examples.length >= 4, 'the README shows the examples');
    assert.match(orderId, /^[0-9a-f-]{36}$/);
    const prefixed = () => /notification-service\s*\| .*record processed/.test(stack.output());
    const until = Date.now() + 20_000;
    while (!prefixed() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    assert.ok(prefixed(), 'service output is prefixed with its name');

    const status = stackCommand('stack:status', stackDir);
    assert.equal(status.code, 0, status.output);
    assert.match(status.output, /npm start is running \(pid \d+\)/);
    for (const [name, port] of [
      ['order-service', orderPort],
      ['notification-service', notificationPort],
      ['product-service', productPort],
    ] as const) {
      assert.match(
        status.output,
        new RegExp(`${name}\\s+http://localhost:${port}\\s+UP\\s+pid \\d+`),
        status.output,
      );
    }
    assert.match(
      status.output,
      new RegExp(`kafka\\s+127\\.0\\.0\\.1:${kafkaPort}\\s+up\\s+started by npm start`),
    );
    assert.match(
      status.output,
      new RegExp(`redis\\s+127\\.0\\.0\\.1:${redisPort}\\s+up\\s+started by npm start`),
    );
    const refused = stackCommand('stack:reset', stackDir, ['--yes']);
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, /the stack is running/);
    assert.ok(existsSync(join(stackDir, 'kafka')), 'nothing deleted while running');

    await secondNotificationInstance(kafkaPort, redisPort);
  } finally {
    // A terminal's Ctrl-C signals the whole foreground process group: npm, its shell and the runner.
    process.kill(-child.pid!, 'SIGINT');
  }
  await stoppedCleanly(stack);

  // A second `npm start` on the same data: the topics and their records are still there, and what was
  // notified and committed before is not notified again.
  const again = launchStack({ command: 'npm start', ports, detached: true, stackDir });
  try {
    await again.ready();
    const kept = await readUntil(`127.0.0.1:${kafkaPort}`, ['order.created.v1'], (records) =>
      records.some((record) => record.key === orderId),
    );
    assert.ok(
      kept.some((record) => record.key === orderId),
      'the order of the first run is still on its topic',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.doesNotMatch(
      again.output(),
      new RegExp(`orderId=${orderId}`),
      "the first run's notification is not sent again",
    );
    process.stderr.write(`warm start: ${/\[stack\] ready in ([\d.]+ s)/.exec(again.output())?.[1]}\n`);
  } finally {
    process.kill(-again.child.pid!, 'SIGINT');
  }
  await stoppedCleanly(again);

  assert.equal(existsSync(join(stackDir, 'state.json')), false, 'the state file is removed at stop');
  const after = stackCommand('stack:status', stackDir);
  assert.match(after.output, /no stack started by npm start/, after.output);
  const unconfirmed = stackCommand('stack:reset', stackDir);
  assert.equal(unconfirmed.code, 1, unconfirmed.output);
  assert.match(unconfirmed.output, /run with --yes to confirm/);
  assert.ok(existsSync(join(stackDir, 'kafka')), 'nothing deleted without confirmation');
  const reset = stackCommand('stack:reset', stackDir, ['--yes']);
  assert.equal(reset.code, 0, reset.output);
  assert.equal(existsSync(stackDir), false, 'the stack folder is gone');
});
