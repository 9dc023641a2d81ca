// Catalog query for primary key, unique and foreign key constraints of every user schema, and its decoder.
// Relationships and view keys are derived from these rows in relationships.ts and view-keys.ts, not here.

import type { QualifiedIdentifier } from '../types.js';
import { type CatalogDb, type Row, rowsOf, json, num, str, strArray } from './common.js';

/** A PK ('p'), unique ('u') or FK ('f') constraint with its columns in key order. */
export interface LoadedConstraint {
  readonly oid: number;
  readonly type: 'p' | 'u' | 'f';
  readonly name: string;
  readonly relid: number;
  readonly table: QualifiedIdentifier;
  readonly keyAttnums: readonly number[];
  readonly keyNames: readonly string[];
  /** FK only: the referenced relation and its columns, aligned with keyAttnums. */
  readonly frelid: number;
  readonly foreignTable: QualifiedIdentifier | null;
  readonly fkeyAttnums: readonly number[];
  readonly fkeyNames: readonly string[];
}

// Every schema: base tables may be private while views over them are exposed. FK clones that
// PostgreSQL creates on partitions (conparentid <> 0) are skipped: the parent constraint stands for them.
const CONSTRAINTS_SQL = `
SELECT
  con.oid,
  con.contype::text AS type,
  con.conname AS name,
  con.conrelid AS relid,
  tn.nspname AS table_schema,
  tc.relname AS table_name,
  to_json(con.conkey) AS key_attnums,
  to_json(ARRAY(
    SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
    ORDER BY k.ord)) AS key_names,
  con.confrelid AS frelid,
  fn.nspname AS ftable_schema,
  fc.relname AS ftable_name,
  to_json(con.confkey) AS fkey_attnums,
  to_json(ARRAY(
    SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
    ORDER BY k.ord)) AS fkey_names
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class tc ON tc.oid = con.conrelid
JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f')
  AND tn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT pg_catalog.pg_is_other_temp_schema(tc.relnamespace)
  AND (con.contype <> 'f' OR con.conparentid = 0)
ORDER BY con.conrelid, con.conname`;

/** Loads PK, unique and FK constraints. */
export async function queryConstraints(db: CatalogDb): Promise<LoadedConstraint[]> {
  const rows = rowsOf(await db.query(CONSTRAINTS_SQL));
  return rows.map(decodeConstraint);
}

function decodeConstraint(row: Row): LoadedConstraint {
  const type = str(row.type) as LoadedConstraint['type'];
  const isFk = type === 'f';
  return {
    oid: num(row.oid),
    type,
    name: str(row.name),
    relid: num(row.relid),
    table: { schema: str(row.table_schema), name: str(row.table_name) },
    keyAttnums: numArray(row.key_attnums),
    keyNames: strArray(row.key_names),
    frelid: isFk ? num(row.frelid) : 0,
    foreignTable: isFk ? { schema: str(row.ftable_schema), name: str(row.ftable_name) } : null,
    fkeyAttnums: isFk ? numArray(row.fkey_attnums) : [],
    fkeyNames: isFk ? strArray(row.fkey_names) : [],
  };
}

function numArray(v: unknown): number[] {
  return v === null || v === undefined ? [] : json<unknown[]>(v).map(num);
}
