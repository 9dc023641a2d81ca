// Why a schema-cache load failed — the database could not be reached, or it answered with an error — and the log lines
// PostgREST prints for each case. Classification and wording only; retrying is state.ts's decision.
import type { AppConfig } from '../config/types.js';
import { type PgErrorLike, sqlState } from '../errors/sqlstate.js';
import { jsonMessage } from '../observe/log.js';
import { SchemaCacheLoadError } from '../schema-cache/load.js';

/** A failed load: `connection` when the database was unreachable (or went away), else the catalog queries failed. */
export class LoadFailure extends Error {
  readonly connection: boolean;
  readonly logLine: string;

  constructor(connection: boolean, logLine: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'LoadFailure';
    this.connection = connection;
    this.logLine = logLine;
  }
}

/** True for socket-level failures and the SQLSTATEs of a lost or refused connection. */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof SchemaCacheLoadError) return false;
  if (!err || typeof err !== 'object' || !('message' in err)) return false;
  const e = err as PgErrorLike;
  if (e.errno !== undefined || e.syscall !== undefined) return true;
  const state = sqlState(e);
  if (state === undefined) return /connect|terminat|timeout/i.test(e.message);
  return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03' || state === '28P01' || state === '3D000';
}

/** `{"code":"PGRST000",…}` for a connection failure, as PostgREST logs a ConnectionUsageError. */
function connectionJson(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return jsonMessage({ code: 'PGRST000', message: 'Database connection error. Retrying the connection.', details: message });
}

/** `{"code":"3F000",…}` for a PostgreSQL error (or a missing schema), as PostgREST logs a failed query. */
function queryJson(err: unknown): string {
  if (err instanceof SchemaCacheLoadError) {
    return jsonMessage({ code: '3F000', message: `schema "${err.missingSchemas[0] ?? ''}" does not exist` });
  }
  const e = err as PgErrorLike;
  return jsonMessage({ code: sqlState(e) ?? 'PGRSTX00', message: e.message, details: e.detail ?? null, hint: e.hint ?? null });
}

/** The failure of connecting (and reading the server version), with PostgREST's log line. */
export function connectFailure(err: unknown): LoadFailure {
  return new LoadFailure(true, `Failed to query the PostgreSQL version. ${connectionJson(err)}`, err);
}

/** The failure of the catalog queries, with PostgREST's "Failed to load the schema cache using …" line. */
export function schemaFailure(config: AppConfig, err: unknown): LoadFailure {
  if (isConnectionFailure(err)) return connectFailure(err);
  const line =
    `Failed to load the schema cache using db-schemas=${config.dbSchemas.join(',')} and ` +
    `db-extra-search-path=${config.dbExtraSearchPath.join(',')}. ${queryJson(err)}`;
  return new LoadFailure(false, line, err);
}

/** An invalid in-database configuration value: PostgREST's "Failed reloading config: …". */
export function configFailure(err: unknown): LoadFailure {
  return new LoadFailure(false, `Failed reloading config: ${err instanceof Error ? err.message : String(err)}`, err);
}

/**
 * PostgREST's line for a connection failure it does not retry (a wrong password: retrying cannot help), else
 * undefined.
 */
export function fatalConnectionLine(err: unknown): string | undefined {
  const cause = err instanceof LoadFailure ? err.cause : err;
  if (!cause || typeof cause !== 'object' || !('message' in cause)) return undefined;
  const e = cause as PgErrorLike;
  if (sqlState(e) !== '28P01' && !/password authentication failed/.test(e.message)) return undefined;
  return `Failed to establish a connection. ${connectionJson(cause)}`;
}
