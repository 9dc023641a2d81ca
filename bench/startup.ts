// The two one-off timings: loading the schema cache of a 1,000-table database, and the server's time to ready on
// the demo database (spawned process: spawn → first HTTP answer; and in-process: startApp()).
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { RunningPostgres } from '../src/embedded/embedded-postgres.js';
import { ensureScratchDatabase, SCRATCH_SCHEMA } from './dataset.js';
import { spawnServer } from './procs.js';
import { median } from './report.js';

export const SCHEMA_CACHE_TARGET_MS = 2000;
export const READY_TARGET_MS = 1000;

export interface SchemaCacheTiming {
  readonly tables: number;
  readonly foreignKeys: number;
  readonly views: number;
  /** Relations and relationship keys the loaded cache holds (sanity check that the 1,000 tables were seen). */
  readonly summary: string;
  readonly runsMs: readonly number[];
  readonly firstMs: number;
  readonly medianMs: number;
  readonly queriedMedianMs: number;
  readonly buildMedianMs: number;
  readonly slowestQueries: readonly { query: string; ms: number }[];
  readonly withinTarget: boolean;
}

export async function timeSchemaCache(pgsrv: RunningPostgres, repeats: number, log: (m: string) => void): Promise<SchemaCacheTiming> {
  const scratch = await ensureScratchDatabase(pgsrv, log);
  const { loadSchemaCache } = await import('../src/schema-cache/load.js');
  const { schemaCacheSummary } = await import('../src/schema-cache/dump.js');
  const client = new pg.Client({ connectionString: scratch.uri });
  client.on('error', () => {});
  await client.connect();
  try {
    const runs: number[] = [];
    const queried: number[] = [];
    const built: number[] = [];
    let summary = '';
    let slowest: { query: string; ms: number }[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const cache = await loadSchemaCache(client, { schemas: [SCRATCH_SCHEMA], extraSearchPath: ['public'] });
      runs.push(performance.now() - t0);
      queried.push(cache.timings.queriedMs);
      built.push(cache.timings.buildMs);
      summary = schemaCacheSummary(cache);
      slowest = [...cache.timings.queries].sort((a, b) => b.ms - a.ms).slice(0, 3).map((q) => ({ query: q.query, ms: Math.round(q.ms) }));
    }
    const med = median(runs)!;
    return {
      tables: scratch.tables,
      foreignKeys: scratch.fks,
      views: scratch.views,
      summary,
      runsMs: runs.map(Math.round),
      firstMs: Math.round(runs[0]!),
      medianMs: Math.round(med),
      queriedMedianMs: Math.round(median(queried)!),
      buildMedianMs: Math.round(median(built)!),
      slowestQueries: slowest,
      withinTarget: med < SCHEMA_CACHE_TARGET_MS,
    };
  } finally {
    await client.end();
  }
}

/** One way of starting the server as a process. */
export interface ServerEntry {
  readonly name: 'tsx' | 'dist';
  readonly args: readonly string[];
  /** dist only: some file under src/ is newer than the newest file under dist/ (run `npm run build`). */
  readonly stale?: boolean;
}

export interface ReadyTiming {
  /** Spawned `node … postgrest-ts` until its first HTTP answer (includes Node start and module loading), per entry. */
  readonly spawned: readonly { entry: 'tsx' | 'dist'; stale: boolean; runsMs: readonly number[]; medianMs: number }[];
  /** Spawn → first answer of a bare `node:http` hello-world: what Node start-up alone costs on this machine now. */
  readonly nodeFloorMedianMs: number;
  /** In-process startApp() (schema cache + listen) until the first answer, i.e. after Node and the modules are loaded. */
  readonly inProcessRunsMs: readonly number[];
  readonly inProcessMedianMs: number;
  /** What the target was judged on: the built server when current, else in-process (tsx compiles TypeScript at startup). */
  readonly judgedOn: string;
  readonly judgedMs: number;
  readonly withinTarget: boolean;
}

/** Time to ready on the demo database (started here under `demoDir`, already answering when the clock starts). */
export async function timeReady(opts: {
  demoDir: string;
  repeats: number;
  entries: readonly ServerEntry[];
  cwd: string;
  env: (extra: Record<string, string>) => NodeJS.ProcessEnv;
}): Promise<ReadyTiming> {
  const { startDemo } = await import('../src/demo/demo.js');
  const { freePort } = await import('../src/embedded/embedded-postgres.js');
  const demo = await startDemo(opts.demoDir, false);
  try {
    // The database answers before the clock starts.
    const probe = new pg.Client({ connectionString: demo.dbUri });
    await probe.connect();
    await probe.query('SELECT 1');
    await probe.end();
    const settings = {
      PGRST_DB_URI: demo.dbUri,
      PGRST_DB_SCHEMAS: demo.schemas.join(','),
      PGRST_DB_ANON_ROLE: demo.anonRole,
      PGRST_JWT_SECRET: demo.jwtSecret,
      PGRST_SERVER_HOST: '127.0.0.1',
      PGRST_LOG_LEVEL: 'crit',
    };
    const spawned: ReadyTiming['spawned'][number][] = [];
    for (const entry of opts.entries) {
      const runs: number[] = [];
      for (let i = 0; i < opts.repeats; i++) {
        const port = await freePort();
        const srv = await spawnServer({
          name: `postgrest-ts (demo, ${entry.name})`,
          args: entry.args,
          cwd: opts.cwd,
          env: opts.env({ ...settings, PGRST_SERVER_PORT: String(port) }),
          url: `http://127.0.0.1:${port}`,
          probePath: '/',
        });
        runs.push(srv.readyMs);
        await srv.stop();
      }
      spawned.push({ entry: entry.name, stale: entry.stale ?? false, runsMs: runs.map(Math.round), medianMs: Math.round(median(runs)!) });
    }
    const floor: number[] = [];
    for (let i = 0; i < opts.repeats; i++) {
      const port = await freePort();
      const code = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
      const srv = await spawnServer({ name: 'node floor', args: ['-e', code], cwd: opts.cwd, env: opts.env({}), url: `http://127.0.0.1:${port}` });
      floor.push(srv.readyMs);
      await srv.stop();
    }
    const { loadConfig } = await import('../src/config/load.js');
    const { startApp } = await import('../src/app/app.js');
    const { createLogger } = await import('../src/observe/log.js');
    const inProcess: number[] = [];
    for (let i = 0; i < opts.repeats; i++) {
      const config = await loadConfig({ env: { ...settings, PGRST_SERVER_PORT: '0' } });
      const t0 = performance.now();
      const app = await startApp(config, createLogger('crit'));
      const res = await fetch(`${app.url.replace('localhost', '127.0.0.1')}/`);
      await res.arrayBuffer();
      inProcess.push(performance.now() - t0);
      await app.stop();
    }
    const inProcessMedianMs = Math.round(median(inProcess)!);
    const dist = spawned.find((s) => s.entry === 'dist' && !s.stale);
    const judgedOn = dist ? 'spawned built server (node bin/postgrest-ts.js)' : 'in-process startApp (no current build to spawn)';
    const judgedMs = dist ? dist.medianMs : inProcessMedianMs;
    return { spawned, nodeFloorMedianMs: Math.round(median(floor)!), inProcessRunsMs: inProcess.map(Math.round), inProcessMedianMs, judgedOn, judgedMs, withinTarget: judgedMs < READY_TARGET_MS };
  } finally {
    await demo.postgres.stop();
  }
}

/** Newest modification time of any file under `dir` (0 when missing). */
function newestMtime(dir: string): number {
  let newest = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const BIN = 'bin/postgrest-ts.js';

/** The options a `#!/usr/bin/env -S node <options>` line gives node (none for a plain `#!/usr/bin/env node`). */
function shebangNodeFlags(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const words = first.replace(/^#!/, '').trim().split(/\s+/);
  const node = words.indexOf('node');
  return node < 0 ? [] : words.slice(node + 1);
}

/** The ways to start postgrest-ts here: always through tsx; the build too when dist/ exists. */
export function serverEntries(root: string): ServerEntry[] {
  // Node runs as the command's shebang says (its V8 flags), from the sources or the build.
  const flags = shebangNodeFlags(join(root, BIN));
  const entries: ServerEntry[] = [{ name: 'tsx', args: [...flags, '--import', 'tsx', 'src/cli/run.ts'] }];
  if (existsSync(join(root, 'dist', 'cli', 'run.js'))) {
    entries.push({ name: 'dist', args: [...flags, BIN], stale: newestMtime(join(root, 'src')) > newestMtime(join(root, 'dist')) });
  }
  return entries;
}

export const demoDirOf = (dataDir: string) => join(dataDir, 'demo');
