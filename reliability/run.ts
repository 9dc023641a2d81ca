// `npm run test:reliability`: starts its own PostgreSQL (log_statement=all, log captured), loads the reliability
// fixture, runs the groups (hostile, limits, injection, faults, load) against spawned servers and ends with
// `N passed, M failed`, exiting non-zero on failures. Knobs: see reliability/README.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from '../src/embedded/embedded-postgres.js';
import { buildCorpus, DEFAULT_SEED } from './corpus/corpus.js';
import { runClientAborts } from './groups/aborts.js';
import { runFaults } from './groups/faults.js';
import { runConcurrentPass, runHostile } from './groups/hostile.js';
import { runInjection, runVisibility } from './groups/injection.js';
import { runLimits } from './groups/limits.js';
import { runLoad } from './groups/load.js';
import { openDb } from './lib/db.js';
import { JWT_SECRET } from './lib/jwt.js';
import { LOG_LINE_PREFIX, LogCollector } from './lib/pg-log.js';
import { GroupReport } from './lib/report.js';
import { dbPool, spawnServer } from './lib/server.js';

const root = new URL('..', import.meta.url).pathname;
const DATABASE = 'postgrest_reliability';
const AUTHENTICATOR = 'postgrest_test_rel_authenticator';
const AUTH_PASSWORD = 'rel-test-password';
const ALL_GROUPS = ['hostile', 'limits', 'injection', 'faults', 'load'] as const;

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
};

/** Settings of the suite's PostgreSQL: every statement logged to stderr with a parseable prefix. */
export const PG_SETTINGS: Readonly<Record<string, string>> = {
  log_statement: 'all',
  logging_collector: 'off',
  log_line_prefix: LOG_LINE_PREFIX,
  log_min_error_statement: 'error',
  max_connections: '200',
};

async function prepareDatabase(pgServer: RunningPostgres): Promise<void> {
  const admin = new pg.Client({ connectionString: pgServer.uri() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = new pg.Client({ connectionString: pgServer.uri(DATABASE) });
  await db.connect();
  try {
    for (const f of ['00-roles.sql', '70-reliability.sql']) await db.query(readFileSync(join(root, 'test/fixtures', f), 'utf8'));
  } finally {
    await db.end();
  }
}

async function main(): Promise<number> {
  const groups = (process.env.REL_GROUPS ?? ALL_GROUPS.join(',')).split(',').map((g) => g.trim()).filter(Boolean);
  for (const g of groups) if (!(ALL_GROUPS as readonly string[]).includes(g)) throw new Error(`unknown group ${g} (known: ${ALL_GROUPS.join(', ')})`);
  const seed = envInt('REL_SEED', DEFAULT_SEED);
  const scratch = mkdtempSync(join(tmpdir(), 'postgrest-ts-reliability-'));
  const log = new LogCollector();
  let pgServer: RunningPostgres | undefined;
  const reports: GroupReport[] = [];
  try {
    const t0 = Date.now();
    pgServer = await startEmbeddedPostgres({ dir: scratch, settings: PG_SETTINGS, onLog: log.onLog });
    await prepareDatabase(pgServer);
    console.log(`# embedded PostgreSQL on port ${pgServer.port}, database ${DATABASE} ready (${Date.now() - t0} ms); seed ${seed}`);
    const dbUri = pgServer.uri(DATABASE);
    const authUri = pgServer.uri(DATABASE, AUTHENTICATOR, AUTH_PASSWORD);
    const db = openDb(dbUri);
    const baseEnv: Record<string, string> = {
      PGRST_DB_URI: authUri,
      PGRST_DB_SCHEMAS: 'reliability',
      PGRST_DB_ANON_ROLE: 'postgrest_test_anonymous',
      PGRST_JWT_SECRET: JWT_SECRET,
      PGRST_DB_CHANNEL: 'pgrst_rel',
      PGRST_DB_POOL: '10',
      PGRST_DB_POOL_PIPELINE_DEPTH: String(envInt('REL_PIPELINE_DEPTH', 1)),
    };
    const pgControl = {
      stop: async () => {
        await pgServer?.stop();
      },
      start: async () => {
        pgServer = await startEmbeddedPostgres({ dir: scratch, port: pgServer?.port, settings: PG_SETTINGS, onLog: log.onLog });
      },
    };
    try {
      for (const name of groups) {
        const report = new GroupReport(name);
        reports.push(report);
        const started = Date.now();
        console.log(`# group ${name}…`);
        try {
          switch (name) {
            case 'hostile': {
              const cases = buildCorpus({ seed, randomQueries: envInt('REL_CORPUS_RANDOM', 2000), randomBodies: envInt('REL_CORPUS_BODIES', 400) });
              const server = await spawnServer(baseEnv, '/items?limit=1');
              try {
                const knownBad = await runHostile(report, server, db, cases, { progressEvery: 1000 });
                await runConcurrentPass(report, server, cases, { concurrency: 32, rounds: 3, rssKb: server.rssKb, knownBad });
                await runClientAborts(report, server, { pool: dbPool(baseEnv), sessions: { db, authenticator: AUTHENTICATOR } });
              } finally {
                await server.stop();
              }
              break;
            }
            case 'limits':
              await runLimits(report, baseEnv);
              break;
            case 'injection': {
              // Aggregates and EXPLAIN plans on: more grammar reaches SQL.
              const server = await spawnServer({ ...baseEnv, PGRST_DB_AGGREGATES_ENABLED: 'true', PGRST_DB_PLAN_ENABLED: 'true' }, '/items?limit=1');
              try {
                await runInjection(report, server, db, { log, authenticator: AUTHENTICATOR, database: DATABASE });
                await runVisibility(report, server);
              } finally {
                await server.stop();
              }
              break;
            }
            case 'faults':
              await runFaults(report, baseEnv, db, { stopDb: pgControl.stop, startDb: pgControl.start, authenticator: AUTHENTICATOR });
              break;
            case 'load':
              await runLoad(report, baseEnv, db, { seconds: envInt('REL_LOAD_SECONDS', 60), rate: envInt('REL_LOAD_RATE', 200), seed });
              break;
          }
        } catch (err) {
          report.check(`group ${name} ran to the end`, false, err instanceof Error ? (err.stack ?? err.message) : String(err), 'the group itself failed');
        }
        console.log(report.render(envInt('REL_MAX_PER_KEY', 3)));
        console.log(`# group ${name}: ${report.passed}/${report.total} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    } finally {
      await db.end();
    }
  } finally {
    await pgServer?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log('');
  for (const r of reports) console.log(`${r.name}: ${r.passed}/${r.total}`);
  const passed = reports.reduce((s, r) => s + r.passed, 0);
  const failed = reports.reduce((s, r) => s + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
