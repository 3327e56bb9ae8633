/**
 * The field rules of the HTTP request bodies, mirroring the original's Bean Validation annotations.
 *
 * Why it exists: the three request validators share their rules — `@NotBlank` text, `@Email`,
 * `@NotNull @DecimalMin("0.01")` amounts, integers — and each rule must read its value the way Jackson
 * did (a numeric string for a decimal, a number for a string) and report exactly one message per failing
 * field, in the SPEC's words where the SPEC has words, as `<field>: <message>`.
 */
import { compareDecimal, type Decimal, describeDecimalProblem, parseDecimalText } from '../decimal.ts';
import { ABSENT, coerceDecimal, coerceInt32, INT32_MAX, INT32_MIN, Invalid } from '../field-values.ts';
import { JsonNumber } from '../json-number.ts';
import { isValidEmail } from './email.ts';

export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly details: string[] };

/** Length limits of the text fields, in characters (Unicode code points). */
export const RequestLimits = {
  customerId: 255,
  currency: 16,
  productName: 255,
} as const;

export const BODY_NOT_AN_OBJECT = 'body: must be a JSON object';

/** Smallest accepted amount, `@DecimalMin("0.01")` (inclusive). */
const MIN_AMOUNT = parseDecimalText('0.01');

type Body = Readonly<Record<string, unknown>>;

/** The body if it is a JSON object (not an array, null, a string or a number). */
export function asBody(body: unknown): Body | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof JsonNumber) {
    return undefined;
  }
  return body as Body;
}

/** An own field of the body; inherited properties (`constructor`, a polluted prototype) are never read. */
function fieldOf(body: Body, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

/** Collects `<field>: <message>` lines in the order the fields are checked. */
export class Details {
  readonly lines: string[] = [];

  add(field: string, message: string): undefined {
    this.lines.push(`${field}: ${message}`);
    return undefined;
  }
}

/** Blank as `@NotBlank` sees it (Java's `trim()` removes U+0000..U+0020), plus Unicode spaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Java's trim() removes exactly these.
const BLANK = /^[\s\u0000-\u0020]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A JSON string, or a number taken as its text as Jackson does; anything else is a type error. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof JsonNumber) return value.source;
  return undefined;
}

/** `@NotBlank` text with a length limit; no control characters, no broken surrogate pairs. */
export function requiredText(
  body: Body,
  name: string,
  maxLength: number,
  details: Details,
): string | undefined {
  const value = fieldOf(body, name);
  if (value === undefined || value === null) return details.add(name, `${name} is required`);
  const text = textOf(value);
  if (text === undefined) return details.add(name, 'must be a string');
  if (BLANK.test(text)) return details.add(name, `${name} is required`);
  if (text.length > maxLength && codePointLength(text) > maxLength) {
    return details.add(name, `must be at most ${maxLength} characters`);
  }
  if (CONTROL.test(text)) return details.add(name, 'must not contain control characters');
  if (!text.isWellFormed()) return details.add(name, 'must be valid Unicode text');
  return text;
}

/** `@NotBlank @Email`: blank is only reported as required; any other problem as `must be valid`. */
export function requiredEmail(body: Body, name: string, details: Details): string | undefined {
  const value = fieldOf(body, name);
  if (value === undefined || value === null) return details.add(name, `${name} is required`);
  const text = textOf(value);
  if (text === undefined) return details.add(name, 'must be a string');
  if (BLANK.test(text)) return details.add(name, `${name} is required`);
  if (!isValidEmail(text)) return details.add(name, `${name} must be valid`);
  return text;
}

function invalidNumberMessage(invalid: Invalid): string {
  switch (invalid.code) {
    case 'NOT_AN_INTEGER':
      return 'must be an integer';
    case 'OUT_OF_INT32_RANGE':
      return `must be between ${INT32_MIN} and ${INT32_MAX}`;
    case 'NOT_A_NUMBER':
      return 'must be a decimal number';
    case 'TOO_LONG':
    case 'TOO_MANY_DIGITS':
    case 'TOO_MANY_DECIMAL_PLACES':
    case 'EXPONENT_TOO_LARGE':
      return describeDecimalProblem(invalid.code);
    default:
      return 'is invalid';
  }
}

/** `@NotNull @DecimalMin("0.01")`: a JSON number or numeric string, exact, at least 0.01. */
export function requiredAmount(body: Body, name: string, details: Details): Decimal | undefined {
  const value = coerceDecimal(fieldOf(body, name));
  if (value === ABSENT) return details.add(name, `${name} is required`);
  if (value instanceof Invalid) return details.add(name, invalidNumberMessage(value));
  if (compareDecimal(value, MIN_AMOUNT) < 0) return details.add(name, `${name} must be positive`);
  return value;
}

/** `@NotNull Integer`: an integral JSON number or integer string within Java's `int`. */
export function requiredInt(body: Body, name: string, details: Details): number | undefined {
  const value = coerceInt32(fieldOf(body, name));
  if (value === ABSENT) return details.add(name, `${name} is required`);
  if (value instanceof Invalid) return details.add(name, invalidNumberMessage(value));
  return value;
}

/** `@Min(0) int`: 0 when absent or null (a Java primitive), refused when negative. */
export function nonNegativeIntOrZero(body: Body, name: string, details: Details): number | undefined {
  const value = coerceInt32(fieldOf(body, name));
  if (value === ABSENT) return 0;
  if (value instanceof Invalid) return details.add(name, invalidNumberMessage(value));
  if (value < 0) return details.add(name, `${name} must be zero or positive`);
  return value;
}
