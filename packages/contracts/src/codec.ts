/**
 * The one JSON codec for event record values, used by every producer and consumer of the system.
 *
 * Why it exists: a record a consumer cannot read blocked its partition in the original, so what is
 * written and what is read must come from one place. Encoding writes the SPEC's field order, decimals as
 * exact JSON numbers, instants as ISO-8601 and refuses an event a Java consumer could not read. Decoding
 * accepts what the Java consumer accepts (Jackson 2.15 defaults, see `field-values.ts`), keeps every
 * digit, ignores unknown fields, and turns anything else into a `DecodeError` with a reason code, so the
 * caller can dead-letter the record at once. It runs per record, so the hot path avoids a reviver,
 * closures and allocations beyond the event itself.
 */

import { tryParseDecimal } from './decimal.ts';
import { type EventOf, type EventTypeName, EventTypes } from './events.ts';
import {
  ABSENT,
  coerceDecimal,
  coerceInstant,
  coerceInt32,
  coerceString,
  coerceUuid,
  INT32_MAX,
  INT32_MIN,
  Invalid,
} from './field-values.ts';
import { tryParseInstant } from './instant.ts';
import { JsonNumber } from './json-number.ts';
import { scanTopLevelNumbers } from './json-scan.ts';
import type { FieldKind, SchemaField } from './schema.ts';
import { isUuid } from './uuid.ts';

export const DECODE_REASONS = [
  'EMPTY',
  'TOO_LARGE',
  'TYPE_MISMATCH',
  'NOT_UTF8',
  'NOT_JSON',
  'NOT_OBJECT',
  'MISSING_FIELD',
  'INVALID_FIELD',
] as const;
export type DecodeReason = (typeof DECODE_REASONS)[number];

/** Why a record value is not a readable event; `message` names the field when there is one. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  readonly reason: DecodeReason;
  readonly field: string | undefined;

  constructor(reason: DecodeReason, message: string, field?: string) {
    super(message);
    this.reason = reason;
    this.field = field;
  }
}

/** An event that must not be written: a field a Java consumer could not read. A bug in the caller. */
export class EncodeError extends TypeError {
  override name = 'EncodeError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

export interface DecodeOptions {
  /** The record's `__TypeId__` header (last one, as UTF-8), when it has one. */
  typeId?: string | undefined;
  /** The class name `typeId` must equal; default: the event type's `javaClassName`. */
  expectedTypeId?: string | undefined;
  /** Larger values are refused with `TOO_LARGE`; default 1 MiB. */
  maxBytes?: number | undefined;
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly event: T }
  | { readonly ok: false; readonly error: DecodeError };

type Coerce = (value: unknown) => unknown;

const coerceByKind: Record<FieldKind, Coerce> = {
  uuid: coerceUuid,
  string: coerceString,
  decimal: coerceDecimal,
  int32: coerceInt32,
  instant: coerceInstant,
};

interface CompiledType {
  readonly fields: readonly SchemaField[];
  readonly coerce: readonly Coerce[];
  /** Field name → position in `fields`, for the number scan. */
  readonly slots: ReadonlyMap<string, number>;
  /** Number source texts of the record being decoded (decoding is synchronous, so one buffer will do). */
  readonly sources: (string | undefined)[];
  readonly javaClassName: string;
}

function compile(type: EventTypeName): CompiledType {
  const { fields, javaClassName } = EventTypes[type];
  return {
    fields,
    coerce: fields.map((f) => coerceByKind[f.kind]),
    slots: new Map(fields.map((f, i) => [f.name, i])),
    sources: new Array<string | undefined>(fields.length),
    javaClassName,
  };
}

const compiled: Record<EventTypeName, CompiledType> = {
  OrderCreated: compile('OrderCreated'),
  OrderShipped: compile('OrderShipped'),
  ProductCreated: compile('ProductCreated'),
};

/** Strips a UTF-8 byte-order mark (Jackson skips it too); refuses malformed UTF-8. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function failure(reason: DecodeReason, message: string, field?: string): { ok: false; error: DecodeError } {
  return { ok: false, error: new DecodeError(reason, message, field) };
}

/** V8 quotes a piece of the input in some messages; values may hold personal data, logs must not. */
function withoutSnippet(message: string): string {
  return message.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
}

function reviveNumber(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' ? new JsonNumber(context?.source ?? String(value)) : value;
}

/** Decodes one record value into a typed event, or says precisely why it cannot be one. */
export function decodeEvent<T extends EventTypeName>(
  type: T,
  value: Uint8Array | null | undefined,
  options?: DecodeOptions,
): DecodeResult<EventOf<T>> {
  const schema = compiled[type];
  if (value === null || value === undefined || value.length === 0) {
    return failure('EMPTY', 'the record has no value');
  }
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (value.length > maxBytes) {
    return failure('TOO_LARGE', `the value has ${value.length} bytes; at most ${maxBytes} are accepted`);
  }
  const typeId = options?.typeId;
  if (typeId !== undefined) {
    const expected = options?.expectedTypeId ?? schema.javaClassName;
    if (typeId !== expected) {
      return failure(
        'TYPE_MISMATCH',
        `__TypeId__ ${JSON.stringify(typeId.slice(0, 200))} does not match ${type} (expected ${expected})`,
      );
    }
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return failure('NOT_UTF8', 'the value is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') return failure('EMPTY', 'the value is only whitespace');
    return failure('NOT_JSON', `the value is not JSON: ${withoutSnippet((error as Error).message)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return failure(
      'NOT_OBJECT',
      `the value is JSON but not an object (${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed})`,
    );
  }
  return readFields(schema, text, parsed as Record<string, unknown>) as DecodeResult<EventOf<T>>;
}

function readFields(
  schema: CompiledType,
  text: string,
  object: Record<string, unknown>,
): DecodeResult<unknown> {
  const { fields, coerce, sources } = schema;
  sources.fill(undefined);
  let scanned = false;
  const event: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    let raw = Object.hasOwn(object, field.name) ? object[field.name] : undefined;
    if (typeof raw === 'number') {
      if (!scanned) {
        scanned = true;
        try {
          scanTopLevelNumbers(text, schema.slots, sources);
        } catch {
          sources.fill(undefined);
        }
      }
      const source = sources[i];
      // Cannot happen for text JSON.parse accepted; if it ever did, the reviver gives the right answer.
      if (source === undefined) return readFields(schema, text, JSON.parse(text, reviveNumber));
      raw = new JsonNumber(source);
    }
    const value = coerce[i]!(raw);
    if (value === ABSENT) {
      if (field.required) {
        return failure(
          'MISSING_FIELD',
          `${field.name}: ${raw === undefined ? 'is missing' : `is ${describeAbsent(raw)}`}`,
          field.name,
        );
      }
      continue;
    }
    if (value instanceof Invalid)
      return failure('INVALID_FIELD', `${field.name}: ${value.message}`, field.name);
    event[field.name] = value;
  }
  return { ok: true, event };
}

function describeAbsent(raw: unknown): string {
  return raw === null ? 'null' : `${JSON.stringify(raw)}, which counts as null`;
}

// --- encoding -------------------------------------------------------------------------------------------

function refuse(field: SchemaField, value: unknown, expected: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 48)) : String(value);
  throw new EncodeError(field.name, `${field.name}: ${shown} is not ${expected}`);
}

function encodeValue(field: SchemaField, value: unknown): string {
  switch (field.kind) {
    case 'uuid':
      return isUuid(value) ? `"${value}"` : refuse(field, value, 'a UUID');
    case 'string':
      return typeof value === 'string' ? JSON.stringify(value) : refuse(field, value, 'a string');
    case 'decimal':
      return typeof value === 'string' && tryParseDecimal(value).ok
        ? value
        : refuse(field, value, 'a Decimal');
    case 'int32':
      return Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX
        ? String(value)
        : refuse(field, value, 'an int32');
    case 'instant': {
      const parsed = typeof value === 'string' ? tryParseInstant(value) : undefined;
      return parsed?.ok ? `"${parsed.value}"` : refuse(field, value, 'an Instant');
    }
  }
}

/** The event as JSON text: SPEC field order, exact decimals, ISO instants. Throws `EncodeError`. */
export function encodeEventText<T extends EventTypeName>(type: T, event: EventOf<T>): string {
  const { fields } = compiled[type];
  const values = event as unknown as Record<string, unknown>;
  let json = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = values[field.name];
    if (value === undefined || value === null) {
      if (field.required) throw new EncodeError(field.name, `${field.name}: is required`);
      continue;
    }
    json += `${json === '' ? '{' : ','}${field.jsonName}:${encodeValue(field, value)}`;
  }
  return json === '' ? '{}' : `${json}}`;
}

/** The event as a record value: UTF-8 JSON (see `encodeEventText`). Throws `EncodeError`. */
export function encodeEvent<T extends EventTypeName>(type: T, event: EventOf<T>): Buffer {
  return Buffer.from(encodeEventText(type, event), 'utf8');
}
