/** Product request validation: every SPEC message, stockQuantity defaults and bounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonNumber, reviveJsonNumber } from '../json-number.ts';
import { validateCreateProduct } from './products.ts';

const body = (json: string): unknown => JSON.parse(json, reviveJsonNumber);
const n = (source: string) => new JsonNumber(source);

const validProduct = {
  productName: 'wireless-keyboard',
  price: n('59900'),
  currency: 'KRW',
  stockQuantity: n('120'),
};

function detailsOf(input: unknown): string[] {
  const result = validateCreateProduct(input);
  assert.equal(result.ok, false, 'expected validation details');
  return result.ok ? [] : result.details;
}

describe('validateCreateProduct', () => {
  it('turns the README example into a command', () => {
    assert.deepEqual(
      validateCreateProduct(
        body('{"productName":"wireless-keyboard","price":59900,"currency":"KRW","stockQuantity":120}'),
      ),
      {
        ok: true,
        value: { productName: 'wireless-keyboard', price: '59900', currency: 'KRW', stockQuantity: 120 },
      },
    );
  });

  it('stockQuantity is 0 when absent, null or blank (the original used a primitive int)', () => {
    for (const stockQuantity of [undefined, null, '']) {
      const result = validateCreateProduct({ ...validProduct, stockQuantity });
      assert.ok(result.ok);
      assert.equal(result.value.stockQuantity, 0);
    }
    const zero = validateCreateProduct({ ...validProduct, stockQuantity: n('0') });
    assert.ok(zero.ok);
    assert.equal(zero.value.stockQuantity, 0);
  });

  it('stockQuantity: negative → SPEC message; non-integer or out of range → clear messages', () => {
    assert.deepEqual(detailsOf({ ...validProduct, stockQuantity: n('-1') }), [
      'stockQuantity: stockQuantity must be zero or positive',
    ]);
    assert.deepEqual(detailsOf({ ...validProduct, stockQuantity: n('1.5') }), [
      'stockQuantity: must be an integer',
    ]);
    assert.deepEqual(detailsOf({ ...validProduct, stockQuantity: 'many' }), [
      'stockQuantity: must be an integer',
    ]);
    assert.deepEqual(detailsOf({ ...validProduct, stockQuantity: n('1e10') }), [
      'stockQuantity: must be between -2147483648 and 2147483647',
    ]);
    const fromString = validateCreateProduct({ ...validProduct, stockQuantity: '7' });
    assert.ok(fromString.ok);
    assert.equal(fromString.value.stockQuantity, 7);
  });

  it('an empty body: the required fields, in SPEC order', () => {
    assert.deepEqual(detailsOf({}), [
      'productName: productName is required',
      'price: price is required',
      'currency: currency is required',
    ]);
    assert.deepEqual(detailsOf('x'), ['body: must be a JSON object']);
  });

  it('every message of the SPEC at once, in SPEC order', () => {
    assert.deepEqual(detailsOf({ price: n('0.001'), stockQuantity: n('-1') }), [
      'productName: productName is required',
      'price: price must be positive',
      'currency: currency is required',
      'stockQuantity: stockQuantity must be zero or positive',
    ]);
  });

  it('price: at least 0.01 exactly, numeric strings accepted, other types refused', () => {
    const cheapest = validateCreateProduct({ ...validProduct, price: n('0.01') });
    assert.ok(cheapest.ok);
    assert.equal(cheapest.value.price, '0.01');
    assert.deepEqual(detailsOf({ ...validProduct, price: n('0.009') }), ['price: price must be positive']);
    assert.deepEqual(detailsOf({ ...validProduct, price: n('0') }), ['price: price must be positive']);
    const text = validateCreateProduct({ ...validProduct, price: '1.50' });
    assert.ok(text.ok);
    assert.equal(text.value.price, '1.50');
    assert.deepEqual(detailsOf({ ...validProduct, price: 'free' }), ['price: must be a decimal number']);
    assert.deepEqual(detailsOf({ ...validProduct, price: null }), ['price: price is required']);
  });

  it('productName: not blank, at most 255 characters, no control characters', () => {
    assert.deepEqual(detailsOf({ ...validProduct, productName: '  ' }), [
      'productName: productName is required',
    ]);
    assert.equal(validateCreateProduct({ ...validProduct, productName: '키'.repeat(255) }).ok, true);
    assert.deepEqual(detailsOf({ ...validProduct, productName: 'k'.repeat(256) }), [
      'productName: must be at most 255 characters',
    ]);
    assert.deepEqual(detailsOf({ ...validProduct, productName: 'key\u001bboard' }), [
      'productName: must not contain control characters',
    ]);
  });

  it('ignores unknown and prototype-polluting keys', () => {
    const result = validateCreateProduct(
      body('{"__proto__":{"stockQuantity":5},"productName":"p","price":1,"currency":"KRW","sku":"x"}'),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.value, { productName: 'p', price: '1', currency: 'KRW', stockQuantity: 0 });
    assert.equal(({} as Record<string, unknown>).stockQuantity, undefined);
  });
});
