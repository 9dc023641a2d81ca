// The running application's state: an atomically swapped snapshot {config, schema cache, authenticator} plus the pool,
// the reloads (schema, config, in-database config; debounced) and the recovery loop that reconnects after the
// database goes away. Requests read one snapshot each; nothing here builds SQL for requests.
import pg from 'pg';
import { type Authenticator, createAuthenticator } from '../auth/authenticate.js';
import { applyDbSettings } from '../config/load.js';
import { IN_DB_NAMES } from '../config/keys.js';
import type { AppConfig } from '../config/types.js';
import { Pool } from '../db/pool.js';
import { ApiError } from '../errors/api-error.js';
import { pgrst001ClientError, pgrst002NoSchemaCache } from '../errors/catalogue.js';
import type { Logger } from '../observe/log.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { schemaCacheSummary } from '../schema-cache/dump.js';
import { loadSchemaCache } from '../schema-cache/load.js';
import type { SchemaCache } from '../schema-cache/types.js';
import { compile, ident, qualified, sql } from '../sql/fragment.js';
import { clientConfigFor } from './connect.js';

/** What one request sees, start to finish: reloads replace the whole object, never mutate it. */
export interface Snapshot {
  readonly config: AppConfig;
  readonly schemaCache: SchemaCache;
  readonly authenticator: Authenticator;
}

export type Status = 'loading' | 'ready' | 'recovering';

/** Re-reads the file and environment part of the configuration (SIGUSR2, NOTIFY 'reload config'). */
export type ReadBaseConfig = (previous: AppConfig) => Promise<AppConfig>;

const MAX_BACKOFF_S = 32;

export class AppState {
  readonly pool: Pool;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** File + environment configuration; in-database settings are layered on top at every load. */
  #base: AppConfig;
  #config: AppConfig;
  #snapshot: Snapshot | undefined;
  #status: Status = 'loading';
  #retryAt = 0;
  #loop: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #reloading: Promise<boolean> | undefined;
  #reloadAgain = false;
  readonly #readBase: ReadBaseConfig | undefined;

  constructor(config: AppConfig, log: Logger, readBase?: ReadBaseConfig) {
    this.#base = config;
    this.#config = config;
    this.#readBase = readBase;
    this.log = log;
    this.metrics = createMetrics({ poolMax: config.dbPool, poolStats: () => this.pool.stats() });
    this.pool = new Pool({
      clientConfig: clientConfigFor(config),
      size: config.dbPool,
      acquisitionTimeoutMs: config.dbPoolAcquisitionTimeout * 1000,
      maxIdleMs: config.dbPoolMaxIdletime * 1000,
      maxLifetimeMs: config.dbPoolMaxLifetime * 1000,
      onConnectionLost: () => this.connectionLost(),
    });
  }

  get status(): Status {
    return this.#status;
  }

  /** The configuration in force (the last loaded snapshot's). */
  get config(): AppConfig {
    return this.#config;
  }

  /** The loaded schema cache, if any (admin /schema_cache). */
  currentSchemaCache(): SchemaCache | undefined {
    return this.#snapshot?.schemaCache;
  }

  /** The snapshot to serve a request with, or the 503 PostgREST answers while it has none / is recovering. */
  snapshot(): Snapshot {
    if (this.#snapshot && this.#status === 'ready') return this.#snapshot;
    const retryAfter = String(Math.max(0, Math.ceil((this.#retryAt - Date.now()) / 1000)));
    const err = this.#snapshot ? pgrst001ClientError(null) : pgrst002NoSchemaCache();
    throw new ApiError(err.status, err.code, err.message, err.details, err.hint, { 'Retry-After': retryAfter });
  }

  /** Loads config and schema cache, retrying with backoff until it succeeds; resolves after the first attempt. */
  start(): Promise<void> {
    return new Promise((firstAttemptDone) => {
      this.#loop = this.#recover(firstAttemptDone, true);
    });
  }

  /** A request or pooled connection saw the database go away: check it and recover in the background. */
  connectionLost(): void {
    if (this.#loop || this.#stopped) return;
    this.#loop = this.#recover(() => {}, false);
  }

  /**
   * Reloads the schema cache (and in-database config) now — NOTIFY, SIGUSR1 — keeping the old snapshot on failure.
   * Bursts are debounced: while a reload runs, further requests collapse into one trailing reload.
   */
  reloadSchema(): Promise<boolean> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    const run = async (): Promise<boolean> => {
      let ok = false;
      do {
        this.#reloadAgain = false;
        try {
          await this.#load();
          ok = true;
        } catch (err) {
          ok = false;
          this.log.log('error', `Failed to reload the schema cache, keeping the previous one: ${(err as Error).message}`);
          this.connectionLost();
        }
      } while (this.#reloadAgain && !this.#stopped);
      return ok;
    };
    this.#reloading = run().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  /** Re-reads the configuration (file, environment, database) and reloads (SIGUSR2, NOTIFY 'reload config'). */
  async reloadConfig(): Promise<boolean> {
    if (!this.#readBase) return this.reloadSchema();
    try {
      this.#base = await this.#readBase(this.#base);
    } catch (err) {
      this.log.log('error', `Failed reloading config: ${(err as Error).message}`);
      return false;
    }
    const ok = await this.reloadSchema();
    if (ok) this.log.log('info', 'Config reloaded');
    return ok;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    await this.#reloading;
    await this.pool.end();
  }

  async #recover(firstAttemptDone: () => void, initial: boolean): Promise<void> {
    let delay = 1;
    let failed = initial;
    try {
      while (!this.#stopped) {
        try {
          if (failed) await this.#load();
          else await this.#probe();
          this.#status = 'ready';
          firstAttemptDone();
          return;
        } catch (err) {
          failed = true;
          this.#status = this.#snapshot ? 'recovering' : 'loading';
          this.log.log('error', `Database connection error: ${(err as Error).message}`);
          this.#retryAt = Date.now() + delay * 1000;
          this.log.log('warn', `Attempting to reconnect to the database in ${delay} seconds...`);
          firstAttemptDone();
          await new Promise<void>((res) => {
            const t = setTimeout(res, delay * 1000);
            this.#wake = () => {
              clearTimeout(t);
              res();
            };
          });
          delay = Math.min(delay * 2, MAX_BACKOFF_S);
        }
      }
    } finally {
      this.#loop = undefined;
    }
  }

  /** A quick check that the database still answers; a single terminated backend is no outage. */
  async #probe(): Promise<void> {
    const client = new pg.Client(clientConfigFor(this.#base));
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Connects as the authenticator, reads in-database config and the schema cache, swaps the snapshot, flushes the pool. */
  async #load(): Promise<void> {
    const base = this.#base;
    const client = new pg.Client(clientConfigFor(base));
    client.on('error', () => {});
    const t0 = performance.now();
    try {
      await client.connect();
      const config = base.dbConfig ? applyDbSettings(base, await readDbSettings(client, base, this.log)) : base;
      const schemaCache = await loadSchemaCache(client, { schemas: config.dbSchemas, extraSearchPath: config.dbExtraSearchPath, roleSettings: config.dbConfig });
      const previous = this.#snapshot;
      let authenticator = previous?.authenticator;
      if (!authenticator || !previous || !sameAuthConfig(previous.config, config)) {
        authenticator = createAuthenticator(config, {
          lookup: (hit) => this.metrics.jwtCacheLookup(hit),
          evict: () => this.metrics.jwtCacheEviction(),
          jwksError: (message) => this.log.log('error', message),
        });
        await authenticator.ready();
      }
      if (previous && previous.config.logLevel !== config.logLevel) this.log.level = config.logLevel;
      this.#snapshot = { config, schemaCache, authenticator };
      this.#config = config;
      const ms = performance.now() - t0;
      this.metrics.observeSchemaCacheLoad(true, ms / 1000);
      this.log.log('info', `Schema cache queried in ${schemaCache.timings.queriedMs.toFixed(1)} milliseconds`);
      this.log.log('info', `Schema cache loaded ${schemaCacheSummary(schemaCache)}`);
      this.log.log('info', `Schema cache loaded in ${ms.toFixed(1)} milliseconds`);
      this.pool.flush();
    } catch (err) {
      this.metrics.observeSchemaCacheLoad(false);
      throw err;
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Whether two configs verify tokens the same way (so the JWT cache can be kept across a reload). */
function sameAuthConfig(a: AppConfig, b: AppConfig): boolean {
  return (
    a.jwtSecret === b.jwtSecret &&
    a.jwtSecretIsBase64 === b.jwtSecretIsBase64 &&
    a.jwtAud === b.jwtAud &&
    a.jwtRoleClaimKey === b.jwtRoleClaimKey &&
    a.jwtCacheMaxEntries === b.jwtCacheMaxEntries &&
    a.jwtJwksUrl === b.jwtJwksUrl &&
    a.dbAnonRole === b.dbAnonRole
  );
}

/**
 * The `pgrst.*` settings of the authenticator role (ALTER ROLE ... SET, database-specific ones winning, as they apply
 * at login) after calling `db-pre-config`, which may set more with set_config. Read in one transaction.
 */
async function readDbSettings(client: pg.Client, config: AppConfig, log: Logger): Promise<Record<string, string>> {
  const names = [...IN_DB_NAMES].map((n) => `pgrst.${n}`);
  await client.query('BEGIN READ ONLY');
  try {
    if (config.dbPreConfig) {
      const fn = config.dbPreConfig;
      try {
        await client.query('SAVEPOINT pre_config');
        await client.query(compile(sql`SELECT ${fn.schema ? qualified(fn.schema, fn.name) : ident(fn.name)}()`).text);
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT pre_config');
        // PostgREST logs the failure and reads the configuration without it.
        log.log('error', `Failed to call db-pre-config: ${(err as Error).message}`);
      }
    }
    const res = await client.query<{ name: string; value: string | null }>(
      'SELECT name, current_setting(name, true) AS value FROM unnest($1::text[]) AS name',
      [names],
    );
    const out: Record<string, string> = {};
    for (const row of res.rows) if (row.value !== null && row.value !== '') out[row.name] = row.value;
    return out;
  } finally {
    await client.query('COMMIT').catch(() => {});
  }
}
