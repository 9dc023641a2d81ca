// Prefer on writes: tx= against each db-tx-end mode (rolled-back writes change nothing), max-affected with
// handling=strict, PGRST122 and Preference-Applied.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startWriteEnv, type WriteEnv } from './write-support.js';

// One server per db-tx-end setting, all on the same tables (tests in this file run one after another).
let commit: WriteEnv;
let commitOverride: WriteEnv;
let rollback: WriteEnv;
let rollbackOverride: WriteEnv;
before(async () => {
  [commit, commitOverride, rollback, rollbackOverride] = await Promise.all([
    startWriteEnv({ PGRST_DB_TX_END: 'commit' }),
    startWriteEnv({ PGRST_DB_TX_END: 'commit-allow-override' }),
    startWriteEnv({ PGRST_DB_TX_END: 'rollback' }),
    startWriteEnv({ PGRST_DB_TX_END: 'rollback-allow-override' }),
  ]);
});
after(async () => {
  await Promise.all([commit, commitOverride, rollback, rollbackOverride].map((e) => e.stop()));
});
beforeEach(async () => {
  await commit.exec(`
    TRUNCATE writes.pref_items, writes.pref_child, writes.pref_parent;
    INSERT INTO writes.pref_items SELECT g, 'item ' || g, g FROM generate_series(1, 10) g;
    INSERT INTO writes.pref_parent VALUES (1);
  `);
});

const count = async () => (await commit.rows('SELECT count(*)::int AS n FROM writes.pref_items'))[0]?.['n'];
const item = async (id: number) => (await commit.rows('SELECT id, name, qty FROM writes.pref_items WHERE id = $1', [id]))[0];

describe('transaction end: a rolled-back request answers as if committed and changes nothing', () => {
  test('db-tx-end=commit ignores tx=rollback (and does not echo it)', async () => {
    const r = await commit.call('POST', '/pref_items', { id: 100, name: 'x' }, { Prefer: 'return=representation, tx=rollback' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'return=representation');
    assert.deepEqual(await item(100), { id: 100, name: 'x', qty: null });
  });

  test('commit-allow-override: tx=rollback rolls back every kind of write', async () => {
    const h = { Prefer: 'return=representation, tx=rollback' };
    const post = await commitOverride.call('POST', '/pref_items', { id: 100, name: 'x' }, h);
    assert.equal(post.status, 201);
    assert.equal(post.headers.get('preference-applied'), 'return=representation, tx=rollback');
    assert.deepEqual(post.json(), [{ id: 100, name: 'x', qty: null }]);
    const put = await commitOverride.call('PUT', '/pref_items?id=eq.101', { id: 101, name: 'y' }, h);
    assert.equal(put.status, 201);
    assert.deepEqual(put.json(), [{ id: 101, name: 'y', qty: null }]);
    const patch = await commitOverride.call('PATCH', '/pref_items?id=eq.1', { name: 'changed' }, h);
    assert.equal(patch.status, 200);
    assert.deepEqual(patch.json(), [{ id: 1, name: 'changed', qty: 1 }]);
    const del = await commitOverride.call('DELETE', '/pref_items?id=lte.5', undefined, h);
    assert.equal(del.status, 200);
    assert.equal((del.json() as unknown[]).length, 5);
    assert.equal(await count(), 10);
    assert.deepEqual(await item(1), { id: 1, name: 'item 1', qty: 1 });
    assert.equal(await item(100), undefined);
    assert.equal(await item(101), undefined);
  });

  test('commit-allow-override: tx=commit and no preference commit', async () => {
    const a = await commitOverride.call('POST', '/pref_items', { id: 100 }, { Prefer: 'tx=commit' });
    assert.equal(a.status, 201);
    assert.equal(a.headers.get('preference-applied'), 'tx=commit');
    const b = await commitOverride.call('POST', '/pref_items', { id: 101 });
    assert.equal(b.status, 201);
    assert.equal(await count(), 12);
  });

  test('db-tx-end=rollback always rolls back, even with tx=commit', async () => {
    const r = await rollback.call('PATCH', '/pref_items', { qty: 0 }, { Prefer: 'tx=commit, count=exact' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('content-range'), '0-9/10');
    assert.equal(r.headers.get('preference-applied'), 'count=exact');
    assert.equal((await commit.rows('SELECT count(*)::int AS n FROM writes.pref_items WHERE qty = 0'))[0]?.['n'], 0);
  });

  test('rollback-allow-override: rolls back unless tx=commit', async () => {
    const a = await rollbackOverride.call('DELETE', '/pref_items?id=eq.1');
    assert.equal(a.status, 204);
    assert.equal(await count(), 10);
    const b = await rollbackOverride.call('DELETE', '/pref_items?id=eq.1', undefined, { Prefer: 'tx=commit' });
    assert.equal(b.status, 204);
    assert.equal(b.headers.get('preference-applied'), 'tx=commit');
    assert.equal(await count(), 9);
  });

  test('a rolled-back write still reports a deferred constraint violation', async () => {
    const r = await commitOverride.call('POST', '/pref_child', { id: 1, parent_id: 999 }, { Prefer: 'tx=rollback' });
    assert.equal(r.status, 409);
    assert.equal((r.json() as { code: string }).code, '23503');
    const ok = await commitOverride.call('POST', '/pref_child', { id: 1, parent_id: 1 }, { Prefer: 'tx=rollback' });
    assert.equal(ok.status, 201);
    const committed = await commit.call('POST', '/pref_child', { id: 2, parent_id: 999 });
    assert.equal(committed.status, 409);
    assert.equal((await commit.rows('SELECT count(*)::int AS n FROM writes.pref_child'))[0]?.['n'], 0);
  });
});

describe('Prefer: max-affected', () => {
  test('with handling=strict: exceeded is PGRST124 and nothing changes', async () => {
    const r = await commit.call('DELETE', '/pref_items?id=lt.8', undefined, { Prefer: 'handling=strict, max-affected=5' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST124',
      details: 'The query affects 7 rows',
      hint: null,
      message: 'Query result exceeds max-affected preference constraint',
    });
    const p = await commit.call('PATCH', '/pref_items?id=eq.1', { name: 'no' }, { Prefer: 'handling=strict, max-affected=0' });
    assert.equal(p.status, 400);
    assert.equal((p.json() as { details: string }).details, 'The query affects 1 rows');
    assert.equal(await count(), 10);
    assert.deepEqual(await item(1), { id: 1, name: 'item 1', qty: 1 });
  });

  test('with handling=strict: within the limit succeeds and echoes it', async () => {
    const r = await commit.call('DELETE', '/pref_items?id=lt.6', undefined, { Prefer: 'handling=strict, max-affected=5' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('preference-applied'), 'handling=strict, max-affected=5');
    assert.equal(await count(), 5);
    const p = await commit.call('PATCH', '/pref_items?id=eq.6', { name: 'six' }, { Prefer: 'return=representation, handling=strict, max-affected=1' });
    assert.equal(p.status, 200);
    assert.equal(p.headers.get('preference-applied'), 'return=representation, handling=strict, max-affected=1');
    assert.deepEqual(await item(6), { id: 6, name: 'six', qty: 6 });
  });

  test('with handling=lenient (or none) it is ignored and not echoed', async () => {
    const r = await commit.call('DELETE', '/pref_items?id=lt.8', undefined, { Prefer: 'handling=lenient, max-affected=5' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('preference-applied'), 'handling=lenient');
    const n = await commit.call('DELETE', '/pref_items?id=eq.8', undefined, { Prefer: 'max-affected=0' });
    assert.equal(n.status, 204);
    assert.equal(n.headers.get('preference-applied'), null);
    assert.equal(await count(), 2);
  });

  test('does not apply to POST', async () => {
    const r = await commit.call('POST', '/pref_items', [{ id: 20 }, { id: 21 }], { Prefer: 'handling=strict, max-affected=1' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'handling=strict');
    assert.equal(await count(), 12);
  });
});

describe('Prefer: handling=strict and Preference-Applied', () => {
  test('an unknown preference with handling=strict is PGRST122 and nothing is written', async () => {
    const r = await commit.call('POST', '/pref_items', { id: 30 }, { Prefer: 'handling=strict, foo=bar, return=minimal' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST122',
      details: 'Invalid preferences: foo=bar',
      hint: null,
      message: 'Invalid preferences given with handling=strict',
    });
    assert.equal(await count(), 10);
  });

  test('unknown preferences are ignored with lenient handling', async () => {
    const r = await commit.call('POST', '/pref_items', { id: 31 }, { Prefer: 'foo=bar, return=minimal' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'return=minimal');
    assert.equal(await count(), 11);
  });

  test('honoured preferences are echoed in PostgREST order', async () => {
    const r = await commitOverride.call('POST', '/pref_items', { id: 32 }, {
      Prefer: 'count=exact, tx=commit, return=representation, missing=default, resolution=merge-duplicates, handling=lenient, timezone=UTC',
    });
    assert.equal(r.status, 201);
    assert.equal(
      r.headers.get('preference-applied'),
      'resolution=merge-duplicates, missing=default, return=representation, count=exact, tx=commit, handling=lenient, timezone=UTC',
    );
    assert.equal(r.headers.get('content-range'), '*/1');
    assert.equal(await count(), 11);
  });
});
