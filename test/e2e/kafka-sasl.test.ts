/**
 * Kafka security from configuration: against a broker whose listener requires SASL/PLAIN, order-service
 * configured with KAFKA_SASL_* publishes (201, record on the topic); with a wrong password it says so in
 * its log and never writes the password anywhere. Runs on a broker of its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundlePath } from '../../tools/build/services.ts';
import { type KafkaCluster, startKafka } from '../../tools/kafka/cluster.ts';
import { getFreePorts } from '../../tools/ports.ts';
import { readUntil } from '../support/kafka-client.ts';
import { postJson, type RunningService, repoRoot, startService } from '../support/services.ts';

let kafka: KafkaCluster;
let saslPort: number;
const services: RunningService[] = [];
const jaas =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'username="admin" password="admin-secret" user_admin="admin-secret" user_svc="svc-secret-123";';

before(async () => {
  const [broker, controller, sasl] = await getFreePorts(3);
  saslPort = sasl!;
  const listeners = `PLAINTEXT://127.0.0.1:${broker},CONTROLLER://127.0.0.1:${controller},SASL_PLAINTEXT://127.0.0.1:${sasl}`;
  kafka = await startKafka({
    dataDir: mkdtempSync(join(tmpdir(), 'kafka-sasl-')),
    brokerPorts: [broker!],
    controllerPorts: [controller!],
    heapMb: 384,
    extraProperties: {
      listeners,
      'advertised.listeners': listeners,
      'listener.security.protocol.map':
        'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': jaas,
    },
  });
});

after(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await kafka?.stop();
});

test('SASL/PLAIN credentials from the environment: events are published', async () => {
  const order = await startService('order-service', {
    KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${saslPort}`,
    KAFKA_SASL_MECHANISM: 'PLAIN',
    KAFKA_SASL_USERNAME: 'svc',
    KAFKA_SASL_PASSWORD: 'svc-secret-123',
  });
  services.push(order);
  const response = await postJson(`${order.url}/api/orders`, {
    customerId: 'sasl-1',
    customerEmail: 'sasl@example.com',
    totalAmount: 1,
    currency: 'KRW',
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const orderId = String(response.body.orderId);
  const records = await readUntil(kafka.bootstrapServers.split(',')[0]!, ['order.created.v1'], (rs) =>
    rs.some((r) => r.key === orderId),
  );
  assert.ok(records.some((r) => r.key === orderId));
  const info = await (await fetch(`${order.url}/actuator/info`)).text();
  const logs = readFileSync(join(order.logDir, 'order-service', 'application.log'), 'utf8');
  assert.doesNotMatch(info + logs, /svc-secret-123/, 'the password appears nowhere');
});

test('a wrong password is reported in the log, and the password is not', async () => {
  const { spawnManaged } = await import('../../tools/proc.ts');
  const logDir = mkdtempSync(join(tmpdir(), 'sasl-wrong-'));
  const child = await spawnManaged(process.execPath, [bundlePath('order-service')], {
    name: 'order-service-wrong-password',
    cwd: repoRoot,
    env: {
      ...process.env,
      SERVER_PORT: String((await getFreePorts(1))[0]),
      LOG_DIR: logDir,
      KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${saslPort}`,
      KAFKA_SASL_MECHANISM: 'PLAIN',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'not-the-password-42',
    },
    stdoutFile: join(logDir, 'stdout'),
    stderrFile: join(logDir, 'stderr'),
  });
  try {
    const file = join(logDir, 'order-service', 'application.log');
    const deadline = Date.now() + 30_000;
    let text = '';
    while (Date.now() < deadline) {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = '';
      }
      if (/Kafka not reachable yet/.test(text)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(text, /Kafka not reachable yet/);
    assert.match(text, /[Aa]uthentication|SASL|credentials/);
    assert.doesNotMatch(text + readFileSync(join(logDir, 'stdout'), 'utf8'), /not-the-password-42/);
  } finally {
    await child.stop();
  }
});
