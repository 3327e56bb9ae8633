/**
 * A bad configuration value stops a service at start-up with exit code 1 and a message naming the
 * variable (and never echoing a secret).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundlePath, type ServiceName } from '../../tools/build/services.ts';
import { repoRoot } from '../support/services.ts';

function run(service: ServiceName, env: Record<string, string>) {
  return spawnSync(process.execPath, [bundlePath(service)], {
    cwd: repoRoot,
    env: { ...process.env, LOG_DIR: join(repoRoot, '.cache', 'config-test-logs'), ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

test('notification-service refuses bad values, naming every variable', () => {
  const result = run('notification-service', {
    REDIS_PORT: 'abc',
    NOTIFICATION_RETRY_MAX_RETRIES: '-1',
    KAFKA_SASL_MECHANISM: 'PLAIN',
    KAFKA_SASL_USERNAME: 'svc',
    KAFKA_SASL_PASSWORD: 'hunter2-secret',
    NOTIFICATION_WEBHOOK_URL: 'not a url',
    REDIS_TLS_ENABLED: 'true',
    REDIS_TLS_CA_FILE: '/nonexistent/redis-ca.pem',
    REDIS_TLS_KEY_FILE: '/nonexistent/client.key',
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /REDIS_PORT must be an integer between 1 and 65535, got "abc"/);
  assert.match(result.stderr, /NOTIFICATION_RETRY_MAX_RETRIES/);
  assert.match(result.stderr, /NOTIFICATION_WEBHOOK_URL/);
  assert.match(result.stderr, /REDIS_TLS_CA_FILE cannot be read: .*redis-ca\.pem/);
  assert.match(result.stderr, /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together/);
  assert.doesNotMatch(result.stderr + result.stdout, /hunter2-secret/);
});

test('order-service and product-service refuse bad values too', () => {
  for (const service of ['order-service', 'product-service'] as const) {
    const result = run(service, { SERVER_PORT: '70000', KAFKA_PUBLISH_TIMEOUT_MS: 'soon' });
    assert.equal(result.status, 1, service);
    assert.match(result.stderr, /SERVER_PORT/);
    assert.match(result.stderr, /KAFKA_PUBLISH_TIMEOUT_MS/);
  }
});
