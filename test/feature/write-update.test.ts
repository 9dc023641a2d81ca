// PATCH with filters and logic trees: statuses, Content-Range, representation, empty bodies, columns=, singular Accept.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
before(async () => {
  w = await startWriteEnv();
});
after(async () => {
  await w.stop();
});
beforeEach(async () => {
  await w.exec(`
    TRUNCATE writes.upd_items;
    INSERT INTO writes.upd_items VALUES (1, 'one', 10, true), (2, 'two', 20, true), (3, 'three', 30, false), (4, 'four', 40, NULL);
  `);
});

const all = () => w.rows('SELECT id, name, qty, active FROM writes.upd_items ORDER BY id');
const initial = [
  { id: 1, name: 'one', qty: 10, active: true },
  { id: 2, name: 'two', qty: 20, active: true },
  { id: 3, name: 'three', qty: 30, active: false },
  { id: 4, name: 'four', qty: 40, active: null },
];
const rep = { Prefer: 'return=representation' };

describe('PATCH', () => {
  test('one row: 204, no Content-Type/Length, Content-Range 0-0/*', async () => {
    const r = await w.call('PATCH', '/upd_items?id=eq.2', { name: 'TWO' });
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-type'), null);
    assert.equal(r.headers.get('content-length'), null);
    assert.equal(r.headers.get('content-range'), '0-0/*');
    const expected = structuredClone(initial);
    expected[1]!.name = 'TWO';
    assert.deepEqual(await all(), expected);
  });

  test('many rows through filters and logic trees; limit/offset are ignored', async () => {
    const r = await w.call('PATCH', '/upd_items?or=(id.eq.1,qty.gte.30)&active=not.is.null&limit=1&offset=5', { qty: 0 }, { Prefer: 'count=exact' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('content-range'), '0-1/2');
    assert.equal(r.headers.get('preference-applied'), 'count=exact');
    assert.deepEqual(
      (await all()).map((x) => x['qty']),
      [0, 20, 0, 40],
    );
  });

  test('no filter updates every row', async () => {
    const r = await w.call('PATCH', '/upd_items', { active: false });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('content-range'), '0-3/*');
    assert.deepEqual(
      (await all()).map((x) => x['active']),
      [false, false, false, false],
    );
  });

  test('return=representation: 200, rows shaped by select and ordered', async () => {
    const r = await w.call('PATCH', '/upd_items?id=lte.2&select=id,name,loud:upd_items_shout&order=id.desc', { name: 'x' }, rep);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('content-range'), '0-1/*');
    assert.equal(r.headers.get('preference-applied'), 'return=representation');
    assert.deepEqual(r.json(), [
      { id: 2, name: 'x', loud: 'X' },
      { id: 1, name: 'x', loud: 'X' },
    ]);
    assert.deepEqual(
      (await all()).map((x) => x['name']),
      ['x', 'x', 'three', 'four'],
    );
  });

  test('nothing matched: 204, or 200 with [] for representation; Content-Range */*', async () => {
    const r = await w.call('PATCH', '/upd_items?id=eq.999', { name: 'nope' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('content-range'), '*/*');
    const rr = await w.call('PATCH', '/upd_items?id=eq.999', { name: 'nope' }, { Prefer: 'return=representation, count=exact' });
    assert.equal(rr.status, 200);
    assert.equal(rr.text, '[]');
    assert.equal(rr.headers.get('content-range'), '*/0');
    assert.deepEqual(await all(), initial);
  });

  test('filtering by a computed field', async () => {
    const r = await w.call('PATCH', '/upd_items?upd_items_shout=eq.THREE', { qty: 33 }, rep);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 3, name: 'three', qty: 33, active: false }]);
    assert.equal((await all())[2]?.['qty'], 33);
  });

  test('an empty object changes nothing: 204, or 200 with [] (also with select)', async () => {
    const r = await w.call('PATCH', '/upd_items?id=eq.1', {});
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('content-range'), '*/*');
    const rr = await w.call('PATCH', '/upd_items?id=eq.1&select=id,upd_items_shout', {}, rep);
    assert.equal(rr.status, 200);
    assert.equal(rr.text, '[]');
    assert.deepEqual(await all(), initial);
  });

  test('a column can be set to NULL; values are typed from the body', async () => {
    const r = await w.call('PATCH', '/upd_items?id=eq.4', { name: null, qty: '44', active: true }, rep);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 4, name: null, qty: 44, active: true }]);
    assert.deepEqual((await all())[3], { id: 4, name: null, qty: 44, active: true });
  });

  test('columns= limits the keys used; missing=default sets the others to their default', async () => {
    const r = await w.call('PATCH', '/upd_items?id=eq.1&columns=name', { name: 'only', qty: 999 }, rep);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 1, name: 'only', qty: 10, active: true }]);
    const d = await w.call('PATCH', '/upd_items?id=eq.2&columns=name,qty,active', { name: 'dflt' }, {
      Prefer: 'return=representation, missing=default',
    });
    assert.equal(d.status, 200);
    assert.equal(d.headers.get('preference-applied'), 'missing=default, return=representation');
    assert.deepEqual(d.json(), [{ id: 2, name: 'dflt', qty: 42, active: true }]);
    assert.deepEqual((await all()).slice(0, 2), [
      { id: 1, name: 'only', qty: 10, active: true },
      { id: 2, name: 'dflt', qty: 42, active: true },
    ]);
  });

  test('unknown body key: PGRST204, nothing changed', async () => {
    const r = await w.call('PATCH', '/upd_items?id=eq.1', { nope: 1 });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST204',
      details: null,
      hint: null,
      message: "Could not find the 'nope' column of 'upd_items' in the schema cache",
    });
    assert.deepEqual(await all(), initial);
  });

  test('empty or invalid JSON: PGRST102', async () => {
    for (const body of ['', '}{ x = 2']) {
      const r = await w.call('PATCH', '/upd_items?id=eq.1', body, { 'Content-Type': 'application/json' });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), { code: 'PGRST102', details: null, hint: null, message: 'Empty or invalid json' });
    }
    assert.deepEqual(await all(), initial);
  });

  test('unknown table: PGRST205 even with invalid columns=', async () => {
    const r = await w.call('PATCH', '/garlic?columns=helicopter', { id: 1 });
    assert.equal(r.status, 404);
    assert.equal((r.json() as { code: string }).code, 'PGRST205');
  });

  test('singular Accept: exactly one row, else PGRST116 and rollback', async () => {
    const one = await w.call('PATCH', '/upd_items?id=eq.1', { qty: 1 }, { ...rep, Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(one.status, 200);
    assert.deepEqual(one.json(), { id: 1, name: 'one', qty: 1, active: true });
    const many = await w.call('PATCH', '/upd_items?id=gt.1', { qty: 1 }, { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(many.status, 406);
    assert.deepEqual(many.json(), {
      code: 'PGRST116',
      details: 'The result contains 3 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
    assert.deepEqual(
      (await all()).map((x) => x['qty']),
      [1, 20, 30, 40],
    );
  });
});
