// `npm run bench:db-instructions`: how many instructions PostgreSQL executes per request, for postgrest-ts and for the
// hand-written baseline, counted by valgrind's callgrind. Timings on a shared 2-core machine swing by ±15% between
// rounds; an instruction count is the same on every run, so it shows a change of a few percent in the database's work
// that no timed run can. Needs valgrind (Debian package `valgrind`).
//
// The bench's cluster and data set are started once normally (generated on first use), then again under callgrind.
// Each target is started with a pool of one connection, sent N1 requests of a scenario, stopped; then again with N2.
// A backend writes its counts when it exits, so the counts of every backend that ended during a run are summed, and
// (sum(N2) - sum(N1)) / (N2 - N1) is the cost of one request: start-up, schema cache load and warm-up cancel out.
// Before a scenario is measured, its N2 requests are sent once untimed, so neither target pays for reading pages.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLUSTER_SETTINGS, ensureDataset, resetWrites } from './dataset.js';
import { Rng, type Scenario, scenarios, type TargetName } from './scenarios.js';
import { serverEntries } from './startup.js';
import { startBaseline, startPostgrestTs } from './targets.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dataDir = resolve(process.env.BENCH_DATA_DIR ?? join(ROOT, '.postgrest-ts', 'bench'));
const scale = Number(process.env.BENCH_SCALE ?? 1);
const N1 = Number(process.env.BENCH_N1 ?? 20);
const N2 = Number(process.env.BENCH_N2 ?? 220);
// bulk1000 takes minutes under valgrind: asked for by name only
const only = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
const DEFAULT_SCENARIOS = ['pk', 'filter50', 'embed_o2m', 'embed_m2o', 'insert1', 'rpc', 'count_exact'];
const wanted = only ?? DEFAULT_SCENARIOS;
const TARGETS = ['postgrest-ts', 'baseline'] as const;

const t0 = performance.now();
const log = (msg: string) => process.stderr.write(`[db-instructions ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  log('valgrind is not installed (Debian: apt-get install valgrind); nothing measured');
  process.exit(1);
}
const server = serverEntries(ROOT).find((e) => e.name === (process.env.BENCH_SERVER ?? 'tsx'));
if (!server) throw new Error('BENCH_SERVER=dist needs a build: run `npm run build` first');

const { startEmbeddedPostgres, freePort } = await import('../src/embedded/embedded-postgres.js');
const pgDir = join(dataDir, 'pg');
const settings = { ...CLUSTER_SETTINGS, autovacuum: 'off', jit: 'off' };

// the data set, generated (or found) with PostgreSQL running normally
let pgsrv = await startEmbeddedPostgres({ dir: pgDir, settings });
const ds = await ensureDataset(pgsrv, scale, log);
await pgsrv.stop();

const countsDir = join(dataDir, 'callgrind');
rmSync(countsDir, { recursive: true, force: true });
mkdirSync(countsDir, { recursive: true });
chmodSync(countsDir, 0o777); // PostgreSQL may run as another OS user (when this runs as root)
log('starting PostgreSQL under callgrind');
pgsrv = await startEmbeddedPostgres({
  dir: pgDir,
  port: pgsrv.port,
  settings,
  launcher: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${countsDir}/cg.%p`],
  onLog: process.env.BENCH_PG_LOG ? (line) => process.stderr.write(line) : undefined,
});

/** Instructions counted in a finished callgrind file, or undefined while it is being written. */
function countOf(file: string): number | undefined {
  const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(countsDir, file), 'utf8'));
  return m ? Number(m[1]) : undefined;
}

/**
 * Waits until no backend has ended for a second, and returns the files of the processes that ended so far (those of
 * the running postmaster and its helpers exist from their start, empty until they exit).
 */
async function settle(): Promise<Set<string>> {
  let last = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const ended = readdirSync(countsDir).filter((f) => countOf(f) !== undefined);
    const now = ended.sort().join(',');
    if (now === last) return new Set(ended);
    last = now;
  }
}

async function start(target: TargetName) {
  const opts = { ds, cwd: ROOT, port: await freePort(), pool: 1, timeoutMs: 600_000 };
  return target === 'baseline' ? startBaseline(opts) : startPostgrestTs({ ...opts, args: server!.args, env: { PGRST_DB_CHANNEL_ENABLED: 'false' } });
}

/** Instructions of every backend that ended while `target` served `n` requests of the scenario (from a fixed seed). */
async function measure(sc: Scenario, target: TargetName, n: number): Promise<number> {
  if (sc.writesRows) await resetWrites(ds.adminUri);
  const before = await settle();
  const srv = await start(target);
  const rng = new Rng(42);
  try {
    for (let i = 0; i < n; i++) {
      const r = sc.request(target, rng);
      const res = await fetch(srv.url + r.path, { method: r.method, headers: r.headers, body: r.body });
      await res.arrayBuffer();
      if (res.status >= 300) throw new Error(`${sc.id} on ${target}: HTTP ${res.status}`);
    }
  } finally {
    await srv.stop();
  }
  let sum = 0;
  for (const f of await settle()) if (!before.has(f)) sum += countOf(f) ?? 0;
  return sum;
}

interface Row {
  readonly scenario: string;
  readonly instructions: Partial<Record<TargetName, number>>;
}
const rows: Row[] = [];
try {
  const chosen = scenarios(ds).filter((s) => wanted.includes(s.id) && s.kind === 'load');
  // The first backends after the start rebuild the relation cache file and warm the catalog caches: not counted.
  for (const target of TARGETS) if (chosen[0]) await measure(chosen[0], target, 1);
  for (const sc of chosen) {
    // Both targets are sent the same requests (one seed): the first to run would read the pages they touch into
    // shared buffers and be charged for it. One untimed run by the baseline warms them for both.
    await measure(sc, 'baseline', N2);
    const instructions: Partial<Record<TargetName, number>> = {};
    for (const target of TARGETS) {
      const small = await measure(sc, target, N1);
      const large = await measure(sc, target, N2);
      instructions[target] = (large - small) / (N2 - N1);
      log(`${sc.id.padEnd(12)} ${target.padEnd(12)} ${(instructions[target]! / 1000).toFixed(1)}k instructions per request`);
    }
    rows.push({ scenario: sc.id, instructions });
  }
} finally {
  await pgsrv.stop();
}

const k = (n: number | undefined) => (n === undefined ? 'n/a' : `${(n / 1000).toFixed(1)}k`);
console.log(`\nPostgreSQL instructions per request (callgrind; ${N2 - N1} requests of difference, scale ${scale})\n`);
console.log(`${'scenario'.padEnd(14)}${'postgrest-ts'.padStart(14)}${'baseline'.padStart(12)}${'ratio'.padStart(9)}`);
const ratios: number[] = [];
for (const r of rows) {
  const ours = r.instructions['postgrest-ts'];
  const base = r.instructions.baseline;
  const ratio = ours !== undefined && base ? ours / base : undefined;
  if (ratio !== undefined) ratios.push(ratio);
  console.log(`${r.scenario.padEnd(14)}${k(ours).padStart(14)}${k(base).padStart(12)}${(ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`).padStart(9)}`);
}
if (ratios.length > 0) {
  const geomean = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
  console.log(`\ngeometric mean of the ratios: ${geomean.toFixed(2)}×`);
}
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'db-instructions.json'), `${JSON.stringify({ scale, n1: N1, n2: N2, rows }, null, 2)}\n`);
rmSync(countsDir, { recursive: true, force: true });
