// Smoke test of the e2e infrastructure: the Kafka broker speaks the Kafka protocol on its advertised address
// and the private Redis answers PING. Talks raw TCP on purpose (no client library involved).
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { test } from 'node:test';
import { infra } from './support/infra.ts';

/** Sends one Kafka request (request header v1) and returns the response without its size prefix. */
function kafkaRequest(port: number, apiKey: number, apiVersion: number, correlationId: number, body: Buffer) {
  const clientId = Buffer.from('infra-smoke-test');
  const header = Buffer.alloc(10 + clientId.length);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return new Promise<Buffer>((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error('no Kafka response within 10 s'));
    });
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.destroy();
        resolve(received.subarray(4, 4 + received.readInt32BE(0)));
      }
    });
    socket.write(Buffer.concat([size, header, body]));
  });
}

function brokerPort(): number {
  const port = infra().kafkaBrokerPorts[0];
  assert.ok(port !== undefined, 'no broker port');
  return port;
}

test('Kafka broker answers ApiVersions v0 with our correlation id', async () => {
  const { kafkaBootstrap } = infra();
  assert.match(kafkaBootstrap, /^127\.0\.0\.1:\d+$/);
  const port = brokerPort();
  assert.equal(kafkaBootstrap, `127.0.0.1:${port}`);

  const response = await kafkaRequest(port, 18, 0, 0x5eed, Buffer.alloc(0));
  assert.equal(response.readInt32BE(0), 0x5eed, 'correlation id');
  assert.equal(response.readInt16BE(4), 0, 'error code');
  const count = response.readInt32BE(6);
  const apis = new Map<number, [number, number]>();
  for (let i = 0; i < count; i++) {
    const at = 10 + i * 6;
    apis.set(response.readInt16BE(at), [response.readInt16BE(at + 2), response.readInt16BE(at + 4)]);
  }
  for (const key of [0, 1, 3, 18, 19]) assert.ok(apis.has(key), `API ${key} supported`); // Produce, Fetch, Metadata, ApiVersions, CreateTopics
  assert.ok((apis.get(18)?.[1] ?? 0) >= 3, 'ApiVersions v3+ (a Kafka 2.4+ broker)');
});

test('Kafka metadata advertises the broker on 127.0.0.1', async () => {
  const port = brokerPort();
  const allTopics = Buffer.alloc(4);
  allTopics.writeInt32BE(-1); // Metadata v1: null topic array = all topics
  const response = await kafkaRequest(port, 3, 1, 42, allTopics);
  assert.equal(response.readInt32BE(0), 42, 'correlation id');
  let at = 4;
  const brokers = response.readInt32BE(at);
  at += 4;
  const advertised: string[] = [];
  for (let i = 0; i < brokers; i++) {
    at += 4; // node id
    const hostLength = response.readInt16BE(at);
    const host = response.toString('utf8', at + 2, at + 2 + hostLength);
    at += 2 + hostLength;
    advertised.push(`${host}:${response.readInt32BE(at)}`);
    at += 4;
    const rackLength = response.readInt16BE(at);
    at += 2 + Math.max(0, rackLength);
  }
  assert.deepEqual(advertised, [`127.0.0.1:${port}`]);
});

test('Redis answers PING (a private server, not the machine-wide 6379)', async () => {
  const { redisHost, redisPort } = infra();
  assert.equal(redisHost, '127.0.0.1');
  assert.notEqual(redisPort, 6379);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: redisHost, port: redisPort });
    let text = '';
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error('no Redis answer within 5 s'));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.endsWith('\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
  });
  assert.equal(answer, '+PONG\r\n');
});

test('service configuration variables point at the test infrastructure', () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  assert.equal(process.env.KAFKA_BOOTSTRAP_SERVERS, kafkaBootstrap);
  assert.equal(process.env.REDIS_HOST, redisHost);
  assert.equal(process.env.REDIS_PORT, String(redisPort));
});
