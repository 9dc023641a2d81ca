// POST upserts: resolution=merge-duplicates|ignore-duplicates, on_conflict=, 201 vs 200, tables without a key.
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
    TRUNCATE writes.ups_langs, writes.ups_employees, writes.ups_only_pk, writes.ups_no_pk;
    TRUNCATE writes.ups_codes RESTART IDENTITY;
    INSERT INTO writes.ups_langs VALUES ('Java', 1), ('C', 2);
    INSERT INTO writes.ups_employees VALUES ('Ada', 'Lovelace', 100);
    INSERT INTO writes.ups_codes (code, x, y, name) VALUES ('a', 1, 1, 'first');
    INSERT INTO writes.ups_only_pk VALUES (1);
  `);
});

const merge = { Prefer: 'return=representation, resolution=merge-duplicates' };
const ignore = { Prefer: 'return=representation, resolution=ignore-duplicates' };
const langs = () => w.rows('SELECT name, rank FROM writes.ups_langs ORDER BY name');

describe('POST with resolution=merge-duplicates', () => {
  test('inserts and updates on primary key conflict: 201 when something was inserted', async () => {
    const r = await w.call(
      'POST',
      '/ups_langs',
      [
        { name: 'Go', rank: 5 },
        { name: 'Java', rank: 3 },
      ],
      merge,
    );
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'resolution=merge-duplicates, return=representation');
    assert.deepEqual(r.json(), [
      { name: 'Go', rank: 5 },
      { name: 'Java', rank: 3 },
    ]);
    assert.deepEqual(await langs(), [
      { name: 'C', rank: 2 },
      { name: 'Go', rank: 5 },
      { name: 'Java', rank: 3 },
    ]);
  });

  test('only updates: 200', async () => {
    const r = await w.call(
      'POST',
      '/ups_langs',
      [
        { name: 'C', rank: 9 },
        { name: 'Java', rank: 8 },
      ],
      merge,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(await langs(), [
      { name: 'C', rank: 9 },
      { name: 'Java', rank: 8 },
    ]);
  });

  test('only updates with return=minimal: still 200, empty body', async () => {
    const r = await w.call('POST', '/ups_langs', { name: 'C', rank: 7 }, { Prefer: 'resolution=merge-duplicates' });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('preference-applied'), 'resolution=merge-duplicates');
    assert.deepEqual(await langs(), [
      { name: 'C', rank: 7 },
      { name: 'Java', rank: 1 },
    ]);
  });

  test('an empty payload: 200 and []', async () => {
    const r = await w.call('POST', '/ups_langs', [], merge);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), []);
    assert.equal((await langs()).length, 2);
  });

  test('composite primary key', async () => {
    const r = await w.call(
      'POST',
      '/ups_employees',
      [
        { first_name: 'Ada', last_name: 'Lovelace', salary: 200 },
        { first_name: 'Alan', last_name: 'Turing', salary: 150 },
      ],
      merge,
    );
    assert.equal(r.status, 201);
    assert.deepEqual(await w.rows('SELECT * FROM writes.ups_employees ORDER BY first_name'), [
      { first_name: 'Ada', last_name: 'Lovelace', salary: 200 },
      { first_name: 'Alan', last_name: 'Turing', salary: 150 },
    ]);
  });

  test('on_conflict= a unique column other than the key', async () => {
    const r = await w.call('POST', '/ups_codes?on_conflict=code&select=code,name', [{ code: 'a', name: 'renamed' }, { code: 'b', name: 'new' }], merge);
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [
      { code: 'a', name: 'renamed' },
      { code: 'b', name: 'new' },
    ]);
    // (the conflicting row drew an identity value before its conflict was found, as in PostgreSQL)
    assert.deepEqual(await w.rows('SELECT id = 1 AS first, code, name FROM writes.ups_codes ORDER BY id'), [
      { first: true, code: 'a', name: 'renamed' },
      { first: false, code: 'b', name: 'new' },
    ]);
  });

  test('on_conflict= a composite unique constraint', async () => {
    const r = await w.call('POST', '/ups_codes?on_conflict=x,y&select=x,y,name', { x: 1, y: 1, name: 'xy' }, merge);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ x: 1, y: 1, name: 'xy' }]);
    assert.deepEqual(await w.rows('SELECT code, name FROM writes.ups_codes'), [{ code: 'a', name: 'xy' }]);
  });

  test('on_conflict= columns without a unique constraint: PostgreSQL 42P10 (400), nothing written', async () => {
    const r = await w.call('POST', '/ups_codes?on_conflict=name', { code: 'z', name: 'first' }, merge);
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, '42P10');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ups_codes'))[0]?.['n'], 1);
  });

  test('identity key with missing=default: rows without id are inserted, rows with id merged', async () => {
    const r = await w.call(
      'POST',
      '/ups_codes?columns=id,code,name&select=id,code,name',
      [
        { id: 1, code: 'a', name: 'merged' },
        { code: 'c', name: 'fresh' },
      ],
      { Prefer: 'return=representation, resolution=merge-duplicates, missing=default' },
    );
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'resolution=merge-duplicates, missing=default, return=representation');
    // Defaults are evaluated for every row (then overridden by the row's own keys), so the identity advanced twice.
    assert.deepEqual(r.json(), [
      { id: 1, code: 'a', name: 'merged' },
      { id: 3, code: 'c', name: 'fresh' },
    ]);
    assert.deepEqual(await w.rows('SELECT id, code, name FROM writes.ups_codes ORDER BY id'), [
      { id: 1, code: 'a', name: 'merged' },
      { id: 3, code: 'c', name: 'fresh' },
    ]);
  });

  test('a table with only primary key columns', async () => {
    const r = await w.call('POST', '/ups_only_pk', [{ id: 1 }, { id: 2 }], merge);
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(await w.rows('SELECT id FROM writes.ups_only_pk ORDER BY id'), [{ id: 1 }, { id: 2 }]);
  });

  test('a table without primary key: resolution ignored and not echoed', async () => {
    const r = await w.call('POST', '/ups_no_pk', { a: '1', b: '2' }, merge);
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'return=representation');
    const again = await w.call('POST', '/ups_no_pk', { a: '1', b: '2' }, merge);
    assert.equal(again.status, 201);
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ups_no_pk'))[0]?.['n'], 2);
  });
});

describe('POST with resolution=ignore-duplicates', () => {
  test('skips conflicting rows, inserts the others: always 201', async () => {
    const r = await w.call(
      'POST',
      '/ups_langs',
      [
        { name: 'Java', rank: 99 },
        { name: 'Rust', rank: 4 },
      ],
      ignore,
    );
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'resolution=ignore-duplicates, return=representation');
    assert.deepEqual(r.json(), [{ name: 'Rust', rank: 4 }]);
    assert.deepEqual(await langs(), [
      { name: 'C', rank: 2 },
      { name: 'Java', rank: 1 },
      { name: 'Rust', rank: 4 },
    ]);
  });

  test('nothing created at all: 201 and []', async () => {
    const r = await w.call('POST', '/ups_langs', [{ name: 'Java', rank: 50 }], ignore);
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), []);
    assert.deepEqual(await langs(), [
      { name: 'C', rank: 2 },
      { name: 'Java', rank: 1 },
    ]);
  });

  test('on_conflict= with ignore-duplicates', async () => {
    const r = await w.call('POST', '/ups_codes?on_conflict=code&select=code,name', [{ code: 'a', name: 'dup' }, { code: 'd', name: 'new' }], ignore);
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ code: 'd', name: 'new' }]);
    assert.deepEqual(await w.rows('SELECT code, name FROM writes.ups_codes ORDER BY id'), [
      { code: 'a', name: 'first' },
      { code: 'd', name: 'new' },
    ]);
  });
});

describe('POST without resolution', () => {
  test('a conflict is 409 with PostgreSQL message and detail, nothing written', async () => {
    const r = await w.call('POST', '/ups_langs', [
      { name: 'Zig', rank: 7 },
      { name: 'Java', rank: 3 },
    ]);
    assert.equal(r.status, 409);
    assert.deepEqual(r.json(), {
      code: '23505',
      details: 'Key (name)=(Java) already exists.',
      hint: null,
      message: 'duplicate key value violates unique constraint "ups_langs_pkey"',
    });
    assert.deepEqual(await langs(), [
      { name: 'C', rank: 2 },
      { name: 'Java', rank: 1 },
    ]);
  });

  test('on_conflict= without resolution is ignored (no ON CONFLICT)', async () => {
    const r = await w.call('POST', '/ups_codes?on_conflict=code', { code: 'a', name: 'x' });
    assert.equal(r.status, 409);
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ups_codes'))[0]?.['n'], 1);
  });
});
