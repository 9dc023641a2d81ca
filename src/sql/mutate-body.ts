// The request body of a write as SQL: one JSON bind parameter turned into typed rows (`pgrst_body`) by
// json_to_record(set), with column defaults merged in for `Prefer: missing=default`; or, for an inserted lone object
// of scalars (MutateBody.fields), one text parameter per column read as the column's type, or one parameter of the
// column's type per column. No I/O.
import type { BodyField, MutateBody, PayloadColumn } from '../plan/mutate-types.js';
import { type Fragment, ident, join, keyword, param, qualified, sql } from './fragment.js';

/** The alias of the body's rows in the write statement. */
export const BODY_ALIAS = 'pgrst_body';
const BODY = keyword(BODY_ALIAS);

/**
 * SQL text the schema cache read from the catalog — a type as `format_type` prints it, a default as `pg_get_expr`
 * deparses it — which cannot travel as a parameter. Never request input: names from requests only reach it through
 * an exact match against the cached columns.
 */
function catalogText(text: string): Fragment {
  return keyword(text);
}

/** `"col" type, ...`: the column definition list of json_to_record(set). */
function columnDefinitions(columns: readonly PayloadColumn[]): Fragment {
  return join(
    columns.map((c) => sql`${ident(c.name)} ${catalogText(c.readType)}`),
    ', ',
  );
}

/** `jsonb_build_object('col', (default), ...)` for the body columns that have a default. */
function defaultsObject(columns: readonly PayloadColumn[]): Fragment {
  const pairs: Fragment[] = [];
  for (const c of columns) {
    if (c.default !== null) pairs.push(sql`${param(c.name)}::text, (${catalogText(c.default)})`);
  }
  return sql`pg_catalog.jsonb_build_object(${join(pairs, ', ')})`;
}

/**
 * `<rows> AS pgrst_body(...)`: the body's rows typed as the target columns. An object is one row, an array one row per
 * element; without keys (`{}`, `[{}, {}]`) the rows have no columns, so every column takes its default.
 */
export function bodySource(body: MutateBody): Fragment {
  if (body.fields !== undefined) return fieldsSource(body.fields);
  const json = param(body.json);
  if (body.columns.length === 0) {
    return body.isArray ? sql`pg_catalog.json_array_elements(${json}::json) AS ${BODY}` : sql`(VALUES (1)) AS ${BODY}`;
  }
  const defs = columnDefinitions(body.columns);
  if (!body.applyDefaults) {
    return body.isArray
      ? sql`pg_catalog.json_to_recordset(${json}::json) AS ${BODY}(${defs})`
      : sql`pg_catalog.json_to_record(${json}::json) AS ${BODY}(${defs})`;
  }
  // Keys a row lacks take the column default: the defaults object is merged under each row (jsonb, last key wins).
  // The parameter stays `json` (the body's bytes are its binary form, not jsonb's) and is cast.
  const defaults = defaultsObject(body.columns);
  return body.isArray
    ? sql`pg_catalog.jsonb_to_recordset((SELECT pg_catalog.jsonb_agg(${defaults} || _pgrst_row) FROM pg_catalog.jsonb_array_elements(${json}::json::jsonb) AS _pgrst_row)) AS ${BODY}(${defs})`
    : sql`pg_catalog.jsonb_to_record(${defaults} || ${json}::json::jsonb) AS ${BODY}(${defs})`;
}

/**
 * `(SELECT $1::text AS "a", ... OFFSET 0) AS pgrst_body`: a lone object's values as text parameters, one per column.
 * Read as their columns' types above the fence (fieldValue), they are read when the statement runs, after the
 * privileges are checked, as json_to_record reads them; without it the planner would read a value while planning.
 */
function fieldsSource(fields: readonly BodyField[]): Fragment {
  const texts = fields.map((f) => sql`${param(f.text)}::text AS ${ident(f.name)}`);
  return sql`(SELECT ${join(texts, ', ')} OFFSET 0) AS ${BODY}`;
}

/**
 * `$1::type, ...`: a lone object's values as parameters of its columns' types (no typmod: the assignment applies it),
 * for a VALUES list. PostgreSQL reads them at Bind, before the statement runs and its privileges are checked: only
 * where nothing of the user's runs during the insert, and with the fenced form (bodySource) to answer any error.
 */
export function boundValues(fields: readonly BodyField[]): Fragment {
  return join(
    fields.map((f) => sql`${param(f.text)}::${catalogText(f.type)}`),
    ', ',
  );
}

/** `pgrst_body."col"::type`: a value of fieldsSource read as its column's type (no typmod: the assignment applies it). */
function fieldValue(field: BodyField): Fragment {
  return sql`${BODY}.${ident(field.name)}::${catalogText(field.type)}`;
}

/** The values the body writes, in `body.columns` order, read from bodySource. */
export function bodyValues(body: MutateBody): Fragment[] {
  return body.fields !== undefined ? body.fields.map(fieldValue) : body.columns.map(bodyValue);
}

/** The value a body column writes: `pgrst_body."col"`, through its `json → domain` parser when it has one. */
function bodyValue(column: PayloadColumn): Fragment {
  const value = sql`${BODY}.${ident(column.name)}`;
  return column.transform ? sql`${qualified(column.transform.schema, column.transform.name)}(${value})` : value;
}
