/**
 * JSON Schema (draft 2020-12) documents of the events, derived from the same field tables as the codec.
 *
 * Why it exists: people integrating with the topics (a Java team, a schema registry later — the
 * original's own "next ideas") need the wire format written down, and a hand-written copy would drift.
 * Two views: `produced` is what `encodeEvent` writes (and what a producer should write); `accepted` is
 * everything `decodeEvent` reads (Jackson's extra forms: numeric strings, epoch seconds, ...).
 */
import { DecimalLimits } from './decimal.ts';
import { type EventTypeName, EventTypes } from './events.ts';
import { INT32_MAX, INT32_MIN } from './field-values.ts';
import { MAX_EPOCH_SECOND } from './instant.ts';
import type { FieldKind } from './schema.ts';

export type JsonSchemaMode = 'produced' | 'accepted';

type JsonSchema = Record<string, unknown>;

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const ISO_UTC_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
const DECIMAL_STRING_PATTERN = '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$';
const INT_STRING_PATTERN = '^\\s*[+-]?\\d+\\s*$';
const EPOCH_STRING_PATTERN = '^\\s*(\\d+\\.?\\d*|\\.\\d+)\\s*$';

const decimalNote =
  `exact decimal, written with its scale (12000.50) or in exponent form (1E+3); ` +
  `at most ${DecimalLimits.maxDigits} significant digits, exponent within ±${DecimalLimits.maxExponent}`;

function producedKind(kind: FieldKind): JsonSchema {
  switch (kind) {
    case 'uuid':
      return { type: 'string', format: 'uuid', pattern: UUID_PATTERN };
    case 'string':
      return { type: 'string' };
    case 'decimal':
      return { type: 'number', $comment: decimalNote };
    case 'int32':
      return { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX };
    case 'instant':
      return { type: 'string', format: 'date-time', pattern: ISO_UTC_PATTERN };
  }
}

function acceptedKind(kind: FieldKind): JsonSchema {
  switch (kind) {
    case 'uuid':
      return { type: 'string', format: 'uuid', pattern: UUID_PATTERN };
    case 'string':
      return {
        type: ['string', 'number', 'boolean'],
        $comment: 'numbers and booleans are read as their text',
      };
    case 'decimal':
      return {
        anyOf: [{ type: 'number' }, { type: 'string', pattern: DECIMAL_STRING_PATTERN }],
        $comment: decimalNote,
      };
    case 'int32':
      return {
        anyOf: [
          { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX },
          { type: 'string', pattern: INT_STRING_PATTERN },
        ],
      };
    case 'instant':
      return {
        anyOf: [
          { type: 'string', format: 'date-time', $comment: 'Z or an offset; normalized to UTC' },
          { type: 'number', minimum: 0, exclusiveMaximum: MAX_EPOCH_SECOND + 1, $comment: 'epoch seconds' },
          { type: 'string', pattern: EPOCH_STRING_PATTERN, $comment: 'epoch seconds' },
        ],
        $comment: 'from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z; at most 9 fraction digits',
      };
  }
}

/** The JSON Schema of an event type's record value. */
export function toJsonSchema(type: EventTypeName, mode: JsonSchemaMode = 'produced'): JsonSchema {
  const definition = EventTypes[type];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of definition.fields) {
    const kindSchema = mode === 'produced' ? producedKind(field.kind) : acceptedKind(field.kind);
    properties[field.name] = { description: field.description, ...kindSchema };
    if (field.required) required.push(field.name);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:commerce:event:${definition.topic}:${mode}`,
    title: definition.javaClassName.slice(definition.javaClassName.lastIndexOf('.') + 1),
    description:
      `${type} event (${mode === 'produced' ? 'as written' : 'as read'}) on topic ${definition.topic}; ` +
      `record key: ${definition.keyField}; __TypeId__ header: ${definition.javaClassName}. ` +
      'Unknown fields are ignored by readers.',
    type: 'object',
    properties,
    required,
    additionalProperties: true,
  };
}
