// text/csv and application/x-www-form-urlencoded bodies, and the Content-Types a relation refuses (PGRST102).
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
  await w.exec('TRUNCATE writes.csv_rows');
});

const csv = { 'Content-Type': 'text/csv' };
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('text/csv bodies', () => {
  test('header row names the columns; NULL is SQL null, an empty field the empty string', async () => {
    const body = 'id,name,note\n1,one,NULL\n2,"two, quoted",\n3,"say ""hi""",x';
    const r = await w.call('POST', '/csv_rows', body, { ...csv, Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [
      { id: 1, name: 'one', note: null, qty: 1 },
      { id: 2, name: 'two, quoted', note: '', qty: 1 },
      { id: 3, name: 'say "hi"', note: 'x', qty: 1 },
    ]);
    assert.deepEqual(await w.rows('SELECT id, name, note FROM writes.csv_rows ORDER BY id'), [
      { id: 1, name: 'one', note: null },
      { id: 2, name: 'two, quoted', note: '' },
      { id: 3, name: 'say "hi"', note: 'x' },
    ]);
  });

  test('CSV in, CSV out', async () => {
    const r = await w.call('POST', '/csv_rows?select=id,name', 'id,name\n4,four\n5,five', {
      ...csv,
      Accept: 'text/csv',
      Prefer: 'return=representation',
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.text, 'id,name\n4,four\n5,five');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.csv_rows'))[0]?.['n'], 2);
  });

  test('rows with a different number of fields are PGRST102 and nothing is written', async () => {
    const r = await w.call('POST', '/csv_rows', 'id,name\n6,six\n7', csv);
    assert.equal(r.status, 400);
    const err = r.json() as { code: string };
    assert.equal(err.code, 'PGRST102');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.csv_rows'))[0]?.['n'], 0);
  });

  test('an unknown column in the header is PGRST204', async () => {
    const r = await w.call('POST', '/csv_rows', 'id,bogus\n8,x', csv);
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string; message: string }).message, "Could not find the 'bogus' column of 'csv_rows' in the schema cache");
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.csv_rows'))[0]?.['n'], 0);
  });

  test('CSV values are cast to the column types by PostgreSQL (bad integer: 22P02, 400)', async () => {
    const r = await w.call('POST', '/csv_rows', 'id,qty\n9,notanumber', csv);
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, '22P02');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.csv_rows'))[0]?.['n'], 0);
  });
});

describe('application/x-www-form-urlencoded bodies', () => {
  test('one row whose values are strings (cast by PostgreSQL)', async () => {
    const r = await w.call('POST', '/csv_rows', 'id=10&name=ten+with%20spaces&qty=3', { ...form, Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ id: 10, name: 'ten with spaces', note: null, qty: 3 }]);
    assert.deepEqual(await w.rows('SELECT * FROM writes.csv_rows'), [{ id: 10, name: 'ten with spaces', note: null, qty: 3 }]);
  });

  test('PATCH with a form body', async () => {
    await w.exec("INSERT INTO writes.csv_rows (id, name) VALUES (11, 'before')");
    const r = await w.call('PATCH', '/csv_rows?id=eq.11', 'name=after&note=n', form);
    assert.equal(r.status, 204);
    assert.deepEqual(await w.rows('SELECT id, name, note FROM writes.csv_rows'), [{ id: 11, name: 'after', note: 'n' }]);
  });
});

describe('other content types', () => {
  test('text/plain on a table is PGRST102 "Content-Type not acceptable"', async () => {
    const r = await w.call('POST', '/csv_rows', 'id=1', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'PGRST102', details: null, hint: null, message: 'Content-Type not acceptable: text/plain' });
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.csv_rows'))[0]?.['n'], 0);
  });

  test('an unknown media type is PGRST102 with the type as sent', async () => {
    const r = await w.call('POST', '/csv_rows', '<x/>', { 'Content-Type': 'application/xml' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'PGRST102', details: null, hint: null, message: 'Content-Type not acceptable: application/xml' });
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.csv_rows'))[0]?.['n'], 0);
  });

  test('Content-Type parameters are accepted (application/json; charset=utf-8)', async () => {
    const r = await w.call('POST', '/csv_rows', '{"id": 12}', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 201);
    assert.deepEqual(await w.rows('SELECT id FROM writes.csv_rows'), [{ id: 12 }]);
  });
});
