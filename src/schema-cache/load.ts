// Loads the SchemaCache: runs the catalog queries (unnamed, parameterised, no session state: fine behind
// PgBouncer), times each one and hands the rows to build.ts. Run it outside an explicit transaction or in a
// transaction of its own: each query empties search_path transaction-locally. It never retries or caches.

import { performance } from 'node:perf_hooks';
import { buildSchemaCache } from './build.js';
import type { CatalogDb } from './queries/common.js';
import { queryComputed } from './queries/computed.js';
import { queryConstraints } from './queries/constraints.js';
import { queryMediaHandlers, queryRepresentations } from './queries/representations.js';
import { queryRoleSettings } from './queries/roles.js';
import { queryRoutines } from './queries/routines.js';
import { queryServer } from './queries/server.js';
import { queryTables } from './queries/tables.js';
import { queryViews } from './queries/views.js';
import type { QueryTiming, SchemaCache } from './types.js';

export type { CatalogDb } from './queries/common.js';

export interface LoadOptions {
  /** db-schemas, the first being the default. */
  readonly schemas: readonly string[];
  /** db-extra-search-path. */
  readonly extraSearchPath: readonly string[];
  /** Read the `ALTER ROLE ... SET` settings of the roles the connected user may impersonate (PostgREST: when db-config is on). Default true. */
  readonly roleSettings?: boolean | undefined;
}

/** The load failed because a configured schema does not exist (PostgREST v13+ refuses to serve then). */
export class SchemaCacheLoadError extends Error {
  readonly missingSchemas: readonly string[];

  constructor(message: string, missingSchemas: readonly string[]) {
    super(message);
    this.name = 'SchemaCacheLoadError';
    this.missingSchemas = missingSchemas;
  }
}

/** Queries the catalogs and builds an immutable snapshot; `cache.timings` holds the per-query timings. */
export async function loadSchemaCache(db: CatalogDb, opts: LoadOptions): Promise<SchemaCache> {
  const started = performance.now();
  const timings: QueryTiming[] = [];
  const timed = async <T>(query: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await run();
    timings.push({ query, ms: performance.now() - t0 });
    return result;
  };
  const schemas = [...opts.schemas];
  const extra = [...opts.extraSearchPath];

  const server = await timed('server', () => queryServer(db, [...schemas, ...extra]));
  if (server.missingSchemas.length > 0) {
    const problems = server.missingSchemas.map(
      (s) => `schema "${s}" in ${schemas.includes(s) ? 'db-schemas' : 'db-extra-search-path'} does not exist`,
    );
    throw new SchemaCacheLoadError(`Could not load the schema cache: ${problems.join('; ')}`, server.missingSchemas);
  }
  const withExtra = [...new Set([...schemas, ...extra])];

  const tables = await timed('tables', () => queryTables(db, schemas));
  const constraints = await timed('constraints', () => queryConstraints(db));
  const views = await timed('views', () => queryViews(db, withExtra));
  const tableKeys = new Set(tables.map((t) => `${t.schema}\u0000${t.name}`));
  const routines = await timed('routines', () =>
    queryRoutines(db, schemas, (qi) => tableKeys.has(`${qi.schema}\u0000${qi.name}`)),
  );
  const computed = await timed('computed', () => queryComputed(db, schemas, withExtra));
  const representations = await timed('representations', () => queryRepresentations(db));
  const mediaHandlers = await timed('media_handlers', () => queryMediaHandlers(db, schemas));
  const roleSettings =
    opts.roleSettings === false ? undefined : await timed('role_settings', () => queryRoleSettings(db, server.pgVersion.num));

  const queriedAt = performance.now();
  const queriedMs = timings.reduce((sum, t) => sum + t.ms, 0);
  const rows = { tables, constraints, views, routines, computed, representations, mediaHandlers, server, roleSettings };
  // build first, then stamp the build time into the snapshot's timings
  const draft = buildSchemaCache(rows, opts, { queries: timings, queriedMs, buildMs: 0, totalMs: 0 });
  const finished = performance.now();
  return {
    ...draft,
    timings: { queries: timings, queriedMs, buildMs: finished - queriedAt, totalMs: finished - started },
  };
}
