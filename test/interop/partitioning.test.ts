/**
 * Same partition for the same key as the Java producer, checked on the broker: our publisher writes a
 * few hundred records with random keys (ASCII, Unicode, empty, long) to topics of 3 and 7 partitions,
 * and every record read back sits on `toPositive(murmur2(keyBytes)) % partitions` computed by the
 * independent murmur2 in java-wire.ts (itself checked against Kafka's own test vectors).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { KafkaPublisher } from '@commerce/messaging';
import { infra } from '../support/infra.ts';
import { readWire } from '../support/interop-kafka.ts';
import { javaDefaultPartition, kafkaMurmur2 } from '../support/java-wire.ts';
import { createTopics } from '../support/kafka-client.ts';

let bootstrap: string;
let publisher: KafkaPublisher;
const suffix = randomUUID().slice(0, 8);
const topics = { 3: `interop-partitions-3-${suffix}`, 7: `interop-partitions-7-${suffix}` } as const;

before(async () => {
  bootstrap = infra().kafkaBootstrap;
  await createTopics(bootstrap, [topics[3]], 3);
  await createTopics(bootstrap, [topics[7]], 7);
  publisher = new KafkaPublisher(
    { bootstrapServers: [bootstrap], clientId: 'interop-partitioning' },
    'producer',
  );
});

after(async () => {
  await publisher?.close();
});

const ALPHABET = ['a', 'b', 'Z', '0', '9', '-', '_', ':', '주', '문', 'é', 'ß', '🙂', '⌨', ' '];

function randomKey(i: number): string {
  if (i === 0) return '';
  if (i % 5 === 0) return randomUUID();
  const length = 1 + Math.floor(Math.random() * (i % 7 === 0 ? 120 : 24));
  return Array.from({ length }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('');
}

test("Kafka's murmur2 vectors (SPEC): 21, foobar, a-little-bit-long-string, abc → partitions 0, 0, 2, 0", () => {
  const vectors: Array<[string, number, number]> = [
    ['21', -973932308, 0],
    ['foobar', -790332482, 0],
    ['a-little-bit-long-string', -985981536, 2],
    ['abc', 479470107, 0],
  ];
  for (const [key, hash, partition] of vectors) {
    assert.equal(kafkaMurmur2(Buffer.from(key)), hash, key);
    assert.equal(javaDefaultPartition(key, 3), partition, key);
  }
});

for (const count of [3, 7] as const) {
  test(`300 random keys written by our publisher land where Java puts them (${count} partitions)`, async () => {
    const keys = Array.from({ length: 300 }, (_, i) => randomKey(i));
    const acks = await Promise.all(
      keys.map((key, index) =>
        publisher.send({
          topic: topics[count],
          key: Buffer.from(key, 'utf8'),
          value: Buffer.from(JSON.stringify({ index })),
        }),
      ),
    );
    for (const [index, ack] of acks.entries()) {
      assert.equal(
        ack.partition,
        javaDefaultPartition(keys[index]!, count),
        `ack of ${JSON.stringify(keys[index])}`,
      );
    }
    const records = await readWire(bootstrap, [topics[count]], (rs) => rs.length >= keys.length);
    assert.equal(records.length, keys.length);
    const used = new Set<number>();
    for (const record of records) {
      const { index } = JSON.parse(record.value!.toString('utf8')) as { index: number };
      const key = keys[index]!;
      assert.deepEqual(record.key ?? Buffer.alloc(0), Buffer.from(key, 'utf8'), 'key bytes as written');
      assert.equal(
        record.partition,
        javaDefaultPartition(key, count),
        `broker partition of ${JSON.stringify(key)}`,
      );
      used.add(record.partition);
    }
    assert.equal(used.size, count, 'every partition received records');
  });
}
