/**
 * The Java side of a mixed deployment, for tests: records built byte for byte as the original Java
 * services write them, dead letters as Spring's `DeadLetterPublishingRecoverer` writes them, a reader of
 * Spring's `kafka_dlt-*` headers, Kafka's murmur2 partitioner, and `strictJavaDecode`, the referee that
 * says whether the original Java consumer would deserialize a record.
 *
 * Everything here is written from SPEC ("Wire format of the original") and the behaviour of the pinned
 * libraries (Spring Kafka 3.1 `JsonDeserializer` / `DefaultJackson2JavaTypeMapper`, Jackson 2.15 with
 * `JavaTimeModule`, JDK 17 `DateTimeFormatter.ISO_INSTANT`, kafka-clients 3.6 `Utils.murmur2`), and
 * deliberately shares no code with `@commerce/contracts`: it is the independent check of our producers
 * and consumers, so a mistake in the contracts cannot hide behind the same mistake here.
 */

// --- names ----------------------------------------------------------------------------------------------

export const JAVA_EVENT_PACKAGE = 'com.example.common.event';
export const TYPE_ID_HEADER = '__TypeId__';

export type JavaEventType = 'OrderCreated' | 'OrderShipped' | 'ProductCreated';
export const JAVA_EVENT_TYPES: readonly JavaEventType[] = ['OrderCreated', 'OrderShipped', 'ProductCreated'];

/** The classes the Java producers name in `__TypeId__` (SPEC). */
export const JavaClassNames: Readonly<Record<JavaEventType, string>> = {
  OrderCreated: `${JAVA_EVENT_PACKAGE}.OrderCreatedEvent`,
  OrderShipped: `${JAVA_EVENT_PACKAGE}.OrderShippedEvent`,
  ProductCreated: `${JAVA_EVENT_PACKAGE}.ProductCreatedEvent`,
};

/** The original's topics (SPEC "Services"). */
export const JavaTopics: Readonly<Record<JavaEventType, string>> = {
  OrderCreated: 'order.created.v1',
  OrderShipped: 'order.shipped.v1',
  ProductCreated: 'product.created.v1',
};

/** Spring Kafka's dead-letter header names (`KafkaHeaders.DLT_*`). */
export const SpringDltHeaders = {
  exceptionFqcn: 'kafka_dlt-exception-fqcn',
  exceptionCauseFqcn: 'kafka_dlt-exception-cause-fqcn',
  exceptionMessage: 'kafka_dlt-exception-message',
  exceptionStacktrace: 'kafka_dlt-exception-stacktrace',
  originalTopic: 'kafka_dlt-original-topic',
  originalPartition: 'kafka_dlt-original-partition',
  originalOffset: 'kafka_dlt-original-offset',
  originalTimestamp: 'kafka_dlt-original-timestamp',
  originalTimestampType: 'kafka_dlt-original-timestamp-type',
  originalConsumerGroup: 'kafka_dlt-original-consumer-group',
} as const;

export type HeaderEntry = readonly [string, Buffer];
/** Record headers in order (a name may repeat), or a map of them. */
export type HeaderInput = Iterable<readonly [string, Uint8Array]>;

/** A record as it goes onto the wire. */
export interface WireRecordOut {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer;
  headers: HeaderEntry[];
  /** CreateTime in ms; the producer's clock when absent. */
  timestamp?: bigint;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
/** Java's `new String(bytes, UTF_8)`: malformed input becomes U+FFFD, never an error. */
const javaUtf8 = new TextDecoder('utf-8');

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

// --- Kafka's murmur2 partitioner (kafka-clients Utils.murmur2), written with BigInt on purpose -----------

const MASK32 = 0xffffffffn;
const mul32 = (a: bigint, b: bigint) => (a * b) & MASK32;

/** `org.apache.kafka.common.utils.Utils.murmur2`: the signed 32-bit hash. */
export function kafkaMurmur2(data: Uint8Array): number {
  const m = 0x5bd1e995n;
  const length = data.length;
  let h = (0x9747b28cn ^ BigInt(length)) & MASK32;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k =
      BigInt(data[i]!) |
      (BigInt(data[i + 1]!) << 8n) |
      (BigInt(data[i + 2]!) << 16n) |
      (BigInt(data[i + 3]!) << 24n);
    k = mul32(k, m);
    k ^= k >> 24n;
    k = mul32(k, m);
    h = mul32(h, m);
    h ^= k;
  }
  const rest = length % 4;
  // Java: switch (length % 4) { case 3: ...; case 2: ...; case 1: ...; h *= m; } with fall-through.
  if (rest >= 3) h ^= BigInt(data[whole + 2]!) << 16n;
  if (rest >= 2) h ^= BigInt(data[whole + 1]!) << 8n;
  if (rest >= 1) {
    h ^= BigInt(data[whole]!);
    h = mul32(h, m);
  }
  h ^= h >> 13n;
  h = mul32(h, m);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

/** The Java producer's partition for a keyed record: `toPositive(murmur2(keyBytes)) % numPartitions`. */
export function javaDefaultPartition(key: Uint8Array | string, numPartitions: number): number {
  const bytes = typeof key === 'string' ? utf8(key) : key;
  return (kafkaMurmur2(bytes) & 0x7fffffff) % numPartitions;
}

// --- java.math.BigDecimal ------------------------------------------------------------------------------

/** value = unscaled × 10^-scale, as `java.math.BigDecimal` holds it. */
export interface BigDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

const BIG_DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** `new BigDecimal(String)` (ASCII digits); `undefined` where Java throws NumberFormatException. */
export function parseBigDecimal(text: string): BigDecimal | undefined {
  const match = BIG_DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const sign = match[1] ?? '';
  const intDigits = match[2] ?? '';
  const fracDigits = match[3] ?? '';
  if (intDigits === '' && fracDigits === '') return undefined;
  let exponent = 0n;
  if (match[4] !== undefined) {
    exponent = BigInt(match[4]);
    if (exponent < INT_MIN || exponent > INT_MAX) return undefined;
  }
  const scale = BigInt(fracDigits.length) - exponent;
  if (scale < INT_MIN || scale > INT_MAX) return undefined;
  const magnitude = BigInt(intDigits + fracDigits);
  return { unscaled: sign === '-' ? -magnitude : magnitude, scale: Number(scale) };
}

/** `BigDecimal.toString()`: what Jackson writes for a BigDecimal (scientific when scale < 0 or tiny). */
export function bigDecimalToString(d: BigDecimal): string {
  const negative = d.unscaled < 0n;
  const coefficient = (negative ? -d.unscaled : d.unscaled).toString();
  const sign = negative ? '-' : '';
  if (d.scale === 0) return sign + coefficient;
  const adjusted = -d.scale + (coefficient.length - 1);
  if (d.scale > 0 && adjusted >= -6) {
    if (coefficient.length > d.scale) {
      const point = coefficient.length - d.scale;
      return `${sign}${coefficient.slice(0, point)}.${coefficient.slice(point)}`;
    }
    return `${sign}0.${'0'.repeat(d.scale - coefficient.length)}${coefficient}`;
  }
  let text = sign + coefficient[0];
  if (coefficient.length > 1) text += `.${coefficient.slice(1)}`;
  if (adjusted !== 0) text += `E${adjusted > 0 ? '+' : ''}${adjusted}`;
  return text;
}

/** `BigDecimal.toPlainString()` (JDK 9+: a zero with a negative scale prints `0`). */
export function bigDecimalToPlainString(d: BigDecimal): string {
  const negative = d.unscaled < 0n;
  const coefficient = (negative ? -d.unscaled : d.unscaled).toString();
  const sign = negative ? '-' : '';
  if (d.scale === 0) return sign + coefficient;
  if (d.scale < 0) return d.unscaled === 0n ? '0' : sign + coefficient + '0'.repeat(-d.scale);
  if (coefficient.length > d.scale) {
    const point = coefficient.length - d.scale;
    return `${sign}${coefficient.slice(0, point)}.${coefficient.slice(point)}`;
  }
  return `${sign}0.${'0'.repeat(d.scale - coefficient.length)}${coefficient}`;
}

/** What a Java service writes for `new BigDecimal(text)`: `"12000.50"` → `12000.50`, `"1E+3"` → `1E+3`. */
export function javaDecimalText(text: string): string {
  const d = parseBigDecimal(text);
  if (d === undefined) throw new TypeError(`new BigDecimal(${JSON.stringify(text)}) throws`);
  return bigDecimalToString(d);
}

// --- java.time.Instant -----------------------------------------------------------------------------------

export interface JavaInstant {
  readonly epochSecond: bigint;
  /** 0..999,999,999 */
  readonly nano: number;
}

const INSTANT_MIN_SECOND = -31557014167219200n; // -1000000000-01-01T00:00Z
const INSTANT_MAX_SECOND = 31556889864403199n; // +1000000000-12-31T23:59:59.999999999Z
const NANOS = 1_000_000_000n;

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** `Instant.ofEpochSecond(seconds, nanoAdjustment)`; `undefined` where Java throws DateTimeException. */
export function instantOfEpochSecond(seconds: bigint, nanoAdjustment = 0n): JavaInstant | undefined {
  const epochSecond = seconds + floorDiv(nanoAdjustment, NANOS);
  const nano = Number(nanoAdjustment - floorDiv(nanoAdjustment, NANOS) * NANOS);
  if (epochSecond < INSTANT_MIN_SECOND || epochSecond > INSTANT_MAX_SECOND) return undefined;
  return { epochSecond, nano };
}

export function instantOfEpochMilli(ms: number | bigint): JavaInstant {
  const millis = BigInt(ms);
  const instant = instantOfEpochSecond(
    floorDiv(millis, 1000n),
    (millis - floorDiv(millis, 1000n) * 1000n) * 1_000_000n,
  );
  if (instant === undefined) throw new RangeError(`${ms} ms is outside Instant's range`);
  return instant;
}

/** Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function instantYear(instant: JavaInstant): number {
  return civilFromDays(Number(floorDiv(instant.epochSecond, 86_400n)))[0];
}

/** `Instant.toString()` (`DateTimeFormatter.ISO_INSTANT`): fraction in groups of 3, `+` past year 9999. */
export function instantToString(instant: JavaInstant): string {
  const days = floorDiv(instant.epochSecond, 86_400n);
  const secondOfDay = Number(instant.epochSecond - days * 86_400n);
  const [year, month, day] = civilFromDays(Number(days));
  const yearText = year > 9999 ? `+${year}` : year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  let fraction = '';
  if (instant.nano !== 0) {
    if (instant.nano % 1_000_000 === 0) fraction = `.${pad(instant.nano / 1_000_000, 3)}`;
    else if (instant.nano % 1000 === 0) fraction = `.${pad(instant.nano / 1000, 6)}`;
    else fraction = `.${pad(instant.nano, 9)}`;
  }
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(secondOfDay / 3600), 2)}:${pad(
    Math.floor((secondOfDay % 3600) / 60),
    2,
  )}:${pad(secondOfDay % 60, 2)}${fraction}Z`;
}

/**
 * Jackson 2.15's `InstantSerializer` with its defaults (WRITE_DATES_AS_TIMESTAMPS and
 * WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS): `DecimalUtils.toBigDecimal(seconds, nanos)` written with
 * `BigDecimal.toString()` — `1732400000.123456000`, `0.0` for the epoch, `1E-9` one nanosecond after it.
 */
export function jacksonInstantNumber(instant: JavaInstant): string {
  if (instant.nano === 0) {
    if (instant.epochSecond === 0n) return '0.0';
    return bigDecimalToString({ unscaled: instant.epochSecond * NANOS, scale: 9 });
  }
  // DecimalUtils.toDecimal: seconds + '.' + nanos padded to 9 digits, then new BigDecimal(...).
  const text = `${instant.epochSecond}.${pad(instant.nano, 9)}`;
  return bigDecimalToString(parseBigDecimal(text)!);
}

const ISO_INSTANT_SHAPE =
  /^([+-]?)(\d{4,10})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{0,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

/**
 * JDK 17 `DateTimeFormatter.ISO_INSTANT.parse` (case-insensitive; offsets `+HH:MM[:SS]` since JDK 12;
 * `24:00:00` is the next midnight and `23:59:60` a leap second; 0-9 fraction digits). A string saying
 * what is wrong when Java would throw.
 */
export function parseIsoInstant(text: string): JavaInstant | string {
  const m = ISO_INSTANT_SHAPE.exec(text);
  if (m === null) return `Text '${text}' could not be parsed`;
  const [, yearSign = '', yearDigits = '', mo, d, h, mi, s, fraction, , offsetSign, oh, om, os] = m;
  // YEAR is appendValue(YEAR, 4, 10, SignStyle.EXCEEDS_PAD): more than 4 digits need a sign, `+` needs more.
  if (yearSign === '' && yearDigits.length > 4) return `Text '${text}' could not be parsed`;
  if (yearSign === '+' && yearDigits.length <= 4) return `Text '${text}' could not be parsed`;
  const year = Number(yearDigits) * (yearSign === '-' ? -1 : 1);
  const month = Number(mo);
  let day = Number(d);
  let hour = Number(h);
  const minute = Number(mi);
  let second = Number(s);
  const nano = fraction === undefined || fraction === '' ? 0 : Number(fraction.padEnd(9, '0'));
  let extraDays = 0;
  if (hour === 24 && minute === 0 && second === 0 && nano === 0) {
    hour = 0;
    extraDays = 1;
  } else if (hour === 23 && minute === 59 && second === 60) {
    second = 59;
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    return `Text '${text}' could not be parsed: Invalid date or time`;
  }
  let offset = 0;
  if (offsetSign !== undefined) {
    const hours = Number(oh);
    const minutes = Number(om);
    const seconds = Number(os ?? '0');
    if (hours > 18 || minutes > 59 || seconds > 59 || hours * 3600 + minutes * 60 + seconds > 18 * 3600) {
      return `Text '${text}' could not be parsed: Zone offset not in valid range`;
    }
    offset = (offsetSign === '-' ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds);
  }
  day += extraDays;
  const epochSecond =
    BigInt(daysFromCivil(year, month, 1) + day - 1) * 86_400n +
    BigInt(hour * 3600 + minute * 60 + second - offset);
  return (
    instantOfEpochSecond(epochSecond, BigInt(nano)) ?? `Text '${text}' could not be parsed: out of range`
  );
}

/** An Instant from ISO-8601 text (test fixtures); throws when Java would not parse it. */
export function javaInstant(iso: string): JavaInstant {
  const parsed = parseIsoInstant(iso);
  if (typeof parsed === 'string') throw new TypeError(parsed);
  return parsed;
}

// --- Jackson output -------------------------------------------------------------------------------------

const HEX = '0123456789ABCDEF';
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/** A JSON string as Jackson's UTF8JsonGenerator writes it (`\u00XX` in upper case, `/` and non-ASCII raw). */
export function jacksonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20) out += SHORT_ESCAPES[c] ?? `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else out += value[i];
  }
  return `${out}"`;
}

// --- the events as the Java classes hold them -------------------------------------------------------------

export type JavaFieldKind = 'String' | 'BigDecimal' | 'int' | 'Instant';

/** Each event class's properties in declaration order (SPEC "Events"). */
export const JAVA_EVENT_FIELDS: Readonly<
  Record<JavaEventType, ReadonlyArray<readonly [string, JavaFieldKind]>>
> = {
  OrderCreated: [
    ['eventId', 'String'],
    ['orderId', 'String'],
    ['customerId', 'String'],
    ['customerEmail', 'String'],
    ['totalAmount', 'BigDecimal'],
    ['currency', 'String'],
    ['createdAt', 'Instant'],
  ],
  OrderShipped: [
    ['eventId', 'String'],
    ['orderId', 'String'],
    ['customerId', 'String'],
    ['customerEmail', 'String'],
    ['previousStatus', 'int'],
    ['currentStatus', 'int'],
    ['changedAt', 'Instant'],
  ],
  ProductCreated: [
    ['eventId', 'String'],
    ['productId', 'String'],
    ['productName', 'String'],
    ['price', 'BigDecimal'],
    ['currency', 'String'],
    ['stockQuantity', 'int'],
    ['createdAt', 'Instant'],
  ],
};

/** The record key of each event (SPEC: orderId for order events, productId for product events). */
export const JAVA_KEY_FIELD: Readonly<Record<JavaEventType, string>> = {
  OrderCreated: 'orderId',
  OrderShipped: 'orderId',
  ProductCreated: 'productId',
};

/** Decimals are the text given to `new BigDecimal(...)` (so `"1E+3"` keeps its negative scale). */
export interface JavaOrderCreatedEvent {
  eventId: string;
  orderId: string;
  customerId: string;
  customerEmail: string;
  totalAmount: string;
  currency: string;
  createdAt: JavaInstant;
}
export interface JavaOrderShippedEvent {
  eventId: string;
  orderId: string;
  customerId: string;
  customerEmail: string;
  previousStatus: number;
  currentStatus: number;
  changedAt: JavaInstant;
}
export interface JavaProductCreatedEvent {
  eventId: string;
  productId: string;
  productName: string;
  price: string;
  currency: string;
  stockQuantity: number;
  createdAt: JavaInstant;
}
export interface JavaEventMap {
  OrderCreated: JavaOrderCreatedEvent;
  OrderShipped: JavaOrderShippedEvent;
  ProductCreated: JavaProductCreatedEvent;
}

export interface JavaJsonOptions {
  /** Replace a property's JSON text: forms the Java consumer accepts that its producer never writes. */
  raw?: Record<string, string>;
  /** Properties the consumer does not know, appended as `name: raw JSON text`. */
  extra?: ReadonlyArray<readonly [string, string]>;
}

/** The value text Spring's JsonSerializer (Jackson 2.15, JavaTimeModule) writes for the event. */
export function javaEventJson<T extends JavaEventType>(
  type: T,
  event: JavaEventMap[T],
  options: JavaJsonOptions = {},
): string {
  const values = event as unknown as Record<string, unknown>;
  const members: string[] = [];
  for (const [name, kind] of JAVA_EVENT_FIELDS[type]) {
    const raw = options.raw?.[name];
    members.push(`${jacksonString(name)}:${raw ?? jacksonValue(kind, values[name])}`);
  }
  for (const [name, raw] of options.extra ?? []) members.push(`${jacksonString(name)}:${raw}`);
  return `{${members.join(',')}}`;
}

function jacksonValue(kind: JavaFieldKind, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (kind) {
    case 'String':
      return jacksonString(String(value));
    case 'BigDecimal':
      return javaDecimalText(String(value));
    case 'int':
      return String(value);
    case 'Instant':
      return jacksonInstantNumber(value as JavaInstant);
  }
}

export interface JavaRecordOptions extends JavaJsonOptions {
  topic?: string;
  /** Partitions of the topic (for the key's partition); default 3. */
  partitions?: number;
  /** `__TypeId__` value; `null` leaves the header out; default the event's class name. */
  typeId?: string | null;
  /** Further headers after `__TypeId__` (a repeated `__TypeId__` included, to test "last wins"). */
  moreHeaders?: HeaderEntry[];
  timestamp?: bigint;
}

/**
 * The record a Java producer (KafkaTemplate + JsonSerializer, default partitioner) writes for the event:
 * key = orderId/productId as UTF-8 on its murmur2 partition, the Jackson value, one `__TypeId__` header.
 */
export function javaProducerRecord<T extends JavaEventType>(
  type: T,
  event: JavaEventMap[T],
  options: JavaRecordOptions = {},
): WireRecordOut {
  const key = String((event as unknown as Record<string, unknown>)[JAVA_KEY_FIELD[type]]);
  const typeId = options.typeId === undefined ? JavaClassNames[type] : options.typeId;
  const headers: HeaderEntry[] = typeId === null ? [] : [[TYPE_ID_HEADER, utf8(typeId)]];
  headers.push(...(options.moreHeaders ?? []));
  return {
    topic: options.topic ?? JavaTopics[type],
    partition: javaDefaultPartition(key, options.partitions ?? 3),
    key: utf8(key),
    value: utf8(javaEventJson(type, event, options)),
    headers,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  };
}

// --- Spring's DeadLetterPublishingRecoverer --------------------------------------------------------------

export interface JavaException {
  fqcn: string;
  /** Root cause class; absent when the exception has none. */
  causeFqcn?: string;
  message: string;
  stacktrace: string;
}

/**
 * What the Java notification-service's recoverer records when the listener threw (a
 * ListenerExecutionFailedException around the listener's own exception), with a stack trace of the
 * shape `Throwable.printStackTrace` prints.
 */
export function javaListenerFailure(
  listener: string,
  cause: { fqcn: string; message: string },
): JavaException {
  const fqcn = 'org.springframework.kafka.listener.ListenerExecutionFailedException';
  const outer = `Listener method '${listener}' threw exception`;
  return {
    fqcn,
    causeFqcn: cause.fqcn,
    // DeadLetterPublishingRecoverer.buildMessage: "<exception message>; <root cause message>"
    message: `${outer}; ${cause.message}`,
    stacktrace: [
      `${fqcn}: ${outer}`,
      '\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.decorateException(KafkaMessageListenerContainer.java:2967)',
      '\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage(KafkaMessageListenerContainer.java:2878)',
      '\tat java.base/java.lang.Thread.run(Thread.java:840)',
      `Caused by: ${cause.fqcn}: ${cause.message}`,
      '\tat com.example.notification.service.NotificationService.send(NotificationService.java:57)',
      '\t... 14 more',
      '',
    ].join('\n'),
  };
}

export interface SpringDeadLetterInput {
  /** The record that failed, as the Java consumer saw it. */
  original: {
    topic: string;
    partition: number;
    offset: bigint;
    timestamp: bigint;
    timestampType?: 'CreateTime' | 'LogAppendTime';
    key: Buffer | null;
    headers: readonly HeaderEntry[];
  };
  /** The event the listener had deserialized, re-serialized by the DLQ template's JsonSerializer. */
  value: Buffer;
  /** Its class (the fresh `__TypeId__`). */
  className: string;
  exception: JavaException;
  consumerGroup?: string;
  dlqSuffix?: string;
  /**
   * `append` (SPEC: original headers kept, a fresh `__TypeId__` added, so the name repeats and the last
   * counts) or `replace` (JsonSerializer drops the old `__TypeId__` before adding the fresh one, as
   * recent Spring versions do). Readers must take the last one either way.
   */
  typeIdHeader?: 'append' | 'replace';
}

const int32BE = (n: number) => {
  const bytes = Buffer.alloc(4);
  new DataView(bytes.buffer, bytes.byteOffset, 4).setInt32(0, n, false);
  return bytes;
};
const int64BE = (n: bigint) => {
  const bytes = Buffer.alloc(8);
  new DataView(bytes.buffer, bytes.byteOffset, 8).setBigInt64(0, n, false);
  return bytes;
};

/**
 * The dead letter Spring's DeadLetterPublishingRecoverer writes: `<topic>.dlq`, same partition and key,
 * the re-serialized value, the original headers, the exception headers, the original coordinates
 * (partition 4 bytes and offset/timestamp 8 bytes, big-endian), the consumer group, then `__TypeId__`.
 */
export function springDeadLetter(input: SpringDeadLetterInput): WireRecordOut {
  const { original, exception } = input;
  const mode = input.typeIdHeader ?? 'append';
  const headers: HeaderEntry[] = original.headers.filter(
    ([name]) => mode === 'append' || name !== TYPE_ID_HEADER,
  );
  headers.push([SpringDltHeaders.exceptionFqcn, utf8(exception.fqcn)]);
  if (exception.causeFqcn !== undefined)
    headers.push([SpringDltHeaders.exceptionCauseFqcn, utf8(exception.causeFqcn)]);
  headers.push([SpringDltHeaders.exceptionMessage, utf8(exception.message)]);
  headers.push([SpringDltHeaders.exceptionStacktrace, utf8(exception.stacktrace)]);
  headers.push([SpringDltHeaders.originalTopic, utf8(original.topic)]);
  headers.push([SpringDltHeaders.originalPartition, int32BE(original.partition)]);
  headers.push([SpringDltHeaders.originalOffset, int64BE(original.offset)]);
  headers.push([SpringDltHeaders.originalTimestamp, int64BE(original.timestamp)]);
  headers.push([SpringDltHeaders.originalTimestampType, utf8(original.timestampType ?? 'CreateTime')]);
  headers.push([
    SpringDltHeaders.originalConsumerGroup,
    utf8(input.consumerGroup ?? 'notification-consumer-group'),
  ]);
  headers.push([TYPE_ID_HEADER, utf8(input.className)]);
  return {
    topic: `${original.topic}${input.dlqSuffix ?? '.dlq'}`,
    partition: original.partition,
    key: original.key,
    value: input.value,
    headers,
  };
}

export interface SpringDltInfo {
  exceptionFqcn?: string;
  exceptionCauseFqcn?: string;
  exceptionMessage?: string;
  exceptionStacktrace?: string;
  originalTopic?: string;
  originalPartition?: number;
  originalOffset?: bigint;
  originalTimestamp?: bigint;
  originalTimestampType?: string;
  originalConsumerGroup?: string;
  /** Headers present with the wrong encoding (a length other than 4 or 8 bytes). */
  problems: string[];
}

/** All values of a header, in record order. */
export function headerValues(headers: HeaderInput, name: string): Buffer[] {
  const values: Buffer[] = [];
  for (const [key, value] of headers) if (key === name) values.push(Buffer.from(value));
  return values;
}

/** The last value of a header (what `Headers.lastHeader` returns). */
export function lastHeaderValue(headers: HeaderInput, name: string): Buffer | undefined {
  return headerValues(headers, name).at(-1);
}

/**
 * Reads Spring's `kafka_dlt-*` headers the way Spring's own tools do (`lastHeader`, `ByteBuffer.getInt`
 * / `getLong`, UTF-8 strings), noting any header whose encoding Spring could not read.
 */
export function readSpringDltHeaders(headers: HeaderInput): SpringDltInfo {
  const entries = [...headers];
  const info: SpringDltInfo = { problems: [] };
  const text = (name: string) => {
    const value = lastHeaderValue(entries, name);
    return value === undefined ? undefined : javaUtf8.decode(value);
  };
  const fixed = (name: string, width: 4 | 8) => {
    const value = lastHeaderValue(entries, name);
    if (value === undefined) return undefined;
    if (value.length !== width) {
      info.problems.push(`${name} has ${value.length} bytes, Spring reads ${width}`);
      return undefined;
    }
    const view = new DataView(value.buffer, value.byteOffset, width);
    return width === 4 ? BigInt(view.getInt32(0, false)) : view.getBigInt64(0, false);
  };
  const assign = <K extends keyof SpringDltInfo>(key: K, value: SpringDltInfo[K] | undefined) => {
    if (value !== undefined) info[key] = value;
  };
  assign('exceptionFqcn', text(SpringDltHeaders.exceptionFqcn));
  assign('exceptionCauseFqcn', text(SpringDltHeaders.exceptionCauseFqcn));
  assign('exceptionMessage', text(SpringDltHeaders.exceptionMessage));
  assign('exceptionStacktrace', text(SpringDltHeaders.exceptionStacktrace));
  assign('originalTopic', text(SpringDltHeaders.originalTopic));
  const partition = fixed(SpringDltHeaders.originalPartition, 4);
  assign('originalPartition', partition === undefined ? undefined : Number(partition));
  assign('originalOffset', fixed(SpringDltHeaders.originalOffset, 8));
  assign('originalTimestamp', fixed(SpringDltHeaders.originalTimestamp, 8));
  assign('originalTimestampType', text(SpringDltHeaders.originalTimestampType));
  assign('originalConsumerGroup', text(SpringDltHeaders.originalConsumerGroup));
  return info;
}

// --- strictJavaDecode: a Jackson-rules JSON reader --------------------------------------------------------

type JsonNode =
  | { readonly kind: 'object'; readonly members: Map<string, JsonNode> }
  | { readonly kind: 'array' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'int' | 'float'; readonly text: string }
  | { readonly kind: 'true' | 'false' | 'null' };

class JacksonParseError extends Error {
  override name = 'JsonParseException';
}

/** Jackson 2.15 StreamReadConstraints defaults. */
const MAX_NESTING = 1000;
const MAX_NUMBER_LENGTH = 1000;

const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Strict JSON as Jackson's default JsonFactory reads it: no comments, quotes, NaN, leading zeros. */
class JacksonReader {
  readonly #text: string;
  pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  fail(problem: string): never {
    const shown = this.pos < this.#text.length ? JSON.stringify(this.#text[this.pos]) : 'end-of-input';
    throw new JacksonParseError(`${problem} at character ${this.pos} (${shown})`);
  }

  skipSpace(): void {
    while (this.pos < this.#text.length && isJsonSpace(this.#text.charCodeAt(this.pos))) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.#text.length;
  }

  value(depth: number): JsonNode {
    this.skipSpace();
    const c = this.#text.charCodeAt(this.pos);
    if (c === 0x7b) return this.#object(depth + 1);
    if (c === 0x5b) return this.#array(depth + 1);
    if (c === 0x22) return { kind: 'string', value: this.#string() };
    if (c === 0x2d || isDigit(c)) return this.#number();
    for (const literal of ['true', 'false', 'null'] as const) {
      if (this.#text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        const next = this.#text.charCodeAt(this.pos);
        if (/[A-Za-z0-9_]/.test(String.fromCharCode(next))) this.fail(`Unrecognized token '${literal}…'`);
        return { kind: literal };
      }
    }
    return this.fail(this.atEnd() ? 'Unexpected end-of-input' : 'Unexpected character');
  }

  #object(depth: number): JsonNode {
    if (depth > MAX_NESTING) this.fail(`Document nesting depth exceeds the maximum allowed (${MAX_NESTING})`);
    this.pos++;
    const members = new Map<string, JsonNode>();
    this.skipSpace();
    if (this.#text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      this.skipSpace();
      if (this.#text.charCodeAt(this.pos) !== 0x22)
        this.fail('Unexpected character: was expecting double-quote to start field name');
      const name = this.#string();
      this.skipSpace();
      if (this.#text.charCodeAt(this.pos) !== 0x3a)
        this.fail('Unexpected character: was expecting a colon to separate field name and value');
      this.pos++;
      const value = this.value(depth);
      members.delete(name); // the last of repeated names wins, as Jackson sets the property again
      members.set(name, value);
      this.skipSpace();
      const c = this.#text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x2c) continue;
      if (c === 0x7d) return { kind: 'object', members };
      this.pos--;
      this.fail('Unexpected character: was expecting comma to separate Object entries');
    }
  }

  #array(depth: number): JsonNode {
    if (depth > MAX_NESTING) this.fail(`Document nesting depth exceeds the maximum allowed (${MAX_NESTING})`);
    this.pos++;
    this.skipSpace();
    if (this.#text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return { kind: 'array' };
    }
    for (;;) {
      this.value(depth);
      this.skipSpace();
      const c = this.#text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x2c) continue;
      if (c === 0x5d) return { kind: 'array' };
      this.pos--;
      this.fail('Unexpected character: was expecting comma to separate Array entries');
    }
  }

  #string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('Unexpected end-of-input in a String value');
      const c = this.#text.charCodeAt(this.pos);
      if (c === 0x22) {
        this.pos++;
        return out;
      }
      if (c < 0x20)
        this.fail(
          'Illegal unquoted character: has to be escaped using backslash to be included in string value',
        );
      if (c !== 0x5c) {
        out += this.#text[this.pos];
        this.pos++;
        continue;
      }
      const escaped = this.#text[this.pos + 1];
      this.pos += 2;
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (escaped !== undefined && escaped in simple) {
        out += simple[escaped];
      } else if (escaped === 'u') {
        const hex = this.#text.slice(this.pos, this.pos + 4);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex))
          this.fail('Unexpected character in a \\u escape: expected a hex-digit');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 4;
      } else {
        this.pos--;
        this.fail('Unrecognized character escape');
      }
    }
  }

  #number(): JsonNode {
    const start = this.pos;
    const text = this.#text;
    if (text.charCodeAt(this.pos) === 0x2d) this.pos++;
    if (!isDigit(text.charCodeAt(this.pos))) this.fail("Non-standard token: expected a digit after '-'");
    if (text.charCodeAt(this.pos) === 0x30 && isDigit(text.charCodeAt(this.pos + 1))) {
      this.fail('Invalid numeric value: Leading zeroes not allowed');
    }
    while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    let float = false;
    if (text.charCodeAt(this.pos) === 0x2e) {
      float = true;
      this.pos++;
      if (!isDigit(text.charCodeAt(this.pos)))
        this.fail('Unexpected character: Decimal point not followed by a digit');
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    }
    const e = text.charCodeAt(this.pos);
    if (e === 0x65 || e === 0x45) {
      float = true;
      this.pos++;
      const sign = text.charCodeAt(this.pos);
      if (sign === 0x2b || sign === 0x2d) this.pos++;
      if (!isDigit(text.charCodeAt(this.pos)))
        this.fail('Unexpected character: Exponent indicator not followed by a digit');
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    }
    const source = text.slice(start, this.pos);
    if (source.length > MAX_NUMBER_LENGTH)
      this.fail(`Number value length (${source.length}) exceeds the maximum allowed (${MAX_NUMBER_LENGTH})`);
    return { kind: float ? 'float' : 'int', text: source };
  }
}

// --- strictJavaDecode: binding, the way Jackson fills the event class -------------------------------------

/** A value as the Java event object holds it after deserialization. */
export type JavaValue = string | number | BigDecimal | JavaInstant | null;

/** Something the Java consumer accepts but that our producers must never write. */
export interface JavaDefect {
  field?: string;
  code:
    | 'NULL_FIELD'
    | 'NOT_A_UUID'
    | 'INSTANT_OUT_OF_RANGE'
    | 'INSTANT_TRUNCATED'
    | 'INT_TRUNCATED'
    | 'TRAILING_CONTENT';
  message: string;
}

export type JavaDecodeResult =
  | {
      readonly ok: true;
      /** The class Jackson instantiated. */
      readonly className: string;
      /** Whether `__TypeId__` or the consumer's configured default type decided it. */
      readonly typeFrom: 'header' | 'default';
      readonly event: Readonly<Record<string, JavaValue>>;
      readonly defects: readonly JavaDefect[];
    }
  | {
      readonly ok: false;
      /** TYPE: `__TypeId__` resolution or conversion to the listener's type; JSON: syntax; BIND: a field. */
      readonly stage: 'TYPE' | 'JSON' | 'BIND';
      /** The Java exception the consumer would have thrown. */
      readonly exception: string;
      readonly message: string;
    };

export interface JavaConsumerOptions {
  /** The event classes on the Java consumer's classpath (SPEC's names by default). */
  classNames?: Partial<Record<JavaEventType, string>>;
  /** `spring.json.trusted.packages`; default the packages of `classNames`. `java.util`/`java.lang` always are. */
  trustedPackages?: readonly string[];
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ID_FIELDS = new Set(['eventId', 'orderId', 'productId']);

class BindError extends Error {
  readonly exception: string;
  constructor(exception: string, message: string) {
    super(message);
    this.exception = exception;
  }
}

const MISMATCHED = 'com.fasterxml.jackson.databind.exc.MismatchedInputException';
const INVALID_FORMAT = 'com.fasterxml.jackson.databind.exc.InvalidFormatException';
const INPUT_COERCION = 'com.fasterxml.jackson.core.exc.InputCoercionException';

function describeToken(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'Object value (token `JsonToken.START_OBJECT`)';
    case 'array':
      return 'Array value (token `JsonToken.START_ARRAY`)';
    case 'true':
    case 'false':
      return 'Boolean value';
    default:
      return node.kind;
  }
}

/** `String.trim()`: strips U+0000..U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

type Bound = { value: JavaValue; defect?: JavaDefect['code']; note?: string };

function bindString(field: string, node: JsonNode): Bound {
  switch (node.kind) {
    case 'string':
      return { value: node.value };
    case 'int':
    case 'float':
      return { value: node.text };
    case 'true':
    case 'false':
      return { value: node.kind };
    case 'null':
      return { value: null };
    default:
      throw new BindError(
        MISMATCHED,
        `Cannot deserialize value of type \`java.lang.String\` from ${describeToken(node)} (${field})`,
      );
  }
}

function bindBigDecimal(field: string, node: JsonNode): Bound {
  if (node.kind === 'int' || node.kind === 'float') return { value: parseBigDecimal(node.text)! };
  if (node.kind === 'null') return { value: null };
  if (node.kind === 'string') {
    const text = javaTrim(node.value);
    if (text === '' || text === 'null') return { value: null };
    if (text.length > MAX_NUMBER_LENGTH)
      throw new BindError(INVALID_FORMAT, `${field}: number text too long`);
    const parsed = parseBigDecimal(text);
    if (parsed === undefined) {
      throw new BindError(
        INVALID_FORMAT,
        `Cannot deserialize value of type \`java.math.BigDecimal\` from String ${JSON.stringify(node.value)}: not a valid representation (${field})`,
      );
    }
    return { value: parsed };
  }
  throw new BindError(
    MISMATCHED,
    `Cannot deserialize value of type \`java.math.BigDecimal\` from ${describeToken(node)} (${field})`,
  );
}

function int32OrFail(field: string, value: bigint, shown: string): number {
  if (value < INT_MIN || value > INT_MAX) {
    throw new BindError(
      INPUT_COERCION,
      `Numeric value (${shown}) out of range of int (${INT_MIN} - ${INT_MAX}) (${field})`,
    );
  }
  return Number(value);
}

/** A primitive `int`: nulls become 0 (FAIL_ON_NULL_FOR_PRIMITIVES is off), floats are truncated. */
function bindInt(field: string, node: JsonNode): Bound {
  switch (node.kind) {
    case 'int':
      return { value: int32OrFail(field, BigInt(node.text), node.text) };
    case 'float': {
      // ACCEPT_FLOAT_AS_INT (on by default): the value is truncated towards zero.
      const d = parseBigDecimal(node.text)!;
      const whole = d.scale <= 0 ? d.unscaled * 10n ** BigInt(-d.scale) : d.unscaled / 10n ** BigInt(d.scale);
      const exact = d.scale <= 0 || whole * 10n ** BigInt(d.scale) === d.unscaled;
      const value = int32OrFail(field, whole, node.text);
      return exact
        ? { value }
        : { value, defect: 'INT_TRUNCATED', note: `${node.text} was truncated to ${value}` };
    }
    case 'string': {
      const text = javaTrim(node.value);
      if (text === '' || text === 'null')
        return { value: 0, defect: 'NULL_FIELD', note: `${JSON.stringify(node.value)} became 0` };
      if (!/^[+-]?\d+$/.test(text)) {
        throw new BindError(
          INVALID_FORMAT,
          `Cannot deserialize value of type \`int\` from String ${JSON.stringify(node.value)}: not a valid \`int\` value (${field})`,
        );
      }
      return { value: int32OrFail(field, BigInt(text), text) };
    }
    case 'null':
      return { value: 0, defect: 'NULL_FIELD', note: 'null became 0' };
    default:
      throw new BindError(
        MISMATCHED,
        `Cannot deserialize value of type \`int\` from ${describeToken(node)} (${field})`,
      );
  }
}

/** Jackson's `DecimalUtils.extractSecondsAndNanos` (2.15) followed by `Instant.ofEpochSecond`. */
function instantFromDecimal(field: string, d: BigDecimal, shown: string): Bound {
  let seconds: bigint;
  let nanos: bigint;
  const nanoScale = d.scale - 9; // value × 10^9 has the same unscaled value and scale - 9
  const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
  if (d.unscaled === 0n || digits - nanoScale <= 0) {
    seconds = 0n;
    nanos = 0n;
  } else if (d.scale < -63) {
    seconds = 0n;
    nanos = 0n;
  } else {
    // longValue() truncates towards zero and keeps the low 64 bits; intValue() the low 32.
    const truncated =
      d.scale <= 0 ? d.unscaled * 10n ** BigInt(-d.scale) : d.unscaled / 10n ** BigInt(d.scale);
    seconds = BigInt.asIntN(64, truncated);
    const scaledNanos =
      nanoScale <= 0 ? d.unscaled * 10n ** BigInt(-nanoScale) : d.unscaled / 10n ** BigInt(nanoScale);
    nanos = BigInt.asIntN(32, scaledNanos - seconds * NANOS);
    if (seconds < 0n && seconds > INSTANT_MIN_SECOND && nanos < 0n) nanos = -nanos;
  }
  const instant = instantOfEpochSecond(seconds, nanos);
  if (instant === undefined) {
    throw new BindError(
      'java.time.DateTimeException',
      `Instant exceeds minimum or maximum instant (${field}: ${shown})`,
    );
  }
  const significantFraction = d.scale > 9 && d.unscaled % 10n ** BigInt(d.scale - 9) !== 0n;
  return significantFraction
    ? {
        value: instant,
        defect: 'INSTANT_TRUNCATED',
        note: `${shown} has more than 9 fraction digits; Java drops the rest`,
      }
    : { value: instant };
}

/** Jackson's `InstantDeserializer.replaceZeroOffsetAsZ`: `+00`, `+0000`, `+00:00` at the end become `Z`. */
function replaceZeroOffsetAsZ(text: string): string {
  const plus = text.lastIndexOf('+');
  if (plus < 0) return text;
  const tail = text.slice(plus + 1);
  return tail === '00' || tail === '0000' || tail === '00:00' ? `${text.slice(0, plus)}Z` : text;
}

/** `InstantDeserializer` (JavaTimeModule, Jackson 2.15) with the default features. */
function bindInstant(field: string, node: JsonNode): Bound {
  switch (node.kind) {
    case 'int': {
      // READ_DATE_TIMESTAMPS_AS_NANOSECONDS (default): an integer is epoch *seconds*.
      const seconds = BigInt(node.text);
      if (seconds < LONG_MIN || seconds > LONG_MAX) {
        throw new BindError(INPUT_COERCION, `Numeric value (${node.text}) out of range of long (${field})`);
      }
      const instant = instantOfEpochSecond(seconds);
      if (instant === undefined) {
        throw new BindError(
          'java.time.DateTimeException',
          `Instant exceeds minimum or maximum instant (${field}: ${node.text})`,
        );
      }
      return { value: instant };
    }
    case 'float':
      return instantFromDecimal(field, parseBigDecimal(node.text)!, node.text);
    case 'string': {
      const text = javaTrim(node.value);
      if (text === '') return { value: null }; // lenient (default): an empty string is null
      const simpleNumber = /^[0-9.]+$/.test(text) ? (text.match(/\./g) ?? []).length : -1;
      if (simpleNumber === 0) {
        const seconds = BigInt(text);
        if (seconds <= LONG_MAX) {
          const instant = instantOfEpochSecond(seconds);
          if (instant === undefined) {
            throw new BindError(
              'java.time.DateTimeException',
              `Instant exceeds minimum or maximum instant (${field}: ${text})`,
            );
          }
          return { value: instant };
        }
        // Long.parseLong overflows: Jackson falls through to the formatter, which fails below.
      } else if (simpleNumber === 1) {
        const decimal = parseBigDecimal(text);
        if (decimal !== undefined) return instantFromDecimal(field, decimal, JSON.stringify(text));
      }
      const parsed = parseIsoInstant(replaceZeroOffsetAsZ(text));
      if (typeof parsed === 'string') {
        throw new BindError(
          INVALID_FORMAT,
          `Cannot deserialize value of type \`java.time.Instant\` from String ${JSON.stringify(node.value)}: ${parsed} (${field})`,
        );
      }
      return { value: parsed };
    }
    case 'null':
      return { value: null };
    default:
      throw new BindError(
        MISMATCHED,
        `Cannot deserialize value of type \`java.time.Instant\` from ${describeToken(node)} (${field})`,
      );
  }
}

const binders: Record<JavaFieldKind, (field: string, node: JsonNode) => Bound> = {
  String: bindString,
  BigDecimal: bindBigDecimal,
  int: bindInt,
  Instant: bindInstant,
};

const packageOf = (className: string) => {
  const dot = className.lastIndexOf('.');
  return dot < 0 ? '' : className.slice(0, dot);
};
const simpleName = (className: string) => className.slice(className.lastIndexOf('.') + 1);

/**
 * Would the original Java consumer deserialize this record of a topic carrying `topicType`? Follows
 * Spring Kafka 3.1's JsonDeserializer (the last `__TypeId__` header decides the class, which must be in
 * a trusted package and exist; without it the configured type is used; a class other than the
 * listener's fails the conversion) and Jackson 2.15's defaults (unknown properties ignored, missing or
 * null properties left null, scalar coercions, JavaTimeModule's Instant rules, trailing content ignored).
 *
 * `ok: true` means Java reads it; `defects` then lists what Java accepts but gets wrong or our consumers
 * refuse (an epoch-millis instant landing in year ~56,000, a null required field, a truncated int), which
 * our producers must never write either.
 */
export function strictJavaDecode(
  topicType: JavaEventType,
  value: Uint8Array | null | undefined,
  headers: HeaderInput,
  options: JavaConsumerOptions = {},
): JavaDecodeResult {
  const classNames: Record<JavaEventType, string> = { ...JavaClassNames, ...options.classNames };
  const trusted = new Set([
    ...(options.trustedPackages ?? Object.values(classNames).map(packageOf)),
    'java.util',
    'java.lang',
  ]);
  const expectedClass = classNames[topicType];

  // 1. The type: DefaultJackson2JavaTypeMapper.toJavaType(headers) reads the *last* __TypeId__.
  const typeIdBytes = lastHeaderValue(headers, TYPE_ID_HEADER);
  let className = expectedClass;
  let typeFrom: 'header' | 'default' = 'default';
  if (typeIdBytes !== undefined) {
    const typeId = javaUtf8.decode(typeIdBytes);
    typeFrom = 'header';
    if (!trusted.has(packageOf(typeId))) {
      return {
        ok: false,
        stage: 'TYPE',
        exception: 'java.lang.IllegalArgumentException',
        message: `The class '${typeId}' is not in the trusted packages: [${[...trusted].join(', ')}]`,
      };
    }
    const known = new Set(Object.values(classNames));
    if (!known.has(typeId)) {
      return {
        ok: false,
        stage: 'TYPE',
        exception: 'org.springframework.messaging.converter.MessageConversionException',
        message: `failed to resolve class name. Class not found [${typeId}]`,
      };
    }
    if (typeId !== expectedClass) {
      return {
        ok: false,
        stage: 'TYPE',
        exception: 'org.springframework.messaging.converter.MessageConversionException',
        message: `Cannot convert from [${typeId}] to [${expectedClass}]: the listener of ${JavaTopics[topicType]} takes ${simpleName(expectedClass)}`,
      };
    }
    className = typeId;
  }

  // 2. The JSON: Jackson's ObjectReader.readValue(byte[]) (UTF-8, BOM skipped).
  if (value === null || value === undefined) {
    return {
      ok: false,
      stage: 'BIND',
      exception: 'org.springframework.messaging.MessagingException',
      message: 'null payload (tombstone): the listener requires an event',
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return {
      ok: false,
      stage: 'JSON',
      exception: 'com.fasterxml.jackson.core.JsonParseException',
      message: 'Invalid UTF-8 byte sequence',
    };
  }
  const reader = new JacksonReader(text);
  reader.skipSpace();
  if (reader.atEnd()) {
    return {
      ok: false,
      stage: 'JSON',
      exception: MISMATCHED,
      message: 'No content to map due to end-of-input',
    };
  }
  let root: JsonNode;
  try {
    root = reader.value(0);
  } catch (error) {
    return {
      ok: false,
      stage: 'JSON',
      exception: 'com.fasterxml.jackson.core.JsonParseException',
      message: (error as Error).message,
    };
  }
  if (root.kind === 'null') {
    return {
      ok: false,
      stage: 'BIND',
      exception: 'org.springframework.messaging.MessagingException',
      message: 'the value is JSON null: the listener requires an event',
    };
  }
  if (root.kind !== 'object') {
    return {
      ok: false,
      stage: 'BIND',
      exception: MISMATCHED,
      message: `Cannot construct instance of \`${className}\` from ${describeToken(root)}`,
    };
  }
  const defects: JavaDefect[] = [];
  reader.skipSpace();
  if (!reader.atEnd()) {
    // FAIL_ON_TRAILING_TOKENS is off: Java reads the first value and ignores the rest.
    defects.push({
      code: 'TRAILING_CONTENT',
      message: `content after the JSON object (character ${reader.pos}) is ignored by Java`,
    });
  }

  // 3. The properties: unknown ones ignored (FAIL_ON_UNKNOWN_PROPERTIES off), missing ones stay null.
  const event: Record<string, JavaValue> = {};
  for (const [field, kind] of JAVA_EVENT_FIELDS[topicType]) {
    const node = root.members.get(field);
    let bound: Bound;
    try {
      bound = node === undefined ? { value: kind === 'int' ? 0 : null } : binders[kind](field, node);
    } catch (error) {
      if (error instanceof BindError)
        return { ok: false, stage: 'BIND', exception: error.exception, message: error.message };
      throw error;
    }
    event[field] = bound.value;
    if (node === undefined || bound.value === null) {
      defects.push({
        field,
        code: 'NULL_FIELD',
        message: `${field} is ${node === undefined ? 'missing' : 'null'}: Java leaves it ${kind === 'int' ? '0' : 'null'}, our consumers require it`,
      });
    } else if (bound.defect !== undefined) {
      defects.push({ field, code: bound.defect, message: `${field}: ${bound.note}` });
    }
    if (ID_FIELDS.has(field) && typeof bound.value === 'string' && !UUID.test(bound.value)) {
      defects.push({
        field,
        code: 'NOT_A_UUID',
        message: `${field} ${JSON.stringify(bound.value)} is not a UUID`,
      });
    }
    if (kind === 'Instant' && bound.value !== null) {
      const year = instantYear(bound.value as JavaInstant);
      if (year < 1970 || year > 9999) {
        defects.push({
          field,
          code: 'INSTANT_OUT_OF_RANGE',
          message: `${field} lands in the year ${year} (${instantToString(bound.value as JavaInstant)})${year > 9999 ? ': epoch milliseconds written where Java reads seconds?' : ''}`,
        });
      }
    }
  }
  return { ok: true, className, typeFrom, event, defects };
}

/** A Java value as the Java side would print it (`toString()`), for assertions and messages. */
export function javaToString(value: JavaValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if ('unscaled' in value) return bigDecimalToString(value);
  return instantToString(value);
}
