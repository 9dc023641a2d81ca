// Catalog query for the relations of the exposed schemas with their columns and primary keys, and its decoder.
// It only reads catalogs; view primary keys are inferred later (view-keys.ts), not here.

import type { Column, Table, TableKind } from '../types.js';
import {
  bool,
  type CatalogDb,
  type Row,
  rowsOf,
  DOMAIN_BASES_CTE,
  EMPTY_SEARCH_PATH_CTE,
  json,
  num,
  qualified,
  str,
  strArray,
  strOrNull,
} from './common.js';

/** A relation as loaded, before view primary keys are inferred. */
export interface LoadedTable extends Table {
  readonly oid: number;
}

// The first object id initdb does not assign (PostgreSQL's FirstNormalObjectId): below it, PostgreSQL's own objects.
const FIRST_NORMAL_OBJECT_ID = 16384;

// Columns are aggregated per relation in one pass (no per-table subquery), as json arrays:
// [name, description, nullable, type, nominal type, true type oid, true typmod, default,
//  enum labels, is array, base type, attidentity, attgenerated]
const TABLES_SQL = `
WITH RECURSIVE ${EMPTY_SEARCH_PATH_CTE},
  ${DOMAIN_BASES_CTE},
  rels AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.relhasrules, c.relrowsecurity
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
      AND NOT c.relispartition
      AND n.nspname = ANY($1::text[])
  ),
  cols AS (
    SELECT
      a.attrelid,
      json_agg(json_build_array(
        a.attname,
        d.description,
        NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)),
        ${qualified(`CASE
          WHEN t.typtype = 'd' AND bt.typnamespace = 'pg_catalog'::regnamespace THEN pg_catalog.format_type(db.base, NULL)
          WHEN t.typtype <> 'd' AND t.typnamespace = 'pg_catalog'::regnamespace THEN pg_catalog.format_type(a.atttypid, NULL)
          ELSE pg_catalog.format_type(a.atttypid, a.atttypmod)
        END`)},
        ${qualified('pg_catalog.format_type(a.atttypid, a.atttypmod)')},
        CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END,
        CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
        ${qualified(`CASE
          WHEN a.attgenerated <> '' THEN NULL
          WHEN a.attidentity = 'd' THEN pg_catalog.format('nextval(%L)', (
            SELECT dep.objid::regclass::text FROM pg_catalog.pg_depend dep
            WHERE dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid
              AND dep.refobjsubid = a.attnum AND dep.classid = 'pg_catalog.pg_class'::regclass AND dep.deptype = 'i'
            LIMIT 1))
          WHEN t.typbasetype <> 0 AND ad.adbin IS NULL THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0)
          ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
        END`)},
        (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e
          WHERE e.enumtypid = coalesce(db.base, a.atttypid)),
        coalesce(bt.typcategory, t.typcategory) = 'A',
        ${qualified(`CASE WHEN db.base IS NOT NULL THEN pg_catalog.format_type(db.base, NULL) END`)},
        a.attidentity,
        a.attgenerated
      ) ORDER BY a.attnum) AS columns,
      -- a domain or composite column (or an array of one): its checks run on every value written
      bool_or(t.typtype IN ('d', 'c') OR et.typtype IN ('d', 'c')) AS checked_types,
      -- a column whose value a read may pass through user code: a type not built in — bar an enum without casts of
      -- its own (its functions are built in; to_json would call a cast of the enum's to json) — or a domain or
      -- composite one (a domain's checks and casts, a composite's members' types); or an array of one. (A virtual
      -- generated column may call no user function: PostgreSQL refuses.)
      bool_or(t.typtype IN ('d', 'c') OR et.typtype IN ('d', 'c')
        OR (coalesce(et.oid, t.oid) >= ${FIRST_NORMAL_OBJECT_ID} AND NOT (coalesce(et.typtype, t.typtype) = 'e'
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_cast ca WHERE ca.castsource = coalesce(et.oid, t.oid))))) AS read_types
    FROM cfg
    CROSS JOIN rels r
    JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN domain_bases db ON db.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_type bt ON bt.oid = db.base
    LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
    GROUP BY a.attrelid
  ),
  pks AS (
    SELECT con.conrelid, json_agg(a.attname ORDER BY a.attname) AS cols
    FROM rels r
    JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid AND con.contype = 'p'
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
    GROUP BY con.conrelid
  ),
  -- relations whose defaults, generated columns, CHECK constraints or index expressions call a function or operator
  -- not built into PostgreSQL (an extension's counts as the user's): one pass over the dependencies on such objects
  user_deps AS (
    SELECT DISTINCT coalesce(ad.adrelid, con.conrelid, i.indrelid) AS relid
    FROM pg_catalog.pg_depend dep
    LEFT JOIN pg_catalog.pg_attrdef ad ON dep.classid = 'pg_catalog.pg_attrdef'::regclass AND ad.oid = dep.objid
    LEFT JOIN pg_catalog.pg_constraint con ON dep.classid = 'pg_catalog.pg_constraint'::regclass AND con.oid = dep.objid
    LEFT JOIN pg_catalog.pg_index i ON dep.classid = 'pg_catalog.pg_class'::regclass AND i.indexrelid = dep.objid
    WHERE dep.refclassid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_operator'::regclass)
      AND dep.refobjid >= ${FIRST_NORMAL_OBJECT_ID}
  )
SELECT
  r.oid,
  r.nspname AS schema,
  r.relname AS name,
  r.relkind::text AS relkind,
  d.description,
  CASE
    WHEN r.relkind = 'v' THEN pg_catalog.pg_relation_is_updatable(r.oid, true)
    -- a foreign table whose wrapper has no handler would make the function raise: it is not writable anyway
    WHEN r.relkind = 'f' AND EXISTS (
      SELECT 1 FROM pg_catalog.pg_foreign_table ft
      JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
      JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = fs.srvfdw
      WHERE ft.ftrelid = r.oid AND w.fdwhandler <> 0) THEN pg_catalog.pg_relation_is_updatable(r.oid, true)
    ELSE 0
  END AS updatable_bits,
  pks.cols AS pk_cols,
  cols.columns,
  r.relkind <> 'r' OR r.relhasrules OR tg.after_insert AS user_code_after_insert,
  -- anything of the user's an INSERT may run: not an ordinary table, rules, row-level security, INSERT triggers of any
  -- timing, checked column types, or user functions and operators in what the table computes
  r.relkind <> 'r' OR r.relhasrules OR r.relrowsecurity OR tg.on_insert OR coalesce(cols.checked_types, false)
    OR r.oid IN (SELECT relid FROM user_deps) AS user_code_on_insert,
  -- anything of the user's a SELECT of its rows may run: not an ordinary table, partitioned table or materialized
  -- view (views run their query, foreign tables their wrapper), row-level security, or columns read_types flags
  r.relkind NOT IN ('r', 'p', 'm') OR r.relrowsecurity OR coalesce(cols.read_types, false) AS user_code_on_read
FROM rels r
-- the relation's own INSERT triggers (tgtype bits: 4 INSERT, 2 BEFORE, 64 INSTEAD OF; neither: AFTER)
CROSS JOIN LATERAL (
  SELECT count(*) > 0 AS on_insert, coalesce(bool_or(tg.tgtype::int & 66 = 0), false) AS after_insert
  FROM pg_catalog.pg_trigger tg
  WHERE tg.tgrelid = r.oid AND NOT tg.tgisinternal AND tg.tgtype::int & 4 <> 0
) tg
LEFT JOIN cols ON cols.attrelid = r.oid
LEFT JOIN pks ON pks.conrelid = r.oid
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
ORDER BY r.nspname, r.relname`;

const KINDS: Readonly<Record<string, TableKind>> = {
  r: 'table',
  v: 'view',
  m: 'materialized-view',
  f: 'foreign-table',
  p: 'partitioned-table',
};

// Bits of pg_relation_is_updatable: 1 << CMD_UPDATE, 1 << CMD_INSERT, 1 << CMD_DELETE.
const CAN_UPDATE = 4;
const CAN_INSERT = 8;
const CAN_DELETE = 16;

/** Loads the relations of `schemas` (partitions excluded). */
export async function queryTables(db: CatalogDb, schemas: readonly string[]): Promise<LoadedTable[]> {
  const rows = rowsOf(await db.query(TABLES_SQL, [schemas]));
  return rows.map(decodeTable);
}

function decodeTable(row: Row): LoadedTable {
  const relkind = str(row.relkind);
  const kind = KINDS[relkind] ?? 'table';
  const alwaysWritable = relkind === 'r' || relkind === 'p';
  const bits = num(row.updatable_bits);
  const columns = row.columns === null ? [] : json<unknown[][]>(row.columns).map(decodeColumn);
  return {
    oid: num(row.oid),
    kind,
    schema: str(row.schema),
    name: str(row.name),
    description: strOrNull(row.description),
    isView: relkind === 'v' || relkind === 'm',
    insertable: alwaysWritable || (bits & CAN_INSERT) !== 0,
    updatable: alwaysWritable || (bits & CAN_UPDATE) !== 0,
    deletable: alwaysWritable || (bits & CAN_DELETE) !== 0,
    pkCols: strArray(row.pk_cols),
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    userCodeAfterInsert: bool(row.user_code_after_insert),
    userCodeOnInsert: bool(row.user_code_on_insert),
    userCodeOnRead: bool(row.user_code_on_read),
  };
}

function decodeColumn(c: unknown[]): Column {
  const identity = c[11];
  const generated = c[12];
  return {
    name: str(c[0]),
    description: strOrNull(c[1]),
    nullable: bool(c[2]),
    type: str(c[3]),
    nominalType: str(c[4]),
    maxLength: charMaxLength(num(c[5]), num(c[6])),
    default: strOrNull(c[7]),
    enumValues: strArray(c[8]),
    isArray: bool(c[9]),
    baseType: strOrNull(c[10]),
    identity: identity === 'a' ? 'always' : identity === 'd' ? 'by-default' : null,
    generated: generated === 's' ? 'stored' : generated === 'v' ? 'virtual' : null,
  };
}

// Same rule as information_schema._pg_char_max_length: (var)char lengths carry a 4-byte header in the typmod.
const BPCHAR = 1042;
const VARCHAR = 1043;
const BIT = 1560;
const VARBIT = 1562;

function charMaxLength(typeOid: number, typmod: number): number | null {
  if (typmod === -1) return null;
  if (typeOid === BPCHAR || typeOid === VARCHAR) return typmod - 4;
  if (typeOid === BIT || typeOid === VARBIT) return typmod;
  return null;
}
