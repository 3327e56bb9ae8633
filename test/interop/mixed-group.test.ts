/**
 * A mixed notification group: our notification-service and a Java one sharing the consumer group and
 * Redis. On topics and groups of its own, with the webhook notifier so every send is counted.
 *
 * - A live lease of ours makes the Java service's `SET key 1 EX 604800 NX` fail: a Java instance would
 *   skip that event as DUPLICATE (what a mixed group cannot guarantee, see docs/migration.md); once we
 *   sent, the key is the Java done mark `1` with the Java TTL.
 * - A member running the Java service's idempotency protocol (SPEC: `SET NX` before the send, `DEL` when
 *   the send fails) shares the group with our service, copies of every event arrive on every partition,
 *   and no event is sent twice across the two.
 * - Cut-over: a group that the Java client's assignors formed and committed is taken over by our
 *   service under the same name; it resumes at the committed offsets and honours the Java done marks.
 * - A member announcing the Java client's default assignors joins our group (we offer `range` too).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  Consumer,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  stringDeserializer,
} from '@platformatic/kafka';
import { Redis } from 'ioredis';
import { infra } from '../support/infra.ts';
import { eventually, produceWire } from '../support/interop-kafka.ts';
import {
  instantOfEpochMilli,
  type JavaEventMap,
  javaProducerRecord,
  strictJavaDecode,
  type WireRecordOut,
} from '../support/java-wire.ts';
import { createTopics } from '../support/kafka-client.ts';
import { type RunningService, startService } from '../support/services.ts';

/** A webhook that answers at once, or holds the requests of chosen events until released. */
class HoldingWebhook {
  readonly received: string[] = [];
  readonly #hold = new Set<string>();
  readonly #held = new Map<string, ServerResponse>();
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const eventId = String(request.headers['idempotency-key']);
        this.received.push(eventId);
        if (this.#hold.has(eventId)) this.#held.set(eventId, response);
        else response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/notify`;
  }

  hold(eventId: string): void {
    this.#hold.add(eventId);
  }

  isHeld(eventId: string): boolean {
    return this.#held.has(eventId);
  }

  release(eventId: string): void {
    this.#hold.delete(eventId);
    this.#held.get(eventId)?.writeHead(200).end();
    this.#held.delete(eventId);
  }

  count(eventId: string): number {
    return this.received.filter((id) => id === eventId).length;
  }

  async stop(): Promise<void> {
    for (const response of this.#held.values()) response.writeHead(503).end();
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

const prefix = `interop-mixed-${randomUUID().slice(0, 8)}`;
const topics = {
  OrderCreated: `${prefix}.order.created.v1`,
  OrderShipped: `${prefix}.order.shipped.v1`,
  ProductCreated: `${prefix}.product.created.v1`,
};
const group = `${prefix}-notification`;
const processedKey = (eventId: string) => `notification:processed:event:${eventId}`;
/** kafka-clients 3.6's default `partition.assignment.strategy`: RangeAssignor, CooperativeStickyAssignor. */
const JAVA_CLIENT_ASSIGNORS = [
  { name: 'range', version: 3 },
  { name: 'cooperative-sticky', version: 3 },
];

let notification: RunningService;
let webhook: HoldingWebhook;
let redis: Redis;
let bootstrap: string;

before(async () => {
  const { kafkaBootstrap, redisHost, redisPort } = infra();
  bootstrap = kafkaBootstrap;
  redis = new Redis({ host: redisHost, port: redisPort });
  webhook = new HoldingWebhook();
  await webhook.start();
  notification = await startService('notification-service', {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    REDIS_HOST: redisHost,
    REDIS_PORT: String(redisPort),
    KAFKA_TOPIC_ORDER_CREATED: topics.OrderCreated,
    KAFKA_TOPIC_ORDER_SHIPPED: topics.OrderShipped,
    KAFKA_TOPIC_PRODUCT_CREATED: topics.ProductCreated,
    NOTIFICATION_CONSUMER_GROUP: group,
    NOTIFICATION_DLQ_CONSUMER_GROUP: `${group}-dlq`,
    NOTIFICATION_WEBHOOK_URL: webhook.url,
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: '20000',
    NOTIFICATION_ATTEMPT_TIMEOUT_MS: '20000',
    NOTIFICATION_LEASE_MS: '30000',
    LOG_LEVEL: 'info',
  });
});

after(async () => {
  await notification?.stop();
  await webhook?.stop();
  redis?.disconnect();
});

function javaOrder(customerId = 'java-user'): { event: JavaEventMap['OrderCreated']; record: WireRecordOut } {
  const event: JavaEventMap['OrderCreated'] = {
    eventId: randomUUID(),
    orderId: randomUUID(),
    customerId,
    customerEmail: 'java.user@example.com',
    totalAmount: '12000.50',
    currency: 'KRW',
    createdAt: instantOfEpochMilli(Date.now()),
  };
  return { event, record: javaProducerRecord('OrderCreated', event, { topic: topics.OrderCreated }) };
}

const processed = (eventId: string) =>
  notification.waitForLog((l) => l.msg === 'record processed' && l.eventId === eventId);

describe('the idempotency key seen from a Java instance', () => {
  test('a live lease of ours makes a Java SET NX fail; after the send it is the Java mark 1 for 7 days', async () => {
    const { event, record } = javaOrder();
    webhook.hold(event.eventId);
    await produceWire(bootstrap, [record]);
    await eventually('our service to be sending', () => webhook.isHeld(event.eventId));

    const during = await redis.get(processedKey(event.eventId));
    assert.match(String(during), /^lease:/, 'our lease while sending');
    const pttl = await redis.pttl(processedKey(event.eventId));
    assert.ok(pttl > 0 && pttl <= 30_000, `the lease expires by itself, in ${pttl} ms`);
    assert.equal(
      await redis.set(processedKey(event.eventId), '1', 'EX', 604_800, 'NX'),
      null,
      'a Java instance would report DUPLICATE and skip this event while our lease lives',
    );

    webhook.release(event.eventId);
    assert.equal((await processed(event.eventId)).status, 'SENT');
    assert.equal(await redis.get(processedKey(event.eventId)), '1');
    const ttl = await redis.ttl(processedKey(event.eventId));
    assert.ok(ttl > 604_000 && ttl <= 604_800, `the Java TTL, got ${ttl}`);
    assert.equal(await redis.set(processedKey(event.eventId), '1', 'EX', 604_800, 'NX'), null);
    assert.equal(webhook.count(event.eventId), 1, 'sent once');
  });
});

/**
 * A group member doing what the Java notification-service does with Redis (SPEC): `SET key 1 EX 604800
 * NX`; taken → DUPLICATE; reserved → send.
 */
class JavaProtocolMember {
  readonly sent: string[] = [];
  readonly duplicates: string[] = [];
  processed = 0;
  readonly errors: unknown[] = [];
  #chain = Promise.resolve();
  readonly #redis: Redis;
  readonly #topics: string[];
  readonly #consumer: Consumer<Buffer, Buffer, string, Buffer>;
  #stream: Awaited<ReturnType<Consumer<Buffer, Buffer, string, Buffer>['consume']>> | undefined;

  constructor(
    redisClient: Redis,
    options: { groupId: string; topics: string[]; javaAssignors?: boolean } = {
      groupId: group,
      topics: Object.values(topics),
    },
  ) {
    this.#redis = redisClient;
    this.#topics = options.topics;
    this.#consumer = new Consumer<Buffer, Buffer, string, Buffer>({
      clientId: 'java-protocol-member',
      groupId: options.groupId,
      bootstrapBrokers: [bootstrap],
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      ...(options.javaAssignors ? { protocols: JAVA_CLIENT_ASSIGNORS } : {}),
    });
  }

  async start(): Promise<void> {
    this.#stream = await this.#consumer.consume({
      topics: this.#topics,
      autocommit: false,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      maxWaitTime: 200,
      deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string },
    });
    this.#stream.on('data', (message: Message<Buffer, Buffer, string, Buffer>) => {
      this.#chain = this.#chain
        .then(() => this.#handle(message))
        .catch((error: unknown) => {
          this.errors.push(error);
        });
    });
  }

  async #handle(message: Message<Buffer, Buffer, string, Buffer>): Promise<void> {
    const decoded = strictJavaDecode('OrderCreated', message.value, message.headerEntries);
    if (decoded.ok) {
      const eventId = String(decoded.event.eventId);
      const reserved = await this.#redis.set(processedKey(eventId), '1', 'EX', 604_800, 'NX');
      if (reserved === 'OK') this.sent.push(eventId);
      else this.duplicates.push(eventId);
    }
    // Counted once committed: a caller that waits for `processed` and stops may rely on the commit.
    await message.commit();
    this.processed++;
  }

  /** Partitions of `topic` this member holds now. */
  partitions(topic: string): number {
    return (this.#consumer.assignments ?? []).find((a) => a.topic === topic)?.partitions.length ?? 0;
  }

  async stop(): Promise<void> {
    await this.#chain;
    await this.#stream?.close().catch(() => {});
    await this.#consumer.close(true).catch(() => {});
  }
}

describe('our service and a Java-protocol member in one group', () => {
  test('copies of 30 events on every partition, consumed by both: each event is sent exactly once', async () => {
    const member = new JavaProtocolMember(redis);
    try {
      await member.start();
      // Wait for a stable split: the member holds some order.created partitions, our service the others.
      let stableSince = Date.now();
      let last = -1;
      await eventually(
        'a stable assignment shared by both members',
        () => {
          const now = member.partitions(topics.OrderCreated);
          if (now !== last) {
            last = now;
            stableSince = Date.now();
          }
          return now > 0 && now < 3 && Date.now() - stableSince > 2000 ? true : undefined;
        },
        45_000,
      );
      const orders = Array.from({ length: 30 }, () => javaOrder());
      const copies = orders.flatMap(({ record }) => [0, 1, 2].map((partition) => ({ ...record, partition })));
      await produceWire(bootstrap, copies);

      const ids = orders.map((o) => o.event.eventId);
      const memberCopies = () => member.processed;
      const ourOutcomes = () =>
        notification
          .logLines()
          .filter((l) => l.msg === 'record processed' && ids.includes(String(l.eventId)));
      await eventually(
        'all 90 copies handled by one member or the other',
        () => (memberCopies() + ourOutcomes().length >= copies.length ? true : undefined),
        60_000,
      );
      assert.ok(member.processed > 0 && ourOutcomes().length > 0, 'both members handled copies');
      for (const id of ids) {
        const sends = webhook.count(id) + member.sent.filter((sent) => sent === id).length;
        assert.equal(sends, 1, `event ${id} sent once across the group (ours ${webhook.count(id)})`);
        assert.equal(await redis.get(processedKey(id)), '1');
      }
      const ourDuplicates = ourOutcomes().filter((l) => l.status === 'DUPLICATE').length;
      assert.equal(
        ourDuplicates + member.duplicates.length,
        copies.length - orders.length,
        'every other copy is a DUPLICATE on one side or the other',
      );
    } finally {
      await member.stop();
    }
  });

  test("a member with the Java client's default assignors (range, cooperative-sticky) can join our group", async () => {
    const javaLike = new Consumer({
      clientId: 'java-assignors',
      groupId: group,
      bootstrapBrokers: [bootstrap],
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      // kafka-clients 3.6 ConsumerConfig default partition.assignment.strategy
      protocols: [
        { name: 'range', version: 3 },
        { name: 'cooperative-sticky', version: 3 },
      ],
    });
    try {
      const stream = await javaLike.consume({ topics: Object.values(topics), autocommit: false });
      await stream.close();
    } finally {
      await javaLike.close(true).catch(() => {});
    }
  });
});

describe('cut-over: the Java group stops, ours starts under the same group name', () => {
  test("our service resumes at the Java group's committed offsets and honours its done marks", async () => {
    const cutPrefix = `${prefix}-cut`;
    const cutTopics = {
      OrderCreated: `${cutPrefix}.order.created.v1`,
      OrderShipped: `${cutPrefix}.order.shipped.v1`,
      ProductCreated: `${cutPrefix}.product.created.v1`,
    };
    const cutGroup = `${cutPrefix}-notification`;
    await createTopics(bootstrap, Object.values(cutTopics));
    const record = (customerId: string) => {
      const { event, record: r } = javaOrder(customerId);
      return { event, record: { ...r, topic: cutTopics.OrderCreated } };
    };
    // The Java group (with the Java client's assignors) handles and commits the first ten events.
    const handledByJava = Array.from({ length: 10 }, (_, i) => record(`before-cut-${i}`));
    const java = new JavaProtocolMember(redis, {
      groupId: cutGroup,
      topics: Object.values(cutTopics),
      javaAssignors: true,
    });
    await java.start();
    await produceWire(
      bootstrap,
      handledByJava.map((b) => b.record),
    );
    await eventually('the Java group to handle its events', () =>
      java.processed >= handledByJava.length ? true : undefined,
    );
    await java.stop();
    assert.deepEqual(java.errors, [], 'the Java group handled and committed without an error');

    // A copy of one the Java group already handled arrives again (a redelivery, a replay).
    const redelivered = handledByJava[0]!;
    const afterCut = Array.from({ length: 10 }, (_, i) => record(`after-cut-${i}`));
    await produceWire(bootstrap, [redelivered.record, ...afterCut.map((a) => a.record)]);

    const ours = await startService('notification-service', {
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      REDIS_HOST: infra().redisHost,
      REDIS_PORT: String(infra().redisPort),
      KAFKA_TOPIC_ORDER_CREATED: cutTopics.OrderCreated,
      KAFKA_TOPIC_ORDER_SHIPPED: cutTopics.OrderShipped,
      KAFKA_TOPIC_PRODUCT_CREATED: cutTopics.ProductCreated,
      NOTIFICATION_CONSUMER_GROUP: cutGroup,
      NOTIFICATION_DLQ_CONSUMER_GROUP: `${cutGroup}-dlq`,
      NOTIFICATION_WEBHOOK_URL: webhook.url,
      LOG_LEVEL: 'info',
    });
    try {
      const outcome = (eventId: string) =>
        ours.logLines().find((l) => l.msg === 'record processed' && l.eventId === eventId);
      for (const a of afterCut) {
        const line = await eventually(`the event ${a.event.eventId}`, () => outcome(a.event.eventId));
        assert.equal(line.status, 'SENT');
        assert.equal(webhook.count(a.event.eventId), 1);
      }
      const copy = await eventually('the redelivered copy', () => outcome(redelivered.event.eventId));
      assert.equal(copy.status, 'DUPLICATE', 'the Java done mark is honoured');
      const reprocessed = handledByJava.slice(1).filter((b) => outcome(b.event.eventId) !== undefined);
      assert.deepEqual(reprocessed, [], 'records the Java group committed are not read again');
      for (const b of handledByJava) assert.equal(webhook.count(b.event.eventId), 0, 'never sent by us');
    } finally {
      await ours.stop();
    }
  });
});
