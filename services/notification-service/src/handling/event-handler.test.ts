import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventTypes, encodeEvent, instantFromEpochMillis, parseDecimalText } from '@commerce/contracts';
import { type ConsumedRecord, PoisonRecordError } from '@commerce/messaging';
import { FailureSimulatingNotifier } from '../notifier/failure-simulation.ts';
import type { Notification, Notifier } from '../notifier/notifier.ts';
import { createEventHandler, EventHandlingError } from './event-handler.ts';

const typeOfTopic = new Map([
  ['order.created.v1', 'OrderCreated' as const],
  ['product.created.v1', 'ProductCreated' as const],
]);
const javaClassNames = {
  OrderCreated: EventTypes.OrderCreated.javaClassName,
  OrderShipped: EventTypes.OrderShipped.javaClassName,
  ProductCreated: EventTypes.ProductCreated.javaClassName,
};
const signal = new AbortController().signal;

function orderRecord(customerId: string, eventId = '11111111-1111-4111-8111-111111111111'): ConsumedRecord {
  const value = encodeEvent('OrderCreated', {
    eventId,
    orderId: '22222222-2222-4222-8222-222222222222',
    customerId,
    customerEmail: 'user1001@example.com',
    totalAmount: parseDecimalText('12000.50'),
    currency: 'KRW',
    createdAt: instantFromEpochMillis(1_732_400_000_000),
  });
  return {
    topic: 'order.created.v1',
    partition: 0,
    offset: 0n,
    timestamp: 0n,
    key: null,
    value,
    headers: [],
  };
}

/** A gate that remembers done events in memory: the real one is tested against Redis. */
function memoryGate() {
  const done = new Set<string>();
  return {
    done,
    async guard(eventId: string, signal: AbortSignal, send: (signal: AbortSignal) => void | Promise<void>) {
      if (done.has(eventId)) return 'DUPLICATE' as const;
      await send(signal);
      done.add(eventId);
      return 'SENT' as const;
    },
  };
}

function recordingNotifier() {
  const sent: Notification[] = [];
  const notifier: Notifier = {
    async send(notification) {
      sent.push(notification);
    },
  };
  return { sent, notifier };
}

describe('the notification handler', () => {
  test('decodes, sends once, then reports DUPLICATE', async () => {
    const { sent, notifier } = recordingNotifier();
    const handler = createEventHandler({
      typeOfTopic,
      gate: memoryGate(),
      notifier,
      decode: { maxBytes: 1 << 20, javaClassNames },
    });
    const first = await handler(orderRecord('user-1001'), signal);
    assert.deepEqual(first, {
      status: 'SENT',
      detail: 'ORDER_CONFIRMATION sent',
      eventId: '11111111-1111-4111-8111-111111111111',
      context: { orderId: '22222222-2222-4222-8222-222222222222' },
    });
    const second = await handler(orderRecord('user-1001'), signal);
    assert.equal(second.status, 'DUPLICATE');
    assert.equal(second.detail, 'Already processed');
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.message, /amount=12000\.50 KRW/);
    assert.match(sent[0]!.message, /email=u\*\*\*@example\.com/);
    assert.doesNotMatch(sent[0]!.message, /user1001@/);
  });

  test('a record that cannot be decoded is poison (no retry makes sense)', async () => {
    const handler = createEventHandler({
      typeOfTopic,
      gate: memoryGate(),
      notifier: recordingNotifier().notifier,
      decode: { maxBytes: 1 << 20, javaClassNames },
    });
    const record = { ...orderRecord('x'), value: Buffer.from('not json') };
    await assert.rejects(
      async () => handler(record, signal),
      (e) => e instanceof PoisonRecordError && e.reason === 'NOT_JSON',
    );
    const wrongType = {
      ...orderRecord('x'),
      headers: [['__TypeId__', Buffer.from('com.example.common.event.ProductCreatedEvent')] as const],
    };
    await assert.rejects(
      async () => handler(wrongType, signal),
      (e) => e instanceof PoisonRecordError && e.reason === 'TYPE_MISMATCH',
    );
  });

  test('a fail- customer makes the send fail with the event id attached, and nothing is marked done', async () => {
    const gate = memoryGate();
    const { sent, notifier } = recordingNotifier();
    const handler = createEventHandler({
      typeOfTopic,
      gate,
      notifier: new FailureSimulatingNotifier(notifier),
      decode: { maxBytes: 1 << 20, javaClassNames },
    });
    await assert.rejects(
      async () => handler(orderRecord('fail-user-1'), signal),
      (e) =>
        e instanceof EventHandlingError &&
        e.eventId === '11111111-1111-4111-8111-111111111111' &&
        /Simulated downstream failure/.test(e.message),
    );
    assert.equal(sent.length, 0);
    assert.equal(gate.done.size, 0);
  });
});
