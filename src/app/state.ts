// The running application's state: an atomically swapped snapshot {config, schema cache, authenticator} plus the pool,
// and the recovery loop that reconnects and reloads after the database goes away. Requests read one snapshot each.
import pg from 'pg';
import type { AppConfig } from '../config/types.js';
import { Pool } from '../db/pool.js';
import { ApiError } from '../errors/api-error.js';
import type { Logger } from '../observe/log.js';
import { loadSchemaCache } from '../schema-cache/load.js';
import type { SchemaCache } from '../schema-cache/types.js';
import { schemaCacheSummary } from '../schema-cache/dump.js';
import { type Authenticator, createAuthenticator } from '../auth/authenticate.js';
import { clientConfigFor } from './connect.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';

/** What one request sees, start to finish: reloads replace the whole object, never mutate it. */
export interface Snapshot {
  readonly config: AppConfig;
  readonly schemaCache: SchemaCache;
  readonly authenticator: Authenticator;
}

export type Status = 'loading' | 'ready' | 'recovering';

const MAX_BACKOFF_S = 32;

export class AppState {
  readonly pool: Pool;
  readonly log: Logger;
  readonly metrics: Metrics;
  #config: AppConfig;
  #snapshot: Snapshot | undefined;
  #status: Status = 'loading';
  #retryAt = 0;
  #loop: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(config: AppConfig, log: Logger) {
    this.#config = config;
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
    if (!this.#snapshot) {
      throw new ApiError(503, 'PGRST002', 'Could not query the database for the schema cache. Retrying.', null, null, { 'Retry-After': retryAfter });
    }
    throw new ApiError(503, 'PGRST001', 'Database client error. Retrying the connection.', null, null, { 'Retry-After': retryAfter });
  }

  /** Loads the schema cache, retrying with backoff until it succeeds; resolves after the first attempt. */
  start(): Promise<void> {
    return new Promise((firstAttemptDone) => {
      this.#loop = this.#recover(firstAttemptDone);
    });
  }

  /** A request or pooled connection saw the database go away: check it and recover in the background. */
  connectionLost(): void {
    if (this.#loop || this.#stopped) return;
    this.#loop = this.#recover(() => {});
  }

  /** Reloads the schema cache now (NOTIFY, SIGUSR1); on failure the old snapshot stays. */
  async reloadSchema(): Promise<boolean> {
    try {
      await this.#load();
      return true;
    } catch (err) {
      this.log.log('error', `Failed to reload the schema cache: ${(err as Error).message}`);
      return false;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    await this.pool.end();
  }

  async #recover(firstAttemptDone: () => void): Promise<void> {
    let delay = 1;
    try {
      while (!this.#stopped) {
        try {
          await this.#load();
          this.#status = 'ready';
          firstAttemptDone();
          return;
        } catch (err) {
          if (err instanceof FatalLoadError) {
            this.log.log('crit', err.message);
            this.#status = this.#snapshot ? 'recovering' : 'loading';
          } else {
            this.#status = this.#snapshot ? 'recovering' : 'loading';
            this.log.log('error', `Database connection error: ${(err as Error).message}`);
          }
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

  /** Connects as the authenticator, reads the schema cache, swaps the snapshot and flushes the pool. */
  async #load(): Promise<void> {
    const config = this.#config;
    const client = new pg.Client(clientConfigFor(config));
    client.on('error', () => {});
    const t0 = performance.now();
    try {
      await client.connect();
      const schemaCache = await loadSchemaCache(client, { schemas: config.dbSchemas, extraSearchPath: config.dbExtraSearchPath });
      const authenticator =
        this.#snapshot?.config === config
          ? this.#snapshot.authenticator
          : createAuthenticator(config, { lookup: (hit) => this.metrics.jwtCacheLookup(hit), evict: () => this.metrics.jwtCacheEviction() });
      this.#snapshot = { config, schemaCache, authenticator };
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

/** A load failure that retrying cannot fix (kept for the log level). */
export class FatalLoadError extends Error {}
