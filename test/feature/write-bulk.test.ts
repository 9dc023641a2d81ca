// Bulk POST: 10,000 rows as one statement with one parameter in one round trip, and all-or-nothing failures.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { BatchQuery } from '../../src/db/batch.js';
import type { PooledConnection } from '../../src/db/pool.js';
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

interface SentQuery {
  readonly text: string;
  readonly values: number;
  /** How many earlier queries of this request had already answered when this one was sent. */
  readonly answeredBefore: number;
}

/** Records every query the server sends while `fn` runs (the pool's connections are wrapped on acquire). */
async function recordQueries(fn: () => Promise<void>): Promise<SentQuery[]> {
  type Query = (...args: unknown[]) => Promise<unknown>;
  const pool = w.srv.app.state.pool;
  const sent: SentQuery[] = [];
  const restore: (() => void)[] = [];
  let answered = 0;
  const original = pool.acquire.bind(pool);
  pool.acquire = async (): Promise<PooledConnection> => {
    const conn = await original();
    const client = conn.client as unknown as { query: Query };
    const query = client.query;
    client.query = (...args: unknown[]) => {
      const q = args[0];
      if (q instanceof BatchQuery) {
        // One batch: every statement goes out together, ending in one Sync (one implicit transaction).
        for (const st of q.statements) sent.push({ text: st.text, values: st.values.length, answeredBefore: answered });
        // Counted as answered when PostgreSQL has finished it (its ReadyForQuery), as plain queries are below.
        const batch = q as unknown as { handleReadyForQuery: (...a: unknown[]) => void };
        const ready = batch.handleReadyForQuery.bind(q);
        batch.handleReadyForQuery = (...a: unknown[]) => {
          answered++;
          ready(...a);
        };
        return query.apply(client, args);
      }
      const c = q as string | { text: string; values?: unknown[] };
      const text = typeof c === 'string' ? c : c.text;
      sent.push({ text, values: typeof c === 'string' ? 0 : (c.values?.length ?? 0), answeredBefore: answered });
      return (query.apply(client, args) as Promise<unknown>).finally(() => {
        answered++;
      });
    };
    restore.push(() => {
      client.query = query;
    });
    return conn;
  };
  try {
    await fn();
  } finally {
    pool.acquire = original;
    for (const r of restore) r();
  }
  return sent;
}

describe('bulk insert', () => {
  test('10,000 rows in one statement with one parameter, sent in one flush', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, val: `v${i + 1}`, n: i }));
    let status = 0;
    let range: string | null = null;
    const sent = await recordQueries(async () => {
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
