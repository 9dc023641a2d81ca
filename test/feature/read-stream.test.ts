// Large bodies stream from PostgreSQL to the client (src/db/wire-tap.ts): the same status, headers and bytes as any
// response, with backpressure, and the connection back in the pool after the client read all, aborted, or the response
// turned into an error. Schema `streaming`: 20,000 rows (~1.5 MB of JSON) with multi-byte text.
import assert from 'node:assert/strict';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { STREAM_THRESHOLD } from '../../src/db/wire-tap.js';
import { adminQuery } from '../support/db.js';
import { expectMetricDelta } from '../support/metrics.js';
import { request, startTestServer, type TestResponse, type TestServer } from '../support/server.js';

let srv: TestServer;
let expected: Record<string, unknown>[];
before(async () => {
  // A pool of 2 connections: a connection that is not given back shows up within a few requests.
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'streaming', PGRST_DB_POOL: '2', PGRST_DB_POOL_ACQUISITION_TIMEOUT: '3' });
  expected = (await adminQuery('SELECT id, label, note FROM streaming.items ORDER BY id')).rows;
});
after(async () => {
  await srv.stop();
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<TestResponse> =>
  request(srv.url, path, { method, headers, ...(body === undefined ? {} : { body }) });

function expectAllItems(r: TestResponse): void {
  assert.equal(r.status, 200, r.bytes.subarray(0, 300).toString());
  assert.ok(r.bytes.length > STREAM_THRESHOLD * 4, `body of ${r.bytes.length} bytes is large enough to stream`);
  assert.equal(r.headers.get('content-length'), String(r.bytes.length));
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(JSON.parse(r.bytes.toString('utf8')), expected);
}

/** Runs `fn` and checks how many responses streamed meanwhile (the server's /metrics counter). */
const expectStreamed = <T>(count: number, fn: () => Promise<T>): Promise<T> =>
  expectMetricDelta(srv, 'postgrest_ts_streamed_responses_total', count, fn);

/** A raw node:http GET, so the test controls how (and whether) the body is read. */
function rawGet(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpGet(srv.url + path, resolve).on('error', reject));
}

/** Several large reads in a row: they only all succeed when every earlier request gave its connection back. */
async function poolStillServes(): Promise<void> {
  for (let i = 0; i < 4; i++) expectAllItems(await get('/items?order=id'));
}

describe('large reads stream', () => {
  test('a table read answers the whole body, byte for byte, with Content-Length and Content-Range', async () => {
    const r = await expectStreamed(1, () => get('/items?order=id'));
    expectAllItems(r);
    assert.equal(r.headers.get('content-range'), '0-19999/*');
  });

  test('count=exact and Range-free paging headers come with a streamed body', async () => {
    const r = await expectStreamed(1, () => get('/items?order=id', { Prefer: 'count=exact' }));
    expectAllItems(r);
    assert.equal(r.headers.get('content-range'), '0-19999/20000');
    assert.equal(r.headers.get('preference-applied'), 'count=exact');
  });

  test('CSV streams as well', async () => {
    const r = await expectStreamed(1, () => get('/items?select=id,label&order=id', { Accept: 'text/csv' }));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.headers.get('content-length'), String(r.bytes.length));
    const lines = r.bytes.toString('utf8').split('\n');
    assert.equal(lines[0], 'id,label');
    assert.equal(lines.length, 20001);
    assert.equal(lines[20000], '20000,"item 20000 — ünïcødé ✓ 日本語"');
  });

  test('a function returning a large set streams, and a header it set from SQL is kept', async () => {
    expectAllItems(await expectStreamed(1, () => get('/rpc/all_items?order=id')));
    const r = await expectStreamed(1, () => get('/rpc/items_with_header?order=id'));
    expectAllItems(r);
    assert.equal(r.headers.get('x-items'), 'all');
  });

  test('a POST to a volatile function (a read-write transaction) is answered whole', async () => {
    expectAllItems(await expectStreamed(0, () => get('/rpc/all_items_volatile?order=id', { 'Content-Type': 'application/json' }, 'POST', '{}')));
  });

  test('HEAD answers the headers without a body', async () => {
    const r = await expectStreamed(0, () => get('/items?order=id', {}, 'HEAD'));
    assert.equal(r.status, 200);
    assert.equal(r.bytes.length, 0);
    assert.equal(r.headers.get('content-range'), '0-19999/*');
  });

  test('a singular request over many rows is still 406 PGRST116, and the connection is given back', async () => {
    const r = await expectStreamed(0, () => get('/items', { Accept: 'application/vnd.pgrst.object+json' }));
    assert.equal(r.status, 406);
    assert.equal(JSON.parse(r.bytes.toString()).code, 'PGRST116');
    await poolStillServes();
  });

  test('a slow reader gets every byte (the database waits instead of the server buffering)', async () => {
    const res = await expectStreamed(1, () => rawGet('/items?order=id'));
    assert.equal(res.statusCode, 200);
    const chunks: Buffer[] = [];
    res.pause();
    await new Promise((r) => setTimeout(r, 300));
    for await (const chunk of res) {
      chunks.push(chunk as Buffer);
      if (chunks.length % 5 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    const body = Buffer.concat(chunks);
    assert.equal(res.headers['content-length'], String(body.length));
    assert.deepEqual(JSON.parse(body.toString('utf8')), expected);
  });

  test('while the client does not read, the server holds a bounded part of a 20 MB body, not all of it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const res = await expectStreamed(1, () => rawGet('/rpc/big?n=20000'));
    assert.equal(res.statusCode, 200);
    res.pause();
    await new Promise((r) => setTimeout(r, 500));
    // Client and server share this process: whatever either buffers shows here. A body held whole would add 20+ MB.
    const held = process.memoryUsage().arrayBuffers - before;
    assert.ok(held < 8 * 1024 * 1024, `${(held / 1048576).toFixed(1)} MB held while the client was paused`);
    let length = 0;
    for await (const chunk of res) length += (chunk as Buffer).length;
    assert.equal(String(length), res.headers['content-length']);
    assert.ok(length > 20_000_000);
  });

  test('a client that goes away mid-body does not keep its connection', async () => {
    await expectStreamed(3, async () => {
      for (let i = 0; i < 3; i++) {
        const res = await rawGet('/items?order=id');
        await new Promise<void>((resolve) => res.once('data', () => resolve()));
        res.destroy();
      }
    });
    await poolStillServes();
  });

  test('large representations of writes are sent whole (a write may still fail at COMMIT, after the body began)', async () => {
    const rows = expected.map((r) => ({ ...r }));
    const created = await expectStreamed(0, () => get('/copies?order=id', { 'Content-Type': 'application/json', Prefer: 'return=representation' }, 'POST', JSON.stringify(rows)));
    assert.equal(created.status, 201, created.bytes.subarray(0, 300).toString());
    assert.equal(created.headers.get('content-length'), String(created.bytes.length));
    assert.ok(created.bytes.length > STREAM_THRESHOLD);
    assert.deepEqual(JSON.parse(created.bytes.toString('utf8')), rows);
    const deleted = await get('/copies', { Prefer: 'return=representation' }, 'DELETE');
    assert.equal(deleted.status, 200);
    assert.equal((JSON.parse(deleted.bytes.toString('utf8')) as unknown[]).length, 20000);
    assert.equal((await adminQuery('SELECT count(*)::int AS n FROM streaming.copies')).rows[0].n, 0);
  });

  test('small bodies are unaffected', async () => {
    const r = await expectStreamed(0, () => get('/items?id=eq.3'));
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.bytes.toString()), [expected[2]]);
    assert.equal(r.headers.get('content-length'), String(r.bytes.length));
  });
});
