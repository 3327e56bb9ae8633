/** The record codec: what is written, what is read (Java producer output included), what is refused and why. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MAX_EVENT_BYTES,
  DecodeError,
  type DecodeReason,
  decodeEvent,
  EncodeError,
  encodeEvent,
  encodeEventText,
} from './codec.ts';
import { type Decimal, parseDecimalText } from './decimal.ts';
import type {
  EventOf,
  EventTypeName,
  OrderCreatedEvent,
  OrderShippedEvent,
  ProductCreatedEvent,
} from './events.ts';
import { type Instant, parseInstant } from './instant.ts';
import { rawJson } from './json-number.ts';

const EVENT_ID = '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11';
const ORDER_ID = '0b8e2f7e-8c1d-4f5a-9d3b-2a1c0e9f8d7c';
const PRODUCT_ID = 'a3c5e7f9-1b2d-4e6f-8a0b-c2d4e6f8a0b2';
const ORDER_CLASS = 'com.example.common.event.OrderCreatedEvent';

const orderCreated: OrderCreatedEvent = {
  eventId: EVENT_ID,
  orderId: ORDER_ID,
  customerId: 'user-1001',
  customerEmail: 'user1001@example.com',
  totalAmount: parseDecimalText('12000.50'),
  currency: 'KRW',
  createdAt: parseInstant('2026-11-23T10:00:00.123Z'),
};

const orderShipped: OrderShippedEvent = {
  eventId: EVENT_ID,
  orderId: ORDER_ID,
  customerId: 'user-1001',
  customerEmail: 'user1001@example.com',
  previousStatus: 20,
  currentStatus: 25,
  changedAt: parseInstant('2026-11-23T10:00:00Z'),
};

const productCreated: ProductCreatedEvent = {
  eventId: EVENT_ID,
  productId: PRODUCT_ID,
  productName: 'wireless-keyboard',
  price: parseDecimalText('1E+3'),
  currency: 'KRW',
  stockQuantity: 120,
  createdAt: parseInstant('2026-11-23T10:00:00.123456789Z'),
};

/** A record value as the Java producer writes it: epoch-second instants, BigDecimal with scale. */
const javaOrderCreated = `{"eventId":"${EVENT_ID}","orderId":"${ORDER_ID}","customerId":"user-1001","customerEmail":"user1001@example.com","totalAmount":12000.50,"currency":"KRW","createdAt":1732400000.123456000}`;

function decodeJson<T extends EventTypeName>(
  type: T,
  json: string,
  options?: Parameters<typeof decodeEvent>[2],
) {
  return decodeEvent(type, Buffer.from(json, 'utf8'), options);
}

function errorOf(
  type: EventTypeName,
  value: string | Buffer | null,
  options?: Parameters<typeof decodeEvent>[2],
) {
  const result = decodeEvent(type, typeof value === 'string' ? Buffer.from(value, 'utf8') : value, options);
  assert.equal(result.ok, false, 'expected a decode error');
  if (result.ok) throw new Error('unreachable');
  assert.ok(result.error instanceof DecodeError);
  assert.ok(result.error instanceof Error);
  return result.error;
}

/** The JSON text with one field's value replaced by raw JSON text (or removed), other numbers kept exact. */
function withField(json: string, field: string, rawValue: string | undefined): string {
  const object = JSON.parse(json, (_k, v, context?: { source?: string }) =>
    typeof v === 'number' ? rawJson(context?.source ?? String(v)) : v,
  ) as Record<string, unknown>;
  if (rawValue === undefined) {
    delete object[field];
    return JSON.stringify(object);
  }
  object[field] = '@@RAW@@';
  return JSON.stringify(object).replace('"@@RAW@@"', rawValue);
}

describe('encodeEvent', () => {
  it('writes the SPEC field order, exact decimals and ISO instants', () => {
    assert.equal(
      encodeEventText('OrderCreated', orderCreated),
      `{"eventId":"${EVENT_ID}","orderId":"${ORDER_ID}","customerId":"user-1001","customerEmail":"user1001@example.com","totalAmount":12000.50,"currency":"KRW","createdAt":"2026-11-23T10:00:00.123Z"}`,
    );
    assert.equal(
      encodeEventText('OrderShipped', orderShipped),
      `{"eventId":"${EVENT_ID}","orderId":"${ORDER_ID}","customerId":"user-1001","customerEmail":"user1001@example.com","previousStatus":20,"currentStatus":25,"changedAt":"2026-11-23T10:00:00Z"}`,
    );
    assert.equal(
      encodeEventText('ProductCreated', productCreated),
      `{"eventId":"${EVENT_ID}","productId":"${PRODUCT_ID}","productName":"wireless-keyboard","price":1E+3,"currency":"KRW","stockQuantity":120,"createdAt":"2026-11-23T10:00:00.123456789Z"}`,
    );
  });

  it('returns UTF-8 bytes of that text, escaping what JSON requires', () => {
    const event = { ...orderCreated, customerId: '고객 "1"\n\u{1f600}' };
    const bytes = encodeEvent('OrderCreated', event);
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(bytes.toString('utf8'), encodeEventText('OrderCreated', event));
    assert.equal(JSON.parse(bytes.toString('utf8')).customerId, '고객 "1"\n\u{1f600}');
  });

  it('writes a lone surrogate as an escape, so the bytes stay valid UTF-8', () => {
    const bytes = encodeEvent('OrderCreated', { ...orderCreated, customerId: 'x\ud800' });
    assert.ok(bytes.toString('utf8').includes('"x\\ud800"'));
    assert.equal(decodeEvent('OrderCreated', bytes).ok, true);
  });

  it('ignores properties that are not in the schema', () => {
    const event = {
      ...orderCreated,
      extra: 'no',
      __proto__: { polluted: true },
    } as unknown as OrderCreatedEvent;
    assert.equal(encodeEventText('OrderCreated', event), encodeEventText('OrderCreated', orderCreated));
  });

  it('normalizes an instant that is not canonical (e.g. a cast string with an offset)', () => {
    const event = { ...orderShipped, changedAt: '2026-11-23T19:00:00+09:00' as Instant };
    assert.match(encodeEventText('OrderShipped', event), /"changedAt":"2026-11-23T10:00:00Z"/);
  });

  it('refuses events a Java consumer could not read, naming the field', () => {
    const bad: [EventTypeName, Record<string, unknown>, string][] = [
      ['OrderCreated', { ...orderCreated, totalAmount: 'abc' }, 'totalAmount'],
      ['OrderCreated', { ...orderCreated, totalAmount: 12.5 }, 'totalAmount'],
      ['OrderCreated', { ...orderCreated, totalAmount: '01' }, 'totalAmount'],
      ['OrderCreated', { ...orderCreated, eventId: 'not-a-uuid' }, 'eventId'],
      ['OrderCreated', { ...orderCreated, createdAt: '2026-13-01T00:00:00Z' }, 'createdAt'],
      ['OrderCreated', { ...orderCreated, createdAt: new Date() }, 'createdAt'],
      ['OrderCreated', { ...orderCreated, customerId: 42 }, 'customerId'],
      ['OrderCreated', { ...orderCreated, currency: undefined }, 'currency'],
      ['OrderCreated', { ...orderCreated, currency: null }, 'currency'],
      ['OrderShipped', { ...orderShipped, previousStatus: 20.5 }, 'previousStatus'],
      ['OrderShipped', { ...orderShipped, currentStatus: 2 ** 31 }, 'currentStatus'],
      ['OrderShipped', { ...orderShipped, currentStatus: '25' }, 'currentStatus'],
      ['ProductCreated', { ...productCreated, stockQuantity: Number.NaN }, 'stockQuantity'],
    ];
    for (const [type, event, field] of bad) {
      assert.throws(
        () => encodeEvent(type, event as unknown as EventOf<typeof type>),
        (error) =>
          error instanceof EncodeError && error.field === field && error.message.startsWith(`${field}: `),
        `${type}.${field}`,
      );
    }
  });
});

describe('decodeEvent: round trip', () => {
  it('decodes what encodeEvent writes back to an equal event, for every type', () => {
    const cases = [
      ['OrderCreated', orderCreated],
      ['OrderShipped', orderShipped],
      ['ProductCreated', productCreated],
    ] as const;
    for (const [type, event] of cases) {
      const result = decodeEvent(type, encodeEvent(type, event));
      assert.deepEqual(result, { ok: true, event });
    }
  });

  it('keeps decimal digits that a double would lose', () => {
    const amount = `123456789012345678901234567890.12345678`;
    const event = { ...orderCreated, totalAmount: parseDecimalText(amount) };
    const result = decodeEvent('OrderCreated', encodeEvent('OrderCreated', event));
    assert.ok(result.ok);
    assert.equal(result.event.totalAmount, amount);
  });
});

describe('decodeEvent: what the Java producer writes', () => {
  it('reads epoch-second instants with nanoseconds and BigDecimal scale exactly', () => {
    const result = decodeJson('OrderCreated', javaOrderCreated, { typeId: ORDER_CLASS });
    assert.deepEqual(result, {
      ok: true,
      event: { ...orderCreated, createdAt: '2024-11-23T22:13:20.123456Z' as Instant },
    });
  });

  it('re-encodes it with the same decimal digits and the instant in ISO form', () => {
    const result = decodeJson('OrderCreated', javaOrderCreated);
    assert.ok(result.ok);
    const text = encodeEventText('OrderCreated', result.event);
    assert.match(text, /"totalAmount":12000\.50,/);
    assert.match(text, /"createdAt":"2024-11-23T22:13:20\.123456Z"/);
  });

  it('accepts the forms Jackson accepts: numeric strings, integer strings, ISO with offset, digit strings', () => {
    const json = `{"eventId":"${EVENT_ID}","productId":"${PRODUCT_ID}","productName":"kb","price":" 59900.00 ","currency":"KRW","stockQuantity":"120","createdAt":"2026-11-23T19:00:00+09:00"}`;
    const result = decodeJson('ProductCreated', json);
    assert.deepEqual(result, {
      ok: true,
      event: {
        eventId: EVENT_ID,
        productId: PRODUCT_ID,
        productName: 'kb',
        price: '59900.00' as Decimal,
        currency: 'KRW',
        stockQuantity: 120,
        createdAt: '2026-11-23T10:00:00Z' as Instant,
      },
    });
    const digits = decodeJson('OrderCreated', withField(javaOrderCreated, 'createdAt', '"1732400000"'));
    assert.ok(digits.ok);
    assert.equal(digits.event.createdAt, '2024-11-23T22:13:20Z');
  });

  it('reads numbers and booleans in string fields as their text, as Jackson does', () => {
    const result = decodeJson('OrderCreated', withField(javaOrderCreated, 'customerId', '1001'));
    assert.ok(result.ok);
    assert.equal(result.event.customerId, '1001');
  });

  it('accepts ints written as integral decimals (20.0, 2.5E1)', () => {
    const json = encodeEventText('OrderShipped', orderShipped);
    const result = decodeJson(
      'OrderShipped',
      withField(withField(json, 'previousStatus', '20.0'), 'currentStatus', '2.5E1'),
    );
    assert.ok(result.ok);
    assert.equal(result.event.previousStatus, 20);
    assert.equal(result.event.currentStatus, 25);
  });

  it('ignores unknown fields, nested or not, and does not copy them', () => {
    const json = `{"extra":{"deep":[1,2,{"totalAmount":"abc"}]},${javaOrderCreated.slice(1, -1)},"more":1e999}`;
    const result = decodeJson('OrderCreated', json);
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.event), [
      'eventId',
      'orderId',
      'customerId',
      'customerEmail',
      'totalAmount',
      'currency',
      'createdAt',
    ]);
  });

  it('treats __proto__ and constructor keys as unknown fields, polluting nothing', () => {
    const json = `{"__proto__":{"polluted":true,"totalAmount":1},"constructor":{"prototype":{"polluted":true}},${javaOrderCreated.slice(1)}`;
    const result = decodeJson('OrderCreated', json);
    assert.ok(result.ok);
    assert.equal(Object.getPrototypeOf(result.event), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(result.event, '__proto__'), false);
    assert.equal(result.event.totalAmount, '12000.50');
  });

  it('takes the last of repeated keys, as Jackson and JSON.parse do', () => {
    const json = javaOrderCreated.replace('"currency":"KRW"', '"totalAmount":7.70,"currency":"KRW"');
    const result = decodeJson('OrderCreated', json);
    assert.ok(result.ok);
    assert.equal(result.event.totalAmount, '7.70');
  });

  it('accepts a UTF-8 byte-order mark and surrounding whitespace', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(` \n${javaOrderCreated}\n `)]);
    assert.equal(decodeEvent('OrderCreated', bytes).ok, true);
  });

  it('accepts a __TypeId__ equal to the configured class name, and no header at all', () => {
    assert.equal(decodeJson('OrderCreated', javaOrderCreated, { typeId: undefined }).ok, true);
    assert.equal(
      decodeJson('OrderCreated', javaOrderCreated, { typeId: 'x.Custom', expectedTypeId: 'x.Custom' }).ok,
      true,
    );
  });
});

describe('decodeEvent: refusals', () => {
  const cases: [string, EventTypeName, string | Buffer | null, DecodeReason, RegExp][] = [
    ['null value', 'OrderCreated', null, 'EMPTY', /no value/],
    ['zero bytes', 'OrderCreated', Buffer.alloc(0), 'EMPTY', /no value/],
    ['only whitespace', 'OrderCreated', '  \n', 'EMPTY', /whitespace/],
    ['not UTF-8', 'OrderCreated', Buffer.from([0x7b, 0xff, 0x7d]), 'NOT_UTF8', /UTF-8/],
    ['truncated UTF-8', 'OrderCreated', Buffer.from([0x22, 0xe2, 0x82]), 'NOT_UTF8', /UTF-8/],
    [
      'not JSON',
      'OrderCreated',
      'this is not json',
      'NOT_JSON',
      /^the value is not JSON: Unexpected token 'h'$/,
    ],
    ['trailing garbage', 'OrderCreated', `${javaOrderCreated}x`, 'NOT_JSON', /not JSON/],
    ['an array', 'OrderCreated', `[${javaOrderCreated}]`, 'NOT_OBJECT', /an array/],
    ['a string', 'OrderCreated', '"x"', 'NOT_OBJECT', /string/],
    ['JSON null', 'OrderCreated', 'null', 'NOT_OBJECT', /null/],
    ['a number', 'OrderCreated', '12', 'NOT_OBJECT', /number/],
    ['an empty object', 'OrderCreated', '{}', 'MISSING_FIELD', /^eventId: is missing$/],
  ];
  for (const [name, type, value, reason, message] of cases) {
    it(`${name} → ${reason}`, () => {
      const error = errorOf(type, value);
      assert.equal(error.reason, reason);
      assert.match(error.message, message);
    });
  }

  it('NOT_JSON messages do not quote the value (it may hold personal data)', () => {
    const error = errorOf('OrderCreated', 'secret@example.com is not json');
    assert.equal(error.reason, 'NOT_JSON');
    assert.doesNotMatch(error.message, /secret/);
  });

  it('missing and null required fields → MISSING_FIELD naming the field', () => {
    const missing = errorOf('OrderCreated', withField(javaOrderCreated, 'currency', undefined));
    assert.equal(missing.reason, 'MISSING_FIELD');
    assert.equal(missing.field, 'currency');
    assert.equal(missing.message, 'currency: is missing');
    const nulled = errorOf('OrderCreated', withField(javaOrderCreated, 'totalAmount', 'null'));
    assert.equal(nulled.message, 'totalAmount: is null');
    const blank = errorOf('OrderCreated', withField(javaOrderCreated, 'totalAmount', '""'));
    assert.equal(blank.reason, 'MISSING_FIELD');
    assert.equal(blank.message, 'totalAmount: is "", which counts as null');
  });

  it('invalid field values → INVALID_FIELD with a message naming the field and the value', () => {
    const cases: [EventTypeName, string, string, string][] = [
      ['OrderCreated', 'totalAmount', '"abc"', 'totalAmount: "abc" is not a decimal number'],
      ['OrderCreated', 'totalAmount', 'true', 'totalAmount: true is not a decimal number'],
      ['OrderCreated', 'totalAmount', '"1e-101"', 'totalAmount: "1e-101" has more than 100 decimal places'],
      [
        'OrderCreated',
        'totalAmount',
        `1${'0'.repeat(38)}`,
        `totalAmount: 1${'0'.repeat(38)} has more than 38 significant digits`,
      ],
      ['OrderCreated', 'totalAmount', '1E+101', 'totalAmount: 1E+101 is too large (exponent above 100)'],
      ['OrderCreated', 'eventId', '"x"', 'eventId: "x" is not a UUID'],
      ['OrderCreated', 'customerId', '{"a":1}', 'customerId: an object is not a string'],
      [
        'OrderCreated',
        'createdAt',
        '"2026-02-30T00:00:00Z"',
        'createdAt: "2026-02-30T00:00:00Z" is not a valid date and time',
      ],
      [
        'OrderCreated',
        'createdAt',
        '1732400000123',
        'createdAt: 1732400000123 is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z',
      ],
      [
        'OrderCreated',
        'createdAt',
        '"tomorrow"',
        'createdAt: "tomorrow" is not an ISO-8601 instant or a number of epoch seconds',
      ],
      ['OrderShipped', 'previousStatus', '20.5', 'previousStatus: 20.5 is not an integer'],
      [
        'OrderShipped',
        'currentStatus',
        '2147483648',
        'currentStatus: 2147483648 is outside -2147483648..2147483647',
      ],
      ['OrderShipped', 'currentStatus', '"25x"', 'currentStatus: "25x" is not an integer'],
    ];
    for (const [type, field, raw, message] of cases) {
      const base = type === 'OrderCreated' ? javaOrderCreated : encodeEventText('OrderShipped', orderShipped);
      const error = errorOf(type, withField(base, field, raw));
      assert.equal(error.reason, 'INVALID_FIELD', `${field}=${raw}`);
      assert.equal(error.field, field);
      assert.equal(error.message, message);
    }
  });

  it('reports the first failing field in schema order', () => {
    const error = errorOf('OrderCreated', '{"eventId":"x","totalAmount":"abc"}');
    assert.equal(error.field, 'eventId');
  });

  it('a __TypeId__ naming another class → TYPE_MISMATCH, before the value is even parsed', () => {
    const error = errorOf('OrderCreated', 'not json at all', {
      typeId: 'com.example.common.event.OrderShippedEvent',
    });
    assert.equal(error.reason, 'TYPE_MISMATCH');
    assert.match(
      error.message,
      /OrderShippedEvent.*does not match OrderCreated \(expected com\.example\.common\.event\.OrderCreatedEvent\)/,
    );
    assert.equal(errorOf('OrderCreated', javaOrderCreated, { typeId: '' }).reason, 'TYPE_MISMATCH');
    assert.equal(
      errorOf('OrderCreated', javaOrderCreated, { typeId: ORDER_CLASS, expectedTypeId: 'x.Y' }).reason,
      'TYPE_MISMATCH',
    );
  });

  it('values over the size bound → TOO_LARGE (default 1 MiB, configurable)', () => {
    const big = Buffer.alloc(DEFAULT_MAX_EVENT_BYTES + 1, 0x20);
    assert.equal(errorOf('OrderCreated', big).reason, 'TOO_LARGE');
    const padded = `${javaOrderCreated.slice(0, -1)},"pad":"${'x'.repeat(DEFAULT_MAX_EVENT_BYTES - javaOrderCreated.length - 20)}"}`;
    assert.equal(decodeJson('OrderCreated', padded).ok, true);
    assert.equal(errorOf('OrderCreated', javaOrderCreated, { maxBytes: 100 }).reason, 'TOO_LARGE');
  });

  it('deeply nested unknown values do not break the decoder', () => {
    const deep = `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)},${javaOrderCreated.slice(1)}`;
    assert.equal(decodeJson('OrderCreated', deep).ok, true);
    const broken = `{"x":${'['.repeat(100_000)}}`;
    assert.equal(errorOf('OrderCreated', broken).reason, 'NOT_JSON');
  });
});
