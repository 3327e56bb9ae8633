/** Order request validation: every SPEC message, boundaries, wrong types, prototype keys. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonNumber, reviveJsonNumber } from '../json-number.ts';
import { validateChangeOrderStatus, validateCreateOrder } from './orders.ts';

/** A body as the HTTP layer hands it over: parsed JSON with numbers as JsonNumber. */
const body = (json: string): unknown => JSON.parse(json, reviveJsonNumber);
const n = (source: string) => new JsonNumber(source);

const validOrder = {
  customerId: 'user-1001',
  customerEmail: 'user1001@example.com',
  totalAmount: n('12900'),
  currency: 'KRW',
};
const validStatus = {
  customerId: 'user-1001',
  customerEmail: 'user1001@example.com',
  previousStatus: n('20'),
  currentStatus: n('25'),
};

function detailsOfOrder(input: unknown): string[] {
  const result = validateCreateOrder(input);
  assert.equal(result.ok, false, 'expected validation details');
  return result.ok ? [] : result.details;
}

function detailsOfStatus(input: unknown): string[] {
  const result = validateChangeOrderStatus(input);
  assert.equal(result.ok, false, 'expected validation details');
  return result.ok ? [] : result.details;
}

describe('validateCreateOrder', () => {
  it('turns a valid body into a command, keeping the amount exactly as written', () => {
    assert.deepEqual(
      validateCreateOrder(
        body(
          '{"customerId":"user-1001","customerEmail":"user1001@example.com","totalAmount":12000.50,"currency":"KRW"}',
        ),
      ),
      {
        ok: true,
        value: {
          customerId: 'user-1001',
          customerEmail: 'user1001@example.com',
          totalAmount: '12000.50',
          currency: 'KRW',
        },
      },
    );
  });

  it('ignores unknown fields and does not copy them into the command', () => {
    const result = validateCreateOrder({ ...validOrder, status: 'PAID', orderId: 'x' });
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.value), ['customerId', 'customerEmail', 'totalAmount', 'currency']);
  });

  it('an empty body: one SPEC message per field, in SPEC order', () => {
    assert.deepEqual(detailsOfOrder({}), [
      'customerId: customerId is required',
      'customerEmail: customerEmail is required',
      'totalAmount: totalAmount is required',
      'currency: currency is required',
    ]);
  });

  it('a body that is not a JSON object', () => {
    for (const input of [null, undefined, [], [validOrder], 'x', n('1'), true])
      assert.deepEqual(detailsOfOrder(input), ['body: must be a JSON object'], String(input));
  });

  it('blank text is required, as @NotBlank sees it (also null, control-only and Unicode spaces)', () => {
    for (const blank of ['', ' ', '\t\n', '\u0001', '\u3000', '\u00a0', null])
      assert.deepEqual(detailsOfOrder({ ...validOrder, customerId: blank }), [
        'customerId: customerId is required',
      ]);
  });

  it('keeps text exactly as sent (no trimming), and takes a number as its text like Jackson', () => {
    const spaced = validateCreateOrder({ ...validOrder, customerId: ' user 1 ' });
    assert.ok(spaced.ok);
    assert.equal(spaced.value.customerId, ' user 1 ');
    const numeric = validateCreateOrder(
      body('{"customerId":1001,"customerEmail":"a@b.co","totalAmount":1,"currency":"KRW"}'),
    );
    assert.ok(numeric.ok);
    assert.equal(numeric.value.customerId, '1001');
  });

  it('text of the wrong type: must be a string', () => {
    for (const value of [true, {}, ['x']])
      assert.deepEqual(detailsOfOrder({ ...validOrder, customerId: value }), [
        'customerId: must be a string',
      ]);
  });

  it('bounds lengths in characters: customerId 255, currency 16', () => {
    assert.equal(validateCreateOrder({ ...validOrder, customerId: 'x'.repeat(255) }).ok, true);
    assert.equal(validateCreateOrder({ ...validOrder, customerId: '😀'.repeat(255) }).ok, true);
    assert.deepEqual(detailsOfOrder({ ...validOrder, customerId: 'x'.repeat(256) }), [
      'customerId: must be at most 255 characters',
    ]);
    assert.equal(validateCreateOrder({ ...validOrder, currency: 'C'.repeat(16) }).ok, true);
    assert.deepEqual(detailsOfOrder({ ...validOrder, currency: 'C'.repeat(17) }), [
      'currency: must be at most 16 characters',
    ]);
  });

  it('refuses control characters and broken surrogate pairs in text', () => {
    assert.deepEqual(detailsOfOrder({ ...validOrder, customerId: 'user\n1' }), [
      'customerId: must not contain control characters',
    ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, currency: 'KR\u0000W' }), [
      'currency: must not contain control characters',
    ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, customerId: 'user\ud800' }), [
      'customerId: must be valid Unicode text',
    ]);
  });

  it('customerEmail: required when blank (only that), must be valid otherwise', () => {
    for (const blank of [undefined, null, '', '   '])
      assert.deepEqual(detailsOfOrder({ ...validOrder, customerEmail: blank }), [
        'customerEmail: customerEmail is required',
      ]);
    for (const invalid of ['nope', 'a@', '@b', 'a b@c.d', `${'a'.repeat(250)}@b.co`, n('12')])
      assert.deepEqual(detailsOfOrder({ ...validOrder, customerEmail: invalid }), [
        'customerEmail: customerEmail must be valid',
      ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, customerEmail: false }), [
      'customerEmail: must be a string',
    ]);
  });

  it('totalAmount: at least 0.01, exactly', () => {
    for (const ok of ['0.01', '0.010', '1e-2', '12900', '12000.50', '1E+3', `${'9'.repeat(38)}`]) {
      const result = validateCreateOrder({ ...validOrder, totalAmount: n(ok) });
      assert.ok(result.ok, ok);
      assert.equal(result.value.totalAmount, ok);
    }
    for (const low of ['0.009', '0', '-0', '0.0099999999999999999999999999999999999', '-5', '-0.01'])
      assert.deepEqual(
        detailsOfOrder({ ...validOrder, totalAmount: n(low) }),
        ['totalAmount: totalAmount must be positive'],
        low,
      );
  });

  it('totalAmount: a numeric string is read as Jackson reads it; blank or "null" counts as missing', () => {
    const result = validateCreateOrder({ ...validOrder, totalAmount: ' 12.50 ' });
    assert.ok(result.ok);
    assert.equal(result.value.totalAmount, '12.50');
    for (const missing of [undefined, null, '', '  ', 'null'])
      assert.deepEqual(detailsOfOrder({ ...validOrder, totalAmount: missing }), [
        'totalAmount: totalAmount is required',
      ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, totalAmount: '0.001' }), [
      'totalAmount: totalAmount must be positive',
    ]);
  });

  it('totalAmount: not a number → must be a decimal number', () => {
    for (const value of ['abc', '12,5', 'NaN', true, {}, [n('1')], 12.5])
      assert.deepEqual(
        detailsOfOrder({ ...validOrder, totalAmount: value }),
        ['totalAmount: must be a decimal number'],
        String(value),
      );
  });

  it('totalAmount: too precise or too large → a clear message, never rounding', () => {
    assert.deepEqual(detailsOfOrder({ ...validOrder, totalAmount: n(`1.${'0'.repeat(38)}`) }), [
      'totalAmount: has more than 38 significant digits',
    ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, totalAmount: n('1E+101') }), [
      'totalAmount: is too large (exponent above 100)',
    ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, totalAmount: n(`0.${'0'.repeat(100)}1`) }), [
      'totalAmount: has more than 100 decimal places',
    ]);
    assert.deepEqual(detailsOfOrder({ ...validOrder, totalAmount: '9'.repeat(300) }), [
      'totalAmount: is longer than 200 characters',
    ]);
  });

  it('reports every failing field at once, in SPEC order', () => {
    assert.deepEqual(detailsOfOrder({ currency: ' ', totalAmount: n('0'), customerEmail: 'nope' }), [
      'customerId: customerId is required',
      'customerEmail: customerEmail must be valid',
      'totalAmount: totalAmount must be positive',
      'currency: currency is required',
    ]);
  });

  it('__proto__ and constructor keys in the body are ignored and pollute nothing', () => {
    const input = body(
      '{"__proto__":{"customerId":"evil","polluted":1},"constructor":{"prototype":{"polluted":1}},' +
        '"customerEmail":"a@b.co","totalAmount":1,"currency":"KRW"}',
    );
    assert.deepEqual(detailsOfOrder(input), ['customerId: customerId is required']);
    const valid = validateCreateOrder(
      body(
        '{"__proto__":{"isAdmin":true},"customerId":"c","customerEmail":"a@b.co","totalAmount":1,"currency":"KRW"}',
      ),
    );
    assert.ok(valid.ok);
    assert.equal(Object.getPrototypeOf(valid.value), Object.prototype);
    assert.equal((valid.value as unknown as Record<string, unknown>).isAdmin, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  });

  it('reads own fields only, never inherited ones', () => {
    const inherited = Object.create(validOrder) as object;
    assert.deepEqual(detailsOfOrder(inherited), [
      'customerId: customerId is required',
      'customerEmail: customerEmail is required',
      'totalAmount: totalAmount is required',
      'currency: currency is required',
    ]);
  });
});

describe('validateChangeOrderStatus', () => {
  it('turns a valid body into a command (the transition itself is checked elsewhere)', () => {
    assert.deepEqual(validateChangeOrderStatus(validStatus), {
      ok: true,
      value: {
        customerId: 'user-1001',
        customerEmail: 'user1001@example.com',
        previousStatus: 20,
        currentStatus: 25,
      },
    });
    const unsupported = validateChangeOrderStatus({ ...validStatus, currentStatus: n('80') });
    assert.ok(unsupported.ok);
    assert.equal(unsupported.value.currentStatus, 80);
  });

  it('an empty body: one SPEC message per field, in SPEC order', () => {
    assert.deepEqual(detailsOfStatus({}), [
      'customerId: customerId is required',
      'customerEmail: customerEmail is required',
      'previousStatus: previousStatus is required',
      'currentStatus: currentStatus is required',
    ]);
    assert.deepEqual(detailsOfStatus([]), ['body: must be a JSON object']);
  });

  it('statuses must be integers within int32; integer strings are read as Jackson reads them', () => {
    const fromStrings = validateChangeOrderStatus({
      ...validStatus,
      previousStatus: '20',
      currentStatus: ' 25 ',
    });
    assert.ok(fromStrings.ok);
    assert.deepEqual([fromStrings.value.previousStatus, fromStrings.value.currentStatus], [20, 25]);
    const integral = validateChangeOrderStatus({
      ...validStatus,
      previousStatus: n('20.0'),
      currentStatus: n('2.5E1'),
    });
    assert.ok(integral.ok);
    assert.deepEqual([integral.value.previousStatus, integral.value.currentStatus], [20, 25]);
    assert.deepEqual(
      detailsOfStatus({ ...validStatus, previousStatus: n('20.5'), currentStatus: n('2147483648') }),
      ['previousStatus: must be an integer', 'currentStatus: must be between -2147483648 and 2147483647'],
    );
    for (const value of [true, 'twenty', '20.0', {}, [n('20')], 20])
      assert.deepEqual(
        detailsOfStatus({ ...validStatus, previousStatus: value }),
        ['previousStatus: must be an integer'],
        String(value),
      );
    for (const value of [null, undefined, '', 'null'])
      assert.deepEqual(detailsOfStatus({ ...validStatus, currentStatus: value }), [
        'currentStatus: currentStatus is required',
      ]);
  });

  it('uses the same customer rules as order creation', () => {
    assert.deepEqual(detailsOfStatus({ ...validStatus, customerId: ' ', customerEmail: 'x' }), [
      'customerId: customerId is required',
      'customerEmail: customerEmail must be valid',
    ]);
  });
});
