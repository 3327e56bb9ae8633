/**
 * The request-body JSON parser, used instead of Fastify's.
 *
 * Why our own: every JSON number becomes a `JsonNumber` holding its exact source text (via the
 * reviver's `context.source`, Node 22+), so `12000.50` reaches the event as `12000.50`, not as a double;
 * problems become the SPEC's 400 bodies with a message saying what is wrong; nesting is bounded before
 * parsing, so a hostile `[[[[...` cannot make the reviver recurse deep; duplicated keys are refused
 * (the body must mean one thing to every reader); `__proto__` keys are dropped
 * (unknown fields are ignored anyway), so no later merge can be poisoned.
 */
import { ClientError } from './errors.ts';
import { JsonNumber } from './json-number.ts';

export const MALFORMED_JSON = 'Malformed JSON request';
export const DEFAULT_MAX_JSON_DEPTH = 32;

/** Media types this parser accepts besides `application/json`: `application/<anything>+json`. */
export const JSON_SUFFIX_MEDIA_TYPE = /^application\/[\w!#$%&'*.^`|~-]+\+json(?:\s*;|$)/;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const COLON = 0x3a;

/** JSON whitespace: space, tab, line feed, carriage return. */
function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Throws a 400 when objects/arrays nest deeper than `maxDepth`, or when an object has the same key
 * twice (as Jackson's STRICT_DUPLICATE_DETECTION does): `JSON.parse` keeps the last one silently, so a
 * proxy or a logger reading the first would see another request than the service. Strings are skipped
 * correctly; keys are compared after unescaping (`"a"` and `"\u0061"` are the same key).
 */
export function assertJsonStructure(text: string, maxDepth: number): void {
  let depth = 0;
  // The keys seen in each open container: a Set for an object, null for an array.
  const keys: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) {
          break;
        }
      }
      const seen = keys[keys.length - 1];
      if (seen) {
        let next = i + 1;
        while (next < text.length && isJsonSpace(text.charCodeAt(next))) next++;
        if (text.charCodeAt(next) === COLON) {
          const key = escaped ? unescapeKey(text.slice(start, i + 1)) : text.slice(start + 1, i);
          if (key !== undefined && seen.has(key)) {
            const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
            throw new ClientError(400, MALFORMED_JSON, `Duplicate field ${shown}`);
          }
          if (key !== undefined) seen.add(key);
        }
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) {
        throw new ClientError(400, MALFORMED_JSON, `JSON nesting is deeper than ${maxDepth} levels`);
      }
      keys.push(c === OPEN_OBJECT ? new Set() : null);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      keys.pop();
    }
  }
}

/** A quoted key with escapes, unescaped; undefined when it is not a valid JSON string (parse says so). */
function unescapeKey(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body bytes as text; malformed UTF-8 is a 400, never silently replaced by U+FFFD. */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ClientError(400, MALFORMED_JSON, 'Request body is not valid UTF-8');
  }
}

function revive(key: string, value: unknown, context?: { source?: string }): unknown {
  if (key === '__proto__') return undefined;
  if (typeof value === 'number') return new JsonNumber(context?.source ?? String(value));
  return value;
}

/** Parses a request body; numbers become `JsonNumber`s. Throws `ClientError` 400 on any problem. */
export function parseJsonBody(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new ClientError(400, MALFORMED_JSON, 'Request body is missing');
  assertJsonStructure(body, maxDepth);
  try {
    return JSON.parse(body, revive);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClientError(400, MALFORMED_JSON, `JSON parse error: ${reason}`);
  }
}

/** Throws a 415 unless the Content-Type's charset (if any) is UTF-8, the only one JSON allows. */
export function assertUtf8Charset(contentType: string | undefined): void {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  const charset = match?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ClientError(
      415,
      'Unsupported Media Type',
      `Charset "${match?.[1]}" is not supported; send UTF-8`,
    );
  }
}
