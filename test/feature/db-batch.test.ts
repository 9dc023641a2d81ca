// One connection (db-pool = 1), so every request reuses the named statements an earlier one prepared on it: after a
// batch fails, the statements it parsed before the failure stay usable, the failing one is parsed again next time, and
// nothing the failure skipped is taken for prepared. Schema `shapes` (92-shape-cache.sql).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery, uriAs } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'shapes', PGRST_DB_POOL: '1' });
});
after(async () => {
  await srv.stop();
  await adminQuery('DELETE FROM shapes.keyed');
});

const post = (rows: unknown) =>
  request(srv.url, '/keyed', { method: 'POST', headers: { 'Content-Type': 'application/json', Prefer: 'return=minimal' }, body: JSON.stringify(rows) });

describe('a failed batch on the only connection', () => {
  test('an insert whose first run fails (23505) runs again, then succeeds, on the same connection', async () => {
    assert.equal((await post({ id: 900001, label: 'a', note: 'n' })).status, 201);
    // A new shape (no note) whose very first run fails after it was parsed.
    const dup = await post({ id: 900001, label: 'b' });
    assert.equal(dup.status, 409, dup.text);
    assert.equal((dup.json() as { code: string }).code, '23505');
    for (const id of [900002, 900003]) {
      const ok = await post({ id, label: 'c' });
      assert.equal(ok.status, 201, ok.text);
    }
    const rows = await adminQuery('SELECT id, label FROM shapes.keyed ORDER BY id');
    assert.deepEqual(rows.rows, [
      { id: 900001, label: 'a' },
      { id: 900002, label: 'c' },
      { id: 900003, label: 'c' },
    ]);
  });

  test('a statement PostgreSQL refuses to parse (42703) leaves the connection serving other shapes', async () => {
    for (let i = 0; i < 2; i++) {
      const bad = await request(srv.url, '/people?select=id&order=nope');
      assert.equal(bad.status, 400, bad.text);
      assert.equal((bad.json() as { code: string }).code, '42703');
      const good = await request(srv.url, '/people?select=id&id=eq.3');
      assert.equal(good.status, 200, good.text);
      assert.deepEqual(good.json(), [{ id: 3 }]);
    }
  });
});

describe('a session whose default isolation is not read committed', () => {
  let serializable: TestServer;
  before(async () => {
    serializable = await startTestServer({
      PGRST_DB_URI: uriAs('postgrest_test_serializable_authenticator', 'serializable-test-password'),
      PGRST_DB_SCHEMAS: 'shapes',
    });
  });
  after(async () => {
    await serializable.stop();
  });

  test('reads, calls and writes still run at READ COMMITTED, as PostgREST begins them', async () => {
    const read = await request(serializable.url, '/isolation_seen');
    assert.deepEqual(read.json(), [{ id: 1, isolation: 'read committed' }]);
    const call = await request(serializable.url, '/rpc/isolation');
    assert.equal(call.json(), 'read committed');
    const write = await request(serializable.url, '/keyed', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' },
      body: JSON.stringify({ id: 900100, label: 'iso' }),
    });
    assert.equal(write.status, 201, write.text);
    assert.deepEqual(write.json(), [{ id: 900100, label: 'iso', note: 'read committed' }]);
  });
});
