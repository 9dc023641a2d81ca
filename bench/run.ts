// `npm run bench`: starts its own PostgreSQL (cached cluster and data set under the bench data dir), times the
// schema-cache load of a 1,000-table database and the time to ready on the demo, then spawns postgrest-ts, the
// hand-written baseline and PostGraphile 5 (installed on demand in bench/postgraphile) as separate processes, checks
// every scenario once on each, and loads them in alternating rounds with wrk (when installed) or autocannon. Prints the summary and writes
// bench/results/latest.json. See bench/README.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLUSTER_SETTINGS, countReviews, type DatasetInfo, ensureDataset, prewarm, resetWrites, SCHEMA } from './dataset.js';
import { fetchSample, runLoad, runSequential } from './load.js';
import { type PostgraphileSetup, preparePostgraphile } from './postgraphile-target.js';
import { childEnv, cpuMs, peakRssKb, reapedChildrenCpuMs, resetPeakRss, rssKb, sampleRss, type ServerProcess, spawnServer, treeCpuMs } from './procs.js';
import { type CheckRecord, formatSummary, type PostgraphileAbsence, type RunRecord, summarise } from './report.js';
import { formatScaling, type ScalingResult, timeScaling } from './scaling.js';
import { startBaseline, startPostgrestTs } from './targets.js';
import { findWrk } from './wrk.js';
import { judgeResponse, notApplicable, Rng, type Scenario, scenarios as allScenarios, TARGETS, type TargetName } from './scenarios.js';
import { demoDirOf, READY_TARGET_MS, type ReadyTiming, SCHEMA_CACHE_TARGET_MS, type SchemaCacheTiming, serverEntries, timeReady, timeSchemaCache } from './startup.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function loadGenerator(raw: string | undefined): { readonly name: 'wrk' | 'autocannon'; readonly wrk?: string } {
  const choice = raw === undefined || raw === '' ? 'auto' : raw;
  if (choice === 'autocannon') return { name: 'autocannon' };
  if (choice !== 'auto' && choice !== 'wrk') throw new Error(`BENCH_LOADGEN must be auto, wrk or autocannon, got "${raw}"`);
  const wrk = findWrk();
  if (wrk !== undefined) return { name: 'wrk', wrk };
  if (choice === 'wrk') throw new Error('BENCH_LOADGEN=wrk: no wrk on PATH');
  return { name: 'autocannon' };
}

function list(name: string): string[] | undefined {
  const raw = process.env[name];
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

const config = {
  scale: num('BENCH_SCALE', 1),
  durationS: num('BENCH_DURATION', 5),
  rounds: Math.max(1, Math.round(num('BENCH_ROUNDS', 3))),
  connections: Math.max(1, Math.round(num('BENCH_CONNECTIONS', 32))),
  warmupS: num('BENCH_WARMUP', 1),
  /**
   * What drives the runs at full speed: wrk when installed (BENCH_LOADGEN=auto, the default, or wrk: then it must
   * be), else autocannon (BENCH_LOADGEN=autocannon). Paced runs always use autocannon.
   */
  loadGenerator: loadGenerator(process.env.BENCH_LOADGEN),
  /**
   * Paced runs: postgrest-ts and the baseline driven at the same request rate, this fraction of the lower of their
   * median throughputs, so that their CPU per request compares at equal load (BENCH_SKIP=paced leaves them out).
   */
  pacedFraction: Math.min(1, Math.max(0.05, num('BENCH_PACED_FRACTION', 0.7))),
  pacedRounds: Math.max(1, Math.round(num('BENCH_PACED_ROUNDS', num('BENCH_ROUNDS', 3)))),
  pool: Math.max(1, Math.round(num('BENCH_POOL', 10))),
  /** postgrest-ts's db-pool-pipeline-depth (1: its default, one request per connection as PostgREST). */
  pipelineDepth: Math.max(1, Math.round(num('BENCH_PIPELINE_DEPTH', 1))),
  bigRequests: Math.max(1, Math.round(num('BENCH_BIG_REQUESTS', 3))),
  hugeRequests: Math.max(1, Math.round(num('BENCH_HUGE_REQUESTS', 1))),
  startupRepeats: Math.max(1, Math.round(num('BENCH_STARTUP_REPEATS', 3))),
  dataDir: resolve(process.env.BENCH_DATA_DIR ?? join(ROOT, '.postgrest-ts', 'bench')),
  resultsFile: resolve(process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results', 'latest.json')),
  /** tsx: run src/ through tsx (always current); dist: the built bin/postgrest-ts.js (run `npm run build` first). */
  server: process.env.BENCH_SERVER === 'dist' ? 'dist' : 'tsx',
  only: list('BENCH_SCENARIOS'),
  /** The load scenario the multi-worker comparison runs (BENCH_SKIP=scaling leaves it out). */
  scalingScenario: process.env.BENCH_SCALING_SCENARIO || 'pk',
  skip: new Set(list('BENCH_SKIP') ?? []),
  skipFailed: process.env.BENCH_SKIP_FAILED === '1',
  strict: process.env.BENCH_STRICT === '1',
};

const t0 = performance.now();
function log(msg: string): void {
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

const entries = serverEntries(ROOT);
const serverEntry = entries.find((e) => e.name === config.server);
if (!serverEntry) throw new Error('BENCH_SERVER=dist needs a build: run `npm run build` first');
const serverArgs = serverEntry.args;

const cleanups: (() => Promise<void>)[] = [];
async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      log(`cleanup: ${(err as Error).message}`);
    }
  }
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${sig}: stopping...`);
    void cleanup().then(() => process.exit(130));
  });
}

/** The running servers (PostGraphile absent when skipped) and how to start each again after a crash. */
interface Targets {
  readonly servers: Partial<Record<TargetName, ServerProcess>>;
  readonly start: Partial<Record<TargetName, () => Promise<ServerProcess>>>;
  /** Why PostGraphile is not part of this run (BENCH_SKIP, failed install or start-up). */
  postgraphileAbsent: PostgraphileAbsence | undefined;
  postgraphile: PostgraphileSetup | undefined;
}

/** Spawns postgrest-ts on `port`, with `server-workers` when `workers` is given (else the default: one process). */
function startOurs(ds: DatasetInfo, port: number, workers?: number): Promise<ServerProcess> {
  const env: Record<string, string> = { PGRST_DB_POOL_PIPELINE_DEPTH: String(config.pipelineDepth) };
  if (workers !== undefined) env.PGRST_SERVER_WORKERS = String(workers);
  return startPostgrestTs({ ds, cwd: ROOT, port, pool: config.pool, args: serverArgs, env });
}

async function startTargets(ds: DatasetInfo, freePort: () => Promise<number>): Promise<Targets> {
  const pPort = await freePort();
  const start: Targets['start'] = { 'postgrest-ts': () => startOurs(ds, pPort) };
  const bPort = await freePort();
  start.baseline = () => startBaseline({ ds, cwd: ROOT, port: bPort, pool: config.pool });
  const t: Targets = { servers: {}, start, postgraphileAbsent: undefined, postgraphile: undefined };
  for (const name of ['postgrest-ts', 'baseline'] as const) {
    const srv = await start[name]!();
    t.servers[name] = srv;
    cleanups.push(() => t.servers[name]?.stop() ?? Promise.resolve());
  }
  if (config.skip.has('postgraphile')) {
    t.postgraphileAbsent = { reason: 'BENCH_SKIP contains postgraphile', deliberate: true };
  } else {
    try {
      const setup = await preparePostgraphile(join(ROOT, 'bench'), log);
      const gPort = await freePort();
      start.postgraphile = () =>
        spawnServer({
          name: 'postgraphile',
          execPath: setup.execPath,
          args: [setup.script],
          cwd: setup.dir,
          // The same login as the baseline; NODE_ENV=production: grafast skips its development-mode checks.
          env: childEnv({ PG_URI: ds.appUri, PG_POOL: String(config.pool), PG_SCHEMA: SCHEMA, PORT: String(gPort), HOST: '127.0.0.1', NODE_ENV: 'production' }),
          url: `http://127.0.0.1:${gPort}`,
          probePath: '/graphql',
          timeoutMs: 120_000,
        });
      t.servers.postgraphile = await start.postgraphile();
      cleanups.push(() => t.servers.postgraphile?.stop() ?? Promise.resolve());
      // recorded once it runs: a setup whose server did not start is reported as skipped, with the reason
      t.postgraphile = setup;
    } catch (err) {
      t.postgraphileAbsent = { reason: (err as Error).message.split('\n').filter(Boolean).slice(0, 2).join(' | '), deliberate: false };
    }
  }
  if (t.postgraphileAbsent) log(`postgraphile: skipped (${t.postgraphileAbsent.reason})`);
  return t;
}

/** The targets that run `sc` in this run. */
function targetsOf(sc: Scenario, targets: Targets): TargetName[] {
  return TARGETS.filter((t) => targets.servers[t] !== undefined && notApplicable(sc, t) === undefined);
}

/** Checks each scenario once on every target: status and shape, the rows a write inserted, same content as postgrest-ts. */
async function checkAll(list: readonly Scenario[], targets: Targets, ds: DatasetInfo): Promise<CheckRecord[]> {
  const out: CheckRecord[] = [];
  for (const sc of list) {
    const fps = new Map<TargetName, string>();
    for (const t of targetsOf(sc, targets)) {
      const req = sc.request(t, new Rng(12345));
      let rec: CheckRecord;
      try {
        const before = sc.writesRows ? await countReviews(ds.adminUri) : 0;
        const sample = await fetchSample(targets.servers[t]!.url, req);
        const verdict = judgeResponse(sc, t, sample);
        let { problem } = verdict;
        if (!problem && sc.writesRows) {
          const added = (await countReviews(ds.adminUri)) - before;
          if (added !== sc.writesRows) problem = `inserted ${added} rows, expected ${sc.writesRows}`;
        }
        rec = { scenario: sc.id, target: t, status: sample.status, problem, fingerprint: problem ? undefined : verdict.fingerprint };
      } catch (err) {
        rec = { scenario: sc.id, target: t, status: undefined, problem: `request failed: ${(err as Error).message}`, fingerprint: undefined };
      }
      if (sc.writesRows) await resetWrites(ds.adminUri);
      log(`check ${sc.id.padEnd(12)} ${t.padEnd(12)} ${rec.problem ? `FAILED: ${rec.problem}` : 'ok'}`);
      if (rec.fingerprint !== undefined) fps.set(t, rec.fingerprint);
      out.push(rec);
      await restartIfDead(t, targets);
    }
    const ref = fps.get('postgrest-ts');
    for (const t of ['baseline', 'postgraphile'] as const) {
      const other = fps.get(t);
      if (ref !== undefined && other !== undefined && ref !== other) {
        log(`check ${sc.id.padEnd(12)} ⚠ postgrest-ts and ${t} returned different content:\n    postgrest-ts: ${ref.slice(0, 300)}\n    ${`${t}:`.padEnd(13)} ${other.slice(0, 300)}`);
      }
    }
  }
  return out;
}

/** Starts a server again when it died (e.g. killed for lack of memory on a 1M-row response). */
async function restartIfDead(t: TargetName, targets: Targets): Promise<void> {
  const srv = targets.servers[t];
  const how = srv?.exited();
  if (!srv || how === undefined) return;
  log(`${t} exited (${how}); last output: ${srv.output().trim().split('\n').slice(-3).join(' | ') || '-'}; restarting it`);
  try {
    targets.servers[t] = await targets.start[t]!();
  } catch (err) {
    log(`${t}: restart failed: ${(err as Error).message.split('\n')[0]}`);
    delete targets.servers[t];
  }
}

async function measure(
  sc: Scenario,
  target: TargetName,
  srv: ServerProcess,
  postmaster: number | undefined,
  round: number,
  durationS: number,
  seed: number,
  /** Requests per second for a paced run (load scenarios); undefined: as fast as the server answers. */
  rate?: number,
): Promise<RunRecord> {
  const rssBeforeKb = rssKb(srv.pid);
  const canReset = sc.kind === 'big' && resetPeakRss(srv.pid);
  const sampler = sc.kind === 'big' && !canReset ? sampleRss(srv.pid) : undefined;
  const cpu0 = cpuMs(srv.pid);
  const db0 = postmaster === undefined ? undefined : treeCpuMs(postmaster);
  // the load generator: autocannon runs in this process, wrk as a child that has exited when the run is over
  const client0 = process.cpuUsage();
  const children0 = reapedChildrenCpuMs();
  const base = { scenario: sc.id, target, round, rssBeforeKb, ...(rate !== undefined ? { pacedRate: rate } : {}) };
  let load: RunRecord['load'];
  let sequential: RunRecord['sequential'];
  if (sc.kind === 'load') load = await runLoad({ url: srv.url, scenario: sc, target, connections: config.connections, durationS, seed, rate, wrk: config.loadGenerator.wrk });
  else sequential = await runSequential(srv.url, sc, target, sc.rssLimitMb !== undefined ? config.hugeRequests : config.bigRequests, seed);
  const client = process.cpuUsage(client0);
  const children = reapedChildrenCpuMs() - children0;
  const cpu1 = cpuMs(srv.pid);
  const db1 = postmaster === undefined ? undefined : treeCpuMs(postmaster);
  const peak = sc.kind === 'big' ? (canReset ? peakRssKb(srv.pid) : sampler?.stop()) : undefined;
  return {
    ...base,
    ...(load ? { load } : {}),
    ...(sequential ? { sequential } : {}),
    serverCpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    dbCpuMs: db0 === undefined || db1 === undefined ? undefined : db1 - db0,
    clientCpuMs: (client.user + client.system) / 1000 + children,
    peakRssKb: peak,
    load1: loadavg()[0]!,
    ...(srv.exited() !== undefined ? { crashed: `the server exited (${srv.exited()}) during the run` } : {}),
  };
}

/**
 * The paced rounds: each read or write load scenario again on postgrest-ts and the baseline, both at the same request
 * rate (a fraction of the lower of their median throughputs so far), so that CPU per request is compared at equal
 * load. At full load the faster server also answers more requests per wake-up of its event loop and per system call,
 * which lowers its CPU per request whatever its code costs.
 */
async function runPaced(
  list: readonly Scenario[],
  records: RunRecord[],
  checks: readonly CheckRecord[],
  targets: Targets,
  ds: DatasetInfo,
  postmaster: number | undefined,
  runnable: (sc: Scenario, t: TargetName) => boolean,
): Promise<void> {
  const sofar = summarise(list, records, checks, targets.postgraphileAbsent);
  const pair = ['postgrest-ts', 'baseline'] as const;
  for (let round = 0; round < config.pacedRounds; round++) {
    for (const [i, sc] of list.entries()) {
      if (sc.kind !== 'load') continue;
      const s = sofar.scenarios.find((x) => x.id === sc.id)!;
      const p = s.targets['postgrest-ts'];
      const b = s.targets.baseline;
      if (!p.ok || !b.ok || !p.rps || !b.rps || !pair.every((t) => targets.servers[t] && runnable(sc, t))) continue;
      const rate = Math.max(1, Math.floor(config.pacedFraction * Math.min(p.rps, b.rps)));
      for (const t of (round + i) % 2 ? [...pair].reverse() : pair) {
        const rec = await measure(sc, t, targets.servers[t]!, postmaster, round, config.durationS, 5000 + round * 97 + i, rate);
        records.push(rec);
        if (sc.writesRows) await resetWrites(ds.adminUri);
        log(`paced ${round + 1}/${config.pacedRounds} ${sc.id.padEnd(12)} ${t.padEnd(12)} ${describe(rec)}`);
        await restartIfDead(t, targets);
      }
    }
  }
}

function describe(r: RunRecord): string {
  if (r.load) {
    const l = r.load;
    const cpu = r.serverCpuMs === undefined || l.requests === 0 ? '' : ` cpu ${(r.serverCpuMs / l.requests).toFixed(3)} ms/req`;
    const gql = l.graphqlErrors ? ` GraphQL errors ${l.graphqlErrors}` : '';
    const crash = r.crashed ? ` (${r.crashed})` : '';
    const paced = r.pacedRate === undefined ? '' : `paced at ${r.pacedRate} req/s: `;
    return `${paced}${l.rps.toFixed(0)} req/s p50 ${l.p50Ms} ms p99 ${l.p99Ms} ms err ${l.errors} non2xx ${l.non2xx}${gql}${cpu}${crash}`;
  }
  const s = r.sequential!;
  const times = s.ttlbMs.map((x) => x.toFixed(0)).join('/');
  return `${r.crashed ? `${r.crashed}; ` : ''}ttlb ${times || '-'} ms, ${(s.bytes / 1e6).toFixed(2)} MB, peak RSS ${r.peakRssKb === undefined ? '?' : (r.peakRssKb / 1024).toFixed(0)} MB, statuses ${[...new Set(s.statuses)].join(',')}${s.errors ? `, ${s.errors} errors` : ''}`;
}

async function main(): Promise<number> {
  log(
    `scale ${config.scale}, ${config.rounds} rounds × ${config.durationS} s, ${config.connections} connections (${config.loadGenerator.name}), pool ${config.pool}, pipeline depth ${config.pipelineDepth}, ` +
      `server via ${config.server}, data in ${config.dataDir}`,
  );
  const loadBefore = loadavg();
  const { startEmbeddedPostgres, freePort } = await import('../src/embedded/embedded-postgres.js');
  const pgDir = join(config.dataDir, 'pg');
  const pgsrv = await startEmbeddedPostgres({
    dir: pgDir,
    settings: CLUSTER_SETTINGS,
  });
  cleanups.push(() => pgsrv.stop());
  let postmaster: number | undefined;
  try {
    postmaster = Number(readFileSync(join(pgDir, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    postmaster = undefined;
  }
  log(`PostgreSQL on 127.0.0.1:${pgsrv.port}${postmaster ? ` (postmaster pid ${postmaster})` : ''}`);

  const ds = await ensureDataset(pgsrv, config.scale, log);
  log(`data set: ${JSON.stringify(ds.counts)}`);
  const t0prewarm = performance.now();
  const warmed = await prewarm(ds.adminUri);
  log(warmed === undefined ? 'pg_prewarm is not available: the first target to touch a page pays for reading it' : `prewarmed ${warmed} MB into shared buffers in ${Math.round(performance.now() - t0prewarm)} ms`);

  let schemaCache: SchemaCacheTiming | { error: string } | undefined;
  if (!config.skip.has('schema-cache')) {
    try {
      schemaCache = await timeSchemaCache(pgsrv, config.startupRepeats, log);
      log(
        `schema cache of ${schemaCache.tables} tables / ${schemaCache.foreignKeys} FKs: first ${schemaCache.firstMs} ms, median ${schemaCache.medianMs} ms ` +
          `(queries ${schemaCache.queriedMedianMs} ms, build ${schemaCache.buildMedianMs} ms) [${schemaCache.summary}]`,
      );
    } catch (err) {
      schemaCache = { error: (err as Error).message };
      log(`schema-cache timing failed: ${schemaCache.error}`);
    }
  }

  let ready: ReadyTiming | { error: string } | undefined;
  if (!config.skip.has('ready')) {
    try {
      ready = await timeReady({ demoDir: demoDirOf(config.dataDir), repeats: config.startupRepeats, entries, cwd: ROOT, env: childEnv });
      const spawned = ready.spawned.map((s) => `spawned (${s.entry}${s.stale ? ', stale build' : ''}) ${s.runsMs.join('/')} ms`).join(', ');
      log(`time to ready on the demo: ${spawned}, bare node ${ready.nodeFloorMedianMs} ms, in-process startApp ${ready.inProcessRunsMs.join('/')} ms`);
    } catch (err) {
      ready = { error: (err as Error).message };
      log(`time-to-ready timing failed: ${ready.error}`);
    }
  }

  const list = allScenarios(ds).filter((s) => !config.only || config.only.includes(s.id));
  let summaryText = '';
  const records: RunRecord[] = [];
  let checks: CheckRecord[] = [];
  const servers: Record<string, { readyMs: number }> = {};
  if (!config.skip.has('load') && list.length > 0) {
    const targets = await startTargets(ds, freePort);
    for (const [t, srv] of Object.entries(targets.servers)) servers[t] = { readyMs: Math.round(srv.readyMs) };
    log(
      Object.entries(targets.servers)
        .map(([t, srv]) => `${t} ${srv.url} (pid ${srv.pid}, ready in ${Math.round(srv.readyMs)} ms)`)
        .join(', ') + (targets.postgraphile ? `; PostGraphile runs on Node ${targets.postgraphile.nodeVersion}` : ''),
    );
    for (const sc of list) {
      const na = notApplicable(sc, 'postgraphile');
      if (na && targets.servers.postgraphile) log(`check ${sc.id.padEnd(12)} ${'postgraphile'.padEnd(12)} n/a: ${na}`);
    }

    checks = await checkAll(list, targets, ds);
    const failed = (sc: Scenario, t: TargetName) => checks.some((c) => c.scenario === sc.id && c.target === t && c.problem !== undefined);
    const runnable = (sc: Scenario, t: TargetName) => !(config.skipFailed && failed(sc, t));

    if (config.warmupS > 0) {
      log(`warm-up: ${config.warmupS} s per scenario and target`);
      for (const sc of list) {
        // The 1M-row reads are not warmed up: the 100k ones exercise the same code, and they take long.
        if (sc.rssLimitMb !== undefined) continue;
        for (const t of targetsOf(sc, targets)) {
          if (!runnable(sc, t) || failed(sc, t)) continue;
          const url = targets.servers[t]!.url;
          if (sc.kind === 'load') await runLoad({ url, scenario: sc, target: t, connections: config.connections, durationS: config.warmupS, seed: 1, wrk: config.loadGenerator.wrk });
          else await runSequential(url, sc, t, 1, 1);
          if (sc.writesRows) await resetWrites(ds.adminUri);
          await restartIfDead(t, targets);
        }
      }
    }

    for (let round = 0; round < config.rounds; round++) {
      for (const [i, sc] of list.entries()) {
        // Rotate which target goes first, by round and by scenario, so none always runs on a warmer machine.
        const active = targetsOf(sc, targets);
        const shift = active.length === 0 ? 0 : (round + i) % active.length;
        const order = [...active.slice(shift), ...active.slice(0, shift)];
        for (const t of order) {
          const srv = targets.servers[t];
          if (!srv || !runnable(sc, t)) continue;
          const rec = await measure(sc, t, srv, postmaster, round, config.durationS, 1000 + round * 97 + i);
          records.push(rec);
          if (sc.writesRows) await resetWrites(ds.adminUri);
          log(`round ${round + 1}/${config.rounds} ${sc.id.padEnd(12)} ${t.padEnd(12)} ${describe(rec)}`);
          await restartIfDead(t, targets);
        }
      }
    }
    if (!config.skip.has('paced')) await runPaced(list, records, checks, targets, ds, postmaster, runnable);
    let scaling: ScalingResult | { error: string } | undefined;
    if (!config.skip.has('scaling')) {
      const sc = allScenarios(ds).find((s) => s.id === config.scalingScenario && s.kind === 'load' && !s.writesRows);
      try {
        if (!sc) throw new Error(`BENCH_SCALING_SCENARIO=${config.scalingScenario} is not a read load scenario`);
        // The other targets stay up but idle; each postgrest-ts here is a fresh process on a port of its own.
        scaling = await timeScaling({
          scenario: sc,
          start: async (workers) => startOurs(ds, await freePort(), workers),
          many: Math.max(2, availableParallelism()),
          rounds: config.rounds,
          durationS: config.durationS,
          warmupS: Math.max(1, config.warmupS),
          connections: config.connections,
          wrk: config.loadGenerator.wrk,
          postmaster,
          log,
        });
      } catch (err) {
        scaling = { error: (err as Error).message.split('\n')[0]! };
        log(`scaling: FAILED: ${scaling.error}`);
      }
    }
    const summary = summarise(list, records, checks, targets.postgraphileAbsent);
    const peakLoad = Math.max(loadBefore[0]!, loadavg()[0]!, ...records.map((r) => r.load1 ?? 0));
    const busy = peakLoad > availableParallelism() * 1.25;
    summaryText = formatSummary(summary);
    const result = {
      when: new Date().toISOString(),
      machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), loadBefore, loadAfter: loadavg(), peakLoad, busy, node: process.version },
      config,
      dataset: ds.counts,
      datasetDatabase: ds.database,
      datasetGeneratedThisRun: ds.generated,
      datasetGenerationMs: ds.generationMs,
      servers,
      postgraphile: targets.postgraphile
        ? { version: targets.postgraphile.version, node: targets.postgraphile.nodeVersion, execPath: targets.postgraphile.execPath, installedThisRun: targets.postgraphile.installed }
        : { skipped: targets.postgraphileAbsent?.reason, deliberate: targets.postgraphileAbsent?.deliberate },
      schemaCache,
      ready,
      checks,
      summary,
      scaling,
      records,
    };
    mkdirSync(dirname(config.resultsFile), { recursive: true });
    writeFileSync(config.resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${summaryText}\n`);
    if (scaling) process.stdout.write(`\n${'error' in scaling ? `multi-worker scaling: FAILED: ${scaling.error}` : formatScaling(scaling, availableParallelism())}\n`);
    printStartup(schemaCache, ready, servers);
    process.stdout.write(`\nload average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${availableParallelism()} CPUs)\n`);
    if (busy) {
      process.stdout.write(
        `⚠ the machine was busy (1-minute load average up to ${peakLoad.toFixed(1)} on ${availableParallelism()} CPUs): throughput figures are noise-dominated; prefer the CPU-per-request ratios\n`,
      );
    }
    process.stdout.write(`results written to ${config.resultsFile}\n`);
    await cleanup();
    const bad =
      summary.flaggedScenarios.length > 0 ||
      summary.geomeanFlagged ||
      summary.failed.length > 0 ||
      summary.postgraphile.flaggedScenarios.length > 0 ||
      // Also set when the target could not be measured (PostGraphile not installed/started, or failed everywhere).
      summary.postgraphile.geomeanFlagged ||
      summary.postgraphile.failed.length > 0 ||
      summary.rssFlagged.length > 0 ||
      startupMissed(schemaCache, ready);
    return config.strict && bad ? 1 : 0;
  }
  mkdirSync(dirname(config.resultsFile), { recursive: true });
  writeFileSync(config.resultsFile, `${JSON.stringify({ when: new Date().toISOString(), config, dataset: ds.counts, schemaCache, ready }, null, 2)}\n`);
  printStartup(schemaCache, ready, servers);
  await cleanup();
  return config.strict && startupMissed(schemaCache, ready) ? 1 : 0;
}

function startupMissed(sc: SchemaCacheTiming | { error: string } | undefined, ready: ReadyTiming | { error: string } | undefined): boolean {
  return (sc !== undefined && ('error' in sc || !sc.withinTarget)) || (ready !== undefined && ('error' in ready || !ready.withinTarget));
}

function printStartup(sc: SchemaCacheTiming | { error: string } | undefined, ready: ReadyTiming | { error: string } | undefined, servers: Record<string, { readyMs: number }>): void {
  const lines: string[] = [''];
  if (sc && 'error' in sc) lines.push(`schema cache (1,000 tables): FAILED: ${sc.error}`);
  else if (sc) {
    lines.push(
      `schema cache load, ${sc.tables} tables / ${sc.foreignKeys} FKs / ${sc.views} views: median ${sc.medianMs} ms (first ${sc.firstMs} ms; ` +
        `queries ${sc.queriedMedianMs} ms + build ${sc.buildMedianMs} ms) — target < ${SCHEMA_CACHE_TARGET_MS} ms ${sc.withinTarget ? 'ok' : '⚠ MISSED'}`,
    );
  }
  if (ready && 'error' in ready) lines.push(`time to ready on the demo: FAILED: ${ready.error}`);
  else if (ready) {
    const spawned = ready.spawned.map((s) => `spawned via ${s.entry}${s.stale ? ' (stale build)' : ''} ${s.medianMs} ms`).join(', ');
    lines.push(
      `time to ready on the demo (median; database already answering): ${spawned}, in-process startApp ${ready.inProcessMedianMs} ms — ` +
        `target < ${READY_TARGET_MS} ms on ${ready.judgedOn}: ${ready.withinTarget ? 'ok' : '⚠ MISSED'}`,
    );
    lines.push(
      `  (for scale: a bare node:http process answered ${ready.nodeFloorMedianMs} ms after spawn` +
        (servers.baseline ? `, the baseline process (node + tsx + pg pool) ${servers.baseline.readyMs} ms)` : ')'),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(1);
  },
);
