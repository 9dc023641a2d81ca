// SQL pieces shared by the catalog queries and the row-decoding helpers they use.
// Only static SQL text lives here: every runtime value reaches the queries as a bind parameter.

/** The interface the loader needs from a pg Client or Pool. */
export interface CatalogDb {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A result row as the driver returns it. */
export type Row = Readonly<Record<string, unknown>>;

/** The rows of a result, typed as records. */
export function rowsOf(result: { rows: unknown[] }): Row[] {
  return result.rows as Row[];
}

/**
 * CTE that empties search_path for the rest of the statement's (implicit) transaction, so that
 * format_type / pg_get_expr / ::regtype print schema-qualified names, as PostgREST's `set local schema ''`.
 * It is transaction-local (set_config(..., true)), so nothing leaks into the session: safe behind PgBouncer.
 * Every search_path-dependent expression must go through `qualified()` so it runs after this CTE.
 */
export const EMPTY_SEARCH_PATH_CTE = `cfg AS (SELECT pg_catalog.set_config('search_path', '', true) AS sp)`;

/**
 * Guards a search_path-dependent expression: it references cfg.sp, so PostgreSQL can only evaluate it on
 * rows joined with cfg, i.e. after set_config ran. The query must join `cfg`.
 */
export function qualified(expr: string): string {
  return `CASE WHEN cfg.sp IS NOT NULL THEN (${expr}) END`;
}

/** CTE `domain_bases(oid, base)`: every domain and its final (non-domain) base type; works on every PG version. */
export const DOMAIN_BASES_CTE = `domain_chain AS (
    SELECT t.oid, t.typbasetype AS base FROM pg_catalog.pg_type t WHERE t.typtype = 'd'
    UNION ALL
    SELECT dc.oid, t.typbasetype FROM domain_chain dc JOIN pg_catalog.pg_type t ON t.oid = dc.base WHERE t.typtype = 'd'
  ),
  domain_bases AS (
    SELECT dc.oid, dc.base FROM domain_chain dc JOIN pg_catalog.pg_type bt ON bt.oid = dc.base WHERE bt.typtype <> 'd'
  )`;

/** A text column. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/** A nullable text column. */
export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

/** A number column (int, oid; int8 arrives as text). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A boolean column. */
export function bool(v: unknown): boolean {
  return v === true || v === 't' || v === 'true';
}

/** A json column: pg parses json by default, but a caller may have disabled type parsing. */
export function json<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** A text[] column, or [] when null. */
export function strArray(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map(str);
  return json<unknown[]>(v).map(str);
}
