/**
 * A JSON number kept as its exact source text (`12000.50`, `1E+3`, `1732400000.123456000`).
 *
 * Why it exists: `JSON.parse` turns every number into a binary double, which loses the scale of a
 * decimal (`12000.50` → `12000.5`) and the digits of a Java instant (`1732400000.123456000`). The HTTP
 * layer's body parser wraps each number in this class (from the reviver's `context.source`) and the codec
 * does the same for record values, so the contracts decide what a number may be, from its exact text.
 * There is one class for the whole system: `instanceof` checks only agree if every package uses this one.
 */

/** What `JSON.rawJSON` returns: `JSON.stringify` writes its `rawJSON` text as is. */
export interface RawJson {
  readonly rawJSON: string;
}

/** Node 21+ has `JSON.rawJSON`; TypeScript's lib does not declare it yet. */
const nativeJson = JSON as unknown as { rawJSON(text: string): RawJson };

/** `JSON.rawJSON(text)`: `text` must be a JSON primitive's text (it throws a SyntaxError otherwise). */
export function rawJson(text: string): RawJson {
  return nativeJson.rawJSON(text);
}

/**
 * It has no `toJSON` on purpose: a `JsonNumber` is input, to be turned into a `Decimal` or an int by
 * the rules; serializers differ in how they treat `JSON.rawJSON` values, so one that reaches a
 * serializer shows up plainly as `{"source":"…"}` instead of being silently re-typed.
 */
export class JsonNumber {
  /** The number exactly as written in the JSON text; always valid JSON number syntax. */
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  toString(): string {
    return this.source;
  }
}

/** A `JSON.parse` reviver turning every number into a `JsonNumber` (what the HTTP body parser uses). */
export function reviveJsonNumber(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' ? new JsonNumber(context?.source ?? String(value)) : value;
}
