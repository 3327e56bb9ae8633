/**
 * The hostile-input case tables of the fault-injection suite (issue 4, point 8): HTTP requests for
 * test/e2e/hostile-http.test.ts and poison records for test/e2e/poison-records.test.ts, each with the
 * answer we decided is right, plus the small senders that put exactly those bytes on the wire.
 *
 * How the expected answers were decided (one rule per family; the table says which applies):
 * - Anything that is not well-formed UTF-8 JSON (bare NaN/Infinity, leading zeros, comments, invalid
 *   UTF-8, a second BOM, trailing text, duplicated keys, nesting deeper than 32): 400
 *   `Malformed JSON request` with a `message`. Duplicated keys are refused (Jackson's
 *   STRICT_DUPLICATE_DETECTION) because "the last one wins" lets a proxy and the service read different
 *   requests.
 * - Well-formed JSON of the wrong shape or with a bad field: 400 `Validation failed` with exactly one
 *   `<field>: <message>` line per failing field (SPEC wording where the SPEC has it).
 * - Too large: 413; not JSON / not UTF-8 media types: 415; wrong method on a known path: 405; unknown
 *   path: 404; a path parameter longer than the router allows: 414; bad percent-encoding and bytes
 *   Node's HTTP parser refuses (unknown method, raw non-ASCII path, NUL in a header): 400; request line
 *   and headers over Node's 16 KiB: 431; all in the SPEC error shape.
 * - Accepted, as the Java original (Jackson + Bean Validation) accepted it and nothing is unsafe about
 *   it: a numeric string for an amount or a status, a number for a text field, a leading BOM, non-ASCII
 *   text (emoji, RTL marks, zero-width characters) in names, ids, currency and e-mail local parts, unknown
 *   fields however nested (within the depth limit), `__proto__` / `constructor` / `prototype` keys (they
 *   are ignored and the event carries only the SPEC fields, which the test checks on the topic), a query
 *   string, `application/*+json` and upper-case media types, a null `stockQuantity` (0, as Java's `int`).
 * - Refused although Java accepted it: booleans for text fields, control characters (C0, DEL, C1) and
 *   lone surrogates in text, text over its length limit, amounts beyond 38 digits or exponent ±100,
 *   fractional or out-of-int32 statuses (Jackson truncated or overflowed them).
 *
 * Poison records: whatever the decoder refuses (each case names the reason code it must be
 * dead-lettered with) goes to `<topic>.dlq` at once, byte for byte — key (or none), value (a tombstone
 * stays a tombstone), every header in order — never retried. Not poison, and so not in the table: a
 * valid event without a key or with unknown binary headers (the Java consumer read both; the test checks
 * they are SENT).
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import {
  Consumer,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  stringDeserializer,
} from '@platformatic/kafka';

// --- HTTP -------------------------------------------------------------------------------------------

export type Endpoint = 'createOrder' | 'changeStatus' | 'createProduct';
export type ServiceTarget = 'order' | 'product';

export const TOPIC_OF: Record<Endpoint, string> = {
  createOrder: 'order.created.v1',
  changeStatus: 'order.shipped.v1',
  createProduct: 'product.created.v1',
};

/** The SPEC's field names of each event, in SPEC order: an accepted request's event has exactly these. */
export const EVENT_FIELDS: Record<Endpoint, readonly string[]> = {
  createOrder: ['eventId', 'orderId', 'customerId', 'customerEmail', 'totalAmount', 'currency', 'createdAt'],
  changeStatus: [
    'eventId',
    'orderId',
    'customerId',
    'customerEmail',
    'previousStatus',
    'currentStatus',
    'changedAt',
  ],
  createProduct: ['eventId', 'productId', 'productName', 'price', 'currency', 'stockQuantity', 'createdAt'],
};

export type Expectation =
  | {
      readonly kind: 'accepted';
      /** Field values the published event must have (after JSON.parse). */
      readonly event?: Readonly<Record<string, unknown>>;
      /** Text the raw record value must contain (exact digits of a decimal). */
      readonly rawIncludes?: string;
    }
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly error: string;
      /** The exact `details` lines (Validation failed). */
      readonly details?: readonly string[];
      /** What `message` must match. */
      readonly message?: RegExp;
    };

export interface HostileCase {
  /** Unique, says what is hostile about it. */
  readonly name: string;
  /** Which endpoint's rules apply; decides the service and, when accepted, the topic. */
  readonly endpoint: Endpoint;
  /** Default `POST`. */
  readonly method?: string;
  /** Default: the endpoint's path (status: a fixed valid order id). */
  readonly path?: string;
  /** Default `application/json`; `null`: no Content-Type header at all. */
  readonly contentType?: string | null;
  readonly body?: string | Buffer;
  /** Further request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the body with `Transfer-Encoding: chunked` (no Content-Length). */
  readonly chunked?: boolean;
  /** Send these exact request bytes over a socket instead (for what Node's HTTP client refuses to send). */
  readonly raw?: string | Buffer;
  readonly expect: Expectation;
}

export const SOME_ORDER_ID = '6f1c1a52-3a0e-4d8e-9a53-0d1c5f0a4b11';
export const STATUS_PATH = `/api/orders/${SOME_ORDER_ID}/status`;
export const PATH_OF: Record<Endpoint, string> = {
  createOrder: '/api/orders',
  changeStatus: STATUS_PATH,
  createProduct: '/api/products',
};
export const SERVICE_OF: Record<Endpoint, ServiceTarget> = {
  createOrder: 'order',
  changeStatus: 'order',
  createProduct: 'product',
};

/** [key, raw JSON value text]; a key starting with `"` is written as is (escaped key spellings). */
type Field = readonly [string, string];

const BASE: Record<Endpoint, readonly Field[]> = {
  createOrder: [
    ['customerId', '"c-1"'],
    ['customerEmail', '"c1@example.com"'],
    ['totalAmount', '10'],
    ['currency', '"KRW"'],
  ],
  changeStatus: [
    ['customerId', '"c-1"'],
    ['customerEmail', '"c1@example.com"'],
    ['previousStatus', '20'],
    ['currentStatus', '25'],
  ],
  createProduct: [
    ['productName', '"p-1"'],
    ['price', '1'],
    ['currency', '"KRW"'],
    ['stockQuantity', '1'],
  ],
};

/** A JSON object text from fields in this order (duplicates kept). */
export function objectText(fields: readonly Field[]): string {
  const key = (k: string) => (k.startsWith('"') ? k : JSON.stringify(k));
  return `{${fields.map(([k, v]) => `${key(k)}:${v}`).join(',')}}`;
}

/**
 * The endpoint's valid body with fields replaced by raw JSON texts (`null` in the overrides map removes
 * the field; unknown names are appended). Raw texts let a case put `NaN` or `1e999` on the wire verbatim.
 */
export function bodyOf(endpoint: Endpoint, overrides: Record<string, string | null> = {}): string {
  const fields: Field[] = [];
  for (const [k, v] of BASE[endpoint]) {
    if (!(k in overrides)) fields.push([k, v]);
    else if (overrides[k] !== null) fields.push([k, overrides[k]!]);
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v !== null && !BASE[endpoint].some(([name]) => name === k)) fields.push([k, v]);
  }
  return objectText(fields);
}

/** Base fields followed by extra raw fields, duplicates and escaped keys allowed. */
function bodyWith(endpoint: Endpoint, extra: readonly Field[], before = false): string {
  return objectText(before ? [...extra, ...BASE[endpoint]] : [...BASE[endpoint], ...extra]);
}

const j = (value: unknown) => JSON.stringify(value);

// Expectations ----------------------------------------------------------------------------------------

const accepted = (event?: Record<string, unknown>, rawIncludes?: string): Expectation => ({
  kind: 'accepted',
  ...(event ? { event } : {}),
  ...(rawIncludes ? { rawIncludes } : {}),
});
const invalid = (...details: string[]): Expectation => ({
  kind: 'refused',
  status: 400,
  error: 'Validation failed',
  details,
});
const malformed = (message: RegExp = /./): Expectation => ({
  kind: 'refused',
  status: 400,
  error: 'Malformed JSON request',
  message,
});
const tooLarge: Expectation = {
  kind: 'refused',
  status: 413,
  error: 'Payload Too Large',
  message: /exceeds the limit/,
};
const unsupported = (message: RegExp = /./): Expectation => ({
  kind: 'refused',
  status: 415,
  error: 'Unsupported Media Type',
  message,
});
const notAllowed: Expectation = {
  kind: 'refused',
  status: 405,
  error: 'Method Not Allowed',
  message: /not supported/,
};
const notFound: Expectation = { kind: 'refused', status: 404, error: 'Not Found', message: /No endpoint/ };
const badOrderId = invalid('orderId: must be a UUID');
const missingBody = malformed(/^Request body is missing$/);
const notAnObject = invalid('body: must be a JSON object');
const transition = (prev: string, cur: string): Expectation => ({
  kind: 'refused',
  status: 400,
  error: 'Invalid status transition',
  message: new RegExp(
    `^Only 20->25\\(shipping\\) and 25->80\\(delivered\\) transitions are supported\\. requested=${prev}->${cur}$`,
  ),
});

const ENDPOINTS: readonly Endpoint[] = ['createOrder', 'changeStatus', 'createProduct'];
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const BOM = '\ufeff';
const MULTIPART_BODY =
  '--xyz\r\nContent-Disposition: form-data; name="customerId"\r\n\r\nc-1\r\n' +
  '--xyz\r\nContent-Disposition: form-data; name="totalAmount"\r\n\r\n10\r\n--xyz--\r\n';

// The cases ------------------------------------------------------------------------------------------

function framingCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const endpoint of ENDPOINTS) {
    cases.push(
      { name: `${endpoint}: empty body`, endpoint, body: '', expect: missingBody },
      { name: `${endpoint}: whitespace-only body`, endpoint, body: ' \r\n\t  ', expect: missingBody },
      {
        name: `${endpoint}: no body and no Content-Type`,
        endpoint,
        contentType: null,
        expect: unsupported(/Content-Type is missing/),
      },
    );
  }
  cases.push(
    {
      name: 'createOrder: BOM then a valid body (accepted, Jackson skips a BOM)',
      endpoint: 'createOrder',
      body: `${BOM}${bodyOf('createOrder', { customerId: j('bom-1') })}`,
      expect: accepted({ customerId: 'bom-1' }),
    },
    {
      name: 'createProduct: BOM then {}',
      endpoint: 'createProduct',
      body: `${BOM}{}`,
      expect: invalid(
        'productName: productName is required',
        'price: price is required',
        'currency: currency is required',
      ),
    },
    {
      name: 'changeStatus: two BOMs then a valid body',
      endpoint: 'changeStatus',
      body: `${BOM}${BOM}${bodyOf('changeStatus')}`,
      expect: malformed(/JSON parse error/),
    },
    { name: 'createOrder: top-level []', endpoint: 'createOrder', body: '[]', expect: notAnObject },
    {
      name: 'changeStatus: top-level array holding a valid body',
      endpoint: 'changeStatus',
      body: `[${bodyOf('changeStatus')}]`,
      expect: notAnObject,
    },
    {
      name: 'createProduct: top-level string',
      endpoint: 'createProduct',
      body: '"text"',
      expect: notAnObject,
    },
    { name: 'createOrder: top-level number', endpoint: 'createOrder', body: '42', expect: notAnObject },
    { name: 'changeStatus: top-level null', endpoint: 'changeStatus', body: 'null', expect: notAnObject },
    { name: 'createProduct: top-level true', endpoint: 'createProduct', body: 'true', expect: notAnObject },
    { name: 'createOrder: top-level 1e999', endpoint: 'createOrder', body: '1e999', expect: notAnObject },
  );
  return cases;
}

function malformedCases(): HostileCase[] {
  const order = (overrides: Record<string, string | null>) => bodyOf('createOrder', overrides);
  const parse = /JSON parse error/;
  return [
    { name: 'truncated JSON', endpoint: 'createOrder', body: '{"customerId": ', expect: malformed(parse) },
    {
      name: 'trailing comma',
      endpoint: 'createProduct',
      body: `${bodyOf('createProduct').slice(0, -1)},}`,
      expect: malformed(parse),
    },
    {
      name: 'single-quoted strings',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus').replaceAll('"', "'"),
      expect: malformed(parse),
    },
    {
      name: 'a /* comment */',
      endpoint: 'createOrder',
      body: `/* hi */${order({})}`,
      expect: malformed(parse),
    },
    { name: 'two JSON documents', endpoint: 'createProduct', body: '{}{}', expect: malformed(parse) },
    {
      name: 'text after a valid body',
      endpoint: 'createOrder',
      body: `${order({})} trailing`,
      expect: malformed(parse),
    },
    {
      name: 'unquoted keys',
      endpoint: 'changeStatus',
      body: '{customerId:"c-1",customerEmail:"c1@example.com",previousStatus:20,currentStatus:25}',
      expect: malformed(parse),
    },
    {
      name: 'totalAmount: bare NaN',
      endpoint: 'createOrder',
      body: order({ totalAmount: 'NaN' }),
      expect: malformed(parse),
    },
    {
      name: 'price: bare Infinity',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { price: 'Infinity' }),
      expect: malformed(parse),
    },
    {
      name: 'previousStatus: bare -Infinity',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { previousStatus: '-Infinity' }),
      expect: malformed(parse),
    },
    {
      name: 'totalAmount: leading zeros 0010',
      endpoint: 'createOrder',
      body: order({ totalAmount: '0010' }),
      expect: malformed(parse),
    },
    {
      name: 'price: +1',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { price: '+1' }),
      expect: malformed(parse),
    },
    {
      name: 'totalAmount: .5',
      endpoint: 'createOrder',
      body: order({ totalAmount: '.5' }),
      expect: malformed(parse),
    },
    {
      name: 'stockQuantity: hex 0x10',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { stockQuantity: '0x10' }),
      expect: malformed(parse),
    },
    {
      name: 'customerId: invalid escape \\x41',
      endpoint: 'createOrder',
      body: order({ customerId: '"\\x41"' }),
      expect: malformed(parse),
    },
    {
      name: 'customerId: raw newline inside a string',
      endpoint: 'createOrder',
      body: order({ customerId: '"c\n1"' }),
      expect: malformed(parse),
    },
    {
      name: 'productName: raw NUL byte inside a string',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { productName: '"p\u00001"' }),
      expect: malformed(parse),
    },
    {
      name: 'customerId: invalid UTF-8 bytes (0xff 0xfe)',
      endpoint: 'createOrder',
      body: Buffer.concat([
        Buffer.from('{"customerId":"c'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`",${order({}).slice(1 + '"customerId":"c-1",'.length)}`),
      ]),
      expect: malformed(/UTF-8/),
    },
    {
      name: 'productName: overlong UTF-8 encoding of "/" (0xc0 0xaf)',
      endpoint: 'createProduct',
      body: Buffer.concat([
        Buffer.from('{"productName":"p'),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from(`",${bodyOf('createProduct').slice(1 + '"productName":"p-1",'.length)}`),
      ]),
      expect: malformed(/UTF-8/),
    },
    {
      name: 'UTF-16LE body labelled application/json',
      endpoint: 'changeStatus',
      body: Buffer.from(bodyOf('changeStatus'), 'utf16le'),
      expect: malformed(parse),
    },
    {
      name: 'gzip-compressed body with Content-Encoding: gzip (not supported)',
      endpoint: 'createOrder',
      headers: { 'content-encoding': 'gzip' },
      body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xab, 0xae, 0x05, 0x00]),
      expect: malformed(/UTF-8/),
    },
    {
      name: 'form-encoded body labelled application/json',
      endpoint: 'createOrder',
      body: 'customerId=c-1&customerEmail=c1%40example.com&totalAmount=10&currency=KRW',
      expect: malformed(parse),
    },
  ];
}

function nestingAndSizeCases(): HostileCase[] {
  return [
    {
      name: 'unknown field nested 33 deep (one over the limit)',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { extra: nested(32) }),
      expect: malformed(/deeper than 32 levels/),
    },
    {
      name: 'unknown field nested 32 deep (at the limit): accepted, ignored',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { customerId: j('deep-1'), extra: nested(31) }),
      expect: accepted({ customerId: 'deep-1' }),
    },
    {
      name: '20,000 unterminated [',
      endpoint: 'createProduct',
      body: '['.repeat(20_000),
      expect: malformed(/deeper than 32 levels/),
    },
    {
      name: '5,000 nested objects {"a":{"a":...}}',
      endpoint: 'changeStatus',
      body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      expect: malformed(/deeper than 32 levels/),
    },
    {
      name: 'brackets inside strings do not count as nesting',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { productName: j(`[{${'['.repeat(100)}`) }),
      expect: accepted({ productName: `[{${'['.repeat(100)}` }),
    },
    {
      name: '70 KB body (limit 64 KiB)',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { padding: j('x'.repeat(70_000)) }),
      expect: tooLarge,
    },
    {
      name: '1 MiB body',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { padding: j('y'.repeat(1_048_576)) }),
      expect: tooLarge,
    },
    {
      name: '200 KB body sent chunked (no Content-Length)',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { padding: j('z'.repeat(200_000)) }),
      chunked: true,
      expect: tooLarge,
    },
    {
      name: 'customerId: 60,000 characters (body under the limit)',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { customerId: j('c'.repeat(60_000)) }),
      expect: invalid('customerId: must be at most 255 characters'),
    },
    {
      name: 'productName: 256 emoji (limit 255 code points)',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { productName: j('😀'.repeat(256)) }),
      expect: invalid('productName: must be at most 255 characters'),
    },
    {
      name: 'productName: 255 emoji (510 UTF-16 units): accepted',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { productName: j('😀'.repeat(255)) }),
      expect: accepted({ productName: '😀'.repeat(255) }),
    },
    {
      name: 'currency: 17 characters',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { currency: j('C'.repeat(17)) }),
      expect: invalid('currency: must be at most 16 characters'),
    },
    {
      name: 'customerId on the status endpoint: 256 characters',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { customerId: j('s'.repeat(256)) }),
      expect: invalid('customerId: must be at most 255 characters'),
    },
    {
      name: 'totalAmount: a string of 300 digits',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { totalAmount: j('9'.repeat(300)) }),
      expect: invalid('totalAmount: is longer than 200 characters'),
    },
    {
      name: '4,000 unknown keys and no known field',
      endpoint: 'createProduct',
      body: objectText(Array.from({ length: 4000 }, (_, i): Field => [`k${i}`, '0'])),
      expect: invalid(
        'productName: productName is required',
        'price: price is required',
        'currency: currency is required',
      ),
    },
  ];
}

function contentTypeCases(): HostileCase[] {
  const order = bodyOf('createOrder');
  return [
    {
      name: 'no Content-Type with a valid JSON body',
      endpoint: 'createOrder',
      contentType: null,
      body: order,
      expect: unsupported(/Content-Type is missing/),
    },
    {
      name: 'text/plain',
      endpoint: 'createOrder',
      contentType: 'text/plain',
      body: order,
      expect: unsupported(),
    },
    {
      name: 'text/json',
      endpoint: 'createProduct',
      contentType: 'text/json',
      body: bodyOf('createProduct'),
      expect: unsupported(/text\/json/),
    },
    {
      name: 'application/x-www-form-urlencoded',
      endpoint: 'createOrder',
      contentType: 'application/x-www-form-urlencoded',
      body: 'customerId=c-1&customerEmail=c1%40example.com&totalAmount=10&currency=KRW',
      expect: unsupported(),
    },
    {
      name: 'multipart/form-data',
      endpoint: 'createOrder',
      contentType: 'multipart/form-data; boundary=xyz',
      body: MULTIPART_BODY,
      expect: unsupported(/multipart/),
    },
    {
      name: 'application/json; charset=latin1',
      endpoint: 'createOrder',
      contentType: 'application/json; charset=latin1',
      body: order,
      expect: unsupported(/latin1/),
    },
    {
      name: 'application/json; charset=utf-16',
      endpoint: 'createProduct',
      contentType: 'application/json; charset=utf-16',
      body: bodyOf('createProduct'),
      expect: unsupported(/utf-16/),
    },
    {
      name: 'application/xml',
      endpoint: 'createProduct',
      contentType: 'application/xml',
      body: '<product><productName>p</productName></product>',
      expect: unsupported(),
    },
    {
      name: 'application/jsonp (not JSON)',
      endpoint: 'changeStatus',
      contentType: 'application/jsonp',
      body: bodyOf('changeStatus'),
      expect: unsupported(),
    },
    {
      name: 'empty Content-Type header',
      endpoint: 'createOrder',
      contentType: '',
      body: order,
      expect: unsupported(),
    },
    {
      name: 'application/json; charset=UTF-8: accepted',
      endpoint: 'changeStatus',
      contentType: 'application/json; charset=UTF-8',
      body: bodyOf('changeStatus', { customerId: j('charset-1') }),
      expect: accepted({ customerId: 'charset-1' }),
    },
    {
      name: 'application/vnd.api+json (a +json media type): accepted',
      endpoint: 'createProduct',
      contentType: 'application/vnd.api+json',
      body: bodyOf('createProduct', { productName: j('suffix-json') }),
      expect: accepted({ productName: 'suffix-json' }),
    },
    {
      name: 'APPLICATION/JSON in capitals: accepted (media types are case-insensitive)',
      endpoint: 'createOrder',
      contentType: 'APPLICATION/JSON',
      body: bodyOf('createOrder', { customerId: j('caps-1') }),
      expect: accepted({ customerId: 'caps-1' }),
    },
  ];
}

function methodAndPathCases(): HostileCase[] {
  const order = bodyOf('createOrder');
  const status = bodyOf('changeStatus');
  const onStatus = (name: string, id: string, expect: Expectation = badOrderId): HostileCase => ({
    name: `orderId ${name}`,
    endpoint: 'changeStatus',
    path: `/api/orders/${id}/status`,
    body: status,
    expect,
  });
  return [
    {
      name: 'GET /api/orders',
      endpoint: 'createOrder',
      method: 'GET',
      contentType: null,
      expect: notAllowed,
    },
    { name: 'PUT /api/orders', endpoint: 'createOrder', method: 'PUT', body: order, expect: notAllowed },
    {
      name: 'DELETE /api/products',
      endpoint: 'createProduct',
      method: 'DELETE',
      contentType: null,
      expect: notAllowed,
    },
    {
      name: 'PATCH the status path',
      endpoint: 'changeStatus',
      method: 'PATCH',
      body: status,
      expect: notAllowed,
    },
    {
      name: 'GET the status path with a body',
      endpoint: 'changeStatus',
      method: 'GET',
      body: status,
      expect: notAllowed,
    },
    {
      name: 'OPTIONS /api/products',
      endpoint: 'createProduct',
      method: 'OPTIONS',
      contentType: null,
      expect: notAllowed,
    },
    {
      name: 'TRACE /api/orders',
      endpoint: 'createOrder',
      method: 'TRACE',
      contentType: null,
      expect: notAllowed,
    },
    {
      name: 'POST /api/order (typo)',
      endpoint: 'createOrder',
      path: '/api/order',
      body: order,
      expect: notFound,
    },
    {
      name: 'POST /api/products on order-service',
      endpoint: 'createOrder',
      path: '/api/products',
      body: bodyOf('createProduct'),
      expect: notFound,
    },
    {
      name: 'POST /api/orders on product-service',
      endpoint: 'createProduct',
      path: '/api/orders',
      body: order,
      expect: notFound,
    },
    {
      name: 'POST /api/orders/ (trailing slash)',
      endpoint: 'createOrder',
      path: '/api/orders/',
      body: order,
      expect: notFound,
    },
    {
      name: 'POST /api/orders/{id} without /status',
      endpoint: 'changeStatus',
      path: `/api/orders/${SOME_ORDER_ID}`,
      body: status,
      expect: notFound,
    },
    {
      name: 'POST //api//orders',
      endpoint: 'createOrder',
      path: '//api//orders',
      body: order,
      expect: notFound,
    },
    {
      name: 'query string with pollution keys is ignored: accepted',
      endpoint: 'createOrder',
      path: '/api/orders?__proto__[polluted]=1&constructor[prototype][polluted]=1',
      body: bodyOf('createOrder', { customerId: j('query-1') }),
      expect: accepted({ customerId: 'query-1' }),
    },
    onStatus('not-an-id', 'not-an-id'),
    onStatus('..%2F..', '..%2F..'),
    onStatus('%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'),
    onStatus('%00', '%00'),
    onStatus('a UUID followed by %00', `${SOME_ORDER_ID}%00`),
    onStatus('a UUID followed by %20', `${SOME_ORDER_ID}%20`),
    onStatus('of 100 characters (the router limit)', 'a'.repeat(100)),
    onStatus('of 2,000 characters', 'a'.repeat(2000), {
      kind: 'refused',
      status: 414,
      error: 'URI Too Long',
      message: /./,
    }),
    onStatus('with an RTL override (%E2%80%AE)', `%E2%80%AE${SOME_ORDER_ID.slice(0, 35)}`),
    onStatus('of full-width digits', encodeURIComponent('１'.repeat(8) + SOME_ORDER_ID.slice(8))),
    onStatus('with emoji', encodeURIComponent(`😀${SOME_ORDER_ID.slice(2)}`)),
    onStatus('with bad percent-encoding %zz', '%zz', {
      kind: 'refused',
      status: 400,
      error: 'Bad Request',
      message: /not valid/,
    }),
    onStatus('in braces', `%7B${SOME_ORDER_ID}%7D`),
    onStatus('without dashes', SOME_ORDER_ID.replaceAll('-', '')),
    onStatus('with SQL injection', encodeURIComponent("1' OR '1'='1")),
    onStatus('that is empty (//status)', ''),
    {
      name: 'transition 20->80 (skips shipping)',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { currentStatus: '80' }),
      expect: transition('20', '80'),
    },
    {
      name: 'transition 80->20 (backwards)',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { previousStatus: '80', currentStatus: '20' }),
      expect: transition('80', '20'),
    },
    {
      name: 'transition int32 max -> int32 min',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { previousStatus: '2147483647', currentStatus: '-2147483648' }),
      expect: transition('2147483647', '-2147483648'),
    },
  ];
}

function pollutionAndDuplicateCases(): HostileCase[] {
  const duplicate = (field: string) => malformed(new RegExp(`[Dd]uplicate (field|key) "${field}"`));
  return [
    {
      name: '__proto__ at the top level with customerId and isAdmin: accepted, ignored',
      endpoint: 'createOrder',
      body: bodyWith(
        'createOrder',
        [['__proto__', '{"customerId":"evil","isAdmin":true,"polluted":1}']],
        true,
      ),
      expect: accepted({ customerId: 'c-1' }),
    },
    {
      name: '__proto__ holding the only customerId',
      endpoint: 'createOrder',
      body: objectText([
        ['__proto__', '{"customerId":"evil"}'],
        ['customerEmail', '"c1@example.com"'],
        ['totalAmount', '10'],
        ['currency', '"KRW"'],
      ]),
      expect: invalid('customerId: customerId is required'),
    },
    {
      name: 'constructor.prototype at the top level: accepted, ignored',
      endpoint: 'createOrder',
      body: bodyWith('createOrder', [['constructor', '{"prototype":{"polluted":true,"customerId":"evil"}}']]),
      expect: accepted({ customerId: 'c-1' }),
    },
    {
      name: 'prototype and __proto__ with stockQuantity: accepted, own value kept',
      endpoint: 'createProduct',
      body: bodyWith(
        'createProduct',
        [
          ['prototype', '{"stockQuantity":-1}'],
          ['__proto__', '{"stockQuantity":999,"price":0}'],
        ],
        true,
      ),
      expect: accepted({ stockQuantity: 1, price: 1 }),
    },
    {
      name: 'price is an object with __proto__',
      endpoint: 'createProduct',
      body: bodyOf('createProduct', { price: '{"__proto__":{"valueOf":1}}' }),
      expect: invalid('price: must be a decimal number'),
    },
    {
      name: 'statuses only inside __proto__',
      endpoint: 'changeStatus',
      body: objectText([
        ['__proto__', '{"previousStatus":20,"currentStatus":25}'],
        ['customerId', '"c-1"'],
        ['customerEmail', '"c1@example.com"'],
      ]),
      expect: invalid(
        'previousStatus: previousStatus is required',
        'currentStatus: currentStatus is required',
      ),
    },
    {
      name: '__proto__ spelled with \\u escapes: accepted, ignored',
      endpoint: 'changeStatus',
      body: bodyWith('changeStatus', [['"\\u005f\\u005fproto__"', '{"isAdmin":true,"customerId":"evil"}']]),
      expect: accepted({ customerId: 'c-1' }),
    },
    {
      name: '__proto__ nested in an unknown field: accepted, ignored',
      endpoint: 'createOrder',
      body: bodyWith('createOrder', [
        ['meta', '{"__proto__":{"polluted":1},"constructor":{"prototype":{}}}'],
      ]),
      expect: accepted({ customerId: 'c-1' }),
    },
    {
      name: 'customerId is an object with __proto__.toString',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { customerId: '{"__proto__":{"toString":"x"}}' }),
      expect: invalid('customerId: must be a string'),
    },
    {
      name: 'duplicated customerId',
      endpoint: 'createOrder',
      body: objectText([['customerId', '"a"'], ...BASE.createOrder.slice(1), ['customerId', '"b"']]),
      expect: duplicate('customerId'),
    },
    {
      name: 'duplicated totalAmount (valid, then negative)',
      endpoint: 'createOrder',
      body: bodyWith('createOrder', [['totalAmount', '-1']]),
      expect: duplicate('totalAmount'),
    },
    {
      name: 'duplicated customerId, the second spelled with a \\u escape',
      endpoint: 'createOrder',
      body: bodyWith('createOrder', [['"customer\\u0049d"', '"b"']]),
      expect: duplicate('customerId'),
    },
    {
      name: 'duplicated key inside an unknown nested object',
      endpoint: 'createProduct',
      body: bodyWith('createProduct', [['meta', '{"a":1,"a":2}']]),
      expect: duplicate('a'),
    },
    {
      name: 'duplicated currentStatus (25, then 80)',
      endpoint: 'changeStatus',
      body: bodyWith('changeStatus', [['currentStatus', '80']]),
      expect: duplicate('currentStatus'),
    },
    {
      name: 'duplicated __proto__',
      endpoint: 'createProduct',
      body: bodyWith('createProduct', [
        ['__proto__', '{}'],
        ['__proto__', '{}'],
      ]),
      expect: duplicate('__proto__'),
    },
  ];
}

/** Wrong JSON types for every field of every endpoint: true, an array, an object, null. */
function wrongTypeCases(): HostileCase[] {
  type Kind = 'text' | 'email' | 'decimal' | 'int' | 'intOrZero';
  const fields: ReadonlyArray<readonly [Endpoint, string, Kind]> = [
    ['createOrder', 'customerId', 'text'],
    ['createOrder', 'customerEmail', 'email'],
    ['createOrder', 'totalAmount', 'decimal'],
    ['createOrder', 'currency', 'text'],
    ['changeStatus', 'customerId', 'text'],
    ['changeStatus', 'customerEmail', 'email'],
    ['changeStatus', 'previousStatus', 'int'],
    ['changeStatus', 'currentStatus', 'int'],
    ['createProduct', 'productName', 'text'],
    ['createProduct', 'price', 'decimal'],
    ['createProduct', 'currency', 'text'],
    ['createProduct', 'stockQuantity', 'intOrZero'],
  ];
  const typeMessage: Record<Kind, string> = {
    text: 'must be a string',
    email: 'must be a string',
    decimal: 'must be a decimal number',
    int: 'must be an integer',
    intOrZero: 'must be an integer',
  };
  const cases: HostileCase[] = [];
  for (const [endpoint, field, kind] of fields) {
    for (const [label, raw] of [
      ['true', 'true'],
      ['an array', '["x",1]'],
      ['an object', '{"value":1}'],
    ] as const) {
      cases.push({
        name: `${endpoint}.${field} is ${label}`,
        endpoint,
        body: bodyOf(endpoint, { [field]: raw }),
        expect: invalid(`${field}: ${typeMessage[kind]}`),
      });
    }
    // A null stockQuantity is 0 (Java's primitive int) and accepted; its product name finds its event.
    cases.push(
      kind === 'intOrZero'
        ? {
            name: `${endpoint}.${field} is null: accepted as 0`,
            endpoint,
            body: bodyOf(endpoint, { productName: j('p-null-stock'), [field]: 'null' }),
            expect: accepted({ stockQuantity: 0, productName: 'p-null-stock' }),
          }
        : {
            name: `${endpoint}.${field} is null`,
            endpoint,
            body: bodyOf(endpoint, { [field]: 'null' }),
            expect: invalid(`${field}: ${field} is required`),
          },
    );
  }
  return cases;
}

function numberCases(): HostileCase[] {
  const order = (totalAmount: string) => bodyOf('createOrder', { totalAmount });
  const product = (overrides: Record<string, string>) => bodyOf('createProduct', overrides);
  const status = (overrides: Record<string, string>) => bodyOf('changeStatus', overrides);
  const positive = invalid('totalAmount: totalAmount must be positive');
  const notDecimal = invalid('totalAmount: must be a decimal number');
  const range = (field: string) => `${field}: must be between -2147483648 and 2147483647`;
  return [
    { name: 'totalAmount -5', endpoint: 'createOrder', body: order('-5'), expect: positive },
    { name: 'totalAmount 0', endpoint: 'createOrder', body: order('0'), expect: positive },
    { name: 'totalAmount -0', endpoint: 'createOrder', body: order('-0'), expect: positive },
    { name: 'totalAmount 0.009', endpoint: 'createOrder', body: order('0.009'), expect: positive },
    {
      name: 'totalAmount 0.0000000000000000000000000000000000000001',
      endpoint: 'createOrder',
      body: order('0.0000000000000000000000000000000000000001'),
      expect: positive,
    },
    {
      name: 'totalAmount 1e999',
      endpoint: 'createOrder',
      body: order('1e999'),
      expect: invalid('totalAmount: is too large (exponent above 100)'),
    },
    {
      name: 'totalAmount -1e999',
      endpoint: 'createOrder',
      body: order('-1e999'),
      expect: invalid('totalAmount: is too large (exponent above 100)'),
    },
    {
      name: 'totalAmount 1e-999',
      endpoint: 'createOrder',
      body: order('1e-999'),
      expect: invalid('totalAmount: has more than 100 decimal places'),
    },
    {
      name: 'totalAmount with 40 digits',
      endpoint: 'createOrder',
      body: order('1234567890123456789012345678901234567890'),
      expect: invalid('totalAmount: has more than 38 significant digits'),
    },
    {
      name: 'totalAmount 1.0000000000000000000000000000000000000000 (over-precise)',
      endpoint: 'createOrder',
      body: order(`1.${'0'.repeat(40)}`),
      expect: invalid('totalAmount: has more than 38 significant digits'),
    },
    { name: 'totalAmount "abc"', endpoint: 'createOrder', body: order(j('abc')), expect: notDecimal },
    { name: 'totalAmount "NaN"', endpoint: 'createOrder', body: order(j('NaN')), expect: notDecimal },
    {
      name: 'totalAmount "Infinity"',
      endpoint: 'createOrder',
      body: order(j('Infinity')),
      expect: notDecimal,
    },
    { name: 'totalAmount "0x10"', endpoint: 'createOrder', body: order(j('0x10')), expect: notDecimal },
    {
      name: 'totalAmount in Arabic-Indic digits',
      endpoint: 'createOrder',
      body: order(j('١٢٣')),
      expect: notDecimal,
    },
    {
      name: 'totalAmount numeric string " 12.50 ": accepted as Jackson reads it',
      endpoint: 'createOrder',
      body: bodyOf('createOrder', { customerId: j('numeric-string-1'), totalAmount: j(' 12.50 ') }),
      expect: accepted({ customerId: 'numeric-string-1' }, '"totalAmount":12.50,'),
    },
    {
      name: 'price 1E+101',
      endpoint: 'createProduct',
      body: product({ price: '1E+101' }),
      expect: invalid('price: is too large (exponent above 100)'),
    },
    {
      name: 'price "1e999" as a string',
      endpoint: 'createProduct',
      body: product({ price: j('1e999') }),
      expect: invalid('price: is too large (exponent above 100)'),
    },
    {
      name: 'price -0.01',
      endpoint: 'createProduct',
      body: product({ price: '-0.01' }),
      expect: invalid('price: price must be positive'),
    },
    {
      name: 'price of 38 nines: accepted with every digit',
      endpoint: 'createProduct',
      body: product({ productName: j('price-38-nines'), price: '9'.repeat(38) }),
      expect: accepted({ productName: 'price-38-nines' }, `"price":${'9'.repeat(38)},`),
    },
    {
      name: 'previousStatus 20.5',
      endpoint: 'changeStatus',
      body: status({ previousStatus: '20.5' }),
      expect: invalid('previousStatus: must be an integer'),
    },
    {
      name: 'currentStatus 2147483648',
      endpoint: 'changeStatus',
      body: status({ currentStatus: '2147483648' }),
      expect: invalid(range('currentStatus')),
    },
    {
      name: 'previousStatus -2147483649',
      endpoint: 'changeStatus',
      body: status({ previousStatus: '-2147483649' }),
      expect: invalid(range('previousStatus')),
    },
    {
      name: 'currentStatus 1e10',
      endpoint: 'changeStatus',
      body: status({ currentStatus: '1e10' }),
      expect: invalid(range('currentStatus')),
    },
    {
      name: 'previousStatus 1e999',
      endpoint: 'changeStatus',
      body: status({ previousStatus: '1e999' }),
      expect: invalid(range('previousStatus')),
    },
    {
      name: 'currentStatus 2E+2147483648',
      endpoint: 'changeStatus',
      body: status({ currentStatus: '2E+2147483648' }),
      expect: invalid(range('currentStatus')),
    },
    {
      name: 'previousStatus "twenty"',
      endpoint: 'changeStatus',
      body: status({ previousStatus: j('twenty') }),
      expect: invalid('previousStatus: must be an integer'),
    },
    {
      name: 'statuses as strings "20" and "25": accepted as Jackson reads them',
      endpoint: 'changeStatus',
      body: status({ customerId: j('string-status-1'), previousStatus: j('20'), currentStatus: j('25') }),
      expect: accepted({ customerId: 'string-status-1', previousStatus: 20, currentStatus: 25 }),
    },
    {
      name: 'stockQuantity 1.5',
      endpoint: 'createProduct',
      body: product({ stockQuantity: '1.5' }),
      expect: invalid('stockQuantity: must be an integer'),
    },
    {
      name: 'stockQuantity -1',
      endpoint: 'createProduct',
      body: product({ stockQuantity: '-1' }),
      expect: invalid('stockQuantity: stockQuantity must be zero or positive'),
    },
    {
      name: 'stockQuantity 2147483648',
      endpoint: 'createProduct',
      body: product({ stockQuantity: '2147483648' }),
      expect: invalid(range('stockQuantity')),
    },
    {
      name: 'stockQuantity "many"',
      endpoint: 'createProduct',
      body: product({ stockQuantity: j('many') }),
      expect: invalid('stockQuantity: must be an integer'),
    },
  ];
}

function textCases(): HostileCase[] {
  const order = (overrides: Record<string, string>) => bodyOf('createOrder', overrides);
  const product = (overrides: Record<string, string>) => bodyOf('createProduct', overrides);
  const control = (field: string) => invalid(`${field}: must not contain control characters`);
  const badEmail = invalid('customerEmail: customerEmail must be valid');
  return [
    {
      name: 'customerId with NUL',
      endpoint: 'createOrder',
      body: order({ customerId: j('c\u00001') }),
      expect: control('customerId'),
    },
    {
      name: 'customerId with NEL (U+0085, a C1 control)',
      endpoint: 'createOrder',
      body: order({ customerId: j('c\u00851') }),
      expect: control('customerId'),
    },
    {
      name: 'customerId with DEL',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { customerId: j('c\u007f') }),
      expect: control('customerId'),
    },
    {
      name: 'productName with an ANSI escape sequence',
      endpoint: 'createProduct',
      body: product({ productName: j('\u001b[31mred\u001b[0m') }),
      expect: control('productName'),
    },
    {
      name: 'currency with a tab',
      endpoint: 'createOrder',
      body: order({ currency: j('K\tRW') }),
      expect: control('currency'),
    },
    {
      name: 'currency with NUL',
      endpoint: 'createProduct',
      body: product({ currency: j('KR\u0000W') }),
      expect: control('currency'),
    },
    {
      name: 'customerId with a lone surrogate',
      endpoint: 'createOrder',
      body: order({ customerId: '"c\\ud800"' }),
      expect: invalid('customerId: must be valid Unicode text'),
    },
    {
      name: 'productName with reversed surrogates',
      endpoint: 'createProduct',
      body: product({ productName: '"p\\udc00\\ud800"' }),
      expect: invalid('productName: must be valid Unicode text'),
    },
    {
      name: 'customerId of Unicode spaces only',
      endpoint: 'createOrder',
      body: order({ customerId: j('\u3000\u00a0\u2003') }),
      expect: invalid('customerId: customerId is required'),
    },
    {
      name: 'productName of a lone BOM character',
      endpoint: 'createProduct',
      body: product({ productName: j('\ufeff') }),
      expect: invalid('productName: productName is required'),
    },
    {
      name: 'customerId with RTL mark and RTL override: accepted',
      endpoint: 'createOrder',
      body: order({ customerId: j('rtl-\u200f\u202etxt.exe') }),
      expect: accepted({ customerId: 'rtl-\u200f\u202etxt.exe' }),
    },
    {
      name: 'customerId of a zero-width space only: accepted (not blank to Java either)',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { customerId: j('\u200b') }),
      expect: accepted({ customerId: '\u200b' }),
    },
    {
      name: 'productName with emoji, Arabic and a zero-width joiner: accepted',
      endpoint: 'createProduct',
      body: product({ productName: j('café ☕ مرحبا 👩\u200d💻') }),
      expect: accepted({ productName: 'café ☕ مرحبا 👩\u200d💻' }),
    },
    {
      name: 'productName with HTML and SQL: accepted as plain text',
      endpoint: 'createProduct',
      body: product({ productName: j(`<script>alert(1)</script>'; DROP TABLE products;--`) }),
      expect: accepted({ productName: `<script>alert(1)</script>'; DROP TABLE products;--` }),
    },
    {
      name: 'currency an emoji: accepted (free text, not blank)',
      endpoint: 'createOrder',
      body: order({ customerId: j('emoji-currency'), currency: j('💰') }),
      expect: accepted({ customerId: 'emoji-currency', currency: '💰' }),
    },
    {
      name: 'customerEmail with an emoji local part: accepted (internationalized)',
      endpoint: 'createOrder',
      body: order({ customerId: j('emoji-mail'), customerEmail: j('😀@example.com') }),
      expect: accepted({ customerId: 'emoji-mail', customerEmail: '😀@example.com' }),
    },
    {
      name: 'customerEmail with NUL',
      endpoint: 'createOrder',
      body: order({ customerEmail: j('a\u0000@example.com') }),
      expect: badEmail,
    },
    {
      name: 'customerEmail with CRLF header injection',
      endpoint: 'createOrder',
      body: order({ customerEmail: j('a@example.com\r\nBcc: victim@example.com') }),
      expect: badEmail,
    },
    {
      name: 'customerEmail with <script>',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { customerEmail: j('<script>alert(1)</script>@example.com') }),
      expect: badEmail,
    },
    {
      name: 'customerEmail of 300 characters',
      endpoint: 'createOrder',
      body: order({ customerEmail: j(`${'a'.repeat(60)}@${'b'.repeat(235)}.com`) }),
      expect: badEmail,
    },
    {
      name: 'customerEmail with two @',
      endpoint: 'createOrder',
      body: order({ customerEmail: j('a@b@example.com') }),
      expect: badEmail,
    },
    {
      name: 'customerEmail to an IP literal',
      endpoint: 'createOrder',
      body: order({ customerEmail: j('a@[127.0.0.1]') }),
      expect: badEmail,
    },
    {
      name: 'customerEmail a number',
      endpoint: 'createOrder',
      body: order({ customerEmail: '12' }),
      expect: badEmail,
    },
    {
      name: 'customerEmail with a lone surrogate',
      endpoint: 'changeStatus',
      body: bodyOf('changeStatus', { customerEmail: '"a\\udfff@example.com"' }),
      expect: badEmail,
    },
    {
      name: 'customerId a number: accepted as its text (Jackson)',
      endpoint: 'createOrder',
      body: order({ customerId: '1001' }),
      expect: accepted({ customerId: '1001' }),
    },
    {
      name: 'field names in the wrong case (CustomerId)',
      endpoint: 'createOrder',
      body: objectText([
        ['CustomerId', '"c-1"'],
        ['customerEmail', '"c1@example.com"'],
        ['totalAmount', '10'],
        ['currency', '"KRW"'],
      ]),
      expect: invalid('customerId: customerId is required'),
    },
    {
      name: 'field name with a trailing NUL (customerId\\u0000)',
      endpoint: 'createOrder',
      body: objectText([
        ['customerId\u0000', '"c-1"'],
        ['customerEmail', '"c1@example.com"'],
        ['totalAmount', '10'],
        ['currency', '"KRW"'],
      ]),
      expect: invalid('customerId: customerId is required'),
    },
    {
      name: 'empty field name and nothing else',
      endpoint: 'changeStatus',
      body: '{"":"x"}',
      expect: invalid(
        'customerId: customerId is required',
        'customerEmail: customerEmail is required',
        'previousStatus: previousStatus is required',
        'currentStatus: currentStatus is required',
      ),
    },
  ];
}

/** Requests Node's HTTP client will not send: written to the socket byte for byte. */
function rawCases(): HostileCase[] {
  const body = bodyOf('createOrder');
  const request = (line: string, extraHeaders = '') =>
    `${line}\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n${extraHeaders}\r\n${body}`;
  return [
    {
      name: 'raw: unknown method FOO',
      endpoint: 'createOrder',
      raw: request('FOO /api/orders HTTP/1.1'),
      expect: { kind: 'refused', status: 400, error: 'Bad Request', message: /./ },
    },
    {
      name: 'raw: unencoded UTF-8 bytes in the path parameter',
      endpoint: 'changeStatus',
      raw: Buffer.from(request(`POST /api/orders/${'é'.repeat(18)}/status HTTP/1.1`), 'utf8'),
      expect: { kind: 'refused', status: 400, error: 'Bad Request', message: /./ },
    },
    {
      name: 'raw: a 20 KB request path (over the header limit)',
      endpoint: 'changeStatus',
      raw: request(`POST /api/orders/${'a'.repeat(20_000)}/status HTTP/1.1`),
      expect: { kind: 'refused', status: 431, error: 'Request Header Fields Too Large', message: /./ },
    },
    {
      name: 'raw: NUL in a header value',
      endpoint: 'createOrder',
      raw: request('POST /api/orders HTTP/1.1', 'X-Evil: a\u0000b\r\n'),
      expect: { kind: 'refused', status: 400, error: 'Bad Request', message: /./ },
    },
  ];
}

export function hostileHttpCases(): HostileCase[] {
  return [
    ...framingCases(),
    ...malformedCases(),
    ...nestingAndSizeCases(),
    ...contentTypeCases(),
    ...methodAndPathCases(),
    ...pollutionAndDuplicateCases(),
    ...wrongTypeCases(),
    ...numberCases(),
    ...textCases(),
    ...rawCases(),
  ];
}

// --- sending ----------------------------------------------------------------------------------------

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends a case to `baseUrl` exactly as described (own connection, no keep-alive), within `timeoutMs`. */
export function sendCase(baseUrl: string, c: HostileCase, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  if (c.raw !== undefined) return sendRaw(url, c.raw, timeoutMs);
  const method = c.method ?? 'POST';
  const headers: Record<string, string> = {};
  const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  if (c.chunked) headers['transfer-encoding'] = 'chunked';
  else if (c.body !== undefined) headers['content-length'] = String(Buffer.byteLength(c.body));
  Object.assign(headers, c.headers);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: c.path ?? PATH_OF[c.endpoint],
        headers,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // The server may answer (413) and close before the whole body is written: the answer counts.
    req.on('error', (error) => {
      if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 200);
    });
    if (c.body === undefined) {
      req.end();
    } else if (c.chunked) {
      const bytes = Buffer.from(c.body);
      for (let i = 0; i < bytes.length; i += 16_384) req.write(bytes.subarray(i, i + 16_384));
      req.end();
    } else {
      req.end(c.body);
    }
  });
}

function sendRaw(url: URL, bytes: string | Buffer, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is normal; judged on what arrived
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const head = text.indexOf('\r\n\r\n');
      const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!statusLine || head < 0) {
        reject(new Error(`no HTTP answer; got ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, head).split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine[1]), headers, text: text.slice(head + 4) });
    });
  });
}

// --- poison records -----------------------------------------------------------------------------------

export type SourceTopic = 'order.created.v1' | 'order.shipped.v1' | 'product.created.v1';

export interface PoisonCase {
  readonly name: string;
  readonly topic: SourceTopic;
  /** `undefined`: the record has no key. */
  readonly key?: string | Buffer;
  /** `null`: a tombstone (no value at all). */
  readonly value: Buffer | string | null;
  /** In this order; a name may repeat. */
  readonly headers?: ReadonlyArray<readonly [string, Buffer | string]>;
  /** The `x-dlt-reason` header the dead letter must carry (the decoder's reason code). */
  readonly reason: string;
  /** What `kafka_dlt-exception-message` must say. */
  readonly explains: RegExp;
}

const JAVA_CLASS = {
  created: 'com.example.common.event.OrderCreatedEvent',
  shipped: 'com.example.common.event.OrderShippedEvent',
  product: 'com.example.common.event.ProductCreatedEvent',
};

/** A valid event value of each topic (fresh ids), with fields replaced or removed (`undefined`). */
export function validEventValue(topic: SourceTopic, overrides: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> =
    topic === 'order.created.v1'
      ? {
          eventId: crypto.randomUUID(),
          orderId: crypto.randomUUID(),
          customerId: 'poison-neighbour',
          customerEmail: 'n@example.com',
          totalAmount: 1,
          currency: 'KRW',
          createdAt: '2026-01-01T00:00:00Z',
        }
      : topic === 'order.shipped.v1'
        ? {
            eventId: crypto.randomUUID(),
            orderId: crypto.randomUUID(),
            customerId: 'poison-neighbour',
            customerEmail: 'n@example.com',
            previousStatus: 20,
            currentStatus: 25,
            changedAt: '2026-01-01T00:00:00Z',
          }
        : {
            eventId: crypto.randomUUID(),
            productId: crypto.randomUUID(),
            productName: 'poison-neighbour',
            price: 1,
            currency: 'KRW',
            stockQuantity: 1,
            createdAt: '2026-01-01T00:00:00Z',
          };
  return JSON.stringify({ ...base, ...overrides });
}

/**
 * The poison records. `key` is filled in by the test (one key per topic and run) unless the case is
 * about the key itself. `maxRecordBytes` is the notification-service's NOTIFICATION_MAX_RECORD_BYTES.
 */
export function poisonCases(keyOf: (topic: SourceTopic) => string, maxRecordBytes: number): PoisonCase[] {
  const created = 'order.created.v1' as const;
  const shipped = 'order.shipped.v1' as const;
  const product = 'product.created.v1' as const;
  const c = (
    name: string,
    topic: SourceTopic,
    value: Buffer | string | null,
    reason: string,
    explains: RegExp,
    extra: Partial<Pick<PoisonCase, 'key' | 'headers'>> & { noKey?: boolean } = {},
  ): PoisonCase => ({
    name,
    topic,
    ...(extra.noKey ? {} : { key: extra.key ?? keyOf(topic) }),
    value,
    ...(extra.headers ? { headers: extra.headers } : {}),
    reason,
    explains,
  });
  const justUnderBrokerMax = 1_048_000; // broker message.max.bytes default: 1,048,588 per batch
  return [
    c('non-JSON bytes', created, 'this is not json {', 'NOT_JSON', /not JSON/),
    c('invalid UTF-8', created, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'NOT_UTF8', /UTF-8/),
    c('empty value', created, Buffer.alloc(0), 'EMPTY', /no value/),
    c('tombstone (null value)', created, null, 'EMPTY', /no value/),
    c('JSON array', created, `[${validEventValue(created)}]`, 'NOT_OBJECT', /not an object \(an array\)/),
    c('JSON string', created, '"OrderCreatedEvent"', 'NOT_OBJECT', /not an object \(string\)/),
    c('JSON number', created, '42', 'NOT_OBJECT', /not an object/),
    c('JSON null', created, 'null', 'NOT_OBJECT', /not an object \(null\)/),
    c(
      'only an eventId',
      created,
      j({ eventId: crypto.randomUUID() }),
      'MISSING_FIELD',
      /orderId: is missing/,
    ),
    c(
      'every field null',
      created,
      validEventValue(created, {
        orderId: null,
        customerId: null,
        customerEmail: null,
        totalAmount: null,
        currency: null,
        createdAt: null,
      }),
      'MISSING_FIELD',
      /orderId: is null/,
    ),
    c(
      'totalAmount "abc"',
      created,
      validEventValue(created, { totalAmount: 'abc' }),
      'INVALID_FIELD',
      /totalAmount/,
    ),
    c(
      'createdAt "yesterday"',
      created,
      validEventValue(created, { createdAt: 'yesterday' }),
      'INVALID_FIELD',
      /createdAt/,
    ),
    c(
      '__TypeId__ naming another event class',
      created,
      validEventValue(created),
      'TYPE_MISMATCH',
      /OrderShippedEvent/,
      { headers: [['__TypeId__', JAVA_CLASS.shipped]] },
    ),
    c(
      '__TypeId__ naming an unknown class',
      created,
      validEventValue(created),
      'TYPE_MISMATCH',
      /com\.evil\.Gadget/,
      { headers: [['__TypeId__', 'com.evil.Gadget']] },
    ),
    c(
      'last of two __TypeId__ headers is wrong',
      created,
      validEventValue(created),
      'TYPE_MISMATCH',
      /ProductCreatedEvent/,
      {
        headers: [
          ['__TypeId__', JAVA_CLASS.created],
          ['__TypeId__', JAVA_CLASS.product],
        ],
      },
    ),
    c(
      'previousStatus "x"',
      shipped,
      validEventValue(shipped, { previousStatus: 'x' }),
      'INVALID_FIELD',
      /previousStatus/,
    ),
    c(
      'currentStatus beyond int32',
      shipped,
      validEventValue(shipped).replace('"currentStatus":25', '"currentStatus":2147483648'),
      'INVALID_FIELD',
      /currentStatus/,
    ),
    c(
      'previousStatus 20.5',
      shipped,
      validEventValue(shipped).replace('"previousStatus":20', '"previousStatus":20.5'),
      'INVALID_FIELD',
      /previousStatus/,
    ),
    c(
      'changedAt in epoch millis (year ~56,000)',
      shipped,
      validEventValue(shipped).replace('"changedAt":"2026-01-01T00:00:00Z"', '"changedAt":1732400000123'),
      'INVALID_FIELD',
      /changedAt/,
    ),
    c(
      'eventId not a UUID',
      shipped,
      validEventValue(shipped, { eventId: 'not-a-uuid' }),
      'INVALID_FIELD',
      /eventId/,
    ),
    c(
      'customerId an object',
      shipped,
      validEventValue(shipped, { customerId: { x: 1 } }),
      'INVALID_FIELD',
      /customerId/,
    ),
    c('missing key and JSON {}', shipped, '{}', 'MISSING_FIELD', /eventId: is missing/, { noKey: true }),
    c(
      'unknown headers with binary values and a non-JSON value',
      shipped,
      Buffer.from([0x00, 0x01, 0x02, 0xff]),
      'NOT_UTF8',
      /UTF-8/,
      {
        headers: [
          ['x-binary', Buffer.from([0x00, 0xff, 0xfe, 0x80])],
          ['x-empty', Buffer.alloc(0)],
          ['\u00ff-non-ascii-name', Buffer.from([0xde, 0xad, 0xbe, 0xef])],
        ],
      },
    ),
    c('binary key (invalid UTF-8) and a wrong-shape value', shipped, '[]', 'NOT_OBJECT', /an array/, {
      key: Buffer.from([0xff, 0x00, 0xfe]),
    }),
    c('price "abc"', product, validEventValue(product, { price: 'abc' }), 'INVALID_FIELD', /price/),
    c(
      'stockQuantity 1e10',
      product,
      validEventValue(product).replace('"stockQuantity":1', '"stockQuantity":1e10'),
      'INVALID_FIELD',
      /stockQuantity/,
    ),
    c(
      'price 1e999',
      product,
      validEventValue(product).replace('"price":1', '"price":1e999'),
      'INVALID_FIELD',
      /price/,
    ),
    c(
      'createdAt in epoch millis (year ~56,000)',
      product,
      validEventValue(product).replace('"createdAt":"2026-01-01T00:00:00Z"', '"createdAt":1732400000123'),
      'INVALID_FIELD',
      /createdAt/,
    ),
    c(
      'productName missing',
      product,
      validEventValue(product, { productName: undefined }),
      'MISSING_FIELD',
      /productName: is missing/,
    ),
    c('text after the JSON', product, `${validEventValue(product)} x`, 'NOT_JSON', /not JSON/),
    c(
      '__TypeId__ of an order event on the product topic',
      product,
      validEventValue(product),
      'TYPE_MISMATCH',
      /OrderCreatedEvent/,
      { headers: [['__TypeId__', JAVA_CLASS.created]] },
    ),
    c(
      `a ${maxRecordBytes * 4}-byte value (over NOTIFICATION_MAX_RECORD_BYTES)`,
      product,
      validEventValue(product, { padding: 'p'.repeat(maxRecordBytes * 4) }),
      'TOO_LARGE',
      /bytes; at most/,
    ),
    c(
      'a value just under the broker limit (1,048,000 bytes)',
      product,
      padTo(validEventValue(product), justUnderBrokerMax),
      'TOO_LARGE',
      /1048000 bytes; at most/,
    ),
  ];
}

/** The JSON object text grown to exactly `bytes` bytes with an unknown `padding` field. */
function padTo(json: string, bytes: number): string {
  const prefix = `${json.slice(0, -1)},"padding":"`;
  return `${prefix}${'x'.repeat(bytes - prefix.length - 2)}"}`;
}

// --- raw Kafka access (bytes exactly as stored) ---------------------------------------------------------

export interface RawRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** null: the record has no key. */
  key: Buffer | null;
  /** null: a tombstone (no value), as opposed to an empty value. */
  value: Buffer | null;
  /** Every header in record order (a name may repeat). */
  headers: Array<[string, Buffer]>;
  timestamp: bigint;
}

/** Reads `topics` from the earliest offset, keeping keys, values and repeated headers as bytes. */
export async function readRaw(
  bootstrap: string,
  topics: string[],
  done: (records: RawRecord[]) => boolean,
  timeoutMs = 60_000,
): Promise<RawRecord[]> {
  const consumer = new Consumer<Buffer, Buffer, string, Buffer>({
    clientId: 'test-raw-reader',
    groupId: `test-raw-reader-${crypto.randomUUID()}`,
    bootstrapBrokers: [bootstrap],
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  const records: RawRecord[] = [];
  try {
    const stream = await consumer.consume({
      topics,
      autocommit: false,
      mode: MessagesStreamModes.EARLIEST,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      maxWaitTime: 200,
      maxBytesPerPartition: 4 * 1024 * 1024,
      deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string },
    });
    const deadline = Date.now() + timeoutMs;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (done(records) || Date.now() > deadline) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
      stream.on('data', (m: Message<Buffer, Buffer, string, Buffer>) => {
        records.push({
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          key: m.key ?? null,
          value: m.value ?? null,
          headers: m.headerEntries.map(([k, v]): [string, Buffer] => [k, v ?? Buffer.alloc(0)]),
          timestamp: m.timestamp,
        });
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return records;
}

/** Separates repeated header names on their way through the producer's header map. */
const REPEAT_MARK = '\u0000#';

/**
 * Writes one record byte for byte: a Buffer key or none, a null value (tombstone), repeated header
 * names — what `produceRaw` (string keys, non-null values, a header object) cannot express.
 */
export async function produceExact(
  bootstrap: string,
  record: {
    topic: string;
    partition: number;
    key?: Buffer | undefined;
    value: Buffer | null;
    headers: ReadonlyArray<readonly [string, Buffer]>;
  },
): Promise<void> {
  const producer = new Producer<Buffer | undefined, Buffer | null, string, Buffer>({
    clientId: 'test-exact-writer',
    bootstrapBrokers: [bootstrap],
    serializers: {
      headerKey: (name?: string) => Buffer.from((name ?? '').split(REPEAT_MARK)[0]!, 'utf8'),
    },
  });
  try {
    await producer.send({
      messages: [
        {
          topic: record.topic,
          partition: record.partition,
          key: record.key,
          value: record.value,
          headers: new Map(record.headers.map(([name, value], i) => [`${name}${REPEAT_MARK}${i}`, value])),
        },
      ],
    });
  } finally {
    await producer.close();
  }
}
