// Unit tests for src/observe/metrics.ts: PostgREST's metric names, types, help texts, labels and order; the counters
// and pool readings; Node metrics only on request; and aggregation across node:cluster workers (this file also serves
// as the worker script for that test).
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClusterMetrics, createMetrics, METRICS_CONTENT_TYPE, renderAggregated, serveMetricsToPrimary } from '../../src/observe/metrics.js';
import { samples } from '../support/metrics.js';

const EXPECTED: readonly (readonly [string, string, string])[] = [
  ['pgrst_jwt_cache_evictions_total', 'counter', 'The total number of JWT cache evictions'],
  ['pgrst_jwt_cache_hits_total', 'counter', 'The total number of JWT cache hits'],
  ['pgrst_jwt_cache_requests_total', 'counter', 'The total number of JWT cache lookups'],
  ['pgrst_schema_cache_query_time_seconds', 'gauge', 'The query time in seconds of the last schema cache load'],
  ['pgrst_schema_cache_loads_total', 'counter', 'The total number of times the schema cache was loaded'],
  ['pgrst_db_pool_max', 'gauge', 'Max pool connections'],
  ['pgrst_db_pool_waiting', 'gauge', 'Requests waiting to acquire a pool connection'],
  ['pgrst_db_pool_available', 'gauge', 'Available connections in the pool'],
  ['pgrst_db_pool_timeouts_total', 'counter', 'The total number of pool connection timeouts'],
  // Ours, after PostgREST's.
  ['postgrest_ts_streamed_responses_total', 'counter', 'The total number of responses whose body streamed from the database'],
  ['postgrest_ts_streamed_bytes_total', 'counter', 'The total size in bytes of the bodies that streamed from the database'],
  ['postgrest_ts_shape_cache_hits_total', 'counter', 'The total number of requests whose parse, plan and SQL came from the shape cache'],
  ['postgrest_ts_db_pipelined_requests_total', 'counter', 'The total number of requests written behind another request on a busy database connection'],
];

if (cluster.isWorker) {
  // Worker side of the aggregation test: report a few events, then serve them to the primary.
  const m = createMetrics({ poolMax: 5, poolStats: () => ({ available: 2, waiting: 1 }) });
  m.jwtCacheLookup(true);
  m.jwtCacheLookup(false);
  m.observeSchemaCacheLoad(true, Number(process.env['LOAD_SECONDS']));
  serveMetricsToPrimary(m);
  process.send?.('ready');
} else {
  describe('createMetrics', () => {
    it('declares exactly PostgREST metrics, types and help texts, in its order, then ours', async () => {
      const text = await createMetrics({ poolMax: 10 }).render();
      const help = text.split('\n').filter((l) => l.startsWith('# HELP '));
      const types = text.split('\n').filter((l) => l.startsWith('# TYPE '));
      assert.deepEqual(
        help,
        EXPECTED.map(([n, , h]) => `# HELP ${n} ${h}`),
      );
      assert.deepEqual(
        types,
        EXPECTED.map(([n, t]) => `# TYPE ${n} ${t}`),
      );
    });

    it('starts at zero with the pool size as max and no schema cache load yet', async () => {
      const s = samples(await createMetrics({ poolMax: 10 }).render());
      assert.equal(s.get('pgrst_db_pool_max'), 10);
      assert.equal(s.get('pgrst_db_pool_timeouts_total'), 0);
      assert.equal(s.get('pgrst_jwt_cache_requests_total'), 0);
      assert.equal([...s.keys()].some((k) => k.startsWith('pgrst_schema_cache_loads_total')), false);
    });

    it('counts schema cache loads by status and keeps the last successful duration', async () => {
      const m = createMetrics({ poolMax: 10 });
      m.observeSchemaCacheLoad(true, 0.25);
      m.observeSchemaCacheLoad(false, 9);
      m.observeSchemaCacheLoad(true, 0.015);
      const s = samples(await m.render());
      assert.equal(s.get('pgrst_schema_cache_loads_total{status="SUCCESS"}'), 2);
      assert.equal(s.get('pgrst_schema_cache_loads_total{status="FAIL"}'), 1);
      assert.equal(s.get('pgrst_schema_cache_query_time_seconds'), 0.015);
    });

    it('counts JWT cache lookups, hits and evictions', async () => {
      const m = createMetrics({ poolMax: 10 });
      m.jwtCacheLookup(false);
      m.jwtCacheLookup(true);
      m.jwtCacheLookup(true);
      m.jwtCacheEviction();
      const s = samples(await m.render());
      assert.equal(s.get('pgrst_jwt_cache_requests_total'), 3);
      assert.equal(s.get('pgrst_jwt_cache_hits_total'), 2);
      assert.equal(s.get('pgrst_jwt_cache_evictions_total'), 1);
    });

    it('takes pushed pool values, never showing a negative available count', async () => {
      const m = createMetrics({ poolMax: 10 });
      m.setPoolGauges({ available: 4, waiting: 2, max: 20 });
      m.poolTimeout();
      let s = samples(await m.render());
      assert.deepEqual(
        [s.get('pgrst_db_pool_available'), s.get('pgrst_db_pool_waiting'), s.get('pgrst_db_pool_max'), s.get('pgrst_db_pool_timeouts_total')],
        [4, 2, 20, 1],
      );
      m.setPoolGauges({ available: -1 });
      s = samples(await m.render());
      assert.equal(s.get('pgrst_db_pool_available'), 0);
    });

    it('reads the pool at scrape time, turning a running timeout total into counter increments', async () => {
      let stats = { available: 3, waiting: 0, max: 10, timeouts: 2 };
      const m = createMetrics({ poolMax: 10, poolStats: () => stats });
      let s = samples(await m.render());
      assert.equal(s.get('pgrst_db_pool_available'), 3);
      assert.equal(s.get('pgrst_db_pool_timeouts_total'), 2);
      stats = { available: 1, waiting: 4, max: 10, timeouts: 5 };
      s = samples(await m.render());
      assert.deepEqual([s.get('pgrst_db_pool_available'), s.get('pgrst_db_pool_waiting'), s.get('pgrst_db_pool_timeouts_total')], [1, 4, 5]);
      // A new pool starts counting again; the counter never goes back.
      stats = { available: 1, waiting: 0, max: 10, timeouts: 1 };
      assert.equal(samples(await m.render()).get('pgrst_db_pool_timeouts_total'), 5);
      stats = { available: 1, waiting: 0, max: 10, timeouts: 3 };
      assert.equal(samples(await m.render()).get('pgrst_db_pool_timeouts_total'), 7);
    });

    it('adds Node process metrics only when asked, after the pgrst ones', async () => {
      const plain = await createMetrics({ poolMax: 1 }).render();
      assert.equal(/^(process|nodejs)_/m.test(plain), false);
      const text = await createMetrics({ poolMax: 1, processMetrics: true }).render();
      const names = text
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .map((l) => l.split(' ')[2] ?? '');
      assert.ok(names.includes('process_cpu_seconds_total'));
      assert.ok(names.includes('nodejs_heap_size_used_bytes'));
      assert.deepEqual(
        names.slice(0, EXPECTED.length),
        EXPECTED.map(([n]) => n),
      );
    });

    it('serves PostgREST Content-Type', () => {
      assert.equal(METRICS_CONTENT_TYPE, 'text/plain; charset=utf-8');
      assert.equal(createMetrics({ poolMax: 1 }).contentType, 'text/plain; charset=utf-8');
    });
  });

  describe('aggregation', () => {
    it('sums counters and pool gauges and keeps the slowest schema cache load', async () => {
      const a = createMetrics({ poolMax: 10, poolStats: () => ({ available: 3, waiting: 1 }) });
      const b = createMetrics({ poolMax: 10, poolStats: () => ({ available: 5, waiting: 0 }) });
      a.observeSchemaCacheLoad(true, 0.5);
      b.observeSchemaCacheLoad(true, 0.2);
      b.observeSchemaCacheLoad(false);
      a.jwtCacheLookup(true);
      b.jwtCacheLookup(true);
      const s = samples(await renderAggregated([await a.registry.getMetricsAsJSON(), await b.registry.getMetricsAsJSON()]));
      assert.equal(s.get('pgrst_db_pool_max'), 20);
      assert.equal(s.get('pgrst_db_pool_available'), 8);
      assert.equal(s.get('pgrst_db_pool_waiting'), 1);
      assert.equal(s.get('pgrst_schema_cache_loads_total{status="SUCCESS"}'), 2);
      assert.equal(s.get('pgrst_schema_cache_loads_total{status="FAIL"}'), 1);
      assert.equal(s.get('pgrst_schema_cache_query_time_seconds'), 0.5);
      assert.equal(s.get('pgrst_jwt_cache_hits_total'), 2);
    });

    it('collects from real node:cluster workers through the primary', { timeout: 30_000 }, async () => {
      cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), execArgv: ['--import', 'tsx'], silent: true });
      const workers: Worker[] = [];
      try {
        const ready = ['0.1', '0.3'].map((seconds) => {
          const w = cluster.fork({ LOAD_SECONDS: seconds });
          workers.push(w);
          return new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
          });
        });
        await Promise.all(ready);
        const s = samples(await createClusterMetrics().render());
        assert.equal(s.get('pgrst_jwt_cache_requests_total'), 4);
        assert.equal(s.get('pgrst_jwt_cache_hits_total'), 2);
        assert.equal(s.get('pgrst_db_pool_max'), 10);
        assert.equal(s.get('pgrst_db_pool_available'), 4);
        assert.equal(s.get('pgrst_schema_cache_loads_total{status="SUCCESS"}'), 2);
        assert.equal(s.get('pgrst_schema_cache_query_time_seconds'), 0.3);
      } finally {
        for (const w of workers) w.process.kill();
      }
    });
  });
}
