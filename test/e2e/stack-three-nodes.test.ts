/**
 * `STACK_KAFKA_NODES=3 npm start`: the local stack on a 3-node KRaft cluster, its topics created with
 * replication factor 3 and min.insync.replicas 2, an order acknowledged through it; Ctrl-C stops all three
 * brokers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { getFreePort, isPortFree } from '../../tools/ports.ts';
import { postJson } from '../support/services.ts';
import { freeStackPorts, launchStack } from '../support/stack-runner.ts';

/** A port p with p + 1 and p + 2 free as well (the three brokers). */
async function threeFreePorts(): Promise<number> {
  for (;;) {
    const port = await getFreePort();
    if (port < 65_000 && (await isPortFree(port + 1)) && (await isPortFree(port + 2))) return port;
  }
}

test('STACK_KAFKA_NODES=3: three brokers, replicated topics, orders acknowledged, all stopped by Ctrl-C', async () => {
  const ports = await freeStackPorts({ kafka: await threeFreePorts() });
  const kafkaPort = ports.kafka;
  const stack = launchStack({
    command: 'start.ts',
    ports,
    env: { STACK_KAFKA_NODES: '3', LOG_FORMAT: 'json' },
  });
  try {
    await stack.ready(180_000);
    const output = stack.output();
    assert.match(output, /starting Apache Kafka \(3 nodes\)/);

    const order = await postJson(`http://127.0.0.1:${ports.order}/api/orders`, {
      customerId: 'three-nodes',
      customerEmail: 'three@example.com',
      totalAmount: 1000,
      currency: 'KRW',
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));

    const admin = new Admin({
      clientId: 'stack-3-check',
      bootstrapBrokers: [0, 1, 2].map((i) => `127.0.0.1:${kafkaPort + i}`),
    });
    try {
      const metadata = await admin.metadata({ topics: ['order.created.v1'] });
      const topic = metadata.topics.get('order.created.v1');
      assert.ok(topic, 'the topic exists');
      assert.equal(metadata.brokers.size, 3, 'three brokers');
      for (const partition of topic.partitions) {
        assert.equal(partition.replicas.length, 3, 'replication factor 3');
      }
      const [described] = await admin.describeConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: 'order.created.v1',
            configurationKeys: ['min.insync.replicas'],
          },
        ],
      });
      assert.equal(described?.configs.find((c) => c.name === 'min.insync.replicas')?.value, '2');
    } finally {
      await admin.close();
    }
  } finally {
    stack.child.kill('SIGINT');
  }
  assert.equal((await stack.exited).code, 0, stack.output().slice(-3000));
  for (const port of [
    kafkaPort,
    kafkaPort + 1,
    kafkaPort + 2,
    ports.redis,
    ports.order,
    ports.notification,
    ports.product,
  ]) {
    assert.ok(await isPortFree(port), `port ${port} released`);
  }
});
