/** JsonNumber keeps the exact text of numbers parsed with its reviver. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonNumber, rawJson, reviveJsonNumber } from './json-number.ts';

describe('JsonNumber', () => {
  it('keeps the exact source text of every number', () => {
    const body = JSON.parse('{"a":12000.50,"b":[1E+3,-0],"c":"12"}', reviveJsonNumber) as {
      a: JsonNumber;
      b: JsonNumber[];
      c: string;
    };
    assert.ok(body.a instanceof JsonNumber);
    assert.equal(body.a.source, '12000.50');
    assert.deepEqual(
      body.b.map((n) => n.source),
      ['1E+3', '-0'],
    );
    assert.equal(body.c, '12');
    assert.equal(JSON.stringify({ a: rawJson(body.a.source) }), '{"a":12000.50}');
    assert.equal(`${body.a}`, '12000.50');
  });

  it('rawJson refuses text that is not a JSON primitive', () => {
    assert.throws(() => rawJson('01'), SyntaxError);
    assert.throws(() => rawJson('{}'), SyntaxError);
  });
});
