import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instantFromEpochMillis, parseDecimalText } from '@commerce/contracts';
import { changeOrderStatus, createOrder, type Sources, UnsupportedTransitionError } from './orders.ts';

function sources(): Sources {
  let n = 0;
  return {
    newId: () => `00000000-0000-4000-8000-00000000000${++n}`,
    now: () => instantFromEpochMillis(1_732_400_000_123),
  };
}

const customer = { customerId: 'user-1001', customerEmail: 'user1001@example.com' };

describe('createOrder', () => {
  test('fresh eventId and orderId, the command fields, the clock', () => {
    const event = createOrder(
      { ...customer, totalAmount: parseDecimalText('12000.50'), currency: 'KRW' },
      sources(),
    );
    assert.deepEqual(event, {
      eventId: '00000000-0000-4000-8000-000000000001',
      orderId: '00000000-0000-4000-8000-000000000002',
      customerId: 'user-1001',
      customerEmail: 'user1001@example.com',
      totalAmount: '12000.50',
      currency: 'KRW',
      createdAt: '2024-11-23T22:13:20.123Z',
    });
  });
});

describe('changeOrderStatus', () => {
  const orderId = '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11';

  for (const [previousStatus, currentStatus] of [
    [20, 25],
    [25, 80],
  ] as const) {
    test(`${previousStatus} -> ${currentStatus} is allowed and keeps the order id`, () => {
      const event = changeOrderStatus(orderId, { ...customer, previousStatus, currentStatus }, sources());
      assert.equal(event.orderId, orderId);
      assert.equal(event.previousStatus, previousStatus);
      assert.equal(event.currentStatus, currentStatus);
      assert.equal(event.eventId, '00000000-0000-4000-8000-000000000001');
      assert.equal(event.changedAt, '2024-11-23T22:13:20.123Z');
    });
  }

  for (const [previousStatus, currentStatus] of [
    [20, 80],
    [25, 20],
    [80, 25],
    [20, 20],
    [0, 25],
  ] as const) {
    test(`${previousStatus} -> ${currentStatus} is refused with the SPEC message`, () => {
      assert.throws(
        () => changeOrderStatus(orderId, { ...customer, previousStatus, currentStatus }, sources()),
        (error: unknown) =>
          error instanceof UnsupportedTransitionError &&
          error.message ===
            `Only 20->25(shipping) and 25->80(delivered) transitions are supported. requested=${previousStatus}->${currentStatus}`,
      );
    });
  }
});
