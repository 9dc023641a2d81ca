// Catalog queries for domain representations (implicit casts between a domain and json/text) and for
// custom media type handlers (domains named like a media type), with their decoders. Planning uses them later.

import type { DataRepresentation, MediaHandlerEntry, RelIdentifier } from '../types.js';
import { type CatalogDb, type Row, rowsOf, EMPTY_SEARCH_PATH_CTE, qualified, str } from './common.js';

const REPRESENTATIONS_SQL = `
WITH ${EMPTY_SEARCH_PATH_CTE}
SELECT
  ${qualified('c.castsource::regtype::text')} AS source_type,
  ${qualified('c.casttarget::regtype::text')} AS target_type,
  fn.nspname AS fn_schema,
  f.proname AS fn_name
FROM cfg
CROSS JOIN pg_catalog.pg_cast c
JOIN pg_catalog.pg_type src ON src.oid = c.castsource
JOIN pg_catalog.pg_type dst ON dst.oid = c.casttarget
JOIN pg_catalog.pg_proc f ON f.oid = c.castfunc
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
WHERE c.castcontext = 'i'
  AND c.castmethod = 'f'
  AND pg_catalog.has_function_privilege(c.castfunc, 'execute')
  AND ((src.typtype = 'd' AND c.casttarget IN ('pg_catalog.json'::regtype, 'pg_catalog.text'::regtype))
    OR (dst.typtype = 'd' AND c.castsource IN ('pg_catalog.json'::regtype, 'pg_catalog.text'::regtype)))
ORDER BY 1, 2`;

/** Loads the domain representation casts. */
export async function queryRepresentations(db: CatalogDb): Promise<DataRepresentation[]> {
  const rows = rowsOf(await db.query(REPRESENTATIONS_SQL));
  return rows.map(
    (row: Row): DataRepresentation => ({
      sourceType: str(row.source_type),
      targetType: str(row.target_type),
      function: { schema: str(row.fn_schema), name: str(row.fn_name) },
    }),
  );
}

// Two kinds of handler: (1) an aggregate of an exposed schema over a relation row type (or anyelement)
// returning a media-type domain; (2) a non-SETOF function of an exposed schema returning one.
const MEDIA_HANDLERS_SQL = `
WITH media_types AS (
  SELECT t.oid, t.typnamespace, t.typname AS domain_name, lower(t.typname) AS media_type,
    CASE t.typname WHEN '*/*' THEN 'application/octet-stream' ELSE t.typname::text END AS resolved
  FROM pg_catalog.pg_type t
  WHERE t.typtype = 'd' AND (t.typname ~* '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' OR t.typname = '*/*')
)
SELECT 'aggregate' AS kind, pn.nspname AS h_schema, p.proname AS h_name,
  CASE WHEN p.proargtypes[0] = 'pg_catalog.anyelement'::regtype THEN NULL ELSE rn.nspname END AS t_schema,
  CASE WHEN p.proargtypes[0] = 'pg_catalog.anyelement'::regtype THEN NULL ELSE rc.relname END AS t_name,
  mt.media_type, mt.resolved
FROM media_types mt
JOIN pg_catalog.pg_proc p ON p.prorettype = mt.oid AND p.prokind = 'a' AND p.pronargs = 1
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.reltype = p.proargtypes[0] AND rc.relkind IN ('r', 'v', 'm', 'f', 'p')
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE pn.nspname = ANY($1::text[])
  AND (rc.oid IS NOT NULL OR p.proargtypes[0] = 'pg_catalog.anyelement'::regtype)
UNION ALL
SELECT 'function', tn.nspname, mt.domain_name, pn.nspname, p.proname, mt.media_type, mt.resolved
FROM media_types mt
JOIN pg_catalog.pg_namespace tn ON tn.oid = mt.typnamespace
JOIN pg_catalog.pg_proc p ON p.prorettype = mt.oid AND p.prokind = 'f' AND NOT p.proretset
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
WHERE pn.nspname = ANY($1::text[])
ORDER BY 1, 4, 5, 6, 2, 3`;

/** Loads custom media handlers of `schemas` (the built-in ones are added in build.ts). */
export async function queryMediaHandlers(db: CatalogDb, schemas: readonly string[]): Promise<MediaHandlerEntry[]> {
  const rows = rowsOf(await db.query(MEDIA_HANDLERS_SQL, [schemas]));
  return rows.map((row: Row): MediaHandlerEntry => {
    const target: RelIdentifier =
      row.t_name === null || row.t_name === undefined
        ? { kind: 'anyelement' }
        : { kind: 'rel', qi: { schema: str(row.t_schema), name: str(row.t_name) } };
    const handlerQi = { schema: str(row.h_schema), name: str(row.h_name) };
    return {
      target,
      mediaType: str(row.media_type),
      handler:
        str(row.kind) === 'aggregate'
          ? { kind: 'aggregate', function: handlerQi }
          : { kind: 'function', domain: handlerQi },
      resolvedMediaType: str(row.resolved),
    };
  });
}
