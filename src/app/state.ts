// The running application's state: an atomically swapped snapshot {config, schema cache, authenticator} plus the pool,
// the reloads (schema, config, in-database config; debounced) and the recovery loop that reconnects after the
// database goes away. Requests read one snapshot each; nothing here builds SQL for requests.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { AUTH_FIELDS, type Authenticator, createAuthenticator } from '../auth/authenticate.js';
import { applyDbSettings } from '../config/load.js';
import { IN_DB_NAMES } from '../config/keys.js';
import type { AppConfig } from '../config/types.js';
import { Pool, poolEventMessage } from '../db/pool.js';
import { ApiError } from '../errors/api-error.js';
import { pgrst001ClientError, pgrst002NoSchemaCache } from '../errors/catalogue.js';
import type { Logger } from '../observe/log.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { schemaCacheSummary } from '../schema-cache/dump.js';
import { loadSchemaCache } from '../schema-cache/load.js';
import type { SchemaCache } from '../schema-cache/types.js';
import { compile, ident, qualified, sql } from '../sql/fragment.js';
import { clientConfigFor } from './connect.js';
import { configFailure, connectFailure, fatalConnectionLine, LoadFailure, schemaFailure } from './load-failure.js';

/** What one request sees, start to finish: reloads replace the whole object, never mutate it. */
export interface Snapshot {
  readonly config: AppConfig;
  readonly schemaCache: SchemaCache;
  readonly authenticator: Authenticator;
}

export type Status = 'loading' | 'ready' | 'recovering';

/** Re-reads the file and environment part of the configuration (SIGUSR2, NOTIFY 'reload config'). */
export type ReadBaseConfig = (previous: AppConfig) => Promise<AppConfig>;

/** Called when PostgREST would exit: the database is lost and `db-pool-automatic-recovery` is false, or a fatal error. */
export type OnFatal = (reason: string) => void;

const MAX_BACKOFF_S = 32;
const MIN_PG_VERSION_NUM = 140000;
const SERVER_VERSION_SQL = "SELECT pg_catalog.current_setting('server_version_num') AS num, pg_catalog.version() AS full";

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
  /** A reload failed (not for want of a connection): still serving the previous snapshot, retrying; /ready says 503. */
  #pending = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelay = 1;
  readonly #readBase: ReadBaseConfig | undefined;
  readonly #onFatal: OnFatal;
  readonly #configListeners: ((previous: AppConfig, next: AppConfig) => void)[] = [];

  constructor(config: AppConfig, log: Logger, readBase?: ReadBaseConfig, onFatal?: OnFatal) {
    this.#base = config;
    this.#config = config;
    this.#readBase = readBase;
    this.#onFatal = onFatal ?? (() => {});
    this.log = log;
    this.metrics = createMetrics({ poolMax: config.dbPool, poolStats: () => this.pool.stats() });
    this.pool = new Pool({
      clientConfig: clientConfigFor(config),
      size: config.dbPool,
      acquisitionTimeoutMs: config.dbPoolAcquisitionTimeout * 1000,
      maxIdleMs: config.dbPoolMaxIdletime * 1000,
      maxLifetimeMs: config.dbPoolMaxLifetime * 1000,
      pipelineDepth: config.dbPoolPipelineDepth,
      onPipelined: () => this.metrics.pipelinedRequest(),
      onConnectionLost: () => this.connectionLost(),
      onEvent: (e) => {
        if (this.log.enabled('debug')) this.log.log('debug', poolEventMessage(e));
      },
    });
  }

  get status(): Status {
    return this.#status;
  }

  /** Admin /ready: serving, and the last schema-cache load succeeded (PostgREST's "not pending"). */
  get ready(): boolean {
    return this.#status === 'ready' && !this.#pending;
  }

  /** Registers a callback for every snapshot swap that changed the configuration (e.g. to restart the listener). */
  onConfigChange(fn: (previous: AppConfig, next: AppConfig) => void): void {
    this.#configListeners.push(fn);
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
          // The previous snapshot stays in force. Unreachable database: the recovery loop takes over. Failed
          // catalog queries: retry with backoff (as PostgREST does) unless automatic recovery is off.
          if (!(err instanceof LoadFailure) || err.connection) this.connectionLost();
          else this.#retryLater();
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

  /** Schedules another schema reload after a failed one, doubling the delay up to 32 s. */
  #retryLater(): void {
    this.#pending = true;
    if (this.#stopped || this.#retryTimer || !this.#config.dbPoolAutomaticRecovery) return;
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(delay * 2, MAX_BACKOFF_S);
    this.log.log('crit', `Attempting to reconnect to the database in ${delay} seconds...`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.reloadSchema();
    }, delay * 1000);
    this.#retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
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
          const connection = !(err instanceof LoadFailure) || err.connection;
          if (!(err instanceof LoadFailure)) this.log.log('crit', connectFailure(err).logLine);
          if (!this.#config.dbPoolAutomaticRecovery) {
            // PostgREST exits when the connection is gone; a failed catalog query just leaves it without a cache.
            firstAttemptDone();
            if (connection) {
              this.log.log('crit', 'Automatic recovery disabled, exiting.');
              this.#onFatal('Automatic recovery disabled');
            }
            return;
          }
          const fatal = fatalConnectionLine(err);
          if (fatal) {
            this.log.log('crit', fatal);
            firstAttemptDone();
            this.#onFatal('fatal connection error');
            return;
          }
          this.#status = this.#snapshot ? 'recovering' : 'loading';
          this.#retryAt = Date.now() + delay * 1000;
          this.log.log('crit', `Attempting to reconnect to the database in ${delay} seconds...`);
          firstAttemptDone();
          await new Promise<void>((res) => {
            const t = setTimeout(res, delay * 1000);
            this.#wake = () => {
              clearTimeout(t);
              res();
            };
          });
          // A reload (NOTIFY, signal) that succeeded meanwhile already brought the service back.
          if (this.status === 'ready') return;
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
      let version: { num: number; full: string };
      try {
        await client.connect();
        const row = (await client.query<{ num: string; full: string }>(SERVER_VERSION_SQL)).rows[0];
        version = { num: Number(row?.num), full: row?.full ?? '' };
      } catch (err) {
        throw connectFailure(err);
      }
      if (version.num < MIN_PG_VERSION_NUM) {
        this.log.log('crit', `Cannot run in this PostgreSQL version (${version.full}), PostgREST needs at least 14.0`);
        this.#onFatal('unsupported PostgreSQL version');
      }
      this.log.log('crit', `Successfully connected to ${version.full}`);
      this.log.log('crit', `Connection Pool initialized with a maximum size of ${base.dbPool} connections`);
      let config = base;
      if (base.dbConfig) {
        const settings = await readDbSettings(client, base, this.log).catch((err: unknown) => {
          throw schemaFailure(base, err);
        });
        try {
          config = applyDbSettings(base, settings);
        } catch (err) {
          throw configFailure(err);
        }
      }
      const schemaCache = await loadSchemaCache(client, {
        schemas: config.dbSchemas,
        extraSearchPath: config.dbExtraSearchPath,
        roleSettings: config.dbConfig,
      }).catch((err: unknown) => {
        throw schemaFailure(config, err);
      });
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
      this.#status = 'ready';
      this.#pending = false;
      this.#retryDelay = 1;
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      const ms = performance.now() - t0;
      this.metrics.observeSchemaCacheLoad(true, ms / 1000);
      this.pool.flush();
      if (this.log.enabled('debug')) this.log.log('debug', 'Database connection pool flushed');
      this.log.log('crit', `Schema cache queried in ${schemaCache.timings.queriedMs.toFixed(1)} milliseconds`);
      if (this.log.enabled('debug')) {
        this.log.log('debug', schemaCache.timings.queries.map((q) => `${q.query}: ${q.ms.toFixed(1)} ms`).join(', '));
      }
      this.log.log('crit', `Schema cache loaded ${schemaCacheSummary(schemaCache)}`);
      this.log.log('crit', `Schema cache loaded in ${ms.toFixed(1)} milliseconds`);
      if (previous) for (const fn of this.#configListeners) fn(previous.config, config);
    } catch (err) {
      this.metrics.observeSchemaCacheLoad(false);
      if (err instanceof LoadFailure) this.log.log('crit', err.logLine);
      throw err;
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Whether two configs verify tokens the same way (so the JWT cache can be kept across a reload). */
function sameAuthConfig(a: AppConfig, b: AppConfig): boolean {
  return AUTH_FIELDS.every((f) => (f === 'jwtSecretBytes' ? sameBytes(a[f], b[f]) : a[f] === b[f]));
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && Buffer.from(a).equals(b));
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
