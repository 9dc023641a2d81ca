// db-pool-pipeline-depth (ours): with a depth above 1, a request may be written behind a young read-only request on a
// busy connection instead of waking another one. Each request still gets its own answer and transaction: a failing
// request leaves the one behind it alone, a slow read is not followed, writes are never followed, large bodies still
// stream, and a statement a failed batch meant to prepare is not taken for prepared. Schema `pipe` (98-pipeline.sql).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXCLUSIVE, Pool } from '../../src/db/pool.js';
import { runTransaction, type TxScript } from '../../src/db/execute.js';
import { adminQuery } from '../support/db.js';
import { metricValue } from '../support/metrics.js';
import { request, startTestServer, type TestResponse, type TestServer } from '../support/server.js';

const PIPELINED = 'postgrest_ts_db_pipelined_requests_total';
const STREAMED = 'postgrest_ts_streamed_responses_total';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'pipe', PGRST_DB_POOL: '2', PGRST_DB_POOL_PIPELINE_DEPTH: '2' });
});
after(async () => {
  await srv.stop();
  await adminQuery('DELETE FROM pipe.notes');
});

const get = (path: string, server: TestServer = srv): Promise<TestResponse> => request(server.url, path);

/**
 * Sends `count` requests at once (made by `make`), checks every answer with `check`, and repeats (up to 20 bursts)
 * until the server has pipelined some of them; returns how many it pipelined.
 */
async function burstsUntilPipelined(count: number, make: (i: number) => Promise<TestResponse>, check: (r: TestResponse, i: number) => void, server = srv): Promise<number> {
  const start = await metricValue(server, PIPELINED);
  for (let round = 0; round < 20; round++) {
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => make(i)));
    for (const [i, r] of answers.entries()) check(r, i);
    const pipelined = (await metricValue(server, PIPELINED)) - start;
    if (pipelined > 0) return pipelined;
  }
  return 0;
}

const itemId = (i: number) => 1 + ((i * 37) % 200);

describe('requests written behind each other on one connection', () => {
  test('concurrent reads each get their own row', async () => {
    const pipelined = await burstsUntilPipelined(
      40,
      (i) => get(`/items?id=eq.${itemId(i)}`),
      (r, i) => {
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json(), [{ id: itemId(i), name: `item ${itemId(i)}` }]);
        assert.equal(r.headers.get('content-range'), '0-0/*');
      },
    );
    assert.ok(pipelined > 0, 'some reads were written behind others');
  });

  test('a failing request leaves the one written behind it alone', async () => {
    const pipelined = await burstsUntilPipelined(
      40,
      (i) => get(`/rpc/even?n=${i}`),
      (r, i) => {
        if (i % 2 === 1) {
          assert.equal(r.status, 400, r.text);
          assert.deepEqual(r.json(), { code: 'PT400', message: `odd: ${i}`, details: null, hint: null });
        } else {
          assert.equal(r.status, 200, r.text);
          assert.deepEqual(r.json(), i / 2);
        }
      },
    );
    assert.ok(pipelined > 0, 'some calls were written behind others');
  });

  test('large bodies stream whole, also behind or ahead of other requests', async () => {
    const streamedBefore = await metricValue(srv, STREAMED);
    let bigOnes = 0;
    const pipelined = await burstsUntilPipelined(
      12,
      (i) => get(i % 3 === 0 ? '/big?select=id,pad&order=id' : `/items?id=eq.${itemId(i)}`),
      (r, i) => {
        assert.equal(r.status, 200, r.text);
        if (i % 3 === 0) {
          bigOnes++;
          const rows = r.json() as { id: number; pad: string }[];
          assert.equal(rows.length, 2000);
          assert.ok(rows.every((row, k) => row.id === k + 1 && row.pad === 'x'.repeat(100)));
          assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(r.text)));
        } else {
          assert.deepEqual(r.json(), [{ id: itemId(i), name: `item ${itemId(i)}` }]);
        }
      },
    );
    assert.ok(pipelined > 0);
    assert.equal((await metricValue(srv, STREAMED)) - streamedBefore, bigOnes, 'every large body streamed');
  });

  test('writes are never followed: only writes at once pipeline nothing, and every row is written', async () => {
    const before = await metricValue(srv, PIPELINED);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request(srv.url, '/notes', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Prefer: 'return=minimal' },
          body: JSON.stringify({ id: i + 1, body: `note ${i + 1}` }),
        }),
      ),
    );
    for (const r of answers) assert.equal(r.status, 201, r.text);
    assert.equal((await metricValue(srv, PIPELINED)) - before, 0);
    const rows = await adminQuery('SELECT count(*)::int AS n, sum(id)::int AS s FROM pipe.notes');
    assert.deepEqual(rows.rows[0], { n: 30, s: 465 });
  });

  test('a read still running after a moment is not followed: quick requests do not wait for it', async () => {
    // a shape known to be quick (so it may lead) that turns slow this once
    for (let i = 0; i < 6; i++) assert.equal((await get('/rpc/wait?ms=0')).status, 200);
    const slow = get('/rpc/wait?ms=600');
    await new Promise((ok) => setTimeout(ok, 100));
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) assert.equal((await get(`/items?id=eq.${i + 1}`)).status, 200);
    const quick = performance.now() - t0;
    assert.equal((await slow).status, 200);
    assert.ok(quick < 400, `five quick reads took ${quick.toFixed(0)} ms beside a 600 ms read`);
  });

  test('a read whose shape has been slow is not followed even as it begins', async () => {
    // four runs of 200 ms: the shape is known to be slow
    for (let i = 0; i < 4; i++) assert.equal((await get('/nap')).status, 200);
    for (let round = 0; round < 8; round++) {
      const t0 = performance.now();
      const [nap, quick] = await Promise.all([get('/nap'), get(`/items?id=eq.${round + 1}`).then((r) => ({ r, ms: performance.now() - t0 }))]);
      assert.equal(nap.status, 200);
      assert.equal(quick.r.status, 200);
      assert.ok(quick.ms < 150, `a quick read sent beside a 200 ms read took ${quick.ms.toFixed(0)} ms`);
    }
  });

  test('without the option (depth 1, as PostgREST) no request is written behind another', async () => {
    const plain = await startTestServer({ PGRST_DB_SCHEMAS: 'pipe', PGRST_DB_POOL: '2', PGRST_DB_POOL_PIPELINE_DEPTH: '1' });
    try {
      const before = await metricValue(plain, PIPELINED);
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => get(`/items?id=eq.${itemId(i)}`, plain)));
      for (const r of answers) assert.equal(r.status, 200, r.text);
      assert.equal((await metricValue(plain, PIPELINED)) - before, 0);
    } finally {
      await plain.stop();
    }
  });
});

describe('the pool and a batch written behind a failing one', () => {
  test('a statement the failed batch meant to prepare is parsed by the batch behind it', async () => {
    const uri = process.env.PGRST_TEST_AUTH_URI!;
    let pipelined = 0;
    const pool = new Pool({
      clientConfig: { connectionString: uri },
      size: 1,
      acquisitionTimeoutMs: 5000,
      maxIdleMs: 30000,
      maxLifetimeMs: 600000,
      pipelineDepth: 2,
      onPipelined: () => pipelined++,
    });
    try {
      // a text no earlier test prepared: its first Parse is in the failing batch, after the statement that fails
      const main = { text: `SELECT $1::int + 1 AS n -- pipeline ${Date.now()}`, prepare: true };
      const leader: TxScript = {
        readOnly: false,
        before: [{ text: 'SELECT 1 / $1::int AS x', values: ['0'], prepare: false }],
        main: { ...main, values: ['1'] },
        end: 'commit',
      };
      const follower: TxScript = { readOnly: false, before: [], main: { ...main, values: ['41'] }, end: 'commit' };
      const use = { follows: true, leads: true };
      const first = await pool.acquire(use);
      const failing = runTransaction(first, leader, true);
      // it may fail before the follower is written: handled from now on, asserted below
      failing.catch(() => {});
      const second = await pool.acquire(use);
      assert.equal(second, first, 'written behind the first, on the only connection');
      assert.equal(pipelined, 1);
      const following = runTransaction(second, follower, true);
      await assert.rejects(failing, (err: { code?: string }) => err.code === '22012');
      pool.release(first);
      const result = await following;
      pool.release(second);
      assert.deepEqual(result.main.rows, [{ n: '42' }]);
      // the connection serves on, the statement now prepared for real
      const again = await pool.acquire(EXCLUSIVE);
      assert.equal(again, first);
      assert.deepEqual((await runTransaction(again, { ...follower, main: { ...main, values: ['6'] } }, true)).main.rows, [{ n: '7' }]);
      pool.release(again);
    } finally {
      await pool.end();
    }
  });
});

describe('the pool at depth 2 with every connection busy', () => {
  const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms).unref())]);
  const LEADS = { follows: true, leads: true };
  const FOLLOWS = { follows: true, leads: false };
  const openPool = (size: number, onPipelined: () => void) =>
    new Pool({
      clientConfig: { connectionString: process.env.PGRST_TEST_AUTH_URI! },
      size,
      acquisitionTimeoutMs: 5000,
      maxIdleMs: 30000,
      maxLifetimeMs: 600000,
      pipelineDepth: 2,
      onPipelined,
    });

  test('a newcomer does not jump the queue by following a young read', async () => {
    let pipelined = 0;
    const pool = openPool(2, () => pipelined++);
    try {
      const writing = await pool.acquire(EXCLUSIVE);
      const reading = await pool.acquire(LEADS);
      assert.notEqual(reading, writing);
      const order: string[] = [];
      const queued = pool.acquire(EXCLUSIVE).then((c) => {
        order.push('queued');
        return c;
      });
      // the read began a moment ago and may be followed, but a request is already waiting for a connection
      const newcomer = pool.acquire(FOLLOWS).then((c) => {
        order.push('newcomer');
        return c;
      });
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(order, [], 'both wait');
      assert.equal(pool.stats().waiting, 2);
      pool.release(writing);
      const first = await queued;
      assert.equal(first, writing);
      assert.deepEqual(order, ['queued']);
      pool.release(reading);
      assert.equal(await within(newcomer, 2000), reading);
      assert.deepEqual(order, ['queued', 'newcomer']);
      assert.equal(pipelined, 0);
      pool.release(first);
      pool.release(reading);
    } finally {
      await pool.end();
    }
  });

  test('queued requests that may follow are written behind the read a freed connection takes', async () => {
    let pipelined = 0;
    const pool = openPool(1, () => pipelined++);
    try {
      const busy = await pool.acquire(EXCLUSIVE);
      const next = [pool.acquire(LEADS), pool.acquire(FOLLOWS), pool.acquire(FOLLOWS)];
      assert.equal(pool.stats().waiting, 3);
      pool.release(busy);
      // the first takes the connection, the second is written behind it; the third waits (depth 2)
      const [a, b] = await within(Promise.all([next[0], next[1]]), 2000);
      assert.equal(a, busy);
      assert.equal(b, busy);
      assert.equal(pipelined, 1);
      assert.equal(pool.stats().waiting, 1);
      // the request behind a write is not followed: the third still waits after the first ends
      pool.release(a);
      assert.equal(pool.stats().waiting, 1);
      pool.release(b);
      assert.equal(await next[2], busy);
      pool.release(busy);
      const plain = await pool.acquire(EXCLUSIVE);
      assert.equal(plain, busy);
      pool.release(plain);
    } finally {
      await pool.end();
    }
  });
});
