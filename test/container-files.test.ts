/**
 * The container files cannot be run here (no Docker engine), so their structure is checked: one
 * Dockerfile building any service by build argument, production dependencies only, a non-root user and
 * a health check; a compose file with KRaft Kafka (internal and host listeners), Redis, the three
 * services with their ports, environment, log mounts and health-gated start order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './support/services.ts';

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const compose = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');

/** The block of a top-level compose service: its lines up to the next service. */
function serviceBlock(name: string): string {
  const match = compose.match(new RegExp(`\\n  ${name}:\\n([\\s\\S]*?)(?=\\n  [a-z-]+:\\n|$)`));
  assert.ok(match, `service ${name} in docker-compose.yml`);
  return match[1]!;
}

test('Dockerfile: multi-stage, service chosen by build arg, production deps only, non-root, health check', () => {
  assert.equal(dockerfile.match(/^FROM /gm)?.length, 2, 'two stages');
  assert.match(dockerfile, /^ARG SERVICE=order-service$/m);
  assert.match(dockerfile, /npm ci --omit=dev --workspace "services\/\$\{SERVICE\}"/);
  assert.doesNotMatch(dockerfile, /npm (ci|install)(?![^\n]*--omit=dev)/, 'no install with dev dependencies');
  assert.match(dockerfile, /^USER node$/m, 'runs as the non-root node user');
  assert.match(dockerfile, /^HEALTHCHECK [\s\S]*\/actuator\/health/m);
  assert.match(dockerfile, /services\/\$\{SERVICE\}\/src\/main\.ts/);
  const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
  assert.match(dockerignore, /^node_modules$/m);
});

test('compose: KRaft Kafka without ZooKeeper, internal and host listeners, health checks', () => {
  assert.doesNotMatch(compose, /zookeeper/i);
  const kafka = serviceBlock('kafka');
  assert.match(kafka, /image: apache\/kafka:4\./);
  assert.match(kafka, /KAFKA_PROCESS_ROLES: broker,controller/);
  assert.match(kafka, /KAFKA_ADVERTISED_LISTENERS: INTERNAL:\/\/kafka:29092,EXTERNAL:\/\/localhost:9092/);
  assert.match(kafka, /- "9092:9092"/);
  assert.match(kafka, /healthcheck:/);
  assert.match(serviceBlock('redis'), /healthcheck:[\s\S]*redis-cli/);
});

test('compose: the three services built from the Dockerfile, ports, env, log mounts, start after health', () => {
  for (const [name, port] of [
    ['order-service', 8081],
    ['notification-service', 8082],
    ['product-service', 8083],
  ] as const) {
    const block = serviceBlock(name);
    assert.match(block, new RegExp(`SERVICE: ${name}`), `${name} build arg`);
    assert.match(block, new RegExp(`- "${port}:${port}"`), `${name} port`);
    assert.match(block, /KAFKA_BOOTSTRAP_SERVERS: kafka:29092/);
    assert.match(block, new RegExp(`\\./logs/${name}:/app/logs/${name}`), `${name} log mount`);
    assert.match(block, /kafka:\n\s+condition: service_healthy/, `${name} waits for Kafka`);
  }
  const notification = serviceBlock('notification-service');
  assert.match(notification, /REDIS_HOST: redis/);
  assert.match(notification, /redis:\n\s+condition: service_healthy/);
});
