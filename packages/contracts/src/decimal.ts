/**
 * Exact decimal amounts (`totalAmount`, `price`), kept as the text of a JSON number.
 *
 * Why it exists: the Java services use `BigDecimal` and write it with its scale (`12000.50`) or in
 * exponent form (`1E+3`); a double would lose both. A `Decimal` is that exact text, validated once, so it
 * can travel from a request to an event and back to JSON (`toJsonNumber`) without a single digit moving.
 * Size is bounded (at most 38 significant digits, exponent within ±100) so no input can make the
 * arithmetic below expensive, and nothing is ever rounded: a value outside the bounds is refused.
 */
import { type RawJson, rawJson } from './json-number.ts';

declare const decimalBrand: unique symbol;

/** The exact text of a JSON number (`12000.50`, `1E+3`, `-0.01`), validated by `parseDecimalText`. */
export type Decimal = string & { readonly [decimalBrand]: true };

export const DecimalLimits = {
  /** Digits of the coefficient, leading zeros aside (trailing zeros count: they are the scale). */
  maxDigits: 38,
  /** Bound of the exponent `e` in `coefficient × 10^e` (so at most 100 decimal places). */
  maxExponent: 100,
  /** Longest text looked at (the largest value within the other bounds needs about 140 characters). */
  maxTextLength: 200,
} as const;

/**
 * `json`: JSON number grammar (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), what a JSON number token is.
 * `java`: `new BigDecimal(String)`'s grammar, what Jackson accepts in a string (`+1`, `.5`, `5.`, `01`);
 * the result is rewritten to JSON number text with the same value and scale (`+.50` → `0.50`).
 */
export type DecimalSyntax = 'json' | 'java';

export type DecimalProblem =
  | 'NOT_A_NUMBER'
  | 'TOO_LONG'
  | 'TOO_MANY_DIGITS'
  | 'TOO_MANY_DECIMAL_PLACES'
  | 'EXPONENT_TOO_LARGE';

const problemText: Record<DecimalProblem, string> = {
  NOT_A_NUMBER: 'is not a decimal number',
  TOO_LONG: `is longer than ${DecimalLimits.maxTextLength} characters`,
  TOO_MANY_DIGITS: `has more than ${DecimalLimits.maxDigits} significant digits`,
  TOO_MANY_DECIMAL_PLACES: `has more than ${DecimalLimits.maxExponent} decimal places`,
  EXPONENT_TOO_LARGE: `is too large (exponent above ${DecimalLimits.maxExponent})`,
};

/** The problem as a phrase to put after a field name or a value: `has more than 38 significant digits`. */
export function describeDecimalProblem(problem: DecimalProblem): string {
  return problemText[problem];
}

/** value = (negative ? -1 : 1) × digits × 10^exponent */
export interface DecimalParts {
  readonly negative: boolean;
  /** The coefficient without leading zeros (`'0'` for zero); trailing zeros are kept. */
  readonly digits: string;
  readonly exponent: number;
}

export type DecimalParse =
  | { readonly ok: true; readonly value: Decimal }
  | { readonly ok: false; readonly problem: DecimalProblem; readonly message: string };

export class DecimalFormatError extends Error {
  override name = 'DecimalFormatError';
  readonly problem: DecimalProblem;

  constructor(problem: DecimalProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** What the scanner found, before the bounds are checked. */
interface Scanned {
  negative: boolean;
  intDigits: string;
  fracDigits: string;
  /** The exponent as written (`e+05`), `''` when absent. */
  expText: string;
  /** The written exponent's value, clamped to ±1e9 so it cannot overflow. */
  expValue: number;
  /** The text is not JSON number syntax as written (only possible with the `java` syntax). */
  needsRewrite: boolean;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

function scan(text: string, syntax: DecimalSyntax): Scanned | undefined {
  const n = text.length;
  let i = 0;
  let needsRewrite = false;
  let negative = false;
  let c = text.charCodeAt(0);
  if (c === 45 /* - */) {
    negative = true;
    c = text.charCodeAt(++i);
  } else if (c === 43 /* + */ && syntax === 'java') {
    needsRewrite = true;
    c = text.charCodeAt(++i);
  }
  const intStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  const intDigits = text.slice(intStart, i);
  let fracDigits = '';
  let hasPoint = false;
  if (text.charCodeAt(i) === 46 /* . */) {
    hasPoint = true;
    const fracStart = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    fracDigits = text.slice(fracStart, i);
  }
  if (syntax === 'json') {
    if (intDigits === '' || (intDigits.length > 1 && intDigits.charCodeAt(0) === 48)) return undefined;
    if (hasPoint && fracDigits === '') return undefined;
  } else {
    if (intDigits === '' && fracDigits === '') return undefined;
    if (
      intDigits === '' ||
      (intDigits.length > 1 && intDigits.charCodeAt(0) === 48) ||
      (hasPoint && fracDigits === '')
    ) {
      needsRewrite = true;
    }
  }
  let expText = '';
  let expValue = 0;
  c = text.charCodeAt(i);
  if (c === 101 /* e */ || c === 69 /* E */) {
    const expStart = i++;
    let expNegative = false;
    c = text.charCodeAt(i);
    if (c === 43 || c === 45) {
      expNegative = c === 45;
      i++;
    }
    const expDigitsStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === expDigitsStart) return undefined;
    expText = text.slice(expStart, i);
    let significant = expDigitsStart;
    while (significant < i - 1 && text.charCodeAt(significant) === 48) significant++;
    const magnitude = i - significant > 9 ? 1e9 : Number(text.slice(significant, i));
    expValue = expNegative ? -magnitude : magnitude;
  }
  if (i !== n) return undefined;
  return { negative, intDigits, fracDigits, expText, expValue, needsRewrite };
}

function partsOf(s: Scanned): DecimalParts {
  const all = s.intDigits + s.fracDigits;
  let first = 0;
  while (first < all.length - 1 && all.charCodeAt(first) === 48) first++;
  return {
    negative: s.negative,
    digits: all === '' ? '0' : all.slice(first),
    exponent: s.expValue - s.fracDigits.length,
  };
}

function boundsProblem(parts: DecimalParts): DecimalProblem | undefined {
  if (parts.digits.length > DecimalLimits.maxDigits) return 'TOO_MANY_DIGITS';
  if (parts.exponent < -DecimalLimits.maxExponent) return 'TOO_MANY_DECIMAL_PLACES';
  if (parts.exponent > DecimalLimits.maxExponent) return 'EXPONENT_TOO_LARGE';
  return undefined;
}

/** Java syntax rewritten to JSON number text: same value, same scale (`+01.50` → `1.50`, `5.` → `5`). */
function jsonTextOf(s: Scanned): string {
  let int = s.intDigits;
  let first = 0;
  while (first < int.length - 1 && int.charCodeAt(first) === 48) first++;
  int = int === '' ? '0' : int.slice(first);
  return `${s.negative ? '-' : ''}${int}${s.fracDigits === '' ? '' : `.${s.fracDigits}`}${s.expText}`;
}

/** A value shown in a message: quoted, and cut short so a message stays a line. */
export function quoteForMessage(text: string, max = 48): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

function failure(problem: DecimalProblem, text: string): DecimalParse {
  return { ok: false, problem, message: `${quoteForMessage(text)} ${problemText[problem]}` };
}

/** The problem with `text` as a decimal, or the decimal; never throws, never rounds. */
export function tryParseDecimal(text: string, syntax: DecimalSyntax = 'json'): DecimalParse {
  if (text.length > DecimalLimits.maxTextLength) return failure('TOO_LONG', text);
  const scanned = scan(text, syntax);
  if (scanned === undefined) return failure('NOT_A_NUMBER', text);
  const problem = boundsProblem(partsOf(scanned));
  if (problem !== undefined) return failure(problem, text);
  return { ok: true, value: (scanned.needsRewrite ? jsonTextOf(scanned) : text) as Decimal };
}

/** Like `tryParseDecimal`, but throws a `DecimalFormatError` naming the problem. */
export function parseDecimalText(text: string, syntax: DecimalSyntax = 'json'): Decimal {
  const result = tryParseDecimal(text, syntax);
  if (!result.ok) throw new DecimalFormatError(result.problem, result.message);
  return result.value;
}

/**
 * The sign, coefficient and exponent of any decimal text (either syntax), without the size bounds:
 * callers that only need to know whether a value is integral or in a range (int32 fields, epoch
 * seconds) use it on input the bounds would refuse. `undefined` if it is not a number at all.
 */
export function decimalPartsOf(text: string, syntax: DecimalSyntax = 'json'): DecimalParts | undefined {
  if (text.length > DecimalLimits.maxTextLength) return undefined;
  const scanned = scan(text, syntax);
  return scanned === undefined ? undefined : partsOf(scanned);
}

function partsOfDecimal(d: Decimal): DecimalParts {
  const parts = decimalPartsOf(d);
  if (parts === undefined) throw new TypeError(`${quoteForMessage(d)} is not a Decimal`);
  return parts;
}

function signedCoefficient(parts: DecimalParts): bigint {
  const magnitude = BigInt(parts.digits);
  return parts.negative ? -magnitude : magnitude;
}

/** Exact numeric comparison: `-1`, `0` or `1`. Scale does not matter (`1.0` equals `1`; `-0` equals `0`). */
export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const pa = partsOfDecimal(a);
  const pb = partsOfDecimal(b);
  const common = Math.min(pa.exponent, pb.exponent);
  const x = signedCoefficient(pa) * 10n ** BigInt(pa.exponent - common);
  const y = signedCoefficient(pb) * 10n ** BigInt(pb.exponent - common);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Java's `BigDecimal.toPlainString()`: `1E+3` → `1000`, `12000.50` → `12000.50`, `-0` → `0`. */
export function decimalToPlainString(d: Decimal): string {
  const { negative, digits, exponent } = partsOfDecimal(d);
  const isZero = digits === '0';
  const sign = negative && !isZero ? '-' : '';
  if (exponent >= 0) return isZero ? '0' : `${sign}${digits}${'0'.repeat(exponent)}`;
  const places = -exponent;
  if (digits.length > places) {
    return `${sign}${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
  }
  return `${sign}0.${'0'.repeat(places - digits.length)}${digits}`;
}

/** The decimal as a value for `JSON.stringify`, which then writes exactly its digits. */
export function toJsonNumber(d: Decimal): RawJson {
  return rawJson(d);
}

/** Whether `value` is a string that is a valid `Decimal` (JSON number text within the bounds). */
export function isDecimal(value: unknown): value is Decimal {
  return typeof value === 'string' && tryParseDecimal(value).ok;
}
