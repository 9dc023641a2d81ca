// The SQL that builds a response body inside PostgreSQL from the rows of `pgrst_source` (aliased `_postgrest_t`):
// JSON array, single object, nulls-stripped variants, CSV, GeoJSON and custom media type handlers. No I/O.
import type { CustomHandler } from '../plan/media.js';
import type { MediaType } from '../request/media-type.js';
import { type Fragment, ident, join, keyword, qualified, sql } from './fragment.js';

const JSON_ARRAY = keyword("coalesce(json_agg(_postgrest_t), '[]')::text");
const OBJECT = keyword("coalesce((json_agg(_postgrest_t)->0)::text, 'null')");
const OBJECT_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t)->0)::text, 'null')");
// Stripping the aggregate (not each row) also drops json_agg's ", \n " separators, byte for byte as PostgREST sends it.
const ARRAY_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t)), '[]')::text");
// CSV as PostgreSQL prints records: a header of the column names, then each row's text form without its parentheses
// (one record-to-text conversion per row; btrim may take every leading '(' and trailing ')' because a value that
// begins or ends with one is always double-quoted in a record's text).
const CSV_HEADER =
  "(SELECT coalesce(string_agg(_k, ','), '') FROM (SELECT json_object_keys(to_json(_h)) AS _k FROM (SELECT * FROM pgrst_source LIMIT 1) _h) _ks)";
const CSV = keyword(`${CSV_HEADER} || chr(10) || coalesce(string_agg(btrim(_postgrest_t::text, '()'), chr(10)), '')`);

/**
 * CSV whose rows are the given output columns joined with commas, for columns whose text a record never quotes and
 * that are never null (concat_ws would drop a null): the same bytes as {@link CSV}, without building a record per row
 * (csv100k: about a quarter less database time).
 */
export function unquotedCsvExpr(columns: readonly string[]): Fragment {
  const values = join(
    columns.map((c) => sql`_postgrest_t.${ident(c)}`),
    ', ',
  );
  return sql`${keyword(CSV_HEADER)} || chr(10) || coalesce(string_agg(concat_ws(',', ${values}), chr(10)), '')`;
}

// GeoJSON through PostGIS; without PostGIS it fails as in PostgREST (42883 on st_asgeojson).
const GEO_JSON = keyword(
  "json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(_postgrest_t)::json), '[]'))::text",
);

/** The body expression for a negotiated media type. */
export function bodyExpr(media: MediaType): Fragment {
  switch (media.kind) {
    case 'csv':
      return CSV;
    case 'object':
      return media.nullsStripped ? OBJECT_STRIPPED : OBJECT;
    case 'array-stripped':
      return ARRAY_STRIPPED;
    case 'geo-json':
      return GEO_JSON;
    default:
      return JSON_ARRAY;
  }
}

const ROW = keyword('_postgrest_t');
const SCALAR_VALUE = keyword('_postgrest_t.pgrst_scalar');

/**
 * The body a custom handler builds: `handler(value)` over a function's scalar result (a cast to the media-type domain
 * for a function handler), else the aggregate over the rows, cast to the relation's row type when it has one.
 */
export function handlerBodyExpr(handler: CustomHandler, scalar: boolean): Fragment {
  const fn = handler.kind === 'aggregate' ? handler.function : handler.domain;
  const call = qualified(fn.schema, fn.name);
  if (scalar) return sql`${call}(${SCALAR_VALUE})`;
  if (handler.kind === 'function' || handler.target.kind === 'anyelement') return sql`${call}(${ROW})`;
  return sql`${call}(${ROW}::${qualified(handler.target.qi.schema, handler.target.qi.name)})`;
}

/**
 * Whether building the body may run user code while PostgreSQL computes the response row, not only inside its
 * aggregates: a handler (a user function or aggregate), or CSV's header, a subquery reading the source once more.
 */
export function bodyRunsUserCode(media: MediaType, handler: CustomHandler | undefined): boolean {
  return handler !== undefined || media.kind === 'csv';
}

/** Whether the handler's body is a plain value rather than an aggregate (a function's result cast to its domain). */
export function handlerIsScalarCast(handler: CustomHandler | undefined): boolean {
  return handler?.kind === 'function';
}
