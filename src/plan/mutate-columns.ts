// The column-level passes of a write plan: the body's keys resolved to table columns (PGRST204), and the columns the
// mutation must RETURN so the representation, its embeds and `Location` can be built. No SQL text here.
import { pgrst204ColumnNotFound } from '../errors/catalogue-schema-cache.js';
import type { ScalarMembers } from '../request/json-scan.js';
import type { Payload } from '../request/payload.js';
import { findRepresentation } from '../schema-cache/lookup.js';
import type { Column, SchemaCache, Table } from '../schema-cache/types.js';
import type { BodyField, MutateBody, PayloadColumn, Returning } from './mutate-types.js';
import type { ReadPlan } from './types.js';

/**
 * A table/JSON body resolved against `table`: every key must be one of its columns. `insert`: the body of a POST,
 * whose lone object of scalars may go as one parameter per column.
 */
export function mutateBody(payload: Payload, table: Table, cache: SchemaCache, applyDefaults: boolean, insert: boolean): MutateBody {
  if (payload.kind !== 'json' && payload.kind !== 'raw-json') {
    // parsePayload only yields these for RPC; a relation body is always JSON by now.
    throw new Error(`unexpected ${payload.kind} payload for a relation`);
  }
  const columns: PayloadColumn[] = [];
  for (const key of payload.keys) columns.push(payloadColumn(table, key, cache));
  const scalars = payload.kind === 'json' ? payload.scalars : undefined;
  const fields = insert && !applyDefaults && scalars !== undefined ? scalarFields(scalars, columns, table) : undefined;
  return { json: payload.json, isArray: payload.isArray, columns, applyDefaults, fields };
}

/**
 * The object's value per column when every column takes it as text: json_to_record gives a scalar column its input
 * function on the value's text (a string unescaped, a number as written), which is what a text parameter read as the
 * column's type gets (sql/mutate-body.ts `bodySource`: when the statement runs, after the privileges are checked, as
 * json_to_record reads it, so a role without INSERT still gets 42501 for a bad value). Not for json/jsonb
 * (json_to_record re-quotes a string), arrays and composites (it converts JSON arrays and objects), types it reads with
 * a typmod that an assignment would apply differently (`interval minute` reads `'1'` as a minute, an assignment cuts a
 * second), nor a representation's parser. PostgreSQL spends ~10k fewer instructions on such an INSERT (callgrind: no
 * function scan, tuple descriptor, record type or JSON).
 */
function scalarFields(scalars: ScalarMembers, columns: readonly PayloadColumn[], table: Table): BodyField[] | undefined {
  if (columns.length === 0) return undefined;
  const fields: BodyField[] = [];
  for (const c of columns) {
    const column = table.columnsByName.get(c.name)!; // payloadColumn found it
    const text = scalars.text(c.name);
    if (c.transform !== undefined || text === undefined || !takesText(column)) return undefined;
    fields.push({ name: c.name, text, type: fieldType(column) });
  }
  return fields;
}

// pg_catalog types (Column.type: a domain's base type) whose input of a JSON scalar's text is all json_to_record does.
const TEXT_INPUT = new Set([
  'smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'text', 'character varying', 'character',
  'boolean', 'uuid', 'date', 'timestamp with time zone', 'timestamp without time zone', 'bytea', 'inet', 'cidr', 'macaddr',
]);
// Of those, the ones whose input with a typmod and assignment to it agree (the same rounding, truncated spaces, errors).
const TYPMOD_AGREES = new Set(['character varying', 'character', 'numeric']);

/** A domain or enum by its own name; else the pg_catalog type without its typmod (the assignment applies that). */
function fieldType(column: Column): string {
  if (column.baseType !== null || column.enumValues.length > 0) return column.nominalType;
  // `character` alone means character(1): blank-padded text of any length is `bpchar`
  return column.type === 'character' ? 'bpchar' : column.type;
}

// Types whose explicit cast to a typmod cuts what input with that typmod rejects: a domain over one of them may carry
// a length (not in the schema cache) that the cast to the domain would apply by cutting.
const CAST_CUTS = new Set(['character varying', 'character']);

function takesText(column: Column): boolean {
  if (column.isArray) return false;
  if (column.baseType !== null && CAST_CUTS.has(column.type)) return false;
  // a domain is read as the domain, its base typmod applied as input applies it
  const typmod = column.baseType === null && column.nominalType.includes('(');
  if (column.enumValues.length > 0) return !typmod;
  return TEXT_INPUT.has(column.type) && (!typmod || TYPMOD_AGREES.has(column.type));
}

/** One key of the body as a column (PGRST204 when the relation has no such column). */
function payloadColumn(table: Table, name: string, cache: SchemaCache): PayloadColumn {
  const column = table.columnsByName.get(name);
  if (column === undefined) throw pgrst204ColumnNotFound(table.name, name);
  const parser = findRepresentation(cache, 'json', column.nominalType);
  return parser
    ? { name, readType: 'json', transform: parser.function, default: column.default }
    : { name, readType: column.nominalType, transform: undefined, default: column.default };
}

/** Columns of `table` among `names`, in the table's column order (unknown names last, as given). */
function inTableOrder(table: Table, names: ReadonlySet<string>): string[] {
  const out = table.columns.filter((c) => names.has(c.name)).map((c) => c.name);
  for (const n of names) if (!table.columnsByName.has(n)) out.push(n);
  return out;
}

/**
 * What RETURNING must give the representation of `read`: every column when it selects `*`, a computed field (which
 * takes the whole row) or embeds through a computed relationship; otherwise the selected and ordered columns, the
 * primary key and the columns the embeds join on.
 */
export function representationReturning(read: ReadPlan, table: Table): Returning {
  const names = new Set<string>();
  for (const s of read.select) {
    if (s.kind !== 'field') return { kind: 'star' };
    const name = s.item.field.name;
    if (name === '*' || s.computed !== undefined) return { kind: 'star' };
    names.add(name);
  }
  for (const term of read.order) {
    if (term.kind !== 'field') continue;
    const name = term.field.name;
    if (!table.columnsByName.has(name) && read.computed.has(name)) return { kind: 'star' };
    names.add(name);
  }
  for (const embed of read.embeds) {
    const rel = embed.relationship;
    if (rel.kind === 'computed') return { kind: 'star' };
    const pairs = rel.cardinality.kind === 'M2M' ? rel.cardinality.junction.sourceColumns : rel.cardinality.columns;
    for (const [own] of pairs) names.add(own);
  }
  for (const pk of table.pkCols) names.add(pk);
  return { kind: 'columns', names: inTableOrder(table, names) };
}

/** The primary key columns `Location` is built from, in the table's column order (none: RETURNING 1). */
export function locationReturning(table: Table): Returning {
  if (table.pkCols.length === 0) return { kind: 'none' };
  return { kind: 'columns', names: inTableOrder(table, new Set(table.pkCols)) };
}
