// Feature tests of authorization in the database: row level security keyed on the JWT `sub` claim (two users who must
// never read or change each other's rows through tables, views, functions and embeds) and privilege errors (401/403).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { hsToken } from '../support/tokens.js';

const MEMBER = 'postgrest_test_auth_member';
const as = (sub: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${hsToken('HS256', TEST_JWT_SECRET, { role: MEMBER, sub })}`,
  ...extra,
});
const alice = as('alice');
const bob = as('bob');
const json = { 'Content-Type': 'application/json' };

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'auth_test' });
});
after(async () => {
  await srv.stop();
});

async function get(path: string, headers: Record<string, string>): Promise<unknown> {
  const r = await request(srv.url, path, { headers });
  assert.equal(r.status, 200, r.text);
  return r.json();
}

describe('row level security on claims', () => {
  for (const rel of ['notes', 'my_notes']) {
    test(`each user reads only their own rows (${rel})`, async () => {
      assert.deepEqual(await get(`/${rel}?select=id,body&order=id`, alice), [
        { id: 1, body: 'alice note 1' },
        { id: 2, body: 'alice note 2' },
      ]);
      assert.deepEqual(await get(`/${rel}?select=id,body&order=id`, bob), [{ id: 3, body: 'bob note 1' }]);
    });

    test(`filtering for another user's row finds nothing (${rel})`, async () => {
      assert.deepEqual(await get(`/${rel}?id=eq.3`, alice), []);
      const r = await request(srv.url, `/${rel}?id=eq.3`, { headers: { ...alice, Accept: 'application/vnd.pgrst.object+json' } });
      assert.equal(r.status, 406, r.text);
    });

    test(`counting sees only one's own rows (${rel})`, async () => {
      const r = await request(srv.url, `/${rel}?select=id`, { headers: { ...bob, Prefer: 'count=exact' } });
      assert.equal(r.headers.get('content-range'), '0-0/1');
    });
  }

  test('a function reading the table sees only the caller rows', async () => {
    assert.deepEqual(await get('/rpc/note_bodies', bob), ['bob note 1']);
    assert.deepEqual(await get('/rpc/note_bodies', alice), ['alice note 1', 'alice note 2']);
  });

  test("embedding a protected parent hides another user's row", async () => {
    assert.deepEqual(await get('/tags?select=label,notes(body)&order=id', alice), [
      { label: 'a-one', notes: { body: 'alice note 1' } },
      { label: 'b-one', notes: null },
    ]);
  });

  test("an inner embed drops rows whose protected parent belongs to another user", async () => {
    assert.deepEqual(await get('/tags?select=label,notes!inner(body)&order=id', bob), [{ label: 'b-one', notes: { body: 'bob note 1' } }]);
  });
});

describe('row level security on writes', () => {
  for (const rel of ['notes', 'my_notes']) {
    test(`updating another user's row changes nothing (${rel})`, async () => {
      const r = await request(srv.url, `/${rel}?id=eq.3`, { method: 'PATCH', headers: { ...alice, ...json, Prefer: 'return=representation' }, body: JSON.stringify({ body: 'hijacked' }) });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json(), []);
      assert.deepEqual(await get('/notes?select=body', bob), [{ body: 'bob note 1' }]);
    });

    test(`deleting another user's row deletes nothing (${rel})`, async () => {
      const r = await request(srv.url, `/${rel}?id=eq.3`, { method: 'DELETE', headers: { ...alice, Prefer: 'return=representation' } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json(), []);
      assert.deepEqual(await get('/notes?select=id', bob), [{ id: 3 }]);
    });

    test(`inserting a row for another user is refused (${rel})`, async () => {
      const r = await request(srv.url, `/${rel}`, { method: 'POST', headers: { ...alice, ...json }, body: JSON.stringify({ id: 50, owner: 'bob', body: 'forged' }) });
      assert.equal(r.status, 403, r.text);
      assert.equal((r.json() as { code: string }).code, '42501');
      assert.deepEqual(await get('/notes?select=id', bob), [{ id: 3 }]);
    });

    test(`moving one's own row to another user is refused (${rel})`, async () => {
      const r = await request(srv.url, `/${rel}?id=eq.1`, { method: 'PATCH', headers: { ...alice, ...json }, body: JSON.stringify({ owner: 'bob' }) });
      assert.equal(r.status, 403, r.text);
    });
  }

  test('a new row belongs to its writer and only the writer sees it', async () => {
    const carol = as('carol');
    const r = await request(srv.url, '/notes', { method: 'POST', headers: { ...carol, ...json, Prefer: 'return=representation' }, body: JSON.stringify({ id: 40, body: 'carol note' }) });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json(), [{ id: 40, owner: 'carol', body: 'carol note' }]);
    assert.deepEqual(await get('/notes?id=eq.40', alice), []);
    const d = await request(srv.url, '/notes?id=eq.40', { method: 'DELETE', headers: carol });
    assert.equal(d.status, 204, d.text);
  });
});

describe('privileges', () => {
  test('the anonymous role on a table it has no grant on: 401 42501', async () => {
    const r = await request(srv.url, '/secrets');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), { code: '42501', details: null, hint: null, message: 'permission denied for table secrets' });
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  });

  test('an authenticated role without the grant: 403 42501', async () => {
    const t = hsToken('HS256', TEST_JWT_SECRET, { role: 'Postgrest_Test_MixedCase' });
    const r = await request(srv.url, '/secrets', { headers: { Authorization: `Bearer ${t}` } });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { code: '42501', details: null, hint: null, message: 'permission denied for table secrets' });
    assert.equal(r.headers.get('www-authenticate'), null);
  });

  test('the anonymous role on a protected table it has no grant on: 401', async () => {
    const r = await request(srv.url, '/notes');
    assert.equal(r.status, 401);
    assert.equal((r.json() as { message: string }).message, 'permission denied for table notes');
  });

  test('the role with the grant reads it', async () => {
    assert.deepEqual(await get('/secrets', as('anyone')), [{ id: 1, secret: 'the secret' }]);
  });
});
