// Superuser access to the suite's database: checksums of the tables no request may change, the injection canary,
// and the ledger of acknowledged writes. The suite's own bookkeeping; it never goes through the API.
import pg from 'pg';

/** Runs SQL as a superuser on the database the server under test uses. */
export interface Db {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  end(): Promise<void>;
}

/** A small superuser pool that survives database restarts (idle clients that break are dropped quietly). */
export function openDb(uri: string): Db {
  const pool = new pg.Pool({ connectionString: uri, max: 3, idleTimeoutMillis: 2000 });
  pool.on('error', () => {});
  return { query: (text, values) => pool.query(text, values), end: () => pool.end() };
}

/** Tables no hostile or injected request may change (ledger/scratch/counters are written on purpose). */
export const PROTECTED_TABLES = [
  'reliability.items',
  'reliability.item_notes',
  'reliability.sink',
  'reliability.private_notes',
  'reliability.vault',
  'reliability_private.canary',
] as const;

/** One md5 over every row of the protected tables (plus whether each table still exists). */
export async function protectedChecksum(db: Db, tables: readonly string[] = PROTECTED_TABLES): Promise<string> {
  const parts: string[] = [];
  for (const t of tables) {
    const exists = await db.query('SELECT to_regclass($1) IS NOT NULL AS e', [t]);
    if (!exists.rows[0]?.e) {
      parts.push(`${t}:missing`);
      continue;
    }
    const r = await db.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM ${t} x`);
    parts.push(`${t}:${r.rows[0]?.n}:${r.rows[0]?.h}`);
  }
  return parts.join(';');
}

/** The sink's fixture rows: put back after a hostile write slipped through, so later cases start clean. */
export async function restoreSink(db: Db): Promise<void> {
  await db.query("BEGIN; DELETE FROM reliability.sink; INSERT INTO reliability.sink VALUES (1, 'one', 1, NULL), (2, 'two', 2, 'x'), (3, 'three', 3, 'y'); COMMIT");
}

export const CANARY_INTACT = '1:intact,2:intact';

/** The canary's state: `1:intact,2:intact` unless injected SQL reached it. */
export async function canaryState(db: Db): Promise<string> {
  const exists = await db.query("SELECT to_regclass('reliability_private.canary') IS NOT NULL AS e");
  if (!exists.rows[0]?.e) return 'dropped';
  const r = await db.query("SELECT coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '') AS s FROM reliability_private.canary");
  return String(r.rows[0]?.s ?? '');
}

/** Puts the canary back (recreating the table if it was dropped). */
export async function restoreCanary(db: Db): Promise<void> {
  await db.query(`BEGIN;
    CREATE TABLE IF NOT EXISTS reliability_private.canary (id int PRIMARY KEY, v text NOT NULL);
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON reliability_private.canary TO postgrest_test_anonymous, postgrest_test_user;
    DELETE FROM reliability_private.canary;
    INSERT INTO reliability_private.canary VALUES (1, 'intact'), (2, 'intact');
    COMMIT`);
}

/** How many times each of `ids` is in the ledger. */
export async function ledgerCounts(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  const r = await db.query('SELECT req_id, count(*)::int AS n FROM reliability.ledger WHERE req_id = ANY($1) GROUP BY req_id', [ids]);
  const out = new Map<string, number>();
  for (const row of r.rows as Array<{ req_id: string; n: number }>) out.set(row.req_id, row.n);
  return out;
}
