// The admin `/metrics` registry: PostgREST's pgrst_* metrics (names, types, help texts, labels), Node process metrics
// on request, and node:cluster aggregation helpers. Counts what it is told; never serves HTTP or reads the pool itself.
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** `/metrics` Content-Type, as PostgREST sends it (prom-client's own adds `version=0.0.4`). */
export const METRICS_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** A pool reading taken at scrape time; `timeouts` is a running total (a drop is read as a new pool). */
export interface PoolSnapshot {
  readonly available: number;
  readonly waiting: number;
  readonly max?: number;
  readonly timeouts?: number;
}

export interface MetricsOptions {
  /** `db-pool`: the initial value of pgrst_db_pool_max. */
  readonly poolMax: number;
  /**
   * Also expose prom-client's default Node metrics (process_*, nodejs_*): our counterpart of the ghc_* runtime
   * metrics PostgREST shows only when started with `+RTS -T`. Off by default, as there.
   */
  readonly processMetrics?: boolean;
  /** Read the pool when scraped, instead of (or besides) pushing values with setPoolGauges/poolTimeout. */
  readonly poolStats?: () => PoolSnapshot;
}

/** The metric handles the app reports to, and the rendering the admin server serves. */
export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /**
   * One schema cache load: counts SUCCESS or FAIL; a success also records its duration in seconds. (PostgREST v16
   * stores the milliseconds it spends summarising the loaded cache there; we keep to the name and help text.)
   */
  observeSchemaCacheLoad(ok: boolean, seconds?: number): void;
  /** One pool acquisition timeout (PGRST003); do not also report `timeouts` through `poolStats`. */
  poolTimeout(): void;
  setPoolGauges(gauges: Partial<Omit<PoolSnapshot, 'timeouts'>>): void;
  /** One JWT cache lookup; a hit counts in both requests and hits. */
  jwtCacheLookup(hit: boolean): void;
  jwtCacheEviction(): void;
  /** One response whose body of `bytes` streamed from the database to the client (ours, not PostgREST's). */
  streamedBody(bytes: number): void;
  /** One request served from the shape cache: its parse, plan and SQL were not redone (ours, not PostgREST's). */
  shapeCacheHit(): void;
  /** One request written behind another on a busy connection (db-pool-pipeline-depth; ours, not PostgREST's). */
  pipelinedRequest(): void;
  /** The Prometheus text exposition of this process's registry. */
  render(): Promise<string>;
}

/**
 * Creates a registry holding PostgREST's metrics. They are registered so that they print in PostgREST's order (its
 * registry lists the newest registration first), and Node metrics come last as ghc_* do. Cluster aggregation: every
 * metric here sums across workers (each worker has its own pool, JWT cache and schema cache loads) except the
 * schema cache query time, which takes the slowest worker.
 */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const readPool = opts.poolStats;
  let lastTimeouts = 0;

  const jwtEvictions = new Counter({
    name: 'pgrst_jwt_cache_evictions_total',
    help: 'The total number of JWT cache evictions',
    registers,
  });
  const jwtHits = new Counter({ name: 'pgrst_jwt_cache_hits_total', help: 'The total number of JWT cache hits', registers });
  const jwtRequests = new Counter({
    name: 'pgrst_jwt_cache_requests_total',
    help: 'The total number of JWT cache lookups',
    registers,
  });
  const schemaCacheQueryTime = new Gauge({
    name: 'pgrst_schema_cache_query_time_seconds',
    help: 'The query time in seconds of the last schema cache load',
    aggregator: 'max',
    registers,
  });
  const schemaCacheLoads = new Counter({
    name: 'pgrst_schema_cache_loads_total',
    help: 'The total number of times the schema cache was loaded',
    labelNames: ['status'],
    registers,
  });
  const poolMax = new Gauge({
    name: 'pgrst_db_pool_max',
    help: 'Max pool connections',
    registers,
    collect() {
      const max = readPool?.().max;
      if (max !== undefined) this.set(max);
    },
  });
  const poolWaiting = new Gauge({
    name: 'pgrst_db_pool_waiting',
    help: 'Requests waiting to acquire a pool connection',
    registers,
    collect() {
      if (readPool) this.set(readPool().waiting);
    },
  });
  const poolAvailable = new Gauge({
    name: 'pgrst_db_pool_available',
    help: 'Available connections in the pool',
    registers,
    collect() {
      if (readPool) this.set(Math.max(0, readPool().available));
    },
  });
  const poolTimeouts = new Counter({
    name: 'pgrst_db_pool_timeouts_total',
    help: 'The total number of pool connection timeouts',
    registers,
    collect() {
      const total = readPool?.().timeouts;
      if (total === undefined) return;
      if (total > lastTimeouts) this.inc(total - lastTimeouts);
      lastTimeouts = total;
    },
  });
  poolMax.set(opts.poolMax);
  // Ours, after PostgREST's: large bodies passed through without being held in memory (src/db/wire-tap.ts).
  const streamedResponses = new Counter({
    name: 'postgrest_ts_streamed_responses_total',
    help: 'The total number of responses whose body streamed from the database',
    registers,
  });
  const streamedBytes = new Counter({
    name: 'postgrest_ts_streamed_bytes_total',
    help: 'The total size in bytes of the bodies that streamed from the database',
    registers,
  });
  const shapeCacheHits = new Counter({
    name: 'postgrest_ts_shape_cache_hits_total',
    help: 'The total number of requests whose parse, plan and SQL came from the shape cache',
    registers,
  });
  const pipelinedRequests = new Counter({
    name: 'postgrest_ts_db_pipelined_requests_total',
    help: 'The total number of requests written behind another request on a busy database connection',
    registers,
  });
  if (opts.processMetrics === true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: METRICS_CONTENT_TYPE,
    observeSchemaCacheLoad(ok, seconds) {
      schemaCacheLoads.inc({ status: ok ? 'SUCCESS' : 'FAIL' });
      if (ok && seconds !== undefined) schemaCacheQueryTime.set(seconds);
    },
    poolTimeout() {
      poolTimeouts.inc();
    },
    setPoolGauges(g) {
      if (g.available !== undefined) poolAvailable.set(Math.max(0, g.available));
      if (g.waiting !== undefined) poolWaiting.set(g.waiting);
      if (g.max !== undefined) poolMax.set(g.max);
    },
    jwtCacheLookup(hit) {
      jwtRequests.inc();
      if (hit) jwtHits.inc();
    },
    jwtCacheEviction() {
      jwtEvictions.inc();
    },
    streamedBody(bytes) {
      streamedResponses.inc();
      streamedBytes.inc(bytes);
    },
    shapeCacheHit() {
      shapeCacheHits.inc();
    },
    pipelinedRequest() {
      pipelinedRequests.inc();
    },
    render: () => registry.metrics(),
  };
}

/**
 * In a node:cluster worker: answer the primary's metric requests with this worker's registry. Call once per worker,
 * after createMetrics. (prom-client listens for the primary's IPC messages once an AggregatorRegistry exists.)
 */
export function serveMetricsToPrimary(metrics: Metrics): void {
  AggregatorRegistry.setRegistries([metrics.registry]);
  new AggregatorRegistry();
}

/**
 * In the node:cluster primary: renders the workers' registries combined (sums, except where a metric says otherwise)
 * as one exposition, for an admin server living in the primary. Rejects when a worker does not answer within 5 s;
 * with no workers alive it renders an empty document.
 */
export function createClusterMetrics(): Pick<Metrics, 'render' | 'contentType'> {
  const aggregator = new AggregatorRegistry();
  return { contentType: METRICS_CONTENT_TYPE, render: () => aggregator.clusterMetrics() };
}

/** Combines registries' JSON dumps (`registry.getMetricsAsJSON()`, e.g. sent over IPC) into one exposition. */
export async function renderAggregated(dumps: readonly object[][]): Promise<string> {
  return AggregatorRegistry.aggregate([...dumps]).metrics();
}
