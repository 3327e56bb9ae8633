/** The top-level number scan must agree with a `context.source` reviver on any valid JSON object. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanTopLevelNumbers } from './json-scan.ts';

const WANTED = ['a', 'b', 'c', 'x"y', 'é'];
const slots = new Map(WANTED.map((key, i) => [key, i]));

function scan(text: string): (string | undefined)[] {
  JSON.parse(text); // the scanner's precondition
  const out: (string | undefined)[] = WANTED.map(() => undefined);
  scanTopLevelNumbers(text, slots, out);
  return out;
}

class Source {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** What the scan must agree with: the reviver's exact source text of the top-level numbers. */
function reference(text: string): (string | undefined)[] {
  const top = JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' ? new Source(context?.source ?? '') : value,
  ) as Record<string, unknown>;
  return WANTED.map((key) => {
    const v = Object.hasOwn(top, key) ? top[key] : undefined;
    return v instanceof Source ? v.text : undefined;
  });
}

describe('scanTopLevelNumbers', () => {
  it('finds the exact text of top-level numbers of wanted keys', () => {
    assert.deepEqual(scan('{"a":12000.50,"b":1E+3,"c":-0.0e-7}'), [
      '12000.50',
      '1E+3',
      '-0.0e-7',
      undefined,
      undefined,
    ]);
  });

  it('ignores numbers nested in objects and arrays, and numbers inside strings', () => {
    assert.deepEqual(scan('{"n":{"a":1,"b":[2,{"c":3}]},"s":"\\"a\\":4","a":"5"}'), [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('handles whitespace everywhere JSON allows it', () => {
    assert.deepEqual(scan(' \n{ \t"a" \r: 1.50 ,\n "b":2 } '), [
      '1.50',
      '2',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('unescapes keys and skips strings with escaped quotes and backslashes', () => {
    assert.deepEqual(scan('{"s":"x\\\\","\\u0061":7,"x\\"y":8,"\\u00e9":9,"t":"\\\\\\"","b":1}'), [
      '7',
      '1',
      undefined,
      '8',
      '9',
    ]);
  });

  it('takes the last of repeated keys, as JSON.parse does', () => {
    assert.deepEqual(scan('{"a":1,"a":2}')[0], '2');
    assert.deepEqual(scan('{"a":1,"a":"2"}')[0], undefined);
    assert.deepEqual(scan('{"a":"1","a":2}')[0], '2');
  });

  it('skips true, false and null', () => {
    assert.deepEqual(scan('{"z":true,"y":false,"x":null,"a":3}')[0], '3');
  });

  it('agrees with the reviver on many generated documents', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const numbers = ['0', '-0', '12000.50', '1E+3', '1e-2', '-12.5E-10', '1732400000.123456000', '42'];
    const strings = ['""', '"x"', '"a\\"b"', '"\\\\"', '"{[\\""', '"\\u0041"', '"é"', '"1,2"'];
    const keys = ['"a"', '"b"', '"c"', '"x\\"y"', '"\\u00e9"', '"\\u0061"', '"zz"', '"__proto__"'];
    const ws = () => pick(['', '', ' ', '\n', '\t ']);
    const value = (depth: number): string => {
      const kind = random();
      if (kind < 0.35) return pick(numbers);
      if (kind < 0.6) return pick(strings);
      if (kind < 0.7) return pick(['true', 'false', 'null']);
      if (depth > 3) return '1';
      if (kind < 0.85)
        return `[${ws()}${Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
      return object(depth + 1);
    };
    const object = (depth: number): string =>
      `{${ws()}${Array.from({ length: Math.floor(random() * 6) }, () => `${pick(keys)}${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
    for (let i = 0; i < 2000; i++) {
      const text = `${ws()}${object(0)}${ws()}`;
      assert.deepEqual(scan(text), reference(text), text);
    }
  });
});
