// Operations through the real process (`node --import tsx src/cli/run.ts`): log lines at each log-level, log-query,
// SIGUSR1 / SIGUSR2 reloads, SIGTERM with a request in flight, and db-pool-automatic-recovery = false exiting.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { adminQuery, eventually } from '../support/db.js';
import { request } from '../support/server.js';
import { tempDir } from '../support/temp.js';
import { type Cli, OPSX_URI, opsxEnv, STDERR_PREFIX, spawnCli, uriNamed } from './ops-support.js';

const running: Cli[] = [];
after(async () => {
  await Promise.all(running.map((c) => c.kill()));
});

/** Spawns the CLI on a free port and waits until it answers; `unset` names variables to leave out. */
async function serve(env: Record<string, string>, args: string[] = [], unset: string[] = []): Promise<{ cli: Cli; url: string }> {
  const port = await freePort();
  const full = opsxEnv({ ...env, PGRST_SERVER_PORT: String(port) });
  for (const name of unset) delete full[name];
  const cli = spawnCli(full, args);
  running.push(cli);
  await cli.stderr.waitFor(/: API server listening on /, 30_000);
  return { cli, url: `http://127.0.0.1:${port}` };
}

const settle = () => new Promise((r) => setTimeout(r, 300));
const TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoicG9zdGdyZXN0X3Rlc3RfYW5vbnltb3VzIn0.c2lnbmF0dXJl';

describe('log-level', () => {
  const levels = ['crit', 'error', 'warn', 'info', 'debug'] as const;
  const access = {
    500: /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET \/words HTTP\/1\.1" 500 \d+ "" "node"$/,
    404: /^127\.0\.0\.1 - postgrest_test_anonymous \[.+\] "GET \/unknown\?select=id HTTP\/1\.1" 404 \d+ "" "node"$/,
    200: /^127\.0\.0\.1 - postgrest_test_anonymous \[.+\] "GET \/words HTTP\/1\.1" 200 \d+ "http:\/\/referer\.example\/" "node"$/,
  };
  const expected: Record<(typeof levels)[number], RegExp[]> = {
    crit: [],
    error: [access[500]],
    warn: [access[500], access[404]],
    info: [access[500], access[404], access[200]],
    debug: [access[500], access[404], access[200]],
  };
  for (const level of levels) {
    test(`${level}: access log lines on stdout, diagnostics on stderr in PostgREST's formats`, async () => {
      // No jwt-secret: a request with a token is PostgREST's 500 "Server lacks JWT secret".
      const { cli, url } = await serve({ PGRST_LOG_LEVEL: level, PGRST_JWT_SECRET: '' });
      assert.equal((await request(url, '/words', { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 500);
      assert.equal((await request(url, '/unknown?select=id')).status, 404);
      assert.equal((await request(url, '/words', { headers: { Referer: 'http://referer.example/' } })).status, 200);
      await settle();
      const out = cli.stdout.lines.filter((l) => l !== '');
      assert.equal(out.length, expected[level].length, out.join('\n'));
      for (const [i, re] of expected[level].entries()) assert.match(out[i] ?? '', re);

      const err = cli.stderr.lines.filter((l) => l !== '');
      for (const line of err) assert.match(line, STDERR_PREFIX);
      // Startup and schema cache messages show at every level, crit included.
      for (const re of [
        /: Starting postgrest-ts \S+\.\.\.$/,
        /: Successfully connected to PostgreSQL \d+/,
        /: Connection Pool initialized with a maximum size of 4 connections$/,
        /: Schema cache queried in \d+\.\d milliseconds$/,
        /: Schema cache loaded \d+ Relations, \d+ Relationships, \d+ RPCs, \d+ Domain Representations, \d+ Media Type Handlers$/,
        /: Schema cache loaded in \d+\.\d milliseconds$/,
        /: API server listening on 127\.0\.0\.1:\d+$/,
      ]) {
        assert.ok(err.some((l) => re.test(l)), `${re} in\n${err.join('\n')}`);
      }
      // debug: the schema cache's per-query timings.
      assert.equal(err.some((l) => /: server: \d+\.\d ms, tables: \d+\.\d ms, /.test(l)), level === 'debug');
      const debugLines = err.filter((l) => /: (Trying to borrow a connection from pool|Borrowed a connection from the pool)$/.test(l));
      assert.equal(debugLines.length > 0, level === 'debug');
      assert.equal(
        err.some((l) => / Connection [0-9a-f-]{36} is (being established|used|available due to connection establishment)$/.test(l)),
        level === 'debug',
      );
    });
  }
});

describe('log-query', () => {
  test('logs each statement on one line at the access log threshold', async () => {
    const [info, error] = await Promise.all([
      serve({ PGRST_LOG_LEVEL: 'info', PGRST_LOG_QUERY: 'true' }),
      serve({ PGRST_LOG_LEVEL: 'error', PGRST_LOG_QUERY: 'true' }),
    ]);
    for (const { url } of [info, error]) {
      assert.equal((await request(url, '/words?select=id&order=id')).status, 200);
      assert.equal((await request(url, '/broken')).status, 500);
    }
    await settle();
    const main = (cli: Cli, relation: string) => cli.stderr.lines.filter((l) => STDERR_PREFIX.test(l) && l.includes(`FROM "opsx"."${relation}"`));
    const settings = (cli: Cli) => cli.stderr.lines.filter((l) => /: SELECT pg_catalog\.num_nulls\(set_config\(/i.test(l));
    // info: every request's statements.
    assert.equal(main(info.cli, 'words').length, 1, info.cli.stderr.lines.join('\n'));
    assert.equal(main(info.cli, 'broken').length, 1);
    assert.equal(settings(info.cli).length, 2);
    // error: only those of the 5xx request.
    assert.equal(main(error.cli, 'words').length, 0, error.cli.stderr.lines.join('\n'));
    assert.equal(main(error.cli, 'broken').length, 1);
    assert.equal(settings(error.cli).length, 1);
    // A database error answered with a 5xx is also written to stderr, as PostgREST's JSON.
    assert.ok(error.cli.stderr.lines.some((l) => l.endsWith(': {"code":"XX000","details":null,"hint":null,"message":"opsx internal failure"}')));
  });
});

describe('signals', () => {
  test('SIGUSR1 reloads the schema cache', async () => {
    const { cli, url } = await serve({});
    try {
      assert.equal((await request(url, '/late_usr1')).status, 404);
      await adminQuery('CREATE TABLE opsx.late_usr1 (id int); GRANT SELECT ON opsx.late_usr1 TO postgrest_test_anonymous');
      cli.child.kill('SIGUSR1');
      await eventually(async () => (await request(url, '/late_usr1')).status === 200, 10_000);
    } finally {
      await adminQuery('DROP TABLE IF EXISTS opsx.late_usr1');
    }
  });

  test('SIGUSR2 re-reads the config file (db-max-rows, log-level)', async () => {
    const file = join(tempDir('pgrst-usr2-'), 'postgrest.conf');
    writeFileSync(file, 'db-max-rows = 2\nlog-level = "crit"\n');
    const { cli, url } = await serve({}, [file], ['PGRST_LOG_LEVEL']);
    assert.equal((await request(url, '/words')).headers.get('content-range'), '0-1/*');
    await settle();
    assert.deepEqual(cli.stdout.lines, []);
    writeFileSync(file, 'db-max-rows = 1\nlog-level = "info"\n');
    cli.child.kill('SIGUSR2');
    await cli.stderr.waitFor(/: Config reloaded$/);
    const r = await request(url, '/words');
    assert.equal(r.headers.get('content-range'), '0-0/*');
    await cli.stdout.waitFor(/"GET \/words HTTP\/1\.1" 200 /);
  });

  test('SIGTERM finishes the request in flight, refuses new ones and exits 0', async () => {
    const { cli, url } = await serve({ PGRST_LOG_LEVEL: 'info' });
    const slow = request(url, '/slow');
    await new Promise((r) => setTimeout(r, 400));
    cli.child.kill('SIGTERM');
    await cli.stderr.waitFor(/SIGTERM/);
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(fetch(`${url}/words`));
    const r = await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ slept: '' }]);
    assert.equal(r.headers.get('connection'), 'close');
    assert.equal(await cli.exited, 0);
  });
});

describe('db-pool-automatic-recovery = false', () => {
  test('exits with 1 when the database cannot be reached at startup, instead of retrying', async () => {
    const u = new URL(OPSX_URI());
    u.pathname = '/opsx_no_such_database';
    const cli = spawnCli(opsxEnv({ PGRST_DB_URI: u.toString(), PGRST_DB_POOL_AUTOMATIC_RECOVERY: 'false', PGRST_SERVER_PORT: String(await freePort()) }));
    running.push(cli);
    assert.equal(await cli.exited, 1);
    assert.ok(cli.stderr.lines.some((l) => /: Failed to query the PostgreSQL version\. \{"code":"PGRST000",.*opsx_no_such_database/.test(l)), cli.stderr.lines.join('\n'));
    assert.ok(cli.stderr.lines.some((l) => l.endsWith(': Automatic recovery disabled, exiting.')));
    assert.ok(!cli.stderr.lines.some((l) => l.includes('Attempting to reconnect')));
  });

  test('exits with 1 when its connections are terminated', async () => {
    const app = 'opsx-no-recovery';
    const { cli, url } = await serve({ PGRST_DB_URI: uriNamed(app), PGRST_DB_POOL_AUTOMATIC_RECOVERY: 'false', PGRST_DB_CHANNEL_ENABLED: 'true' });
    await cli.stderr.waitFor(/: Listener connected to /);
    assert.equal((await request(url, '/words')).status, 200);
    await adminQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'opsx-no-recovery%'");
    assert.equal(await cli.exited, 1);
    assert.ok(cli.stderr.lines.some((l) => l.endsWith(': Automatic recovery disabled, exiting.')), cli.stderr.lines.join('\n'));
  });
});
