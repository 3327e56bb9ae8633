/**
 * The Java side in test form, checked on its own (no broker): the fixtures are byte for byte what SPEC
 * says the Java services write, `strictJavaDecode` accepts and refuses what the Java consumer does, and
 * our codec and the Java rules agree in both directions over hundreds of generated events — Java-written
 * records decode to the same values in TypeScript, TypeScript-written records pass the Java rules with
 * every digit intact.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  murmur2 as contractsMurmur2,
  decimalToPlainString,
  decodeEvent,
  type EventTypeName,
  encodeEvent,
  parseDecimalText,
  parseInstant,
} from '@commerce/contracts';
import { javaKeyPartition } from '@commerce/messaging';
import {
  type BigDecimal,
  bigDecimalToPlainString,
  bigDecimalToString,
  type HeaderEntry,
  instantOfEpochMilli,
  instantOfEpochSecond,
  instantToString,
  JavaClassNames,
  type JavaDecodeResult,
  type JavaEventMap,
  type JavaEventType,
  type JavaInstant,
  jacksonInstantNumber,
  jacksonString,
  javaDecimalText,
  javaDefaultPartition,
  javaEventJson,
  javaInstant,
  javaListenerFailure,
  javaProducerRecord,
  javaToString,
  kafkaMurmur2,
  lastHeaderValue,
  parseBigDecimal,
  readSpringDltHeaders,
  SpringDltHeaders,
  springDeadLetter,
  strictJavaDecode,
  TYPE_ID_HEADER,
} from '../support/java-wire.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const typeIdOf = (type: JavaEventType): HeaderEntry[] => [[TYPE_ID_HEADER, bytes(JavaClassNames[type])]];

/** A small seeded generator, so a failing case can be replayed from the seed in the message. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof prng>;

const SEED = Number(process.env.INTEROP_SEED ?? Date.now() % 1_000_000);

const javaOrder = (overrides: Partial<JavaEventMap['OrderCreated']> = {}): JavaEventMap['OrderCreated'] => ({
  eventId: randomUUID(),
  orderId: randomUUID(),
  customerId: 'user-1001',
  customerEmail: 'user1001@example.com',
  totalAmount: '12000.50',
  currency: 'KRW',
  createdAt: instantOfEpochSecond(1_732_400_000n, 123_456_000n)!,
  ...overrides,
});

function decodeOrder(json: string, headers: HeaderEntry[] = typeIdOf('OrderCreated')): JavaDecodeResult {
  return strictJavaDecode('OrderCreated', bytes(json), headers);
}

/** The Java-written OrderCreated JSON with one property's text replaced. */
function orderWith(field: string, raw: string): string {
  return javaEventJson('OrderCreated', javaOrder(), { raw: { [field]: raw } });
}

function accepted(result: JavaDecodeResult): Extract<JavaDecodeResult, { ok: true }> {
  assert.ok(result.ok, `Java refuses it: ${result.ok ? '' : `${result.exception}: ${result.message}`}`);
  return result;
}

describe("Kafka's murmur2 partitioner (independent BigInt implementation)", () => {
  test("matches Kafka's own test vectors (SPEC, UtilsTest) and SPEC's partitions 0, 0, 2, 0", () => {
    const vectors: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, expected] of vectors) assert.equal(kafkaMurmur2(bytes(key)), expected, key);
    assert.deepEqual(
      ['21', 'foobar', 'a-little-bit-long-string', 'abc'].map((key) => javaDefaultPartition(key, 3)),
      [0, 0, 2, 0],
    );
  });

  test(`agrees with our publisher's partitioner and the contracts on 5,000 random keys (seed ${SEED})`, () => {
    const random = prng(SEED);
    const alphabet = ['a', 'Z', '7', '-', '주', '문', 'é', '🙂', ' ', '\u0000'];
    for (let i = 0; i < 5000; i++) {
      const key =
        i % 2 === 0
          ? Buffer.from(Array.from({ length: random.int(0, 70) }, () => random.int(0, 255)))
          : bytes(Array.from({ length: random.int(0, 30) }, () => random.pick(alphabet)).join(''));
      const partitions = random.pick([1, 3, 5, 7, 12]);
      const expected = javaDefaultPartition(key, partitions);
      assert.equal(contractsMurmur2(key), kafkaMurmur2(key), `murmur2 of ${key.toString('hex')}`);
      assert.equal(javaKeyPartition(key, partitions), expected, `partition of ${key.toString('hex')}`);
    }
  });
});

describe('what the Java producers write (SPEC facts)', () => {
  test('BigDecimal.toString(): scale kept, exponent form for negative scales and tiny values', () => {
    const cases: Array<[string, string, string]> = [
      // new BigDecimal(text), toString(), toPlainString()
      ['12000.50', '12000.50', '12000.50'],
      ['1E+3', '1E+3', '1000'],
      ['1000', '1000', '1000'],
      ['1.0E+4', '1.0E+4', '10000'],
      ['0.01', '0.01', '0.01'],
      ['0.0000001', '1E-7', '0.0000001'],
      ['0.00000010', '1.0E-7', '0.00000010'],
      ['-0.01', '-0.01', '-0.01'],
      ['123.4500', '123.4500', '123.4500'],
      ['+01.50', '1.50', '1.50'],
      ['5.', '5', '5'],
      ['.5', '0.5', '0.5'],
    ];
    for (const [input, written, plain] of cases) {
      const d = parseBigDecimal(input);
      assert.ok(d, input);
      assert.equal(bigDecimalToString(d), written, `toString of ${input}`);
      assert.equal(bigDecimalToPlainString(d), plain, `toPlainString of ${input}`);
    }
    for (const bad of ['', '.', 'abc', '1e', '1,5', '0x10', 'NaN', '1E2147483648']) {
      assert.equal(parseBigDecimal(bad), undefined, bad);
    }
  });

  test('Instants: epoch seconds with exactly 9 fraction digits (DecimalUtils.toBigDecimal)', () => {
    assert.equal(
      jacksonInstantNumber(instantOfEpochSecond(1_732_400_000n, 123_456_000n)!),
      '1732400000.123456000',
    );
    assert.equal(jacksonInstantNumber(instantOfEpochSecond(1_732_400_000n)!), '1732400000.000000000');
    assert.equal(jacksonInstantNumber(instantOfEpochSecond(0n)!), '0.0');
    assert.equal(jacksonInstantNumber(instantOfEpochSecond(0n, 1n)!), '1E-9');
    assert.equal(jacksonInstantNumber(javaInstant('2024-11-23T22:13:20.5Z')), '1732400000.500000000');
    assert.equal(
      instantToString(instantOfEpochSecond(1_732_400_000n, 123_456_000n)!),
      '2024-11-23T22:13:20.123456Z',
    );
    assert.equal(instantToString(instantOfEpochMilli(1_732_400_000_123)), '2024-11-23T22:13:20.123Z');
  });

  test('a Java record: key, murmur2 partition, Jackson value, exactly one raw-UTF-8 __TypeId__', () => {
    const event = javaOrder({ customerId: 'q"\\\n\u0001/é', totalAmount: '12000.50' });
    const record = javaProducerRecord('OrderCreated', event);
    assert.equal(record.topic, 'order.created.v1');
    assert.deepEqual(record.key, bytes(event.orderId));
    assert.equal(record.partition, javaDefaultPartition(event.orderId, 3));
    assert.deepEqual(record.headers, [['__TypeId__', bytes('com.example.common.event.OrderCreatedEvent')]]);
    assert.equal(
      record.value.toString('utf8'),
      `{"eventId":"${event.eventId}","orderId":"${event.orderId}","customerId":"q\\"\\\\\\n\\u0001/é",` +
        '"customerEmail":"user1001@example.com","totalAmount":12000.50,"currency":"KRW",' +
        '"createdAt":1732400000.123456000}',
    );
    assert.equal(jacksonString('\u001f\t'), '"\\u001F\\t"', 'upper-case hex, short escapes');
  });

  test("a Spring dead letter: same partition and key, Spring's headers in order, big-endian integers", () => {
    const original = javaProducerRecord('OrderCreated', javaOrder());
    const dead = springDeadLetter({
      original: {
        topic: original.topic,
        partition: 2,
        offset: 0x0102030405n,
        timestamp: 1_732_400_000_123n,
        key: original.key,
        headers: original.headers,
      },
      value: original.value,
      className: JavaClassNames.OrderCreated,
      exception: javaListenerFailure('onOrderCreated', {
        fqcn: 'java.lang.IllegalStateException',
        message: 'Simulated downstream failure',
      }),
    });
    assert.equal(dead.topic, 'order.created.v1.dlq');
    assert.equal(dead.partition, 2);
    assert.deepEqual(
      dead.headers.map(([name]) => name),
      [
        '__TypeId__',
        'kafka_dlt-exception-fqcn',
        'kafka_dlt-exception-cause-fqcn',
        'kafka_dlt-exception-message',
        'kafka_dlt-exception-stacktrace',
        'kafka_dlt-original-topic',
        'kafka_dlt-original-partition',
        'kafka_dlt-original-offset',
        'kafka_dlt-original-timestamp',
        'kafka_dlt-original-timestamp-type',
        'kafka_dlt-original-consumer-group',
        '__TypeId__',
      ],
    );
    const header = (name: string) => lastHeaderValue(dead.headers, name)!;
    assert.deepEqual([...header(SpringDltHeaders.originalPartition)], [0, 0, 0, 2]);
    assert.deepEqual([...header(SpringDltHeaders.originalOffset)], [0, 0, 0, 1, 2, 3, 4, 5]);
    assert.equal(header(SpringDltHeaders.originalTimestamp).length, 8);
    const info = readSpringDltHeaders(dead.headers);
    assert.equal(info.originalTopic, 'order.created.v1');
    assert.equal(info.originalPartition, 2);
    assert.equal(info.originalOffset, 0x0102030405n);
    assert.equal(info.originalTimestamp, 1_732_400_000_123n);
    assert.equal(info.originalTimestampType, 'CreateTime');
    assert.equal(info.originalConsumerGroup, 'notification-consumer-group');
    assert.equal(info.exceptionCauseFqcn, 'java.lang.IllegalStateException');
    assert.deepEqual(info.problems, []);
    const replaced = springDeadLetter({
      original: { ...original, offset: 1n, timestamp: 1n },
      value: original.value,
      className: JavaClassNames.OrderCreated,
      exception: { fqcn: 'x', message: 'm', stacktrace: 's' },
      typeIdHeader: 'replace',
    });
    assert.equal(replaced.headers.filter(([name]) => name === '__TypeId__').length, 1);
    assert.equal(replaced.headers.at(-1)?.[0], '__TypeId__');
    assert.deepEqual(readSpringDltHeaders([[SpringDltHeaders.originalPartition, Buffer.alloc(8)]]).problems, [
      'kafka_dlt-original-partition has 8 bytes, Spring reads 4',
    ]);
  });
});

describe('strictJavaDecode: what the Java consumer accepts', () => {
  test('the Java-written record itself', () => {
    const event = javaOrder();
    const result = accepted(decodeOrder(javaEventJson('OrderCreated', event)));
    assert.equal(result.className, JavaClassNames.OrderCreated);
    assert.equal(result.typeFrom, 'header');
    assert.deepEqual(result.defects, []);
    assert.equal(javaToString(result.event.totalAmount), '12000.50');
    assert.equal(javaToString(result.event.createdAt), '2024-11-23T22:13:20.123456Z');
  });

  const cleanForms: Array<[string, string, string, string]> = [
    // field, raw JSON, what Java holds (toString), why
    ['createdAt', '1732400000', '2024-11-23T22:13:20Z', 'an integer is seconds'],
    ['createdAt', '1.7324E+9', '2024-11-23T22:13:20Z', 'exponent seconds'],
    ['createdAt', '"2024-11-23T22:13:20.123Z"', '2024-11-23T22:13:20.123Z', 'ISO with Z'],
    ['createdAt', '"2024-11-23T22:13:20+00:00"', '2024-11-23T22:13:20Z', 'ISO with +00:00'],
    [
      'createdAt',
      '"2024-11-23T22:13:20+0000"',
      '2024-11-23T22:13:20Z',
      'ISO with +0000 (Jackson rewrites it)',
    ],
    ['createdAt', '"2024-11-23T22:13:20+00"', '2024-11-23T22:13:20Z', 'ISO with +00'],
    ['createdAt', '"2024-11-24T07:13:20+09:00"', '2024-11-23T22:13:20Z', 'ISO with an offset (JDK 12+)'],
    ['createdAt', '"2024-11-23t22:13:20z"', '2024-11-23T22:13:20Z', 'ISO_INSTANT parses case-insensitively'],
    ['createdAt', '" 1732400000.5 "', '2024-11-23T22:13:20.500Z', 'a digit string, trimmed'],
    ['totalAmount', '"12000.50"', '12000.50', 'a numeric string'],
    ['totalAmount', '" +1E+3 "', '1E+3', 'BigDecimal string grammar, trimmed'],
    ['totalAmount', '1.0E+4', '1.0E+4', 'exponent form'],
    ['customerId', '1001', '1001', 'a number where a String is expected'],
    ['customerId', 'true', 'true', 'a boolean where a String is expected'],
  ];
  for (const [field, raw, expected, why] of cleanForms) {
    test(`${field} = ${raw}: ${why}`, () => {
      const result = accepted(decodeOrder(orderWith(field, raw)));
      assert.deepEqual(result.defects, []);
      assert.equal(javaToString(result.event[field]), expected);
    });
  }

  test('unknown properties are ignored, the last of a repeated name wins, a BOM is skipped', () => {
    const event = javaOrder();
    const json = javaEventJson('OrderCreated', event, {
      extra: [
        ['legacy', '{"nested":[1,2,{"deep":null}],"s":"\\u00e9"}'],
        ['totalAmount', '7.25'],
      ],
    });
    const result = accepted(decodeOrder(`\uFEFF${json}`));
    assert.equal(javaToString(result.event.totalAmount), '7.25');
    assert.deepEqual(result.defects, []);
  });

  test('without __TypeId__ the configured type is used', () => {
    const result = accepted(decodeOrder(javaEventJson('OrderCreated', javaOrder()), []));
    assert.equal(result.typeFrom, 'default');
  });

  test('the last __TypeId__ decides when the name repeats', () => {
    const json = javaEventJson('OrderCreated', javaOrder());
    const shipped = bytes(JavaClassNames.OrderShipped);
    const created = bytes(JavaClassNames.OrderCreated);
    accepted(
      decodeOrder(json, [
        [TYPE_ID_HEADER, shipped],
        [TYPE_ID_HEADER, created],
      ]),
    );
    assert.equal(
      decodeOrder(json, [
        [TYPE_ID_HEADER, created],
        [TYPE_ID_HEADER, shipped],
      ]).ok,
      false,
    );
  });

  const defective: Array<[string, string, string, RegExp]> = [
    ['createdAt', '1732400000123', 'INSTANT_OUT_OF_RANGE', /year 56867.*epoch milliseconds/],
    ['createdAt', '"1732400000123"', 'INSTANT_OUT_OF_RANGE', /year 56867/],
    ['createdAt', '1732400000.1234567891', 'INSTANT_TRUNCATED', /more than 9 fraction digits/],
    ['createdAt', '-1.5', 'INSTANT_OUT_OF_RANGE', /year 1969/],
    ['createdAt', 'null', 'NULL_FIELD', /createdAt is null/],
    ['createdAt', '""', 'NULL_FIELD', /createdAt is null/],
    ['totalAmount', '"null"', 'NULL_FIELD', /totalAmount is null/],
    ['customerEmail', 'null', 'NULL_FIELD', /customerEmail is null/],
    ['eventId', '"not-a-uuid"', 'NOT_A_UUID', /is not a UUID/],
  ];
  for (const [field, raw, code, message] of defective) {
    test(`${field} = ${raw}: Java accepts it, flagged ${code}`, () => {
      const result = accepted(decodeOrder(orderWith(field, raw)));
      assert.deepEqual(
        result.defects.map((d) => d.code),
        [code],
      );
      assert.match(result.defects[0]!.message, message);
    });
  }

  test('missing properties stay null (int: 0), floats are truncated into ints, trailing text is ignored', () => {
    const result = accepted(
      strictJavaDecode(
        'OrderShipped',
        bytes(
          `{"eventId":"${randomUUID()}","orderId":"${randomUUID()}","previousStatus":20.5,"currentStatus":"25","changedAt":1} trailing`,
        ),
        typeIdOf('OrderShipped'),
      ),
    );
    assert.equal(result.event.previousStatus, 20);
    assert.equal(result.event.currentStatus, 25);
    assert.equal(result.event.customerId, null);
    assert.deepEqual(result.defects.map((d) => `${d.code}:${d.field ?? ''}`).sort(), [
      'INT_TRUNCATED:previousStatus',
      'NULL_FIELD:customerEmail',
      'NULL_FIELD:customerId',
      'TRAILING_CONTENT:',
    ]);
  });
});

describe('strictJavaDecode: what the Java consumer refuses (it would block its partition)', () => {
  const valid = () => javaEventJson('OrderCreated', javaOrder());
  const refused: Array<[string, () => JavaDecodeResult, 'TYPE' | 'JSON' | 'BIND']> = [
    ['__TypeId__ of another event', () => decodeOrder(valid(), typeIdOf('OrderShipped')), 'TYPE'],
    [
      '__TypeId__ of an unknown class in the package',
      () => decodeOrder(valid(), [[TYPE_ID_HEADER, bytes('com.example.common.event.RefundIssuedEvent')]]),
      'TYPE',
    ],
    [
      '__TypeId__ outside the trusted packages',
      () => decodeOrder(valid(), [[TYPE_ID_HEADER, bytes('com.evil.Gadget')]]),
      'TYPE',
    ],
    ['not JSON', () => decodeOrder('this is not json'), 'JSON'],
    ['empty value', () => decodeOrder(''), 'JSON'],
    ['a tombstone', () => strictJavaDecode('OrderCreated', null, typeIdOf('OrderCreated')), 'BIND'],
    ['JSON null', () => decodeOrder('null'), 'BIND'],
    ['an array', () => decodeOrder(`[${valid()}]`), 'BIND'],
    ['a string', () => decodeOrder('"{}"'), 'BIND'],
    ['invalid UTF-8', () => strictJavaDecode('OrderCreated', Buffer.from([0x7b, 0xff, 0x7d]), []), 'JSON'],
    ['a leading zero', () => decodeOrder(orderWith('totalAmount', '012')), 'JSON'],
    ['NaN', () => decodeOrder(orderWith('totalAmount', 'NaN')), 'JSON'],
    ['single quotes', () => decodeOrder(orderWith('customerId', "'x'")), 'JSON'],
    ['a raw control character in a string', () => decodeOrder(orderWith('customerId', '"a\u0001b"')), 'JSON'],
    ['"totalAmount":"abc"', () => decodeOrder(orderWith('totalAmount', '"abc"')), 'BIND'],
    ['"totalAmount":true', () => decodeOrder(orderWith('totalAmount', 'true')), 'BIND'],
    ['"totalAmount":[1]', () => decodeOrder(orderWith('totalAmount', '[1]')), 'BIND'],
    ['"customerId":{}', () => decodeOrder(orderWith('customerId', '{}')), 'BIND'],
    ['a date with a space', () => decodeOrder(orderWith('createdAt', '"2024-11-23 22:13:20Z"')), 'BIND'],
    [
      'an offset without a colon',
      () => decodeOrder(orderWith('createdAt', '"2024-11-23T22:13:20+0900"')),
      'BIND',
    ],
    ['no seconds', () => decodeOrder(orderWith('createdAt', '"2024-11-23T22:13Z"')), 'BIND'],
    [
      '10 fraction digits in ISO',
      () => decodeOrder(orderWith('createdAt', '"2024-11-23T22:13:20.1234567891Z"')),
      'BIND',
    ],
    ['a local date-time', () => decodeOrder(orderWith('createdAt', '"2024-11-23T22:13:20"')), 'BIND'],
    ['February 30', () => decodeOrder(orderWith('createdAt', '"2024-02-30T00:00:00Z"')), 'BIND'],
    ['a boolean instant', () => decodeOrder(orderWith('createdAt', 'true')), 'BIND'],
    ['seconds beyond Instant.MAX', () => decodeOrder(orderWith('createdAt', '1E+20')), 'BIND'],
    [
      'an int out of range',
      () =>
        strictJavaDecode('OrderShipped', bytes('{"previousStatus":3000000000}'), typeIdOf('OrderShipped')),
      'BIND',
    ],
    [
      'an int string with a fraction',
      () => strictJavaDecode('OrderShipped', bytes('{"previousStatus":"20.0"}'), typeIdOf('OrderShipped')),
      'BIND',
    ],
  ];
  for (const [name, run, stage] of refused) {
    test(name, () => {
      const result = run();
      assert.equal(result.ok, false, `Java would accept ${name}`);
      assert.equal(result.ok ? undefined : result.stage, stage, result.ok ? '' : result.message);
    });
  }

  test('a renamed class is accepted only by a consumer configured with that class', () => {
    const json = valid();
    const renamed: HeaderEntry[] = [[TYPE_ID_HEADER, bytes('com.acme.events.OrderPlaced')]];
    assert.equal(decodeOrder(json, renamed).ok, false);
    accepted(
      strictJavaDecode('OrderCreated', bytes(json), renamed, {
        classNames: { OrderCreated: 'com.acme.events.OrderPlaced' },
      }),
    );
  });
});

// --- both directions over generated events ---------------------------------------------------------------

const NAMES = [
  'user-1001',
  '고객-7',
  'Zoë "Q" O\'Brien',
  'tab\there',
  'slash/\\back',
  '🙂 emoji',
  'line\nbreak',
];

/** A decimal the way a Java service could hold it: any scale, sometimes a negative one (`1E+3`). */
function randomDecimalText(random: Random): string {
  const digits = String(random.int(1, 10 ** random.int(1, 9)));
  const scale = random.int(-4, 12);
  return bigDecimalToString({ unscaled: BigInt(digits), scale });
}

function randomInstant(random: Random): JavaInstant {
  const seconds = BigInt(random.int(0, 4_102_444_799)); // 1970 .. 2099
  const nano = random.pick([
    0,
    random.int(0, 999) * 1_000_000,
    random.int(0, 999_999) * 1000,
    random.int(0, 999_999_999),
  ]);
  return instantOfEpochSecond(seconds, BigInt(nano))!;
}

function randomJavaEvent(type: JavaEventType, random: Random): JavaEventMap[JavaEventType] {
  const common = { eventId: randomUUID(), currency: random.pick(['KRW', 'USD', 'EUR']) };
  switch (type) {
    case 'OrderCreated':
      return {
        ...common,
        orderId: randomUUID(),
        customerId: random.pick(NAMES),
        customerEmail: 'user@example.com',
        totalAmount: randomDecimalText(random),
        createdAt: randomInstant(random),
      };
    case 'OrderShipped': {
      const { currency: _, ...rest } = common;
      return {
        ...rest,
        orderId: randomUUID(),
        customerId: random.pick(NAMES),
        customerEmail: 'user@example.com',
        previousStatus: random.pick([20, 25]),
        currentStatus: random.pick([25, 80]),
        changedAt: randomInstant(random),
      };
    }
    case 'ProductCreated':
      return {
        ...common,
        productId: randomUUID(),
        productName: random.pick(NAMES),
        price: randomDecimalText(random),
        stockQuantity: random.int(0, 2_147_483_647),
        createdAt: randomInstant(random),
      };
  }
}

/** What our decoder's value should be for a Java value (plain digits for decimals, ISO for instants). */
function expectedTsValue(value: unknown, kind: 'String' | 'BigDecimal' | 'int' | 'Instant'): unknown {
  if (kind === 'BigDecimal') return bigDecimalToPlainString(parseBigDecimal(String(value))!);
  if (kind === 'Instant') return instantToString(value as JavaInstant);
  return value;
}

describe('both directions over generated events', () => {
  test(`Java → TS: 600 Java-written records decode in TypeScript to the same values (seed ${SEED})`, () => {
    const random = prng(SEED);
    for (let i = 0; i < 600; i++) {
      const type = random.pick(['OrderCreated', 'OrderShipped', 'ProductCreated'] as const);
      const event = randomJavaEvent(type, random);
      const record = javaProducerRecord(type, event as JavaEventMap[typeof type]);
      accepted(strictJavaDecode(type, record.value, record.headers));
      const decoded = decodeEvent(type as EventTypeName, record.value, {
        typeId: lastHeaderValue(record.headers, TYPE_ID_HEADER)?.toString('utf8'),
      });
      assert.ok(decoded.ok, `${record.value.toString()}: ${decoded.ok ? '' : decoded.error.message}`);
      const ours = decoded.event as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(event)) {
        const kind = name.endsWith('At')
          ? 'Instant'
          : name === 'totalAmount' || name === 'price'
            ? 'BigDecimal'
            : typeof value === 'number'
              ? 'int'
              : 'String';
        const actual = kind === 'BigDecimal' ? decimalToPlainString(ours[name] as never) : ours[name];
        assert.equal(actual, expectedTsValue(value, kind), `${name} of ${record.value.toString()}`);
        if (kind === 'BigDecimal') {
          assert.equal(ours[name], javaDecimalText(String(value)), `${name} keeps Java's exact text`);
        }
      }
    }
  });

  test(`TS → Java: 600 events our codec writes pass the Java rules with every digit (seed ${SEED})`, () => {
    const random = prng(SEED + 1);
    for (let i = 0; i < 600; i++) {
      const type = random.pick(['OrderCreated', 'OrderShipped', 'ProductCreated'] as const);
      const java = randomJavaEvent(type, random) as unknown as Record<string, unknown>;
      // The same event as our services hold it: Decimal text, canonical ISO instants.
      const ours: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(java)) {
        if (name === 'totalAmount' || name === 'price') {
          const d = parseBigDecimal(String(value))!;
          ours[name] = parseDecimalText(
            random.next() < 0.5 ? bigDecimalToString(d) : bigDecimalToPlainString(d),
          );
        } else if (name.endsWith('At')) ours[name] = parseInstant(instantToString(value as JavaInstant));
        else ours[name] = value;
      }
      const value = encodeEvent(type, ours as never);
      const result = accepted(strictJavaDecode(type, value, typeIdOf(type)));
      assert.deepEqual(result.defects, [], value.toString());
      for (const [name, original] of Object.entries(ours)) {
        const javaValue = result.event[name];
        if (name === 'totalAmount' || name === 'price') {
          assert.equal(
            bigDecimalToString(javaValue as BigDecimal),
            javaDecimalText(String(original)),
            'same digits, same scale',
          );
        } else if (name.endsWith('At')) {
          assert.equal(instantToString(javaValue as JavaInstant), original);
        } else {
          assert.equal(javaValue, original, name);
        }
      }
    }
  });
});
