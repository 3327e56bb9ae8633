/** Decimal parsing, bounds, exact comparison and printing: the guarantees amounts rely on. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareDecimal,
  type Decimal,
  DecimalFormatError,
  decimalPartsOf,
  decimalToPlainString,
  isDecimal,
  parseDecimalText,
  toJsonNumber,
  tryParseDecimal,
} from './decimal.ts';

const d = (text: string) => parseDecimalText(text);

function problemOf(text: string, syntax: 'json' | 'java' = 'json') {
  const result = tryParseDecimal(text, syntax);
  assert.equal(result.ok, false, `${text} should be refused`);
  return result.ok ? undefined : result.problem;
}

describe('parseDecimalText (JSON number syntax)', () => {
  it('keeps the exact text of valid numbers, scale and exponent form included', () => {
    for (const text of [
      '12000.50',
      '1E+3',
      '12900',
      '0',
      '-0',
      '0.01',
      '0.009',
      '1e-2',
      '-12.5',
      '0.000',
      '1.5E-3',
    ])
      assert.equal(parseDecimalText(text), text);
  });

  it('refuses what JSON forbids: leading zeros, a bare point, a plus sign, spaces, words', () => {
    for (const text of [
      '01',
      '-01',
      '.5',
      '5.',
      '+1',
      ' 1',
      '1 ',
      '',
      '-',
      '1e',
      '1e+',
      'abc',
      'NaN',
      'Infinity',
      '0x10',
      '1_000',
      '1,5',
    ])
      assert.equal(problemOf(text), 'NOT_A_NUMBER', text);
  });

  it('accepts 38 significant digits and refuses 39 (trailing zeros count, leading zeros do not)', () => {
    const nines38 = '9'.repeat(38);
    assert.equal(parseDecimalText(nines38), nines38);
    assert.equal(parseDecimalText(`0.000${nines38}`), `0.000${nines38}`);
    assert.equal(problemOf('9'.repeat(39)), 'TOO_MANY_DIGITS');
    assert.equal(problemOf(`1.${'0'.repeat(38)}`), 'TOO_MANY_DIGITS');
  });

  it('bounds the exponent to ±100 after taking the decimal places into account', () => {
    assert.equal(parseDecimalText('1E+100'), '1E+100');
    assert.equal(parseDecimalText('1E-100'), '1E-100');
    assert.equal(problemOf('10E-101'), 'TOO_MANY_DECIMAL_PLACES'); // 1.0E-100: its scale is 101
    assert.equal(problemOf('1E+101'), 'EXPONENT_TOO_LARGE');
    assert.equal(problemOf('1E-101'), 'TOO_MANY_DECIMAL_PLACES');
    assert.equal(problemOf(`0.${'0'.repeat(100)}1`), 'TOO_MANY_DECIMAL_PLACES');
    assert.equal(problemOf('1e999999999999999999999'), 'EXPONENT_TOO_LARGE');
    assert.equal(problemOf('1e-999999999999999999999'), 'TOO_MANY_DECIMAL_PLACES');
    assert.equal(problemOf('0E+101'), 'EXPONENT_TOO_LARGE');
  });

  it('refuses overlong text before looking at it', () => {
    assert.equal(problemOf(`0.${'0'.repeat(250)}`), 'TOO_LONG');
  });

  it('throws a DecimalFormatError whose message quotes the value and says what is wrong', () => {
    assert.throws(
      () => parseDecimalText('abc'),
      (error) =>
        error instanceof DecimalFormatError &&
        error.problem === 'NOT_A_NUMBER' &&
        error.message === '"abc" is not a decimal number',
    );
    assert.throws(() => parseDecimalText('9'.repeat(39)), /has more than 38 significant digits/);
  });
});

describe('parseDecimalText (Java BigDecimal syntax, for numeric strings)', () => {
  it('accepts what new BigDecimal(String) accepts and rewrites it to JSON text of the same value and scale', () => {
    const cases: [string, string][] = [
      ['01', '1'],
      ['+1', '1'],
      ['.5', '0.5'],
      ['-.5', '-0.5'],
      ['5.', '5'],
      ['+01.50', '1.50'],
      ['1.e5', '1e5'],
      ['000', '0'],
      ['12000.50', '12000.50'],
      ['1E+3', '1E+3'],
    ];
    for (const [input, expected] of cases) assert.equal(parseDecimalText(input, 'java'), expected, input);
  });

  it('still refuses what BigDecimal refuses', () => {
    for (const text of ['.', '+', '-', '', 'abc', '1e', '+-1', '1.2.3', 'NaN', ' 1'])
      assert.equal(problemOf(text, 'java'), 'NOT_A_NUMBER', text);
  });

  it('every result is valid JSON text, so JSON.rawJSON accepts it', () => {
    for (const input of ['01', '+1', '.5', '5.', '-.5e-3'])
      assert.doesNotThrow(() => toJsonNumber(parseDecimalText(input, 'java')));
  });
});

describe('decimalPartsOf', () => {
  it('splits into sign, coefficient without leading zeros, exponent', () => {
    assert.deepEqual(decimalPartsOf('12000.50'), { negative: false, digits: '1200050', exponent: -2 });
    assert.deepEqual(decimalPartsOf('1E+3'), { negative: false, digits: '1', exponent: 3 });
    assert.deepEqual(decimalPartsOf('-0.001'), { negative: true, digits: '1', exponent: -3 });
    assert.deepEqual(decimalPartsOf('0.000'), { negative: false, digits: '0', exponent: -3 });
    assert.equal(decimalPartsOf('x'), undefined);
  });
});

describe('compareDecimal', () => {
  it('compares exactly, whatever the scale or notation', () => {
    assert.equal(compareDecimal(d('0.01'), d('0.009')), 1);
    assert.equal(compareDecimal(d('0.009'), d('0.01')), -1);
    assert.equal(compareDecimal(d('0.01'), d('1e-2')), 0);
    assert.equal(compareDecimal(d('1.0'), d('1')), 0);
    assert.equal(compareDecimal(d('1E+3'), d('1000.000')), 0);
    assert.equal(compareDecimal(d('-0'), d('0')), 0);
    assert.equal(compareDecimal(d('-5'), d('0.01')), -1);
    assert.equal(compareDecimal(d('-5'), d('-6')), 1);
    assert.equal(compareDecimal(d('12000.50'), d('12000.5')), 0);
  });

  it('does not go through doubles: differences in the 38th digit count', () => {
    const a = d(`0.${'1'.repeat(37)}1`);
    const b = d(`0.${'1'.repeat(37)}2`);
    assert.equal(compareDecimal(a, b), -1);
    assert.equal(Number(a), Number(b)); // as doubles they would be equal
  });

  it('handles the extremes of the bounds', () => {
    assert.equal(compareDecimal(d('1E+100'), d('1E-100')), 1);
    assert.equal(compareDecimal(d(`-${'9'.repeat(38)}E+100`), d('1E-100')), -1);
  });

  it('refuses a string that is not a Decimal (a forged cast)', () => {
    assert.throws(() => compareDecimal('abc' as Decimal, d('1')), TypeError);
  });
});

describe('decimalToPlainString', () => {
  it('prints like BigDecimal.toPlainString()', () => {
    const cases: [string, string][] = [
      ['1E+3', '1000'],
      ['12000.50', '12000.50'],
      ['1e-2', '0.01'],
      ['-1.5E-3', '-0.0015'],
      ['-0', '0'],
      ['-0.00', '0.00'],
      ['0E+3', '0'],
      ['12900', '12900'],
      ['1.23E+1', '12.3'],
      ['123E-2', '1.23'],
    ];
    for (const [input, expected] of cases) assert.equal(decimalToPlainString(d(input)), expected, input);
  });
});

describe('toJsonNumber', () => {
  it('makes JSON.stringify write the exact digits', () => {
    assert.equal(
      JSON.stringify({ a: toJsonNumber(d('12000.50')), b: toJsonNumber(d('1E+3')) }),
      '{"a":12000.50,"b":1E+3}',
    );
    assert.equal(JSON.stringify([toJsonNumber(d(`0.${'1'.repeat(38)}`))]), `[0.${'1'.repeat(38)}]`);
  });
});

describe('isDecimal', () => {
  it('is true only for valid decimal text', () => {
    assert.equal(isDecimal('12.50'), true);
    assert.equal(isDecimal('01'), false);
    assert.equal(isDecimal(12.5), false);
    assert.equal(isDecimal(undefined), false);
  });
});
