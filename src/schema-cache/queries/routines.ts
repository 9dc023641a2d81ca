// Catalog query for the functions of the exposed schemas callable through /rpc, and its decoder.
// Only prokind 'f' (no procedures, aggregates, window or trigger functions); overload order is set in build.ts.

import type { FuncVolatility, IsolationLevel, QualifiedIdentifier, RetType, Routine, RoutineParam } from '../types.js';
import { isolationLevelOf } from './roles.js';
import {
  bool,
  type CatalogDb,
  type Row,
  rowsOf,
  DOMAIN_BASES_CTE,
  EMPTY_SEARCH_PATH_CTE,
  json,
  qualified,
  str,
  strOrNull,
} from './common.js';

// Input parameters are the i/b/v entries of proallargtypes (all IN when it is null). A function is
// callable when every input is named, or its single unnamed input is bytea/json/jsonb/text/xml.
// As in PostgREST, an empty-string name (unnamed next to named ones) counts as a name.
const ROUTINES_SQL = `
WITH RECURSIVE ${EMPTY_SEARCH_PATH_CTE},
  ${DOMAIN_BASES_CTE},
  procs AS (
    SELECT p.*, n.nspname
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind = 'f' AND n.nspname = ANY($1::text[]) AND p.prorettype <> 'pg_catalog.trigger'::regtype
  ),
  inputs AS (
    SELECT p.oid, x.name, x.type, x.mode, row_number() OVER (PARTITION BY p.oid ORDER BY x.idx) AS ord,
           p.pronargs, p.pronargdefaults
    FROM procs p,
      unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
        WITH ORDINALITY AS x(type, name, mode, idx)
    WHERE x.type IS NOT NULL AND coalesce(x.mode, 'i') IN ('i', 'b', 'v')
  ),
  args AS (
    SELECT
      i.oid,
      json_agg(json_build_array(
        coalesce(i.name, ''),
        ${qualified('i.type::regtype::text')},
        ${qualified(`CASE i.type
          WHEN 'pg_catalog.bit'::regtype THEN 'bit varying'
          WHEN 'pg_catalog.bit[]'::regtype THEN 'bit varying[]'
          WHEN 'pg_catalog.bpchar'::regtype THEN 'character varying'
          WHEN 'pg_catalog.bpchar[]'::regtype THEN 'character varying[]'
          ELSE i.type::regtype::text
        END`)},
        i.ord <= i.pronargs - i.pronargdefaults,
        coalesce(i.mode = 'v', false)
      ) ORDER BY i.ord) AS params,
      CASE count(*) - count(i.name)
        WHEN 0 THEN true
        WHEN 1 THEN (array_agg(i.type ORDER BY i.ord))[1] IN ('pg_catalog.bytea'::regtype, 'pg_catalog.json'::regtype,
          'pg_catalog.jsonb'::regtype, 'pg_catalog.text'::regtype, 'pg_catalog.xml'::regtype)
        ELSE false
      END AS callable
    FROM cfg CROSS JOIN inputs i
    GROUP BY i.oid
  )
SELECT
  p.nspname AS schema,
  p.proname AS name,
  d.description,
  a.params,
  tn.nspname AS ret_schema,
  coalesce(comp.relname, t.typname) AS ret_name,
  p.proretset AS ret_setof,
  t.typtype = 'c' OR coalesce(p.proargmodes::text[] && '{t,b,o}', false) AS ret_composite,
  db.oid IS NOT NULL AS ret_domain,
  p.provolatile::text AS volatility,
  p.provariadic <> 0 AS has_variadic,
  to_json(p.proconfig) AS config
FROM procs p
LEFT JOIN args a ON a.oid = p.oid
LEFT JOIN domain_bases db ON db.oid = p.prorettype
JOIN pg_catalog.pg_type t ON t.oid = coalesce(db.base, p.prorettype)
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class comp ON comp.oid = t.typrelid
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
WHERE coalesce(a.callable, true)
ORDER BY p.nspname, p.proname, p.oid`;

/** Loads the callable functions of `schemas`; `isTable` tells whether a returned composite is a cached relation. */
export async function queryRoutines(
  db: CatalogDb,
  schemas: readonly string[],
  isTable: (qi: QualifiedIdentifier) => boolean,
): Promise<Routine[]> {
  const rows = rowsOf(await db.query(ROUTINES_SQL, [schemas]));
  return rows.map((row: Row) => decodeRoutine(row, isTable));
}

function decodeRoutine(row: Row, isTable: (qi: QualifiedIdentifier) => boolean): Routine {
  const retQi = { schema: str(row.ret_schema), name: str(row.ret_name) };
  const pgType: RetType['type'] = bool(row.ret_composite)
    ? { kind: 'composite', type: retQi, isAlias: bool(row.ret_domain), isTable: isTable(retQi) }
    : { kind: 'scalar', type: retQi };
  const params = row.params === null ? [] : json<unknown[][]>(row.params).map(decodeParam);
  const settings = parseSettings(row.config);
  const iso = settings.find(([k]) => k === 'default_transaction_isolation')?.[1];
  return {
    kind: 'function',
    schema: str(row.schema),
    name: str(row.name),
    description: strOrNull(row.description),
    params,
    returnType: { kind: bool(row.ret_setof) ? 'setof' : 'single', type: pgType },
    volatility: volatility(str(row.volatility)),
    hasVariadic: bool(row.has_variadic),
    isolationLevel: iso === undefined ? null : isolationLevel(iso),
    settings,
  };
}

function decodeParam(p: unknown[]): RoutineParam {
  return {
    name: str(p[0]),
    type: str(p[1]),
    typeMaxLength: str(p[2]),
    required: bool(p[3]),
    variadic: bool(p[4]),
  };
}

/** provolatile → FuncVolatility. */
export function volatility(v: string): FuncVolatility {
  return v === 'i' ? 'immutable' : v === 's' ? 'stable' : 'volatile';
}

/** PostgREST's rule: the first comma-separated word of the value, read as a role's setting is. */
function isolationLevel(value: string): IsolationLevel {
  return isolationLevelOf((value.split(',')[0] ?? '').trim());
}

/** proconfig entries `name=value` → pairs. */
function parseSettings(v: unknown): (readonly [string, string])[] {
  if (v === null || v === undefined) return [];
  return json<unknown[]>(v).map((entry) => {
    const s = str(entry);
    const eq = s.indexOf('=');
    return eq < 0 ? ([s, ''] as const) : ([s.slice(0, eq), s.slice(eq + 1)] as const);
  });
}
