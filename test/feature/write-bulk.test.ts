// Bulk POST: 10,000 rows as one statement with one parameter in one round trip, and all-or-nothing failures.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
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
    assert.match(texts[0] ?? '', /^SELECT pg_catalog\.num_nulls\(set_config\(/);
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

// Bodies of 16 kB to 1 MB are read into reused buffers, and the batches carrying them to PostgreSQL are written from
// reused buffers too (text/buffer-pool.ts): no request may see another's bytes, whatever the order, size or timing.
describe('large bodies in reused buffers', () => {
  /** `count` rows from `first`, each with a `val` of `width` characters made of `mark` and non-ASCII text. */
  const rowsOf = (first: number, count: number, width: number, mark: string) =>
    Array.from({ length: count }, (_, i) => ({ id: first + i, val: `${mark}é€😀"\\`.padEnd(width, mark), n: i }));
  const stored = (lo: number, hi: number) => w.rows('SELECT id, val, n FROM writes.bulk_rows WHERE id BETWEEN $1 AND $2 ORDER BY id', [lo, hi]);

  test('bodies of other sizes one after another each write exactly their own rows', async () => {
    const batches = [rowsOf(1, 400, 100, 'a'), rowsOf(1001, 150, 100, 'b'), rowsOf(2001, 300, 100, 'c'), rowsOf(3001, 2, 10, 'd')];
    for (const rows of batches) {
      const body = JSON.stringify(rows);
      const r = await w.call('POST', '/bulk_rows?select=id,val,n', body, { 'Content-Type': 'application/json', Prefer: 'return=representation' });
      assert.equal(r.status, 201, body.length.toString());
      assert.deepEqual(r.json(), rows);
      assert.deepEqual(await stored(rows[0]!.id, rows[0]!.id + 999), rows);
    }
  });

  test('concurrent large bodies do not mix', async () => {
    const batches = Array.from({ length: 12 }, (_, k) => rowsOf(k * 1000 + 1, 100 + k * 40, 80 + k, String.fromCharCode(97 + k)));
    const statuses = await Promise.all(batches.map(async (rows) => (await w.call('POST', '/bulk_rows', rows)).status));
    assert.deepEqual(statuses, batches.map(() => 201));
    for (const rows of batches) assert.deepEqual(await stored(rows[0]!.id, rows[0]!.id + 999), rows);
  });

  test('a chunked body without Content-Length, sent in pieces', async () => {
    const rows = rowsOf(1, 500, 90, 'q');
    const body = Buffer.from(JSON.stringify(rows));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${w.srv.url}/bulk_rows`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // cut inside a multi-byte character too: the pieces are joined as bytes
      const cuts = [0, 7, 10_000, 10_003, 30_001, body.length];
      for (let i = 1; i < cuts.length; i++) req.write(body.subarray(cuts[i - 1], cuts[i]));
      req.end();
    });
    assert.equal(status, 201);
    assert.deepEqual(await stored(1, 500), rows);
  });

  test('a client that goes away mid-body leaves nothing behind for the next request', async () => {
    const rows = rowsOf(1, 300, 100, 'z');
    const body = Buffer.from(JSON.stringify(rows));
    await new Promise<void>((resolve) => {
      const socket = connect(Number(new URL(w.srv.url).port), '127.0.0.1', () => {
        socket.write(`POST /bulk_rows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.write(body.subarray(0, body.length - 100), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => {});
    });
    assert.deepEqual(await stored(1, 1000), []);
    const next = rowsOf(1, 200, 100, 'y');
    assert.equal((await w.call('POST', '/bulk_rows', next)).status, 201);
    assert.deepEqual(await stored(1, 1000), next);
  });
});
