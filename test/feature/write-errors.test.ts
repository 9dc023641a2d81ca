// Write failures and their PostgREST answers: malformed bodies, unknown columns, constraint violations (PostgreSQL
// message/detail kept), the request body limit; every test checks that nothing was written.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
let small: WriteEnv;
before(async () => {
  [w, small] = await Promise.all([startWriteEnv(), startWriteEnv({ PGRST_SERVER_MAX_BODY_SIZE: '1024' })]);
});
after(async () => {
  await Promise.all([w.stop(), small.stop()]);
});
beforeEach(async () => {
  await w.exec(`
    TRUNCATE writes.err_items, writes.err_parent;
    INSERT INTO writes.err_parent VALUES (1, 'p1'), (2, 'p2');
    INSERT INTO writes.err_items VALUES (1, 'existing', 1, 1);
  `);
});

const unchanged = async () => {
  assert.deepEqual(await w.rows('SELECT id, name, qty, parent_id FROM writes.err_items ORDER BY id'), [{ id: 1, name: 'existing', qty: 1, parent_id: 1 }]);
  assert.deepEqual(await w.rows('SELECT id, name FROM writes.err_parent ORDER BY id'), [
    { id: 1, name: 'p1' },
    { id: 2, name: 'p2' },
  ]);
};

describe('malformed bodies', () => {
  const pgrst102 = (message: string) => ({ code: 'PGRST102', details: null, hint: null, message });

  test('invalid JSON, an empty body: "Empty or invalid json"', async () => {
    for (const body of ['{"id": 2,', '', 'nope', '{"id": 2}}']) {
      const r = await w.call('POST', '/err_items', body, { 'Content-Type': 'application/json' });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(r.json(), pgrst102('Empty or invalid json'));
    }
    await unchanged();
  });

  test('an array mixing keys or holding non-objects: "All object keys must match"', async () => {
    for (const body of [[{ id: 2, name: 'a' }, { id: 3 }], [{ id: 2, name: 'a' }, 5], [1, 2]]) {
      const r = await w.call('POST', '/err_items', body);
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), pgrst102('All object keys must match'));
    }
    await unchanged();
  });

  test('unsupported Content-Type', async () => {
    const r = await w.call('POST', '/err_items', '<id>2</id>', { 'Content-Type': 'text/xml' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), pgrst102('Content-Type not acceptable: text/xml'));
    const o = await w.call('POST', '/err_items', 'AAAA', { 'Content-Type': 'application/octet-stream' });
    assert.deepEqual(o.json(), pgrst102('Content-Type not acceptable: application/octet-stream'));
    await unchanged();
  });

  test('a key that is not a column: PGRST204', async () => {
    const r = await w.call('POST', '/err_items', { id: 2, name: 'x', colour: 'red' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST204',
      details: null,
      hint: null,
      message: "Could not find the 'colour' column of 'err_items' in the schema cache",
    });
    await unchanged();
  });

  test('a value of the wrong type: PostgreSQL 22P02 (400)', async () => {
    const r = await w.call('POST', '/err_items', { id: 2, name: 'x', qty: 'many' });
    assert.equal(r.status, 400);
    const err = r.json() as { code: string; message: string };
    assert.equal(err.code, '22P02');
    assert.equal(err.message, 'invalid input syntax for type integer: "many"');
    await unchanged();
  });
});

describe('constraint violations keep PostgreSQL message, details and hint', () => {
  test('23505 unique violation: 409', async () => {
    const r = await w.call('POST', '/err_items', { id: 1, name: 'dup' });
    assert.equal(r.status, 409);
    assert.deepEqual(r.json(), {
      code: '23505',
      details: 'Key (id)=(1) already exists.',
      hint: null,
      message: 'duplicate key value violates unique constraint "err_items_pkey"',
    });
    const u = await w.call('PATCH', '/err_parent?id=eq.2', { name: 'p1' });
    assert.equal(u.status, 409);
    assert.equal((u.json() as { details: string }).details, 'Key (name)=(p1) already exists.');
    await unchanged();
  });

  test('23503 foreign key violation: 409 (insert and delete)', async () => {
    const r = await w.call('POST', '/err_items', { id: 2, name: 'orphan', parent_id: 99 });
    assert.equal(r.status, 409);
    assert.deepEqual(r.json(), {
      code: '23503',
      details: 'Key (parent_id)=(99) is not present in table "err_parent".',
      hint: null,
      message: 'insert or update on table "err_items" violates foreign key constraint "err_items_parent_id_fkey"',
    });
    const d = await w.call('DELETE', '/err_parent?id=eq.1');
    assert.equal(d.status, 409);
    assert.equal((d.json() as { code: string }).code, '23503');
    await unchanged();
  });

  test('23502 not-null violation: 400', async () => {
    const r = await w.call('POST', '/err_items', { id: 2, name: null });
    assert.equal(r.status, 400);
    const err = r.json() as { code: string; message: string; details: string };
    assert.equal(err.code, '23502');
    assert.equal(err.message, 'null value in column "name" of relation "err_items" violates not-null constraint');
    assert.equal(err.details, 'Failing row contains (2, null, null, null).');
    await unchanged();
  });

  test('23514 check violation: 400', async () => {
    const r = await w.call('PATCH', '/err_items?id=eq.1', { qty: 0 });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: '23514',
      details: 'Failing row contains (1, existing, 0, 1).',
      hint: null,
      message: 'new row for relation "err_items" violates check constraint "err_items_qty_check"',
    });
    await unchanged();
  });
});

describe('request body limit (server-max-body-size)', () => {
  test('a body over the limit is 413 with a JSON error, and nothing is written', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: i + 10, name: `row ${i}` }));
    const r = await small.call('POST', '/err_items', rows);
    assert.equal(r.status, 413);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    const err = r.json() as { code: string; message: string; details: string };
    assert.equal(err.message, 'Payload too large');
    assert.equal(err.details, 'The request body exceeds 1024 bytes');
    await unchanged();
  });

  test('a body within the limit is written', async () => {
    const r = await small.call('POST', '/err_items', { id: 2, name: 'fits' });
    assert.equal(r.status, 201);
    assert.deepEqual(await w.rows('SELECT id, name FROM writes.err_items ORDER BY id'), [
      { id: 1, name: 'existing' },
      { id: 2, name: 'fits' },
    ]);
  });
});
