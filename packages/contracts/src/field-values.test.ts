/** Jackson-like reading of single values, shared by the record decoder and the request rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ABSENT,
  coerceDecimal,
  coerceInstant,
  coerceInt32,
  coerceString,
  coerceUuid,
  describeValue,
  Invalid,
} from './field-values.ts';
import { JsonNumber } from './json-number.ts';

const num = (source: string) => new JsonNumber(source);

function codeOf(value: unknown): string {
  assert.ok(value instanceof Invalid, `expected Invalid, got ${String(value)}`);
  return value.code;
}

describe('coerceDecimal', () => {
  it('takes JSON numbers as written and numeric strings as Jackson does (trimmed, BigDecimal syntax)', () => {
    assert.equal(coerceDecimal(num('12000.50')), '12000.50');
    assert.equal(coerceDecimal('12.5'), '12.5');
    assert.equal(coerceDecimal(' 12.50 '), '12.50');
    assert.equal(coerceDecimal('+.5'), '0.5');
  });

  it('treats missing, null, blank and "null" strings as absent', () => {
    for (const value of [undefined, null, '', '   ', 'null']) assert.equal(coerceDecimal(value), ABSENT);
  });

  it('refuses other types and non-numeric strings, and reports bound problems by code', () => {
    assert.equal(codeOf(coerceDecimal('abc')), 'NOT_A_NUMBER');
    assert.equal(codeOf(coerceDecimal(true)), 'NOT_A_NUMBER');
    assert.equal(codeOf(coerceDecimal({})), 'NOT_A_NUMBER');
    assert.equal(codeOf(coerceDecimal([num('1')])), 'NOT_A_NUMBER');
    assert.equal(codeOf(coerceDecimal(12.5)), 'NOT_A_NUMBER'); // a double has lost its source text
    assert.equal(codeOf(coerceDecimal(num('9'.repeat(39)))), 'TOO_MANY_DIGITS');
    assert.equal((coerceDecimal('abc') as Invalid).message, '"abc" is not a decimal number');
  });
});

describe('coerceInt32', () => {
  it('takes integral numbers in any notation, within int32', () => {
    assert.equal(coerceInt32(num('20')), 20);
    assert.equal(coerceInt32(num('-20')), -20);
    assert.equal(coerceInt32(num('20.0')), 20);
    assert.equal(coerceInt32(num('2.5E1')), 25);
    assert.equal(coerceInt32(num('2147483647')), 2147483647);
    assert.equal(coerceInt32(num('-2147483648')), -2147483648);
    assert.equal(Object.is(coerceInt32(num('-0')), 0), true);
    assert.equal(coerceInt32(num('0.000E5')), 0);
  });

  it('refuses non-integral numbers instead of truncating them as Jackson would', () => {
    assert.equal(codeOf(coerceInt32(num('20.5'))), 'NOT_AN_INTEGER');
    assert.equal(codeOf(coerceInt32(num('2.55E1'))), 'NOT_AN_INTEGER');
    assert.equal(codeOf(coerceInt32(num('1e-5'))), 'NOT_AN_INTEGER');
    assert.equal(codeOf(coerceInt32(num('1e-1000000000'))), 'NOT_AN_INTEGER');
  });

  it('refuses values outside int32, however written', () => {
    for (const source of [
      '2147483648',
      '-2147483649',
      '99999999999',
      '1E+10',
      '1E+1000000000',
      `${'9'.repeat(300)}`,
    ])
      assert.equal(codeOf(coerceInt32(num(source))), 'OUT_OF_INT32_RANGE', source);
  });

  it('takes integer strings as Jackson does (trimmed, sign, leading zeros), nothing else', () => {
    assert.equal(coerceInt32('25'), 25);
    assert.equal(coerceInt32(' +025 '), 25);
    assert.equal(coerceInt32('-7'), -7);
    assert.equal(coerceInt32(''), ABSENT);
    assert.equal(coerceInt32('null'), ABSENT);
    assert.equal(codeOf(coerceInt32('20.0')), 'NOT_AN_INTEGER');
    assert.equal(codeOf(coerceInt32('2e1')), 'NOT_AN_INTEGER');
    assert.equal(codeOf(coerceInt32('x')), 'NOT_AN_INTEGER');
    assert.equal(codeOf(coerceInt32('2147483648')), 'OUT_OF_INT32_RANGE');
    assert.equal(coerceInt32('00000000000000000001'), 1);
    assert.equal(codeOf(coerceInt32('-99999999999')), 'OUT_OF_INT32_RANGE');
  });

  it('refuses booleans, objects and plain doubles', () => {
    for (const value of [true, {}, [], 20]) assert.equal(codeOf(coerceInt32(value)), 'NOT_AN_INTEGER');
    assert.equal(coerceInt32(null), ABSENT);
  });
});

describe('coerceString', () => {
  it('takes strings as they are, numbers as their source text and booleans as words, like Jackson', () => {
    assert.equal(coerceString(''), '');
    assert.equal(coerceString(' x '), ' x ');
    assert.equal(coerceString(num('1.50')), '1.50');
    assert.equal(coerceString(false), 'false');
    assert.equal(coerceString(null), ABSENT);
    assert.equal(codeOf(coerceString({ a: 1 })), 'NOT_A_STRING');
    assert.equal(codeOf(coerceString([])), 'NOT_A_STRING');
  });
});

describe('coerceUuid', () => {
  it('takes UUID text of either case and refuses anything else', () => {
    assert.equal(coerceUuid('6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11'), '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11');
    assert.equal(coerceUuid('6F1C1A52-3A0E-4D8E-9A53-0D1C5F0A4B11'), '6F1C1A52-3A0E-4D8E-9A53-0D1C5F0A4B11');
    assert.equal(coerceUuid(undefined), ABSENT);
    assert.equal(codeOf(coerceUuid('x')), 'NOT_A_UUID');
    assert.equal(codeOf(coerceUuid(num('1'))), 'NOT_A_UUID');
    assert.equal(codeOf(coerceUuid({})), 'NOT_A_UUID');
  });
});

describe('coerceInstant', () => {
  it('takes epoch-second numbers and ISO strings; blank strings are absent', () => {
    assert.equal(coerceInstant(num('1732400000.123456000')), '2024-11-23T22:13:20.123456Z');
    assert.equal(coerceInstant('2026-11-23T10:00:00Z'), '2026-11-23T10:00:00Z');
    assert.equal(coerceInstant(' '), ABSENT);
    assert.equal(coerceInstant(null), ABSENT);
    assert.equal(codeOf(coerceInstant('yesterday')), 'NOT_AN_INSTANT');
    assert.equal(codeOf(coerceInstant(true)), 'NOT_AN_INSTANT');
  });
});

describe('describeValue', () => {
  it('never prints a whole object or a long string', () => {
    assert.equal(describeValue({ secret: 'x' }), 'an object');
    assert.equal(describeValue([1]), 'an array');
    assert.equal(describeValue('a'.repeat(100)), `"${'a'.repeat(48)}…"`);
    assert.equal(describeValue(num('1.5')), '1.5');
  });
});
