/**
 * `npm start` as a user runs it: the whole stack comes up (its own Kafka and Redis, on free ports here),
 * the README's curl examples give their documented answers, and Ctrl-C (SIGINT) stops everything it
 * started with exit code 0, leaving no port in use.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPortFree } from '../../tools/ports.ts';
import { curlExamples } from '../support/curl-examples.ts';
import { postJson, repoRoot } from '../support/services.ts';
import { freeStackPorts, launchStack } from '../support/stack-runner.ts';

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

test('npm start runs the stack, the README examples work, Ctrl-C leaves nothing behind', async () => {
  const ports = await freeStackPorts();
  const { kafka: kafkaPort, redis: redisPort, order: orderPort, notification: notificationPort } = ports;
  const productPort = ports.product;
  const stack = launchStack({ command: 'npm start', ports, detached: true });
  const { child, exited, stackDir } = stack;
  try {
    await stack.ready();
    assert.match(stack.output(), new RegExp(`http://localhost:${orderPort}`));

    const examples = curlExamples(join(repoRoot, 'README.md'));
    const local = (url: string) =>
      url
        .replace('http://localhost:8081', `http://127.0.0.1:${orderPort}`)
        .replace('http://localhost:8083', `http://127.0.0.1:${productPort}`);
    let orderId = '';
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
  } finally {
    // A terminal's Ctrl-C signals the whole foreground process group: npm, its shell and the runner.
    process.kill(-child.pid!, 'SIGINT');
  }
  const { code, signal } = await exited;
  // npm itself ends on the SIGINT it received; the runner below it must have stopped everything cleanly.
  assert.ok(code === 0 || signal === 'SIGINT' || code === 130, `npm start ended with ${code ?? signal}`);
  const stopDeadline = Date.now() + 60_000;
  while (!/\[stack\] stopped/.test(stack.output()) && Date.now() < stopDeadline)
    await new Promise((r) => setTimeout(r, 200));
  assert.match(stack.output(), /\[stack\] stopped/, stack.output().slice(-3000));
  assert.doesNotMatch(stack.output(), /second shutdown signal/, 'each service was stopped once, gracefully');
  for (const [name, port] of Object.entries(ports) as Array<[string, number]>) {
    assert.ok(await isPortFree(port), `${name} ${port} was released`);
  }

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
