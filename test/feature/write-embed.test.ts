// Embedded resources in the representation of POST/PATCH/PUT/DELETE (join columns added to RETURNING).
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
    TRUNCATE writes.emb_tasks, writes.emb_projects, writes.emb_clients;
    INSERT INTO writes.emb_clients VALUES (1, 'Microsoft'), (2, 'Apple');
    INSERT INTO writes.emb_projects VALUES (1, 'Windows 7', 1), (2, 'Windows 10', 1), (3, 'IOS', 2);
    INSERT INTO writes.emb_tasks VALUES (1, 'Design w7', 1), (2, 'Code w7', 1), (3, 'Design w10', 2);
  `);
});

const rep = { Prefer: 'return=representation' };

describe('embedding in the representation of a write', () => {
  test('POST: to-one embed, with the join column added to RETURNING though not selected', async () => {
    const r = await w.call('POST', '/emb_projects?select=id,name,client:emb_clients(name)', { id: 4, name: 'Mac', client_id: 2 }, rep);
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ id: 4, name: 'Mac', client: { name: 'Apple' } }]);
    assert.deepEqual(await w.rows('SELECT * FROM writes.emb_projects WHERE id = 4'), [{ id: 4, name: 'Mac', client_id: 2 }]);
  });

  test('PATCH: to-many embed with embedded order and filter', async () => {
    const r = await w.call(
      'PATCH',
      '/emb_projects?id=eq.1&select=name,emb_tasks(name)&emb_tasks.order=name.desc&emb_tasks.name=like.*w7',
      { name: 'Windows Seven' },
      rep,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ name: 'Windows Seven', emb_tasks: [{ name: 'Design w7' }, { name: 'Code w7' }] }]);
    assert.deepEqual(await w.rows('SELECT name FROM writes.emb_projects WHERE id = 1'), [{ name: 'Windows Seven' }]);
  });

  test('PUT: embed parent and order of the top level', async () => {
    const r = await w.call('PUT', '/emb_projects?id=eq.3&select=id,emb_clients(id,name)', { id: 3, name: 'iOS', client_id: 2 }, rep);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 3, emb_clients: { id: 2, name: 'Apple' } }]);
    assert.deepEqual(await w.rows('SELECT name FROM writes.emb_projects WHERE id = 3'), [{ name: 'iOS' }]);
  });

  test('DELETE: the deleted rows with their parent, ordered', async () => {
    const r = await w.call('DELETE', '/emb_tasks?project_id=eq.1&select=name,emb_projects(name)&order=id.desc', undefined, rep);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      { name: 'Code w7', emb_projects: { name: 'Windows 7' } },
      { name: 'Design w7', emb_projects: { name: 'Windows 7' } },
    ]);
    assert.deepEqual(await w.rows('SELECT id FROM writes.emb_tasks ORDER BY id'), [{ id: 3 }]);
  });

  test('an unknown embed fails the write before anything is written (PGRST200)', async () => {
    const r = await w.call('POST', '/emb_projects?select=id,nothing(*)', { id: 5, name: 'x' }, rep);
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, 'PGRST200');
    assert.deepEqual(await w.rows('SELECT count(*)::int AS n FROM writes.emb_projects'), [{ n: 3 }]);
  });
});
