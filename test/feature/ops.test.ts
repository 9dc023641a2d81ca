// Operations: schema reload by NOTIFY (also under load), in-database config, profiles over several schemas, pool
// exhaustion (504 PGRST003), graceful stop with requests in flight, and recovery after the database restarts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres.js';
import { adminQuery, eventually, uriAs } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

const OPS_URI = () => uriAs('postgrest_test_ops_authenticator', 'ops-test-password');
const opsServer = (env: Record<string, string> = {}) =>
  startTestServer({ PGRST_DB_URI: OPS_URI(), PGRST_DB_SCHEMAS: 'ops,ops_v2', PGRST_DB_CHANNEL: 'pgrst_ops_test', ...env });

describe('schema reload', () => {
  let srv: TestServer;
  before(async () => {
    srv = await opsServer();
  });
  after(() => srv.stop());

  test("NOTIFY 'reload schema' serves a new table without restart", async () => {
    assert.equal((await request(srv.url, '/late_table')).status, 404);
    await adminQuery('CREATE TABLE ops.late_table (id int); INSERT INTO ops.late_table VALUES (7); GRANT SELECT ON ops.late_table TO postgrest_test_anonymous');
    await adminQuery("NOTIFY pgrst_ops_test, 'reload schema'");
    await eventually(async () => (await request(srv.url, '/late_table')).status === 200);
    assert.deepEqual((await request(srv.url, '/late_table')).json(), [{ id: 7 }]);
  });

  test('reloads during steady requests fail none of them', async () => {
    let stop = false;
    const statuses: number[] = [];
    const worker = async () => {
      while (!stop) statuses.push((await request(srv.url, '/things?select=id&order=id')).status);
    };
    const workers = [worker(), worker(), worker()];
    for (let i = 0; i < 5; i++) {
      await adminQuery("NOTIFY pgrst_ops_test, 'reload schema'");
      await new Promise((r) => setTimeout(r, 120));
    }
    stop = true;
    await Promise.all(workers);
    assert.ok(statuses.length > 10, `only ${statuses.length} requests`);
    assert.deepEqual([...new Set(statuses)], [200]);
  });

  test("in-database config is read on reload (ALTER ROLE ... SET pgrst.db_max_rows)", async () => {
    assert.equal((await request(srv.url, '/things')).headers.get('content-range'), '0-2/*');
    await adminQuery("ALTER ROLE postgrest_test_ops_authenticator SET pgrst.db_max_rows = '2'");
    try {
      await adminQuery("NOTIFY pgrst_ops_test, 'reload config'");
      await eventually(async () => (await request(srv.url, '/things')).headers.get('content-range') === '0-1/*');
    } finally {
      await adminQuery('ALTER ROLE postgrest_test_ops_authenticator RESET pgrst.db_max_rows');
      await adminQuery("NOTIFY pgrst_ops_test, 'reload config'");
    }
    await eventually(async () => (await request(srv.url, '/things')).headers.get('content-range') === '0-2/*');
  });

  test('GET / is described again after a schema reload, a grant and a config reload (the document is kept between)', async () => {
    const doc = async () => (await request(srv.url, '/')).json() as { securityDefinitions?: unknown; paths: Record<string, unknown> };
    const first = await request(srv.url, '/');
    assert.equal((await request(srv.url, '/')).text, first.text, 'the same document twice');
    assert.ok(!('/late_doc' in (await doc()).paths));
    await adminQuery('CREATE TABLE ops.late_doc (id int)');
    await adminQuery("NOTIFY pgrst_ops_test, 'reload schema'");
    // in the schema cache (no longer 404), but not the anonymous role's to use: not described (follow-privileges)
    await eventually(async () => (await request(srv.url, '/late_doc')).status !== 404);
    assert.ok(!('/late_doc' in (await doc()).paths));
    // a grant needs no reload: what the role may use is asked of the database on every request
    await adminQuery('GRANT SELECT ON ops.late_doc TO postgrest_test_anonymous');
    assert.ok('/late_doc' in (await doc()).paths);
    assert.equal((await doc()).securityDefinitions, undefined);
    await adminQuery("ALTER ROLE postgrest_test_ops_authenticator SET pgrst.openapi_security_active = 'true'");
    try {
      await adminQuery("NOTIFY pgrst_ops_test, 'reload config'");
      await eventually(async () => (await doc()).securityDefinitions !== undefined);
      assert.ok('/late_doc' in (await doc()).paths);
    } finally {
      await adminQuery('ALTER ROLE postgrest_test_ops_authenticator RESET pgrst.openapi_security_active');
      await adminQuery("NOTIFY pgrst_ops_test, 'reload config'");
      await adminQuery('DROP TABLE ops.late_doc');
      await adminQuery("NOTIFY pgrst_ops_test, 'reload schema'");
    }
    await eventually(async () => {
      const d = await doc();
      return d.securityDefinitions === undefined && !('/late_doc' in d.paths);
    });
  });
});

describe('profiles over several schemas', () => {
  let srv: TestServer;
  before(async () => {
    srv = await opsServer();
  });
  after(() => srv.stop());

  test('the first schema is the default and is echoed in Content-Profile', async () => {
    const r = await request(srv.url, '/things?select=id&order=id&limit=1');
    assert.equal(r.headers.get('content-profile'), 'ops');
    assert.deepEqual(r.json(), [{ id: 1 }]);
  });

  test('Accept-Profile selects another exposed schema', async () => {
    const r = await request(srv.url, '/things', { headers: { 'Accept-Profile': 'ops_v2' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-profile'), 'ops_v2');
    assert.deepEqual(r.json(), [{ id: 10, label: 'ten' }]);
    assert.equal((await request(srv.url, '/only_in_v2')).status, 404);
  });

  test('an unexposed schema is 406 PGRST106', async () => {
    const r = await request(srv.url, '/things', { headers: { 'Accept-Profile': 'test' } });
    assert.equal(r.status, 406);
    assert.deepEqual(r.json(), {
      code: 'PGRST106',
      message: 'Invalid schema: test',
      details: null,
      hint: 'Only the following schemas are exposed: ops, ops_v2',
    });
  });
});

describe('pool limits and shutdown', () => {
  test('with every connection busy, the next request fails fast with 504 PGRST003', async () => {
    const srv = await opsServer({ PGRST_DB_POOL: '1', PGRST_DB_POOL_ACQUISITION_TIMEOUT: '1' });
    try {
      const slow = request(srv.url, '/slow');
      await new Promise((r) => setTimeout(r, 150));
      const t0 = Date.now();
      const r = await request(srv.url, '/things');
      const waited = Date.now() - t0;
      assert.equal(r.status, 504);
      assert.equal((r.json() as { code: string }).code, 'PGRST003');
      assert.ok(waited >= 900 && waited < 1450, `waited ${waited} ms`);
      assert.equal((await slow).status, 200);
    } finally {
      await srv.stop();
    }
  });

  test('stopping lets in-flight requests finish', async () => {
    const srv = await opsServer();
    const slow = request(srv.url, '/slow');
    await new Promise((r) => setTimeout(r, 200));
    await srv.stop();
    const r = await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ slept: '' }]);
  });

  test('backends terminated under the server are replaced', async () => {
    const srv = await opsServer();
    try {
      assert.equal((await request(srv.url, '/things')).status, 200);
      await adminQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'postgrest_test_ops_authenticator' AND pid <> pg_backend_pid()");
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await request(srv.url, '/things')).status);
      assert.ok(statuses.every((s) => s === 200 || s === 503), statuses.join(','));
      await eventually(async () => (await request(srv.url, '/things')).status === 200);
    } finally {
      await srv.stop();
    }
  });
});

describe('database restart', () => {
  test('requests get 503 while PostgreSQL is down and succeed again after it returns, without a server restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgrst-restart-'));
    let pgServer = await startEmbeddedPostgres({ dir });
    const port = pgServer.port;
    try {
      const setup = new pg.Client({ connectionString: pgServer.uri() });
      await setup.connect();
      await setup.query("CREATE ROLE anon NOLOGIN; CREATE TABLE public.t (id int); INSERT INTO public.t VALUES (1); GRANT SELECT ON public.t TO anon; GRANT anon TO postgres");
      await setup.end();
      const srv = await startTestServer({ PGRST_DB_URI: pgServer.uri(), PGRST_DB_SCHEMAS: 'public', PGRST_DB_ANON_ROLE: 'anon', PGRST_DB_CHANNEL_ENABLED: 'false' });
      try {
        assert.equal((await request(srv.url, '/t')).status, 200);
        await pgServer.stop();
        const down = await request(srv.url, '/t');
        assert.equal(down.status, 503);
        assert.match((down.json() as { code: string }).code, /^PGRST00[0-2]$/);
        pgServer = await startEmbeddedPostgres({ dir, port });
        await eventually(async () => (await request(srv.url, '/t')).status === 200, 15_000, 250);
        assert.deepEqual((await request(srv.url, '/t')).json(), [{ id: 1 }]);
      } finally {
        await srv.stop();
      }
    } finally {
      await pgServer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
