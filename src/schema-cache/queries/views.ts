// Catalog query for the definitions (pg_rewrite node trees) and columns of views in the exposed and
// extra-search-path schemas. The node trees are parsed in node-tree.ts; this file does not interpret them.

import { type CatalogDb, type Row, rowsOf, json, num, str } from './common.js';

/** A view or materialized view with its raw `_RETURN` rule and its columns by attnum. */
export interface LoadedView {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly definition: string;
  readonly columnNames: ReadonlyMap<number, string>;
}

const VIEWS_SQL = `
SELECT
  c.oid,
  n.nspname AS schema,
  c.relname AS name,
  r.ev_action::text AS definition,
  (SELECT json_agg(json_build_array(a.attnum, a.attname) ORDER BY a.attnum)
   FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid AND r.rulename = '_RETURN'
WHERE c.relkind IN ('v', 'm')
  AND n.nspname = ANY($1::text[])`;

/** Loads the views of `schemas` (exposed plus extra search path). */
export async function queryViews(db: CatalogDb, schemas: readonly string[]): Promise<LoadedView[]> {
  const rows = rowsOf(await db.query(VIEWS_SQL, [schemas]));
  return rows.map((row: Row): LoadedView => {
    const cols = row.columns === null ? [] : json<unknown[][]>(row.columns);
    return {
      oid: num(row.oid),
      schema: str(row.schema),
      name: str(row.name),
      definition: str(row.definition),
      columnNames: new Map(cols.map((c) => [num(c[0]), str(c[1])])),
    };
  });
}
