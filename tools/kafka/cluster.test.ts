import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerJvmArgs, newClusterId, renderServerProperties } from './cluster.ts';
import { LOG4J2_CONFIG } from './provision.ts';

function parse(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    assert.ok(at > 0, `malformed line ${line}`);
    assert.ok(!map.has(line.slice(0, at)), `duplicate key ${line}`);
    map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

test('single node: combined KRaft node on loopback with replication 1', () => {
  const props = parse(
    renderServerProperties({
      nodeId: 1,
      nodes: [{ id: 1, brokerPort: 40001, controllerPort: 40002 }],
      logDirs: '/data/node-1/data',
    }),
  );
  assert.equal(props.get('process.roles'), 'broker,controller');
  assert.equal(props.get('node.id'), '1');
  assert.equal(props.get('controller.quorum.voters'), '1@127.0.0.1:40002');
  assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002');
  assert.match(props.get('advertised.listeners') ?? '', /^PLAINTEXT:\/\/127\.0\.0\.1:40001(,|$)/);
  assert.equal(props.get('controller.listener.names'), 'CONTROLLER');
  assert.equal(props.get('inter.broker.listener.name'), 'PLAINTEXT');
  assert.equal(props.get('log.dirs'), '/data/node-1/data');
  assert.equal(props.get('auto.create.topics.enable'), 'false');
  assert.equal(props.get('group.initial.rebalance.delay.ms'), '0');
  for (const key of [
    'offsets.topic.replication.factor',
    'transaction.state.log.replication.factor',
    'transaction.state.log.min.isr',
    'share.coordinator.state.topic.replication.factor',
    'share.coordinator.state.topic.min.isr',
    'default.replication.factor',
    'min.insync.replicas',
  ]) {
    assert.equal(props.get(key), '1', key);
  }
  assert.equal(props.has('broker.session.timeout.ms'), false);
  assert.equal(props.has('controller.quorum.bootstrap.servers'), false);
});

test('three nodes: static voters, replication 3, min ISR 2, fast failure detection', () => {
  const nodes = [
    { id: 1, brokerPort: 41001, controllerPort: 41011 },
    { id: 2, brokerPort: 41002, controllerPort: 41012 },
    { id: 3, brokerPort: 41003, controllerPort: 41013 },
  ];
  const props = parse(renderServerProperties({ nodeId: 2, nodes, logDirs: '/d/node-2/data' }));
  assert.equal(props.get('node.id'), '2');
  assert.equal(
    props.get('controller.quorum.voters'),
    '1@127.0.0.1:41011,2@127.0.0.1:41012,3@127.0.0.1:41013',
  );
  assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:41002,CONTROLLER://127.0.0.1:41012');
  assert.equal(props.get('default.replication.factor'), '3');
  assert.equal(props.get('offsets.topic.replication.factor'), '3');
  assert.equal(props.get('transaction.state.log.replication.factor'), '3');
  assert.equal(props.get('min.insync.replicas'), '2');
  assert.equal(props.get('transaction.state.log.min.isr'), '2');
  assert.equal(props.get('broker.heartbeat.interval.ms'), '500');
  assert.equal(props.get('broker.session.timeout.ms'), '3000');
});

test('extra properties override the defaults; unknown node ids are refused', () => {
  const nodes = [{ id: 1, brokerPort: 1, controllerPort: 2 }];
  const props = parse(
    renderServerProperties({
      nodeId: 1,
      nodes,
      logDirs: '/x',
      extra: { 'auto.create.topics.enable': true, 'log.retention.ms': 1000 },
    }),
  );
  assert.equal(props.get('auto.create.topics.enable'), 'true');
  assert.equal(props.get('log.retention.ms'), '1000');
  assert.throws(() => renderServerProperties({ nodeId: 2, nodes, logDirs: '/x' }), /node 2/);
});

test('cluster ids look like Kafka Uuids (22 URL-safe base64 chars, 16 bytes, no leading dash)', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
    ids.add(id);
  }
  assert.equal(ids.size, 500);
});

test('broker JVM arguments: fixed heap, G1, log4j2 config and classpath wildcard', () => {
  const args = brokerJvmArgs({ heapMb: 384, logDir: '/logs/node-1', libsDir: '/libs', extra: ['-Dfoo=bar'] });
  assert.ok(args.includes('-Xms384m'));
  assert.ok(args.includes('-Xmx384m'));
  assert.ok(args.includes('-XX:+UseG1GC'));
  assert.ok(args.includes(`-Dlog4j2.configurationFile=${LOG4J2_CONFIG}`));
  assert.ok(args.includes('-Dkafka.logs.dir=/logs/node-1'));
  assert.ok(args.includes('-Dfoo=bar'));
  assert.deepEqual(args.slice(-2), ['-cp', '/libs/*']);
});
