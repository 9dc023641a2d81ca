// The test runner behind `npm test`: one throwaway PostgreSQL for the whole run (embedded, or PGRST_TEST_DB_URI when set),
// a fresh database loaded with test/fixtures/*.sql, then node:test over every test file. It leaves no process behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from '../src/embedded/embedded-postgres.js';

const root = new URL('..', import.meta.url).pathname;
const TEST_DB = 'postgrest_test';

function testFiles(args: readonly string[]): string[] {
  if (args.length > 0) return [...args];
  const files: string[] = [];
  for (const dir of ['test/unit', 'test/feature']) {
    for (const f of readdirSync(join(root, dir)).sort()) if (f.endsWith('.test.ts')) files.push(join(dir, f));
  }
  return files;
}

function withDatabase(uri: string, database: string): string {
  const u = new URL(uri);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function prepareDatabase(adminUri: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUri });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEST_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEST_DB}`);
  } finally {
    await admin.end();
  }
  const uri = withDatabase(adminUri, TEST_DB);
  const db = new pg.Client({ connectionString: uri });
  await db.connect();
  try {
    const dir = join(root, 'test/fixtures');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
      try {
        await db.query(readFileSync(join(dir, f), 'utf8'));
      } catch (err) {
        throw new Error(`loading fixture ${f}: ${(err as Error).message}`);
      }
    }
  } finally {
    await db.end();
  }
  return uri;
}

// A file (or a test) still running after this long is cancelled and counted as failed, so that a hang ends the run
// in minutes instead of at CI's limit. The slowest file takes well under a minute.
const TEST_TIMEOUT_MS = 300_000;

function runNodeTest(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files];
  return new Promise((res) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      res(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const files = testFiles(process.argv.slice(2));
  let pgServer: RunningPostgres | undefined;
  let scratch: string | undefined;
  try {
    let adminUri = process.env.PGRST_TEST_DB_URI;
    if (!adminUri) {
      scratch = mkdtempSync(join(tmpdir(), 'postgrest-ts-test-'));
      const t0 = Date.now();
      pgServer = await startEmbeddedPostgres({ dir: scratch, settings: { max_connections: '200', fsync: 'off' } });
      adminUri = pgServer.uri();
      console.log(`# embedded PostgreSQL on port ${pgServer.port} (${Date.now() - t0} ms)`);
    }
    const dbUri = await prepareDatabase(adminUri);
    const auth = new URL(dbUri);
    auth.username = 'postgrest_test_authenticator';
    auth.password = 'authenticator-test-password';
    const env = { ...process.env, PGRST_TEST_ADMIN_URI: dbUri, PGRST_TEST_AUTH_URI: auth.toString(), PGRST_TEST_DB_URI: dbUri };
    return await runNodeTest(files, env);
  } finally {
    await pgServer?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
