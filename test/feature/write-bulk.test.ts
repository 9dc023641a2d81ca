// Bulk POST: 10,000 rows as one statement with one parameter in one round trip, and all-or-nothing failures.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { recordQueries } from '../support/queries.js';
import { startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
before(async () => {
  w = await startWriteEnv();
});
after(async () => {
  await w.stop();
});
beforeEach(async () => {
  await w.exec('TRUNCATE writes.bulk_rows');
});

describe('bulk insert', () => {
  test('10,000 rows in one statement with one parameter, sent in one flush', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, val: `v${i + 1}`, n: i }));
    let status = 0;
    let range: string | null = null;
    const sent = await recordQueries(w.srv.app, async () => {
      const r = await w.call('POST', '/bulk_rows', rows, { Prefer: 'count=exact' });
      status = r.status;
      range = r.headers.get('content-range');
    });
    assert.equal(status, 201);
    assert.equal(range, '*/10000');
    // Settings and the INSERT travel as one batch with a single Sync: an implicit transaction, no BEGIN/COMMIT.
    const texts = sent.map((s) => s.text);
    assert.match(texts[0] ?? '', /^SELECT FROM \(SELECT set_config\(/);
    assert.ok(!texts.some((t) => /^(BEGIN|COMMIT)/.test(t)));
    const inserts = sent.filter((s) => /INSERT INTO/.test(s.text));
    assert.equal(inserts.length, 1, 'exactly one INSERT statement');
    assert.equal(inserts[0]?.values, 1, 'the whole body travels as one parameter');
    // Everything is sent before the first answer arrives: one round trip.
    assert.ok(
      sent.every((s) => s.answeredBefore === 0),
      'all statements pipelined',
    );
    const [agg] = await w.rows('SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi, sum(n)::bigint AS s FROM writes.bulk_rows');
    assert.deepEqual(agg, { n: 10_000, lo: 1, hi: 10_000, s: '49995000' });
  });

  test('a failure in the middle of a bulk insert writes nothing', async () => {
    const rows = Array.from({ length: 1_000 }, (_, i) => ({ id: i + 1, val: `v${i}`, n: i === 500 ? -1 : i }));
    const r = await w.call('POST', '/bulk_rows', rows, { Prefer: 'return=representation' });
    assert.equal(r.status, 400);
    const err = r.json() as { code: string; message: string };
    assert.equal(err.code, '23514');
    assert.match(err.message, /violates check constraint "bulk_rows_n_check"/);
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.bulk_rows'))[0]?.['n'], 0);
  });

  test('a duplicate key inside the payload writes nothing (409)', async () => {
    const rows = [
      { id: 1, val: 'a', n: 1 },
      { id: 2, val: 'b', n: 2 },
      { id: 1, val: 'c', n: 3 },
    ];
    const r = await w.call('POST', '/bulk_rows', rows);
    assert.equal(r.status, 409);
    assert.equal((r.json() as { code: string }).code, '23505');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.bulk_rows'))[0]?.['n'], 0);
  });

  test('objects with different keys are PGRST102 and nothing is written', async () => {
    const r = await w.call('POST', '/bulk_rows', [
      { id: 1, val: 'a' },
      { id: 2, val: 'b', n: 1 },
    ]);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'PGRST102', details: null, hint: null, message: 'All object keys must match' });
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.bulk_rows'))[0]?.['n'], 0);
  });

  test('rows may name their members in another order, repeat one or escape a name', async () => {
    // the body is checked without being parsed (json-scan.ts): such rows leave its byte-for-byte path
    const body = '[{"id": 1, "val": "a", "n": 1}, {"n": 2, "\\u0076al": "b", "id": 2}, {"id": 3, "val": "x", "val": "c", "n": 3}]';
    const r = await w.call('POST', '/bulk_rows', body, { 'Content-Type': 'application/json' });
    assert.equal(r.status, 201);
    // PostgreSQL takes a repeated member's last value
    assert.deepEqual(await w.rows('SELECT id, val, n FROM writes.bulk_rows ORDER BY id'), [
      { id: 1, val: 'a', n: 1 },
      { id: 2, val: 'b', n: 2 },
      { id: 3, val: 'c', n: 3 },
    ]);
  });

  test('bulk with return=representation returns every row in order', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, val: `v${i + 1}` }));
    const r = await w.call('POST', '/bulk_rows?select=id&order=id.desc', rows, { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    const body = r.json() as { id: number }[];
    assert.equal(body.length, 50);
    assert.deepEqual(body[0], { id: 50 });
    assert.deepEqual(body[49], { id: 1 });
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.bulk_rows WHERE n IS NULL'))[0]?.['n'], 50);
  });
});
