/**
 * How one JSON value becomes a typed field value, the way Jackson does it for the Java services.
 *
 * Why it exists: the record decoder and the request validation must read a decimal, an int, a string or
 * an instant by the same rules, or a value accepted over HTTP could be refused on the consumer side (or
 * the reverse). The rules are Jackson 2.15's defaults: a number or a numeric string for a decimal; a
 * string is trimmed and `""` / `"null"` count as null; an integer or an integer string for an int; a
 * scalar (string, number, boolean) for a string. Where Jackson would silently lose information we refuse
 * instead: `20.5` for an int (Jackson truncates), decimals beyond the `Decimal` bounds.
 *
 * Each function returns the value, `ABSENT` (missing or null) or an `Invalid` saying why, without
 * allocating on the happy path; callers word the message for their audience.
 */
import {
  type Decimal,
  type DecimalProblem,
  decimalPartsOf,
  describeDecimalProblem,
  quoteForMessage,
  tryParseDecimal,
} from './decimal.ts';
import { type Instant, tryParseInstant } from './instant.ts';
import { JsonNumber } from './json-number.ts';
import { isUuid } from './uuid.ts';

/** The field is missing, `null`, or a string Jackson reads as null (`""`, blank, `"null"`). */
export const ABSENT: unique symbol = Symbol('absent');
export type Absent = typeof ABSENT;

export type InvalidCode =
  | DecimalProblem
  | 'NOT_AN_INTEGER'
  | 'OUT_OF_INT32_RANGE'
  | 'NOT_A_STRING'
  | 'NOT_A_UUID'
  | 'NOT_AN_INSTANT';

export class Invalid {
  readonly code: InvalidCode;
  /** The value and what is wrong with it: `"abc" is not a decimal number`. */
  readonly message: string;

  constructor(code: InvalidCode, message: string) {
    this.code = code;
    this.message = message;
  }
}

export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

/** A short description of any JSON value for a message (never its whole content). */
export function describeValue(value: unknown): string {
  if (value instanceof JsonNumber)
    return value.source.length > 48 ? `${value.source.slice(0, 48)}…` : value.source;
  if (typeof value === 'string') return quoteForMessage(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Jackson's handling of a string where a number or date is expected: trimmed; blank or "null" is null. */
function trimmedOrAbsent(text: string): string | Absent {
  const trimmed = text.trim();
  return trimmed === '' || trimmed === 'null' ? ABSENT : trimmed;
}

export function coerceDecimal(value: unknown): Decimal | Absent | Invalid {
  let text: string;
  let syntax: 'json' | 'java';
  if (value instanceof JsonNumber) {
    text = value.source;
    syntax = 'json';
  } else if (typeof value === 'string') {
    const trimmed = trimmedOrAbsent(value);
    if (trimmed === ABSENT) return ABSENT;
    text = trimmed;
    syntax = 'java';
  } else if (value === undefined || value === null) {
    return ABSENT;
  } else {
    return new Invalid('NOT_A_NUMBER', `${describeValue(value)} is not a decimal number`);
  }
  const parsed = tryParseDecimal(text, syntax);
  if (parsed.ok) return parsed.value;
  return new Invalid(parsed.problem, `${describeValue(value)} ${describeDecimalProblem(parsed.problem)}`);
}

const SMALL_INTEGER = /^-?\d{1,10}$/;
const INTEGER_STRING = /^[+-]?\d+$/;

function int32OrInvalid(n: number, value: unknown): number | Invalid {
  if (n < INT32_MIN || n > INT32_MAX) {
    return new Invalid('OUT_OF_INT32_RANGE', `${describeValue(value)} is outside ${INT32_MIN}..${INT32_MAX}`);
  }
  return n === 0 ? 0 : n; // no -0
}

/** An integral JSON number in any form (`20`, `20.0`, `2E1`) within int32; `20.5` is refused. */
function int32FromNumberText(source: string, value: unknown): number | Invalid {
  if (SMALL_INTEGER.test(source)) return int32OrInvalid(Number(source), value);
  const parts = decimalPartsOf(source);
  if (parts === undefined) {
    // Valid JSON (it came from JSON.parse) but longer than any decimal we look at.
    return new Invalid('OUT_OF_INT32_RANGE', `${describeValue(value)} is too long for an int32`);
  }
  const { negative, digits, exponent } = parts;
  if (digits === '0') return 0;
  let whole: string;
  if (exponent < 0) {
    const wholeLength = digits.length + exponent;
    if (wholeLength <= 0 || !/^0+$/.test(digits.slice(wholeLength))) {
      return new Invalid('NOT_AN_INTEGER', `${describeValue(value)} is not an integer`);
    }
    whole = digits.slice(0, wholeLength);
  } else {
    if (digits.length + exponent > 10) return int32OrInvalid(Number.POSITIVE_INFINITY, value);
    whole = digits + '0'.repeat(exponent);
  }
  if (whole.length > 10) return int32OrInvalid(Number.POSITIVE_INFINITY, value);
  return int32OrInvalid(negative ? -Number(whole) : Number(whole), value);
}

export function coerceInt32(value: unknown): number | Absent | Invalid {
  if (value instanceof JsonNumber) return int32FromNumberText(value.source, value);
  if (typeof value === 'string') {
    const text = trimmedOrAbsent(value);
    if (text === ABSENT) return ABSENT;
    if (!INTEGER_STRING.test(text))
      return new Invalid('NOT_AN_INTEGER', `${describeValue(value)} is not an integer`);
    const negative = text.charCodeAt(0) === 45;
    const digits = text.replace(/^[+-]?0*/, '');
    if (digits.length > 10) return int32OrInvalid(Number.POSITIVE_INFINITY, value);
    return int32OrInvalid(negative ? -Number(digits) : Number(digits), value);
  }
  if (value === undefined || value === null) return ABSENT;
  return new Invalid('NOT_AN_INTEGER', `${describeValue(value)} is not an integer`);
}

/** Strings as they are; numbers as their source text and booleans as `true`/`false`, as Jackson does. */
export function coerceString(value: unknown): string | Absent | Invalid {
  if (typeof value === 'string') return value;
  if (value instanceof JsonNumber) return value.source;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === undefined || value === null) return ABSENT;
  return new Invalid('NOT_A_STRING', `${describeValue(value)} is not a string`);
}

export function coerceUuid(value: unknown): string | Absent | Invalid {
  if (isUuid(value)) return value;
  const text = coerceString(value);
  if (text === ABSENT) return ABSENT;
  return new Invalid('NOT_A_UUID', `${describeValue(value)} is not a UUID`);
}

export function coerceInstant(value: unknown): Instant | Absent | Invalid {
  let input: string | JsonNumber;
  if (value instanceof JsonNumber) {
    input = value;
  } else if (typeof value === 'string') {
    if (value.trim() === '') return ABSENT;
    input = value;
  } else if (value === undefined || value === null) {
    return ABSENT;
  } else {
    return new Invalid('NOT_AN_INSTANT', `${describeValue(value)} is not an instant`);
  }
  const parsed = tryParseInstant(input);
  return parsed.ok ? parsed.value : new Invalid('NOT_AN_INSTANT', parsed.message);
}
