// Catalog query for server facts: PostgreSQL version, valid time zone names, the session's default isolation level, and which configured
// schemas do not exist. It reports missing schemas; deciding to fail the load is load.ts's job.

import type { IsolationLevel, PgVersion } from '../types.js';
import { isolationLevelOf } from './roles.js';
import { type CatalogDb, type Row, rowsOf, bool, num, str, strArray } from './common.js';

const SERVER_SQL = `
SELECT
  pg_catalog.current_setting('server_version_num')::int AS version_num,
  pg_catalog.current_setting('server_version') AS version,
  pg_catalog.version() AS full_version,
  pg_catalog.current_setting('default_transaction_isolation') AS default_isolation,
  coalesce(pg_catalog.current_setting('response.headers', true), '') <> ''
    OR coalesce(pg_catalog.current_setting('response.status', true), '') <> '' AS response_settings_preset,
  to_json(ARRAY(
    SELECT s FROM unnest($1::text[]) WITH ORDINALITY AS x(s, ord)
    WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = x.s)
    ORDER BY x.ord)) AS missing_schemas,
  to_json(ARRAY(SELECT tz.name FROM pg_catalog.pg_timezone_names tz ORDER BY tz.name)) AS timezones`;

export interface ServerFacts {
  readonly pgVersion: PgVersion;
  readonly missingSchemas: readonly string[];
  readonly timezones: readonly string[];
  /** The isolation level a transaction of this (authenticator) session gets when it names none. */
  readonly defaultIsolation: IsolationLevel;
  /** response.headers or response.status is set when a session of this user begins. */
  readonly responseSettingsPreset: boolean;
}

/** Loads the server version and time zones, and lists which of `schemas` do not exist. */
export async function queryServer(db: CatalogDb, schemas: readonly string[]): Promise<ServerFacts> {
  const rows = rowsOf(await db.query(SERVER_SQL, [schemas]));
  const row: Row = rows[0] ?? {};
  return {
    pgVersion: { num: num(row.version_num), version: str(row.version), full: str(row.full_version) },
    missingSchemas: strArray(row.missing_schemas),
    timezones: strArray(row.timezones),
    defaultIsolation: isolationLevelOf(str(row.default_isolation)),
    responseSettingsPreset: bool(row.response_settings_preset),
  };
}
