/**
 * Security from configuration, all of it at once, on a broker and a Redis of their own: Kafka over TLS
 * with SASL/SCRAM-SHA-256 (users created at storage format, KRaft mode), Redis over TLS with a client
 * certificate and an ACL user limited to the notification keys. An order placed on order-service is
 * notified by notification-service through both; no secret appears in a log or in `/actuator`. A wrong
 * Redis password is reported by name, never echoed, and health is DOWN meanwhile.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { type KafkaCluster, startKafka } from '../../tools/kafka/cluster.ts';
import { getFreePorts } from '../../tools/ports.ts';
import { type RedisServer, startRedis } from '../../tools/redis/server.ts';
import { makeTestPki, type TestPki } from '../support/certs.ts';
import { readUntil } from '../support/kafka-client.ts';
import { postJson, type RunningService, startService } from '../support/services.ts';

const SCRAM_PASSWORD = 'scram-secret-7731';
const REDIS_PASSWORD = 'acl-secret-5519';
const WRONG_PASSWORD = 'not-it-9046';

let pki: TestPki;
let kafka: KafkaCluster;
let redis: RedisServer;
let kafkaTlsPort: number;
let redisTlsPort: number;
const services: RunningService[] = [];

before(async () => {
  pki = makeTestPki();
  const [broker, controller, secure, redisPlain, redisTls] = await getFreePorts(5);
  kafkaTlsPort = secure!;
  redisTlsPort = redisTls!;
  const listeners = `PLAINTEXT://127.0.0.1:${broker},CONTROLLER://127.0.0.1:${controller},SASL_SSL://127.0.0.1:${secure}`;
  [kafka, redis] = await Promise.all([
    startKafka({
      dataDir: mkdtempSync(join(tmpdir(), 'kafka-tls-')),
      brokerPorts: [broker!],
      controllerPorts: [controller!],
      heapMb: 384,
      formatArgs: ['--add-scram', `SCRAM-SHA-256=[name=svc,password=${SCRAM_PASSWORD}]`],
      extraProperties: {
        listeners,
        'advertised.listeners': listeners,
        'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL',
        'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
        'listener.name.sasl_ssl.ssl.keystore.location': pki.serverKeystoreFile,
      },
    }),
    // The plain port answers PING only (readiness); everything else goes over TLS as the ACL user.
    startRedis({
      port: redisPlain!,
      extraArgs: [
        '--tls-port',
        String(redisTls),
        '--tls-cert-file',
        pki.serverCertFile,
        '--tls-key-file',
        pki.serverKeyFile,
        '--tls-ca-cert-file',
        pki.caFile,
        '--tls-auth-clients',
        'yes',
        '--user',
        'default',
        'on',
        'nopass',
        '-@all',
        '+ping',
        '--user',
        'notifier',
        'on',
        `>${REDIS_PASSWORD}`,
        '~notification:*',
        '+@all',
      ],
    }),
  ]);
});

after(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await Promise.all([kafka?.stop(), redis?.stop()]);
});

function kafkaEnv(): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${kafkaTlsPort}`,
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
    KAFKA_SASL_USERNAME: 'svc',
    KAFKA_SASL_PASSWORD: SCRAM_PASSWORD,
    KAFKA_TLS_ENABLED: 'true',
    KAFKA_TLS_CA_FILE: pki.caFile,
  };
}

function redisEnv(password: string): Record<string, string> {
  return {
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redisTlsPort),
    REDIS_USERNAME: 'notifier',
    REDIS_PASSWORD: password,
    REDIS_TLS_ENABLED: 'true',
    REDIS_TLS_CA_FILE: pki.caFile,
    REDIS_TLS_CERT_FILE: pki.clientCertFile,
    REDIS_TLS_KEY_FILE: pki.clientKeyFile,
  };
}

/** Every file a service wrote (its application log, stdout, stderr). */
function everythingWritten(service: RunningService): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else texts.push(readFileSync(path, 'utf8'));
    }
  };
  walk(service.logDir);
  return texts.join('\n');
}

test('SCRAM over TLS to Kafka, an ACL user over TLS to Redis: an order is published and notified', async () => {
  const order = await startService('order-service', kafkaEnv());
  services.push(order);
  const notification = await startService('notification-service', {
    ...kafkaEnv(),
    ...redisEnv(REDIS_PASSWORD),
  });
  services.push(notification);

  const response = await postJson(`${order.url}/api/orders`, {
    customerId: 'secure-1',
    customerEmail: 'secure1@example.com',
    totalAmount: 700,
    currency: 'KRW',
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const eventId = String(response.body.eventId);
  const line = await notification.waitForLog((l) => l.msg === 'record processed' && l.eventId === eventId);
  assert.equal(line.status, 'SENT');

  // The record is on the broker (read back through the plain listener) and the done mark is in Redis,
  // written by the ACL user over TLS.
  const records = await readUntil(kafka.bootstrapServers.split(',')[0]!, ['order.created.v1'], (rs) =>
    rs.some((r) => r.key === response.body.orderId),
  );
  assert.ok(records.some((r) => r.key === response.body.orderId));
  const client = new Redis({
    host: '127.0.0.1',
    port: redisTlsPort,
    username: 'notifier',
    password: REDIS_PASSWORD,
    tls: {
      ca: readFileSync(pki.caFile),
      cert: readFileSync(pki.clientCertFile),
      key: readFileSync(pki.clientKeyFile),
    },
    lazyConnect: true,
    maxRetriesPerRequest: 0,
  });
  try {
    await client.connect();
    assert.equal(await client.get(`notification:processed:event:${eventId}`), '1');
  } finally {
    client.disconnect();
  }

  for (const service of [order, notification]) {
    const actuator = await Promise.all(
      ['health', 'info', 'metrics', 'prometheus'].map(async (path) =>
        (await fetch(`${service.url}/actuator/${path}`)).text(),
      ),
    );
    const seen = actuator.join('\n') + everythingWritten(service);
    for (const secret of [SCRAM_PASSWORD, REDIS_PASSWORD]) {
      assert.ok(!seen.includes(secret), `${service.name}: a password appears in its output`);
    }
    assert.ok(!seen.includes('BEGIN PRIVATE KEY'), `${service.name}: the client key appears in its output`);
  }
});

test('a wrong Redis password: health DOWN, the failure named in the log, the password nowhere', async () => {
  const notification = await startService(
    'notification-service',
    { ...kafkaEnv(), ...redisEnv(WRONG_PASSWORD), NOTIFICATION_CONSUMER_GROUP: 'wrong-password' },
    { waitHealthy: false },
  );
  services.push(notification);
  const line = await notification.waitForLog((l) => l.msg === 'Redis connection error');
  assert.match(JSON.stringify(line), /WRONGPASS|invalid username-password/i);
  const healthResponse = await fetch(`${notification.url}/actuator/health`);
  assert.equal(healthResponse.status, 503, 'DOWN while Redis refuses the credentials');
  assert.ok(!everythingWritten(notification).includes(WRONG_PASSWORD), 'the wrong password is not echoed');
});
