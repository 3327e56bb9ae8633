import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientError } from './errors.ts';
import {
  assertJsonStructure,
  assertUtf8Charset,
  decodeUtf8Body,
  JSON_SUFFIX_MEDIA_TYPE,
  parseJsonBody,
} from './json-body.ts';
import { JsonNumber } from './json-number.ts';

function rejects(fn: () => unknown, status: number, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ClientError);
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

describe('parseJsonBody', () => {
  it('keeps every number as its exact source text', () => {
    const body = parseJsonBody('{"a":12000.50,"b":1E+3,"c":[0.1,-0,12345678901234567890],"d":"7"}') as Record<
      string,
      unknown
    >;
    assert.ok(body.a instanceof JsonNumber);
    assert.equal((body.a as JsonNumber).source, '12000.50');
    assert.equal((body.b as JsonNumber).source, '1E+3');
    assert.deepEqual(
      (body.c as JsonNumber[]).map((n) => n.source),
      ['0.1', '-0', '12345678901234567890'],
    );
    assert.equal(body.d, '7');
  });

  it('lets non-object bodies through; the route decides', () => {
    assert.deepEqual(parseJsonBody('[]'), []);
    assert.equal(parseJsonBody('"text"'), 'text');
    assert.equal(parseJsonBody('null'), null);
    assert.equal(parseJsonBody('true'), true);
    assert.equal((parseJsonBody(' 42 ') as JsonNumber).source, '42');
  });

  it('says what is wrong with malformed JSON', () => {
    rejects(() => parseJsonBody('{"a":'), 400, /^JSON parse error: .+/);
    rejects(() => parseJsonBody("{'a':1}"), 400, /JSON parse error/);
    rejects(() => parseJsonBody('{"a":1}}'), 400, /JSON parse error/);
  });

  it('treats an empty or blank body as missing', () => {
    rejects(() => parseJsonBody(''), 400, /^Request body is missing$/);
    rejects(() => parseJsonBody(' \n\t'), 400, /^Request body is missing$/);
  });

  it('accepts a leading byte-order mark', () => {
    assert.deepEqual(parseJsonBody('\uFEFF{}'), {});
  });

  it('drops __proto__ keys instead of letting them reach the object', () => {
    const body = parseJsonBody('{"__proto__":{"polluted":true},"a":{"__proto__":{"x":1}}}') as Record<
      string,
      unknown
    >;
    assert.equal(Object.hasOwn(body, '__proto__'), false);
    assert.equal(Object.getPrototypeOf(body), Object.prototype);
    assert.deepEqual(Object.keys(body.a as object), []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('assertJsonStructure', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('allows the limit and rejects one more', () => {
    assert.doesNotThrow(() => assertJsonStructure(nested(32), 32));
    rejects(() => assertJsonStructure(nested(33), 32), 400, /deeper than 32 levels/);
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    assert.doesNotThrow(() => assertJsonStructure('{"a":"[[[[[[\\"{{{{{{"}', 2));
    assert.doesNotThrow(() => assertJsonStructure(`["${'['.repeat(100)}"]`, 1));
  });

  it('rejects a hostile 100,000-level body before parsing it', () => {
    rejects(() => parseJsonBody(nested(100_000)), 400, /deeper than 32 levels/);
  });

  it('rejects a key given twice in one object, also when spelled with escapes or nested', () => {
    rejects(() => parseJsonBody('{"a":1,"b":2,"a":3}'), 400, /^Duplicate field "a"$/);
    rejects(() => parseJsonBody('{"customerId":"a", "customer\\u0049d" :"b"}'), 400, /"customerId"/);
    rejects(() => parseJsonBody('{"x":{"k":1,"k":2}}'), 400, /"k"/);
    rejects(() => parseJsonBody('{"__proto__":{},"__proto__":{}}'), 400, /"__proto__"/);
  });

  it('allows the same key in different objects and key-like text in values', () => {
    assert.doesNotThrow(() => parseJsonBody('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a","d":["a","a"]}'));
    assert.doesNotThrow(() => parseJsonBody('{"a":"\\"a\\":1","b":"a"}'));
  });
});

describe('decodeUtf8Body', () => {
  it('decodes UTF-8 and keeps a leading BOM for parseJsonBody to strip', () => {
    assert.equal(decodeUtf8Body(Buffer.from('{"a":"키😀"}')), '{"a":"키😀"}');
    assert.equal(decodeUtf8Body(Buffer.from('\uFEFF{}')), '\uFEFF{}');
  });

  it('refuses malformed UTF-8 with a 400 instead of replacing it', () => {
    for (const bytes of [
      [0x22, 0xff, 0x22],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
    ])
      rejects(() => decodeUtf8Body(Buffer.from(bytes)), 400, /not valid UTF-8/);
  });
});

describe('content type helpers', () => {
  it('accept UTF-8 or no charset, refuse others with 415', () => {
    assert.doesNotThrow(() => assertUtf8Charset('application/json'));
    assert.doesNotThrow(() => assertUtf8Charset('application/json; charset=UTF-8'));
    assert.doesNotThrow(() => assertUtf8Charset('application/json;charset="utf8"'));
    rejects(() => assertUtf8Charset('application/json; charset=iso-8859-1'), 415, /iso-8859-1/);
  });

  it('match application/*+json only', () => {
    assert.ok(JSON_SUFFIX_MEDIA_TYPE.test('application/vnd.commerce.order+json'));
    assert.ok(JSON_SUFFIX_MEDIA_TYPE.test('application/problem+json; charset="utf-8"'));
    assert.ok(!JSON_SUFFIX_MEDIA_TYPE.test('application/jsonx'));
    assert.ok(!JSON_SUFFIX_MEDIA_TYPE.test('text/x+json'));
  });
});
