// DELETE with filters: statuses, Content-Range, representation, ignored limit/offset and body, singular Accept.
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
    TRUNCATE writes.del_items;
    INSERT INTO writes.del_items VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', 30), (4, 'four', 40);
  `);
});

const ids = async () => (await w.rows('SELECT id FROM writes.del_items ORDER BY id')).map((r) => r['id']);

describe('DELETE', () => {
  test('with a filter: 204, Content-Range */*, no body', async () => {
    const r = await w.call('DELETE', '/del_items?id=eq.1');
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-range'), '*/*');
    assert.equal(r.headers.get('content-type'), null);
    assert.equal(r.headers.get('content-length'), null);
    assert.deepEqual(await ids(), [2, 3, 4]);
  });

  test('count=exact reports the deleted rows', async () => {
    const r = await w.call('DELETE', '/del_items?id=gt.2', undefined, { Prefer: 'count=exact' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('content-range'), '*/2');
    assert.deepEqual(await ids(), [1, 2]);
  });

  test('return=representation: 200 with the deleted rows, shaped and ordered', async () => {
    const r = await w.call('DELETE', '/del_items?or=(id.eq.1,qty.gt.25)&select=id,label:name&order=id.desc', undefined, {
      Prefer: 'return=representation',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('content-range'), '*/*');
    assert.deepEqual(r.json(), [
      { id: 4, label: 'four' },
      { id: 3, label: 'three' },
      { id: 1, label: 'one' },
    ]);
    assert.deepEqual(await ids(), [2]);
  });

  test('nothing matched: 204, or 200 and [] for representation', async () => {
    const r = await w.call('DELETE', '/del_items?id=eq.99');
    assert.equal(r.status, 204);
    const rr = await w.call('DELETE', '/del_items?id=eq.99', undefined, { Prefer: 'return=representation' });
    assert.equal(rr.status, 200);
    assert.equal(rr.text, '[]');
    assert.deepEqual(await ids(), [1, 2, 3, 4]);
  });

  test('limit and offset are ignored; a body is not read', async () => {
    const r = await w.call('DELETE', '/del_items?qty=gte.20&limit=1&offset=1', 'not even json', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 204);
    assert.deepEqual(await ids(), [1]);
  });

  test('no filter deletes every row', async () => {
    const r = await w.call('DELETE', '/del_items');
    assert.equal(r.status, 204);
    assert.deepEqual(await ids(), []);
  });

  test('singular Accept: one row deleted is fine, several are PGRST116 and rolled back', async () => {
    const one = await w.call('DELETE', '/del_items?id=eq.4', undefined, {
      Prefer: 'return=representation',
      Accept: 'application/vnd.pgrst.object+json',
    });
    assert.equal(one.status, 200);
    assert.deepEqual(one.json(), { id: 4, name: 'four', qty: 40 });
    const many = await w.call('DELETE', '/del_items?id=lt.4', undefined, { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(many.status, 406);
    assert.equal((many.json() as { code: string }).code, 'PGRST116');
    assert.deepEqual(await ids(), [1, 2, 3]);
  });

  test('unknown table: 404', async () => {
    const r = await w.call('DELETE', '/del_itemz?id=eq.1');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { code: string }).code, 'PGRST205');
  });
});
