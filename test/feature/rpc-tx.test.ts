// /rpc transactions: READ ONLY for GET/HEAD and non-volatile functions (writes refused with 405 and nothing written),
// isolation level and hoisted settings from the function's SET clauses, Prefer: tx, max-affected, singular rollbacks,
// one execution per request, and the request settings a function can read.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let overridable: TestServer;
let unhoisted: TestServer;
let admin: pg.Client;

before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'rpc' });
  overridable = await startTestServer({ PGRST_DB_SCHEMAS: 'rpc', PGRST_DB_TX_END: 'commit-allow-override' });
  unhoisted = await startTestServer({ PGRST_DB_SCHEMAS: 'rpc', PGRST_DB_HOISTED_TX_SETTINGS: 'work_mem' });
  admin = new pg.Client({ connectionString: process.env.PGRST_TEST_ADMIN_URI });
  await admin.connect();
});
after(async () => {
  await admin.end();
  await Promise.all([srv.stop(), overridable.stop(), unhoisted.stop()]);
});

const post = (s: TestServer, path: string, body: string, headers: Record<string, string> = {}) =>
  request(s.url, path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
const count = async (sql: string): Promise<number> => Number((await admin.query(sql)).rows[0].n);

describe('access mode', () => {
  test('GET of a function that writes fails with 405 and writes nothing', async () => {
    const before = await count('select count(*) as n from rpc.write_log');
    const r = await request(srv.url, '/rpc/add_log?msg=from-get');
    assert.equal(r.status, 405);
    const body = r.json() as { code: string; message: string };
    assert.equal(body.code, '25006');
    assert.equal(body.message, 'cannot execute INSERT in a read-only transaction');
    const head = await request(srv.url, '/rpc/add_log?msg=from-head', { method: 'HEAD' });
    assert.equal(head.status, 405);
    assert.equal(await count('select count(*) as n from rpc.write_log'), before);
    assert.equal(await count("select count(*) as n from rpc.write_log where msg like 'from-%'"), 0);
  });

  test('POST of a volatile function writes', async () => {
    const r = await post(srv, '/rpc/add_log', '{"msg": "from-post-ok"}');
    assert.equal(r.status, 200);
    assert.equal(await count("select count(*) as n from rpc.write_log where msg = 'from-post-ok'"), 1);
  });

  test('GET and POST of stable functions run READ ONLY; POST of volatile ones READ WRITE', async () => {
    assert.deepEqual((await request(srv.url, '/rpc/read_only_stable')).json(), 'on');
    assert.deepEqual((await post(srv, '/rpc/read_only_stable', '{}')).json(), 'on');
    assert.deepEqual((await request(srv.url, '/rpc/read_only_volatile')).json(), 'on');
    assert.deepEqual((await post(srv, '/rpc/read_only_volatile', '{}')).json(), 'off');
  });

  test('a volatile function that does not write still works through GET', async () => {
    const r = await request(srv.url, '/rpc/read_only_volatile');
    assert.equal(r.status, 200);
  });

  test('the function runs exactly once per request, also with a separate count', async () => {
    await admin.query("select setval('rpc.call_seq', 1, false)");
    assert.equal((await post(srv, '/rpc/next_call', '{}')).text, '1');
    assert.equal((await post(srv, '/rpc/next_call', '{}', { Prefer: 'count=exact' })).text, '2');
    assert.equal((await post(srv, '/rpc/next_call?limit=5', '{}', { Prefer: 'count=exact' })).text, '3');
    assert.equal((await request(srv.url, '/rpc/next_call')).status, 405);
  });
});

describe('function settings', () => {
  test('SET default_transaction_isolation picks the isolation level', async () => {
    assert.deepEqual((await request(srv.url, '/rpc/serial_iso')).json(), 'serializable');
    assert.deepEqual((await post(srv, '/rpc/repeatable_iso', '{}')).json(), 'repeatable read');
    assert.deepEqual((await request(srv.url, '/rpc/default_iso')).json(), 'read committed');
  });

  test('a hoisted statement_timeout applies to the call', async () => {
    const r = await post(srv, '/rpc/slow', '{}');
    assert.equal(r.status, 500);
    const body = r.json() as { code: string; message: string };
    assert.equal(body.code, '57014');
    assert.equal(body.message, 'canceling statement due to statement timeout');
  });

  test('settings outside db-hoisted-tx-settings are not hoisted', async () => {
    const r = await post(unhoisted, '/rpc/slow', '{}');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), 'done');
  });
});

describe('transaction end', () => {
  test('Prefer: tx=rollback with db-tx-end=commit-allow-override rolls back', async () => {
    const r = await post(overridable, '/rpc/log_rollback', '{"msg": "rolled-back"}', { Prefer: 'tx=rollback' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), 'rolled-back');
    assert.equal(r.headers.get('preference-applied'), 'tx=rollback');
    assert.equal(await count("select count(*) as n from rpc.rollback_log where msg = 'rolled-back'"), 0);
    const kept = await post(overridable, '/rpc/log_rollback', '{"msg": "committed"}', { Prefer: 'tx=commit' });
    assert.equal(kept.headers.get('preference-applied'), 'tx=commit');
    assert.equal(await count("select count(*) as n from rpc.rollback_log where msg = 'committed'"), 1);
  });

  test('a deferred constraint violation still surfaces with tx=rollback', async () => {
    const r = await post(overridable, '/rpc/insert_orphan', '{}', { Prefer: 'tx=rollback' });
    assert.equal(r.status, 409);
    assert.equal((r.json() as { code: string }).code, '23503');
    assert.equal(await count('select count(*) as n from rpc.deferred_child'), 0);
  });

  test('Prefer: tx is ignored with the default db-tx-end=commit', async () => {
    const r = await post(srv, '/rpc/log_rollback', '{"msg": "not-rolled-back"}', { Prefer: 'tx=rollback' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('preference-applied'), null);
    assert.equal(await count("select count(*) as n from rpc.rollback_log where msg = 'not-rolled-back'"), 1);
  });

  test('a singular request with several rows is PGRST116 and rolls back', async () => {
    const r = await post(srv, '/rpc/touch_singular', '{"lo": 1, "hi": 2}', { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(r.status, 406);
    assert.equal((r.json() as { details: string }).details, 'The result contains 2 rows');
    assert.equal(await count('select count(*) as n from rpc.singular_log where touched'), 0);
  });
});

describe('Prefer: max-affected', () => {
  test('with handling=strict, more rows than allowed is PGRST124 and rolls back', async () => {
    const r = await post(srv, '/rpc/delete_affected', '', { Prefer: 'handling=strict, max-affected=2' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST124',
      message: 'Query result exceeds max-affected preference constraint',
      details: 'The query affects 6 rows',
      hint: null,
    });
    const t = await post(srv, '/rpc/delete_affected_table', '', { Prefer: 'handling=strict, max-affected=5' });
    assert.equal(t.status, 400);
    assert.equal(await count('select count(*) as n from rpc.affected'), 6);
  });

  test('a function not returning SETOF/TABLE is PGRST128 before it runs', async () => {
    const r = await post(srv, '/rpc/delete_affected_void', '', { Prefer: 'handling=strict, max-affected=20' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST128',
      message: 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
      details: null,
      hint: null,
    });
    assert.equal(await count('select count(*) as n from rpc.affected'), 6);
  });

  test('lenient handling ignores it; within the limit it is applied and echoed', async () => {
    const lenient = await request(srv.url, '/rpc/all_boxes?select=id', { headers: { Prefer: 'max-affected=1' } });
    assert.equal(lenient.status, 200);
    assert.equal(lenient.headers.get('preference-applied'), null);
    const ok = await request(srv.url, '/rpc/all_boxes?select=id', { headers: { Prefer: 'handling=strict, max-affected=10' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('preference-applied'), 'handling=strict, max-affected=10');
  });
});

describe('request settings seen by functions', () => {
  test('headers, cookies, method, path, claims and role', async () => {
    const guc = (body: object, headers: Record<string, string> = {}) =>
      post(srv, `/rpc/${'prefix' in body ? 'guc_json' : 'guc'}`, JSON.stringify(body), headers).then((r) => r.json());
    assert.equal(await guc({ prefix: 'request.headers', name: 'x-custom' }, { 'X-Custom': 'value' }), 'value');
    assert.equal(await guc({ prefix: 'request.cookies', name: 'b' }, { Cookie: 'a=1; b=2' }), '2');
    assert.equal(await guc({ name: 'request.method' }), 'POST');
    assert.equal(await guc({ name: 'request.path' }), '/rpc/guc');
    assert.equal(await guc({ name: 'role' }), 'postgrest_test_anonymous');
    const viaGet = await request(srv.url, '/rpc/guc?name=request.method');
    assert.deepEqual(viaGet.json(), 'GET');
  });
});
