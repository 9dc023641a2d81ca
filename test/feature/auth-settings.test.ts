// Feature tests of what a request's SQL sees: the request.* GUCs, app settings, the impersonated role's own
// `ALTER ROLE ... SET` settings and isolation level, the db-pre-request function, and response.headers/status.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { hsToken } from '../support/tokens.js';

const token = (payload: Record<string, unknown>) => hsToken('HS256', TEST_JWT_SECRET, payload);
const MEMBER = 'postgrest_test_auth_member';
const TUNED = 'postgrest_test_auth_tuned';

let srv: TestServer;
let pre: TestServer;
before(async () => {
  [srv, pre] = await Promise.all([
    startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_APP_SETTINGS_GREETING: 'hello' }),
    startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_DB_PRE_REQUEST: 'auth_test.pre_request' }),
  ]);
});
after(async () => {
  await Promise.all([srv.stop(), pre.stop()]);
});

type Info = Record<string, string | null>;

async function info(server: TestServer, headers: Record<string, string> = {}, query = ''): Promise<Info> {
  const r = await request(server.url, `/request_info${query}`, { headers });
  assert.equal(r.status, 200, r.text);
  const rows = r.json() as Info[];
  assert.equal(rows.length, 1);
  return rows[0] ?? {};
}

describe('request GUCs', () => {
  test('request.jwt.claims: the claims with the effective role', async () => {
    const t = token({ role: MEMBER, sub: 'alice', nested: { a: [1, 2] } });
    const i = await info(srv, { Authorization: `Bearer ${t}` });
    assert.deepEqual(JSON.parse(i['claims'] ?? ''), { role: MEMBER, sub: 'alice', nested: { a: [1, 2] } });
  });

  test('request.jwt.claims without a token: only the anonymous role', async () => {
    const i = await info(srv);
    assert.deepEqual(JSON.parse(i['claims'] ?? ''), { role: 'postgrest_test_anonymous' });
  });

  test('request.method and request.path', async () => {
    const i = await info(srv, {}, '?select=method,path');
    assert.deepEqual(i, { method: 'GET', path: '/request_info' });
  });

  test('request.headers: lower-cased names, cookie excluded; request.cookies parsed', async () => {
    const t = token({ role: MEMBER });
    const i = await info(srv, { 'X-Custom-Header': 'custom value', Cookie: 'session=abc; theme=dark', Authorization: `Bearer ${t}` });
    const headers = JSON.parse(i['headers'] ?? '') as Record<string, string>;
    assert.equal(headers['x-custom-header'], 'custom value');
    assert.equal(headers['authorization'], `Bearer ${t}`);
    assert.equal(headers['cookie'], undefined);
    assert.deepEqual(JSON.parse(i['cookies'] ?? ''), { session: 'abc', theme: 'dark' });
  });

  test('request.headers and request.cookies hold header bytes read as UTF-8', async () => {
    // fetch sends each character of a header value as one byte: the latin1 spelling of UTF-8 bytes sends those bytes
    const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const i = await info(srv, { 'X-Name': bytes('Zoë ☃'), Cookie: `who=${bytes('Zoë')}; plain=x` });
    assert.equal((JSON.parse(i['headers'] ?? '') as Record<string, string>)['x-name'], 'Zoë ☃');
    assert.deepEqual(JSON.parse(i['cookies'] ?? ''), { who: 'Zoë', plain: 'x' });
  });

  test('search_path is the requested schema, then db-extra-search-path', async () => {
    const i = await info(srv, {}, '?select=search_path');
    assert.equal(i['search_path'], '"auth_test", "public"');
  });

  test('app.settings.* from the configuration', async () => {
    assert.equal((await info(srv))['greeting'], 'hello');
  });
});

describe("the impersonated role's own settings", () => {
  const tuned = { Authorization: `Bearer ${token({ role: TUNED })}` };

  test('user-settable settings are applied per request', async () => {
    const i = await info(srv, tuned);
    assert.equal(i['role'], TUNED);
    assert.equal(i['statement_timeout'], '1234ms');
    assert.equal(i['work_mem'], '3MB');
  });

  test('default_transaction_isolation sets the isolation level of the transaction', async () => {
    assert.equal((await info(srv, tuned))['isolation'], 'serializable');
  });

  test("the role's isolation level applies to calls and writes; a function's own level wins", async () => {
    const call = async (fn: string, headers: Record<string, string>) => (await request(srv.url, `/rpc/${fn}`, { headers })).json();
    assert.equal(await call('isolation', tuned), 'serializable');
    assert.equal(await call('isolation', {}), 'read committed');
    assert.equal(await call('isolation_rr', tuned), 'repeatable read');
    const w = await request(srv.url, '/tuned_writes', {
      method: 'POST',
      headers: { ...tuned, 'Content-Type': 'application/json', Prefer: 'return=representation' },
      body: JSON.stringify({ id: 1 }),
    });
    assert.equal(w.status, 201, w.text);
    assert.deepEqual(w.json(), [{ id: 1, isolation: 'serializable' }]);
  });

  test('superuser-only settings are skipped, unknown placeholders too', async () => {
    const i = await info(srv, tuned);
    assert.equal(i['replication_role'], 'origin');
    assert.equal(i['placeholder'], null);
  });

  test('a superuser-only setting the authenticator was granted SET on is applied (PostgreSQL 15+)', async () => {
    const i = await info(srv, tuned);
    assert.equal(i['log_min_error_statement'], 'panic');
  });

  test('other roles keep the defaults', async () => {
    const i = await info(srv);
    assert.equal(i['statement_timeout'], '0');
    assert.equal(i['isolation'], 'read committed');
    assert.notEqual(i['work_mem'], '3MB');
  });

  test("the role's statement_timeout cancels a slow request", async () => {
    const r = await request(srv.url, '/slow', { headers: tuned });
    assert.equal(r.status, 500, r.text);
    assert.deepEqual(r.json(), { code: '57014', details: null, hint: null, message: 'canceling statement due to statement timeout' });
  });
});

describe('db-pre-request', () => {
  test('runs after the settings, in the same transaction as the main statement', async () => {
    assert.equal((await info(pre))['pre_request_ran'], 'yes');
    assert.equal((await info(srv))['pre_request_ran'], null);
  });

  test('sees the request settings and can switch the role per claim', async () => {
    const i = await info(pre, { Authorization: `Bearer ${token({ switch_to: 'member' })}` });
    assert.equal(i['role'], MEMBER);
  });

  test('a RAISE rejects the request with the usual error mapping', async () => {
    const r = await request(pre.url, '/request_info', { headers: { 'X-Block': 'plain' } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'P0001', details: null, hint: 'remove x-block', message: 'blocked by pre-request' });
  });

  test("RAISE SQLSTATE 'PGRST' sets status, headers and body", async () => {
    const r = await request(pre.url, '/request_info', { headers: { 'X-Block': 'pgrst' } });
    assert.equal(r.status, 403);
    assert.equal(r.headers.get('x-blocked-by'), 'pre-request');
    assert.deepEqual(r.json(), { code: 'AUTH1', details: null, hint: null, message: 'Blocked by the pre-request function' });
  });

  test('insufficient_privilege from the pre-request: 403 with a role, 401 anonymous', async () => {
    const member = await request(pre.url, '/request_info', { headers: { Authorization: `Bearer ${token({ role: MEMBER, banned: true })}` } });
    assert.equal(member.status, 403, member.text);
    const anon = await request(pre.url, '/request_info', { headers: { Authorization: `Bearer ${token({ banned: true })}` } });
    assert.equal(anon.status, 401, anon.text);
    assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
    assert.deepEqual(anon.json(), { code: '42501', details: null, hint: null, message: 'banned user' });
  });

  test('sets response headers and status (GET and HEAD)', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await request(pre.url, '/request_info', { method, headers: { 'X-Pre-Headers': 'yes' } });
      assert.equal(r.status, 203, method);
      assert.equal(r.headers.get('x-pre-request'), 'ran', method);
    }
  });

  test('runs on function calls', async () => {
    const r = await request(pre.url, '/rpc/whoami', { headers: { 'X-Block': 'plain' } });
    assert.equal(r.status, 400, r.text);
    const ok = await request(pre.url, '/rpc/whoami', { headers: { Authorization: `Bearer ${token({ switch_to: 'member' })}` } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json(), MEMBER);
  });

  test('runs on writes', async () => {
    const r = await request(pre.url, '/notes', {
      method: 'POST',
      headers: { 'X-Block': 'plain', 'Content-Type': 'application/json', Authorization: `Bearer ${token({ role: MEMBER, sub: 'carol' })}` },
      body: JSON.stringify({ id: 99, body: 'never stored' }),
    });
    assert.equal(r.status, 400, r.text);
  });
});

describe('response GUCs', () => {
  test('response.headers and response.status set by the main statement', async () => {
    const r = await request(srv.url, '/response_gucs');
    assert.equal(r.status, 202, r.text);
    assert.equal(r.headers.get('x-from-sql'), 'yes');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(r.json(), [{ result: 'emitted' }]);
  });
});
