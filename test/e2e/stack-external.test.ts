/**
 * `npm start` beside infrastructure that already runs: with KAFKA_BOOTSTRAP_SERVERS and REDIS_HOST/PORT
 * pointing at a live broker and Redis (the suite's), it uses them and starts neither, `stack:status` calls
 * them external, and Ctrl-C leaves them running. While it runs, the README's tail scripts follow a
 * service's log, raw and pretty-printed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { canConnect } from '../../tools/ports.ts';
import { pingRedis } from '../../tools/redis/server.ts';
import { infra } from '../support/infra.ts';
import { postJson, repoRoot } from '../support/services.ts';
import { freeStackPorts, launchStack } from '../support/stack-runner.ts';

/** Runs a tail script for a moment and returns what it printed. */
async function tailFor(script: string, args: string[], logDir: string, ms = 1500): Promise<string> {
  const child = spawn(script, args, {
    cwd: repoRoot,
    env: { ...process.env, LOG_DIR: logDir },
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
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, ms));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  return output;
}

test('npm start uses a running Kafka and Redis, starts neither and leaves them running', async () => {
  const { kafkaBootstrap, kafkaBrokerPorts, redisHost, redisPort } = infra();
  const ports = await freeStackPorts({ kafka: kafkaBrokerPorts[0]!, redis: redisPort });
  const stack = launchStack({
    command: 'start.ts',
    ports,
    env: { KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap, REDIS_HOST: redisHost, REDIS_PORT: String(redisPort) },
  });
  try {
    await stack.ready();
    const output = stack.output();
    assert.match(output, new RegExp(`using Kafka at ${kafkaBootstrap.replaceAll('.', '\\.')}`));
    assert.match(output, new RegExp(`using Redis at ${redisHost.replaceAll('.', '\\.')}:${redisPort}`));
    assert.doesNotMatch(output, /starting Apache Kafka|starting redis-server/);

    const order = await postJson(`http://127.0.0.1:${ports.order}/api/orders`, {
      customerId: 'external-1',
      customerEmail: 'external@example.com',
      totalAmount: 990,
      currency: 'KRW',
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));

    const status = spawnSync('npm', ['run', '--silent', 'stack:status'], {
      cwd: repoRoot,
      env: { ...process.env, STACK_DIR: stack.stackDir },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /kafka\s+\S+\s+up\s+external/, status.stdout);
    assert.match(status.stdout, /redis\s+\S+\s+up\s+external/, status.stdout);

    // The tail scripts of the README follow the service's log: raw JSON lines, or pretty-printed.
    const logDir = stack.logDir;
    const raw = await tailFor('scripts/tail-order-service-log.sh', ['--raw', '-n', '50'], logDir);
    assert.match(raw, /^\{"level":"info".*"service":"order-service".*"msg":"order-service started"/m, raw);
    const pretty = await tailFor('scripts/tail-order-service-log.sh', ['-n', '50'], logDir);
    assert.match(pretty, /INFO\s+\[order-service\] order-service started/, pretty);
    assert.doesNotMatch(pretty, /^\{"level"/m, 'pretty output is not JSON');
  } finally {
    stack.child.kill('SIGINT');
  }
  const { code } = await stack.exited;
  assert.equal(code, 0, stack.output().slice(-3000));
  assert.match(stack.output(), /\[stack\] stopped/);
  const [host, port] = kafkaBootstrap.split(',')[0]!.split(':') as [string, string];
  assert.ok(await canConnect(Number(port), host), 'the external broker still runs');
  assert.ok(await pingRedis(redisPort, redisHost), 'the external Redis still runs');
});
