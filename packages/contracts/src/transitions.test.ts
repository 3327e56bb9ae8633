/** The supported status transitions and the exact SPEC refusal message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTransition, OrderStatus } from './transitions.ts';

describe('OrderStatus', () => {
  it('has the SPEC codes', () => {
    assert.deepEqual(OrderStatus, { COMPLETED: 20, SHIPPING: 25, DELIVERED: 80 });
  });
});

describe('checkTransition', () => {
  it('allows 20 -> 25 and 25 -> 80', () => {
    assert.deepEqual(checkTransition(20, 25), { ok: true });
    assert.deepEqual(checkTransition(25, 80), { ok: true });
  });

  it('refuses everything else with the exact SPEC message', () => {
    const refused: [number, number][] = [
      [20, 80],
      [25, 20],
      [80, 25],
      [20, 20],
      [25, 25],
      [80, 80],
      [0, 25],
      [-1, 20],
      [2147483647, -2147483648],
    ];
    for (const [prev, cur] of refused) {
      assert.deepEqual(checkTransition(prev, cur), {
        ok: false,
        message: `Only 20->25(shipping) and 25->80(delivered) transitions are supported. requested=${prev}->${cur}`,
      });
    }
    const result = checkTransition(20, 80);
    assert.equal(
      result.ok ? '' : result.message,
      'Only 20->25(shipping) and 25->80(delivered) transitions are supported. requested=20->80',
    );
  });
});
