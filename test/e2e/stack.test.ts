/**
 * `npm start` as a user runs it: the whole stack comes up (its own Kafka and Redis, on free ports here),
 * the README's curl examples give their documented answers, and Ctrl-C (SIGINT) stops everything it
 * started with exit code 0, leaving no port in use.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { getFreePorts, isPortFree } from '../../tools/ports.ts';
import { curlExamples } from '../support/curl-examples.ts';
import { postJson, repoRoot } from '../support/services.ts';

test('npm start runs the stack, the README examples work, Ctrl-C leaves nothing behind', async () => {
  const [kafkaPort, redisPort, orderPort, notificationPort, productPort] = await getFreePorts(5);
  const ports = { kafkaPort, redisPort, orderPort, notificationPort, productPort } as Record<string, number>;
  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_BOOTSTRAP_SERVERS: '',
      STACK_DIR: mkdtempSync(join(tmpdir(), 'stack-')),
      STACK_KAFKA_PORT: String(kafkaPort),
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redisPort),
      ORDER_SERVICE_PORT: String(orderPort),
      NOTIFICATION_SERVICE_PORT: String(notificationPort),
      PRODUCT_SERVICE_PORT: String(productPort),
      LOG_DIR: mkdtempSync(join(tmpdir(), 'stack-logs-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const deadline = Date.now() + 120_000;
    while (!/\[stack\] ready in/.test(output) && Date.now() < deadline) {
      assert.equal(child.exitCode, null, `npm start exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(output, /\[stack\] ready in/, output);
    assert.match(output, new RegExp(`http://localhost:${orderPort}`));

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
    const prefixed = () => /notification-service\s*\| .*record processed/.test(output);
    const until = Date.now() + 20_000;
    while (!prefixed() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    assert.ok(prefixed(), 'service output is prefixed with its name');
  } finally {
    // A terminal's Ctrl-C signals the whole foreground process group: npm, its shell and the runner.
    process.kill(-child.pid!, 'SIGINT');
  }
  const { code, signal } = await exited;
  // npm itself ends on the SIGINT it received; the runner below it must have stopped everything cleanly.
  assert.ok(code === 0 || signal === 'SIGINT' || code === 130, `npm start ended with ${code ?? signal}`);
  const stopDeadline = Date.now() + 60_000;
  while (!/\[stack\] stopped/.test(output) && Date.now() < stopDeadline)
    await new Promise((r) => setTimeout(r, 200));
  assert.match(output, /\[stack\] stopped/, output.slice(-3000));
  assert.doesNotMatch(output, /second shutdown signal/, 'each service was stopped once, gracefully');
  for (const [name, port] of Object.entries(ports)) {
    assert.ok(await isPortFree(port), `${name} ${port} was released`);
  }
});
