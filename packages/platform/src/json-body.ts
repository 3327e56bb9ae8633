/**
 * The request-body JSON parser, used instead of Fastify's.
 *
 * Why our own: every JSON number becomes a `JsonNumber` holding its exact source text (via the
 * reviver's `context.source`, Node 22+), so `12000.50` reaches the event as `12000.50`, not as a double;
 * problems become the SPEC's 400 bodies with a message saying what is wrong; nesting is bounded before
 * parsing, so a hostile `[[[[...` cannot make the reviver recurse deep; `__proto__` keys are dropped
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

/** Throws a 400 when objects/arrays nest deeper than `maxDepth`; strings are skipped correctly. */
export function assertJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) {
        throw new ClientError(400, MALFORMED_JSON, `JSON nesting is deeper than ${maxDepth} levels`);
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
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
  assertJsonDepth(body, maxDepth);
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
