/**
 * Points in time (`createdAt`, `changedAt`) as canonical ISO-8601 UTC strings.
 *
 * Why it exists: the Java producers write an `Instant` as epoch seconds with nine fraction digits
 * (`1732400000.123456000`), the Java consumer also reads ISO strings and digit strings, and a double
 * cannot hold nanoseconds. `parseInstant` accepts exactly those forms (what Jackson 2.15's
 * `InstantDeserializer` accepts, minus what makes no sense for this system: years before 1970 or after
 * 9999) and yields one canonical text, the one Java's `Instant.toString()` prints — `Z`, fraction digits
 * in groups of three, none when zero — so two equal instants are always equal strings.
 */
import { decimalPartsOf } from './decimal.ts';
import { JsonNumber } from './json-number.ts';

declare const instantBrand: unique symbol;

/** Canonical ISO-8601 UTC text (`2026-11-23T10:00:00.123Z`), as Java's `Instant.toString()` prints it. */
export type Instant = string & { readonly [instantBrand]: true };

/** 1970-01-01T00:00:00Z */
export const MIN_EPOCH_SECOND = 0;
/** 9999-12-31T23:59:59Z */
export const MAX_EPOCH_SECOND = 253_402_300_799;

export type InstantParse =
  | { readonly ok: true; readonly value: Instant }
  | { readonly ok: false; readonly message: string };

export class InstantFormatError extends Error {
  override name = 'InstantFormatError';
}

const RANGE = 'is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z';

function quote(text: string): string {
  return JSON.stringify(text.length > 48 ? `${text.slice(0, 48)}…` : text);
}

/** What was given, as shown in a message: a number as written, a string quoted and cut short. */
type Shown = string | JsonNumber;

function fail(shown: Shown, problem: string): InstantParse {
  return { ok: false, message: `${shown instanceof JsonNumber ? shown.source : quote(shown)} ${problem}` };
}

/** Fraction digits (1..9, trailing zeros allowed) in Java's style: 3, 6 or 9 digits, none when zero. */
function canonicalFraction(fraction: string): string {
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  if (end === 0) return '';
  const width = end <= 3 ? 3 : end <= 6 ? 6 : 9;
  return `.${fraction.slice(0, end).padEnd(width, '0')}`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Formats epoch seconds (within the range) and fraction digits (at most 9), as `Instant.toString()`. */
function format(epochSecond: number, fraction: string): Instant {
  const days = Math.floor(epochSecond / 86_400);
  const secondOfDay = epochSecond - days * 86_400;
  // H. Hinnant's civil_from_days, for days since 1970-01-01.
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
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[Math.floor(secondOfDay / 3600)]}:${
    TWO_DIGITS[Math.floor((secondOfDay % 3600) / 60)]
  }:${TWO_DIGITS[secondOfDay % 60]}${canonicalFraction(fraction)}Z` as Instant;
}

/** The instant `ms` milliseconds after the epoch (an integer within the range). */
export function instantFromEpochMillis(ms: number): Instant {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_EPOCH_SECOND * 1000 + 999) {
    throw new InstantFormatError(`${ms} ${RANGE}`);
  }
  const second = Math.floor(ms / 1000);
  return format(second, String(ms - second * 1000).padStart(3, '0'));
}

/** The current time, to the millisecond. */
export function nowInstant(): Instant {
  return instantFromEpochMillis(Date.now());
}

/** Epoch seconds as a decimal (`1732400000.123456000`, `1.7324E9`, `"1732400000"`), exactly. */
function fromEpochSeconds(text: string, shown: Shown, syntax: 'json' | 'java'): InstantParse {
  const parts = decimalPartsOf(text, syntax);
  if (parts === undefined) return fail(shown, 'is not a number of epoch seconds');
  if (parts.digits === '0') return { ok: true, value: format(0, '') };
  if (parts.negative) return fail(shown, RANGE);
  // Without its trailing zeros the coefficient ends in the value's last non-zero digit, at 10^exponent.
  let end = parts.digits.length;
  while (parts.digits.charCodeAt(end - 1) === 48) end--;
  const digits = parts.digits.slice(0, end);
  const exponent = parts.exponent + (parts.digits.length - end);
  if (exponent < -9) return fail(shown, 'has more than 9 fraction digits');
  if (exponent + digits.length > 12) return fail(shown, RANGE);
  let whole: string;
  let fraction: string;
  if (exponent >= 0) {
    whole = digits + '0'.repeat(exponent);
    fraction = '';
  } else if (digits.length > -exponent) {
    whole = digits.slice(0, digits.length + exponent);
    fraction = digits.slice(digits.length + exponent);
  } else {
    whole = '0';
    fraction = '0'.repeat(-exponent - digits.length) + digits;
  }
  const second = Number(whole);
  if (second > MAX_EPOCH_SECOND) return fail(shown, RANGE);
  return { ok: true, value: format(second, fraction) };
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|\+00(?::?00)?|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Whether fraction digits are already as `Instant.toString()` prints them (none, or 3/6/9 not ending in 000). */
function isCanonicalFraction(fraction: string): boolean {
  const n = fraction.length;
  return n === 0 || ((n === 3 || n === 6 || n === 9) && !fraction.endsWith('000'));
}

/** Checks the fields of an ISO text and builds the instant; `canonical` says `text` needs no rewriting. */
function fromFields(
  text: string,
  shown: Shown,
  fields: readonly [year: number, month: number, day: number, hour: number, minute: number, second: number],
  fraction: string,
  offset: number,
  canonical: boolean,
): InstantParse {
  const [year, month, day, hour, minute, second] = fields;
  if (fraction.length > 9) return fail(shown, 'has more than 9 fraction digits');
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    return fail(shown, 'is not a valid date and time');
  }
  const epochSecond = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
  if (epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND) return fail(shown, RANGE);
  if (canonical && offset === 0 && isCanonicalFraction(fraction)) return { ok: true, value: text as Instant };
  return { ok: true, value: format(epochSecond, fraction) };
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common shape, `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z` (what this system writes), read without a
 * regular expression; `undefined` for any other shape.
 */
function fromUtcIso(text: string, shown: Shown): InstantParse | undefined {
  const n = text.length;
  if (n < 20 || text.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (
    (century | yearOfCentury | month | day | hour | minute | second) < 0 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 /* T */ ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  let fraction = '';
  if (n > 20) {
    if (text.charCodeAt(19) !== 46 /* . */ || n === 21) return undefined;
    for (let i = 20; i < n - 1; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    fraction = text.slice(20, n - 1);
  }
  const fields = [century * 100 + yearOfCentury, month, day, hour, minute, second] as const;
  return fromFields(text, shown, fields, fraction, 0, true);
}

/** ISO-8601 with `Z` or an offset (`+09:00`, `-05:30`, `+00`, `+0000`), normalized to UTC. */
function fromIso(text: string, shown: Shown): InstantParse {
  const fast = fromUtcIso(text, shown);
  if (fast !== undefined) return fast;
  const m = ISO.exec(text);
  if (m === null) return fail(shown, 'is not an ISO-8601 instant or a number of epoch seconds');
  const [, y, mo, d, h, mi, s, fraction = '', , sign, oh, om, os] = m;
  let offset = 0;
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    const offsetSeconds = Number(os ?? '0');
    offset = offsetHours * 3600 + offsetMinutes * 60 + offsetSeconds;
    if (offsetMinutes > 59 || offsetSeconds > 59 || offset > 18 * 3600) {
      return fail(shown, 'has an invalid offset (at most ±18:00)');
    }
    if (sign === '-') offset = -offset;
  }
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  return fromFields(text, shown, fields, fraction, offset, false);
}

const EPOCH_DIGITS = /^(?:\d+\.?\d*|\.\d+)$/;

/**
 * Reads an instant the way the Java consumer does: a JSON number is epoch seconds (an integer too:
 * epoch *milliseconds* would be a year past 9999 and are refused); a string is trimmed, then either
 * digits (with at most one `.`, epoch seconds) or ISO-8601 with `Z` or an offset. Never rounds: more than
 * nine significant fraction digits are refused.
 */
export function tryParseInstant(value: string | JsonNumber): InstantParse {
  if (value instanceof JsonNumber) return fromEpochSeconds(value.source, value, 'json');
  if (typeof value !== 'string') return fail(String(value), 'is not an instant');
  const text = value.trim();
  if (text.length > 64) return fail(value, 'is not an ISO-8601 instant or a number of epoch seconds');
  if (EPOCH_DIGITS.test(text)) return fromEpochSeconds(text, value, 'java');
  return fromIso(text, value);
}

/** Like `tryParseInstant`, but throws an `InstantFormatError` saying what is wrong. */
export function parseInstant(value: string | JsonNumber): Instant {
  const result = tryParseInstant(value);
  if (!result.ok) throw new InstantFormatError(result.message);
  return result.value;
}

/** The JSON value of an instant: its ISO-8601 text (which every reader of the events accepts). */
export function instantToJson(instant: Instant): string {
  return instant;
}

/** Whether `value` is a string in the canonical form `parseInstant` produces. */
export function isInstant(value: unknown): value is Instant {
  if (typeof value !== 'string') return false;
  const result = tryParseInstant(value);
  return result.ok && result.value === value;
}
