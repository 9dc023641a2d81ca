// Catalog query for functions whose first parameter is a relation's row type: computed relationships
// (one argument, returning a relation row type) and computed fields (returning anything else).
// Schema filtering of what is exposed happens in build.ts / relationships.ts, not here.

import type { ComputedField, ComputedRelationship } from '../types.js';
import { bool, type CatalogDb, rowsOf, EMPTY_SEARCH_PATH_CTE, num, qualified, str, strOrNull } from './common.js';
import { volatility } from './routines.js';

// Functions of the given schemas (exposed + extra search path) taking a row type first. Computed fields
// may have further parameters only when those have defaults (callable as `tbl.f`).
const COMPUTED_SQL = `
WITH ${EMPTY_SEARCH_PATH_CTE}
SELECT
  pn.nspname AS fn_schema,
  p.proname AS fn_name,
  argn.nspname AS table_schema,
  argc.relname AS table_name,
  retn.nspname AS ftable_schema,
  retc.relname AS ftable_name,
  p.pronargs,
  p.pronargdefaults,
  p.proretset,
  p.prorows,
  p.provolatile::text AS volatility,
  ${qualified('p.prorettype::regtype::text')} AS return_type,
  d.description
FROM cfg
CROSS JOIN pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_catalog.pg_class argc ON argc.reltype = p.proargtypes[0] AND argc.relkind IN ('r', 'v', 'm', 'f', 'p')
JOIN pg_catalog.pg_namespace argn ON argn.oid = argc.relnamespace
LEFT JOIN pg_catalog.pg_class retc ON retc.reltype = p.prorettype AND retc.relkind IN ('r', 'v', 'm', 'f', 'p')
LEFT JOIN pg_catalog.pg_namespace retn ON retn.oid = retc.relnamespace
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
WHERE p.pronargs >= 1
  AND p.prokind = 'f'
  AND pn.nspname = ANY($1::text[])
ORDER BY pn.nspname, p.proname, p.oid`;

export interface LoadedComputed {
  readonly relationships: ComputedRelationship[];
  readonly fields: ComputedField[];
}

/**
 * Loads computed relationships (functions of `relSchemas`, one argument, returning a relation: to-one
 * unless SETOF without ROWS 1) and computed fields (functions of `fieldSchemas`, first argument a row type,
 * any other argument defaulted, returning a non-relation type).
 */
export async function queryComputed(
  db: CatalogDb,
  relSchemas: readonly string[],
  fieldSchemas: readonly string[],
): Promise<LoadedComputed> {
  const all = [...new Set([...relSchemas, ...fieldSchemas])];
  const rows = rowsOf(await db.query(COMPUTED_SQL, [all]));
  const relSet = new Set(relSchemas);
  const fieldSet = new Set(fieldSchemas);
  const relationships: ComputedRelationship[] = [];
  const fields: ComputedField[] = [];
  for (const row of rows) {
    const fn = { schema: str(row.fn_schema), name: str(row.fn_name) };
    const table = { schema: str(row.table_schema), name: str(row.table_name) };
    const nargs = num(row.pronargs);
    if (row.ftable_name !== null && row.ftable_name !== undefined) {
      if (nargs !== 1 || !relSet.has(fn.schema)) continue;
      const foreignTable = { schema: str(row.ftable_schema), name: str(row.ftable_name) };
      relationships.push({
        kind: 'computed',
        function: fn,
        table,
        foreignTable,
        toOne: !bool(row.proretset) || num(row.prorows) === 1,
        isSelf: table.schema === foreignTable.schema && table.name === foreignTable.name,
      });
    } else if (nargs - num(row.pronargdefaults) <= 1 && fieldSet.has(fn.schema)) {
      fields.push({
        name: fn.name,
        function: fn,
        table,
        returnType: str(row.return_type),
        returnsSet: bool(row.proretset),
        volatility: volatility(str(row.volatility)),
        description: strOrNull(row.description),
      });
    }
  }
  return { relationships, fields };
}
