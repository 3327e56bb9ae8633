/**
 * The container files cannot be run here (no Docker engine, no compose client), so they are checked as
 * files: one Dockerfile building any service by build argument, only the service's bundle in the final
 * image (and that bundle is run alone, from a folder without node_modules, as the image runs it), a
 * non-root user and a health check; the compose file parsed as YAML (strict: a syntax error or a duplicated key
 * fails) and checked against the part of the Compose specification it uses (known keys only, value
 * shapes), then for what it must contain: KRaft Kafka with internal and host listeners, Redis, the three
 * services with their ports, environment, log mounts and health-gated start order.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { bundlePath, SERVICE_NAMES } from '../tools/build/services.ts';
import { getFreePorts } from '../tools/ports.ts';
import { type ManagedProcess, spawnManaged } from '../tools/proc.ts';
import { SERVICE_NODE_FLAGS } from '../tools/service-node-flags.ts';
import { infra } from './support/infra.ts';
import { postJson, repoRoot, waitHealthy } from './support/services.ts';

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');

type Service = Record<string, unknown> & {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Record<string, unknown> & { test: string[] };
};
const compose = parse(composeText, { strict: true, uniqueKeys: true }) as {
  services: Record<string, Service>;
};
const service = (name: string): Service => {
  const found = compose.services[name];
  assert.ok(found, `service ${name} in docker-compose.yml`);
  return found;
};

/** The Compose specification's keys that this file may use (a typo is an unknown key). */
const SERVICE_KEYS = new Set([
  'image',
  'build',
  'hostname',
  'ports',
  'environment',
  'volumes',
  'depends_on',
  'healthcheck',
  'command',
  'restart',
]);
const HEALTHCHECK_KEYS = new Set(['test', 'interval', 'timeout', 'retries', 'start_period']);
const CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
const DURATION = /^\d+(ms|s|m|h)$/;

test('compose: valid YAML in the shape of the Compose specification', () => {
  assert.deepEqual(Object.keys(compose), ['services'], 'top-level keys');
  for (const [name, svc] of Object.entries(compose.services)) {
    assert.match(name, /^[a-z0-9][a-z0-9_.-]*$/, 'service name');
    for (const key of Object.keys(svc)) assert.ok(SERVICE_KEYS.has(key), `${name}: unknown key ${key}`);
    assert.ok(svc.image || svc.build, `${name}: image or build`);
    for (const port of svc.ports ?? []) assert.match(port, /^\d+:\d+$/, `${name}: port ${port}`);
    for (const [variable, value] of Object.entries(svc.environment ?? {})) {
      assert.match(variable, /^[A-Z_][A-Z0-9_]*$/, `${name}: variable ${variable}`);
      assert.ok(['string', 'number'].includes(typeof value), `${name}: ${variable} is a scalar`);
    }
    for (const volume of svc.volumes ?? [])
      assert.match(volume, /^\.\/[\w./-]+:\/[\w./-]+$/, `${name}: ${volume}`);
    for (const [dependency, { condition }] of Object.entries(svc.depends_on ?? {})) {
      assert.ok(compose.services[dependency], `${name} depends on an existing service ${dependency}`);
      assert.ok(CONDITIONS.has(condition), `${name}: condition ${condition}`);
      if (condition === 'service_healthy') assert.ok(compose.services[dependency]?.healthcheck, dependency);
    }
    if (svc.healthcheck) {
      for (const key of Object.keys(svc.healthcheck)) assert.ok(HEALTHCHECK_KEYS.has(key), `${name}: ${key}`);
      assert.ok(['CMD', 'CMD-SHELL'].includes(svc.healthcheck.test[0]!), `${name}: healthcheck test form`);
      for (const key of ['interval', 'timeout', 'start_period'] as const) {
        const value = svc.healthcheck[key];
        if (value !== undefined) assert.match(String(value), DURATION, `${name}: ${key}`);
      }
    }
    if (svc.build) {
      assert.ok(
        existsSync(join(repoRoot, svc.build.context, svc.build.dockerfile ?? 'Dockerfile')),
        'Dockerfile',
      );
      const built = svc.build.args?.SERVICE;
      assert.ok(
        built && existsSync(join(repoRoot, 'services', built, 'src', 'main.ts')),
        `${name}: SERVICE arg`,
      );
    }
  }
});

test('Dockerfile: multi-stage, service chosen by build arg, only its bundle in the final image, non-root, health check', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  assert.equal(stages.length, 2, 'two stages');
  const [build, final] = stages as [string, string];
  assert.match(build, /^\$\{NODE_IMAGE\} AS build$/m);
  assert.match(build, /^ARG SERVICE=order-service$/m);
  assert.match(build, /^RUN npm ci /m, 'the build stage installs the workspace from the lockfile');
  assert.match(
    build,
    /^RUN node tools\/build\/services\.ts "\$\{SERVICE\}"$/m,
    'and bundles the chosen service',
  );
  // The final image: Node and the bundle (the service's code and its production dependencies), nothing else.
  assert.doesNotMatch(final, /\bnpm\b|node_modules/, 'no dependency tree in the final image');
  const copies = final.split('\n').filter((line) => line.startsWith('COPY '));
  assert.deepEqual(copies, [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not a template
    'COPY --from=build /app/dist/${SERVICE}.mjs /app/dist/${SERVICE}.mjs.map ./dist/',
  ]);
  assert.match(final, /^USER node$/m, 'runs as the non-root node user');
  assert.match(final, /^HEALTHCHECK [\s\S]*\/actuator\/health/m);
  const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
  assert.match(dockerignore, /^node_modules$/m);
  assert.match(dockerignore, /^dist$/m, 'bundles are built inside the image, never copied from the host');
});

test('the final image holds all a service needs: each bundle alone, in a folder without node_modules, serves', async () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  const image = mkdtempSync(join(tmpdir(), 'image-'));
  mkdirSync(join(image, 'dist'));
  for (const name of SERVICE_NAMES) copyFileSync(bundlePath(name), join(image, 'dist', `${name}.mjs`));
  const started: ManagedProcess[] = [];
  try {
    const ports = await getFreePorts(SERVICE_NAMES.length);
    for (const [index, name] of SERVICE_NAMES.entries()) {
      const port = ports[index]!;
      const child = await spawnManaged(process.execPath, [...SERVICE_NODE_FLAGS, `dist/${name}.mjs`], {
        name: `${name}-image`,
        cwd: image,
        env: {
          PATH: process.env.PATH ?? '',
          SERVER_PORT: String(port),
          LOG_DIR: join(image, 'logs'),
          KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap,
          REDIS_HOST: redisHost,
          REDIS_PORT: String(redisPort),
        },
        stdoutFile: join(image, `${name}.stdout`),
        stderrFile: join(image, `${name}.stderr`),
      });
      started.push(child);
      await waitHealthy({ name, url: `http://127.0.0.1:${port}`, process: child, logDir: image });
    }
    const order = await postJson(`http://127.0.0.1:${ports[0]}/api/orders`, {
      customerId: 'image-1',
      customerEmail: 'image@example.com',
      totalAmount: 100,
      currency: 'KRW',
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
  } finally {
    await Promise.all(started.map((child) => child.stop({ signal: 'SIGTERM', timeoutMs: 20_000 })));
  }
});

test('compose: KRaft Kafka without ZooKeeper, internal and host listeners, health checks', () => {
  assert.doesNotMatch(composeText, /zookeeper/i);
  const kafka = service('kafka');
  assert.match(kafka.image ?? '', /^apache\/kafka:4\./);
  const env = kafka.environment ?? {};
  assert.equal(env.KAFKA_PROCESS_ROLES, 'broker,controller');
  assert.equal(env.KAFKA_ADVERTISED_LISTENERS, 'INTERNAL://kafka:29092,EXTERNAL://localhost:9092');
  assert.equal(env.KAFKA_INTER_BROKER_LISTENER_NAME, 'INTERNAL');
  assert.deepEqual(kafka.ports, ['9092:9092']);
  assert.ok(kafka.healthcheck, 'Kafka health check');
  assert.deepEqual(service('redis').healthcheck?.test, ['CMD', 'redis-cli', 'ping']);
});

test('compose: the three services built from the Dockerfile, ports, env, log mounts, start after health', () => {
  for (const [name, port] of [
    ['order-service', 8081],
    ['notification-service', 8082],
    ['product-service', 8083],
  ] as const) {
    const svc = service(name);
    assert.equal(svc.build?.args?.SERVICE, name, `${name} build arg`);
    assert.deepEqual(svc.ports, [`${port}:${port}`], `${name} port`);
    assert.equal(svc.environment?.KAFKA_BOOTSTRAP_SERVERS, 'kafka:29092');
    assert.equal(String(svc.environment?.SERVER_PORT), String(port));
    assert.ok(svc.volumes?.includes(`./logs/${name}:/app/logs/${name}`), `${name} log mount`);
    assert.equal(svc.depends_on?.kafka?.condition, 'service_healthy', `${name} waits for Kafka`);
  }
  const notification = service('notification-service');
  assert.equal(notification.environment?.REDIS_HOST, 'redis');
  assert.equal(notification.depends_on?.redis?.condition, 'service_healthy');
});
