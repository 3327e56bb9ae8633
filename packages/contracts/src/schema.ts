/**
 * The declarative field tables that describe each event, and what is derived from them.
 *
 * Why it exists: an event's shape is written down once, as a table of `field → kind, required` in wire
 * order; the codec decodes and encodes by walking it and `toJsonSchema` documents it. The table is typed
 * against the event's TypeScript interface, so a field added to one and not the other, or given the wrong
 * kind, does not compile.
 */
import type { Decimal } from './decimal.ts';
import type { Instant } from './instant.ts';

/**
 * - `uuid`: 8-4-4-4-12 hexadecimal text.
 * - `string`: any text (also what Jackson makes of a number or boolean); e-mail addresses are only
 *   checked at the HTTP edge, as the Java consumer does not check them either.
 * - `decimal`: an exact `Decimal` (JSON number, or numeric string when read).
 * - `int32`: a JSON integer within Java's `int`.
 * - `instant`: an `Instant` (ISO-8601 when written; epoch seconds or ISO-8601 when read).
 */
export type FieldKind = 'uuid' | 'string' | 'decimal' | 'int32' | 'instant';

export const FIELD_KINDS: readonly FieldKind[] = ['uuid', 'string', 'decimal', 'int32', 'instant'];

export interface FieldDef<K extends FieldKind = FieldKind> {
  readonly kind: K;
  /** Missing or null is refused (every field of every event is required today). */
  readonly required: boolean;
  readonly description: string;
}

/** The kinds a TypeScript field type may be described by. */
type KindFor<T> = T extends Decimal
  ? 'decimal'
  : T extends Instant
    ? 'instant'
    : T extends number
      ? 'int32'
      : T extends string
        ? 'uuid' | 'string'
        : never;

/** One entry per field of `E`, in the order the fields are written on the wire. */
export type EventSchema<E> = { readonly [K in keyof E]-?: FieldDef<KindFor<E[K]>> };

/** A schema entry with its name, ready for a loop. */
export interface SchemaField {
  readonly name: string;
  /** The name as JSON text, with its quotes (`"orderId"`), precomputed for the encoder. */
  readonly jsonName: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly description: string;
}

/** The entries of a schema table as a list, in the table's (wire) order. */
export function schemaFields(schema: { readonly [name: string]: FieldDef }): readonly SchemaField[] {
  return Object.entries(schema).map(([name, def]) => ({
    name,
    jsonName: JSON.stringify(name),
    kind: def.kind,
    required: def.required,
    description: def.description,
  }));
}
