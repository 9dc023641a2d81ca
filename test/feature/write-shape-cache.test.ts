// Writes served from the shape cache (src/http/shape-cache.ts): a POST, PATCH or DELETE whose shape was learnt (same
// URL but its filter values, same headers, a JSON body with the same keys) writes its own values, under its own role
// and request settings, with the same statuses, headers and errors as the full path; the cache's counter shows which
// requests it served. Schema `wshapes` (93-write-shape-cache.sql).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { expectMetricDelta } from '../support/metrics.js';
import { request, roleToken, startTestServer, type TestResponse, type TestServer } from '../support/server.js';

const userToken = roleToken('postgrest_test_user');

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'wshapes' });
});
after(async () => {
  await srv.stop();
});

/** A request with `body` sent as JSON unless `headers` name another Content-Type. */
const send = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<TestResponse> =>
  request(srv.url, path, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send('POST', path, typeof body === 'string' ? body : JSON.stringify(body), headers);

/** Runs `fn` and checks how many of its requests the shape cache served. */
const expectHits = <T>(count: number, fn: () => Promise<T>): Promise<T> =>
  expectMetricDelta(srv, 'postgrest_ts_shape_cache_hits_total', count, fn);

/** The notes whose label starts with `prefix`, oldest first. */
async function notes(prefix: string, columns = 'label, score'): Promise<unknown[]> {
  const r = await adminQuery(`SELECT ${columns} FROM wshapes.notes WHERE label LIKE $1 || '%' ORDER BY id`, [prefix]);
  return r.rows;
}

const created = (r: TestResponse) => assert.equal(r.status, 201, r.text);

describe('POST to a table', () => {
  test('each request inserts its own row; only the first of a shape is built in full', async () => {
    created(await post('/notes', { label: 'ins-1', score: 1 }, { Prefer: 'return=minimal' }));
    await expectHits(3, async () => {
      const r = await post('/notes', { label: 'ins-2', score: 2 }, { Prefer: 'return=minimal' });
      created(r);
      assert.equal(r.text, '');
      assert.equal(r.headers.get('content-range'), '*/*');
      // the keys in another order and other white space: the same key set
      created(await post('/notes', '{ "score": 3, "label": "ins-3" }', { Prefer: 'return=minimal' }));
      created(await post('/notes', { label: 'ins-4 "quoted" \u00e9\u{1F600}', score: null }, { Prefer: 'return=minimal' }));
    });
    assert.deepEqual(await notes('ins-'), [
      { label: 'ins-1', score: 1 },
      { label: 'ins-2', score: 2 },
      { label: 'ins-3', score: 3 },
      { label: 'ins-4 "quoted" \u00e9\u{1F600}', score: null },
    ]);
  });

  test('return=representation answers with each request’s own row', async () => {
    const rep = (label: string, score: number) =>
      post('/notes?select=label,score,fill', { label, score }, { Prefer: 'return=representation' });
    const first = await rep('rep-1', 10);
    created(first);
    assert.deepEqual(JSON.parse(first.text), [{ label: 'rep-1', score: 10, fill: 'dflt' }]);
    await expectHits(1, async () => {
      const second = await rep('rep-2', 20);
      created(second);
      assert.equal(second.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(JSON.parse(second.text), [{ label: 'rep-2', score: 20, fill: 'dflt' }]);
    });
  });

  test('return=headers-only gives each request the Location of its own row', async () => {
    const loc = async (label: string) => {
      const r = await post('/notes', { label }, { Prefer: 'return=headers-only' });
      created(r);
      const id = (await adminQuery('SELECT id FROM wshapes.notes WHERE label = $1', [label])).rows[0].id;
      assert.equal(r.headers.get('location'), `/notes?id=eq.${id}`);
    };
    await loc('loc-1');
    await expectHits(2, async () => {
      await loc('loc-2');
      await loc('loc-3');
    });
  });

  test('arrays with the same keys share a shape whatever their length', async () => {
    created(await post('/notes', [{ label: 'arr-1', score: 1 }, { label: 'arr-2', score: 2 }]));
    await expectHits(2, async () => {
      created(await post('/notes', [{ score: 3, label: 'arr-3' }]));
      created(await post('/notes', [{ label: 'arr-4', score: 4 }, { label: 'arr-5', score: 5 }, { label: 'arr-6', score: 6 }]));
    });
    // Prefer is part of the shape: count=exact is learnt anew, then counts each request's rows
    const counted = (...labels: string[]) => post('/notes', labels.map((label) => ({ label, score: 0 })), { Prefer: 'count=exact' });
    assert.equal((await counted('arr-7')).headers.get('content-range'), '*/1');
    await expectHits(1, async () => assert.equal((await counted('arr-8', 'arr-9')).headers.get('content-range'), '*/2'));
    assert.equal((await notes('arr-')).length, 9);
    // an object with the same keys is another shape (one row, not a set)
    await expectHits(0, async () => created(await post('/notes', { label: 'arr-10', score: 10 })));
  });

  test('another key set is another shape: a column left out takes its default', async () => {
    created(await post('/notes', { label: 'keys-1', score: 1, fill: 'given' }));
    await expectHits(0, async () => created(await post('/notes', { label: 'keys-2' })));
    await expectHits(1, async () => created(await post('/notes', { label: 'keys-3', fill: 'also', score: 3 })));
    assert.deepEqual(await notes('keys-', 'label, score, fill'), [
      { label: 'keys-1', score: 1, fill: 'given' },
      { label: 'keys-2', score: null, fill: 'dflt' },
      { label: 'keys-3', score: 3, fill: 'also' },
    ]);
  });

  test('an unknown column is refused (PGRST204) after the known keys taught a shape', async () => {
    created(await post('/notes', { label: 'unk-1' }));
    const r = await post('/notes', { label: 'unk-2', nope: 1 });
    assert.equal(r.status, 400, r.text);
    assert.equal(JSON.parse(r.text).code, 'PGRST204');
    assert.deepEqual(await notes('unk-'), [{ label: 'unk-1', score: null }]);
  });

  test('each body is still checked: invalid JSON, mismatched keys and bad bytes are 400 PGRST102 and write nothing', async () => {
    created(await post('/notes', { label: 'bad-0', score: 0 }));
    const expect102 = async (body: string | Buffer, message: string) => {
      const r = await send('POST', '/notes', body, {});
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(JSON.parse(r.text), { code: 'PGRST102', details: null, hint: null, message });
    };
    await expectHits(0, async () => {
      await expect102('{"label": "bad-1", "score": 1', 'Empty or invalid json');
      await expect102('[{"label": "bad-2", "score": 1}, {"label": "bad-3"}]', 'All object keys must match');
      await expect102(Buffer.concat([Buffer.from('{"label": "bad-4'), Buffer.from([0xff]), Buffer.from('", "score": 1}')]), 'Empty or invalid json');
      await expect102('{"label": "bad-5\\ud800", "score": 1}', 'Empty or invalid json');
    });
    assert.deepEqual(await notes('bad-'), [{ label: 'bad-0', score: 0 }]);
  });

  test('request settings are each request’s own: a header and the role', async () => {
    const tagged = (label: string, tag?: string, auth?: string) =>
      post('/notes', { label }, { ...(tag ? { 'X-Tag': tag } : {}), ...(auth ? { Authorization: `Bearer ${auth}` } : {}) });
    created(await tagged('set-1', 'one'));
    await expectHits(2, async () => {
      created(await tagged('set-2', 'two'));
      created(await tagged('set-3'));
    });
    // a role that may not insert is refused, though another role taught the shape
    const denied = await tagged('set-4', 'four', userToken);
    assert.equal(denied.status, 403, denied.text);
    assert.equal(JSON.parse(denied.text).code, '42501');
    assert.deepEqual(await notes('set-', 'label, tag, who'), [
      { label: 'set-1', tag: 'one', who: 'postgrest_test_anonymous' },
      { label: 'set-2', tag: 'two', who: 'postgrest_test_anonymous' },
      { label: 'set-3', tag: null, who: 'postgrest_test_anonymous' },
    ]);
  });

  test('a database error on a learnt shape is answered as on the full path', async () => {
    created(await post('/stock', { sku: 'err-a', qty: 1 }));
    const dup = await post('/stock', { sku: 'err-a', qty: 2 });
    assert.equal(dup.status, 409, dup.text);
    assert.equal(JSON.parse(dup.text).code, '23505');
    const nul = await post('/stock', { sku: 'err-b', qty: null });
    assert.equal(nul.status, 400, nul.text);
    assert.equal(JSON.parse(nul.text).code, '23502');
    await expectHits(1, async () => created(await post('/stock', { sku: 'err-c', qty: 3 })));
    const rows = await adminQuery("SELECT sku, qty FROM wshapes.stock WHERE sku LIKE 'err-%' ORDER BY sku");
    assert.deepEqual(rows.rows, [
      { sku: 'err-a', qty: 1 },
      { sku: 'err-c', qty: 3 },
    ]);
  });

  test('upserts: 201 when a row was inserted, 200 when every row merged into an existing one', async () => {
    const upsert = (sku: string, qty: number) => post('/stock', { sku, qty }, { Prefer: 'resolution=merge-duplicates' });
    created(await upsert('ups-a', 1));
    await expectHits(2, async () => {
      const merged = await upsert('ups-a', 5);
      assert.equal(merged.status, 200, merged.text);
      created(await upsert('ups-b', 2));
    });
    const rows = await adminQuery("SELECT sku, qty FROM wshapes.stock WHERE sku LIKE 'ups-%' ORDER BY sku");
    assert.deepEqual(rows.rows, [
      { sku: 'ups-a', qty: 5 },
      { sku: 'ups-b', qty: 2 },
    ]);
  });

  test('a singular response is never cached, and its check still rolls back', async () => {
    const single = { Accept: 'application/vnd.pgrst.object+json', Prefer: 'return=representation' };
    await expectHits(0, async () => {
      const one = await post('/notes?select=label', { label: 'one-1' }, single);
      created(one);
      assert.deepEqual(JSON.parse(one.text), { label: 'one-1' });
      const two = await post('/notes?select=label', [{ label: 'one-2' }, { label: 'one-3' }], single);
      assert.equal(two.status, 406, two.text);
      assert.equal(JSON.parse(two.text).code, 'PGRST116');
      created(await post('/notes?select=label', { label: 'one-4' }, single));
    });
    assert.deepEqual(await notes('one-', 'label'), [{ label: 'one-1' }, { label: 'one-4' }]);
  });

  test('a Content-Type with parameters is a shape of its own; CSV and columns= bodies take the full path', async () => {
    const withCharset = { 'Content-Type': 'application/json; charset=utf-8' };
    // the same URL and keys as a plain application/json request just made: the charset parameter alone makes it a new shape
    created(await post('/notes', { label: 'ct-0' }));
    created(await post('/notes', { label: 'ct-00' }));
    await expectHits(0, async () => created(await post('/notes', { label: 'ct-1' }, withCharset)));
    await expectHits(1, async () => created(await post('/notes', { label: 'ct-2' }, withCharset)));
    await expectHits(0, async () => {
      for (const label of ['ct-3', 'ct-4']) created(await send('POST', '/notes', `label,score\n${label},7`, { 'Content-Type': 'text/csv' }));
      for (const label of ['ct-5', 'ct-6']) created(await post('/notes?columns=label', { label, score: 99 }));
    });
    assert.deepEqual(await notes('ct-'), [
      { label: 'ct-0', score: null },
      { label: 'ct-00', score: null },
      { label: 'ct-1', score: null },
      { label: 'ct-2', score: null },
      { label: 'ct-3', score: 7 },
      { label: 'ct-4', score: 7 },
      { label: 'ct-5', score: null },
      { label: 'ct-6', score: null },
    ]);
  });
});

describe('PATCH and DELETE', () => {
  test('PATCH: each request updates the rows its filter names with its own values', async () => {
    created(await post('/notes', [{ label: 'upd-1' }, { label: 'upd-2' }, { label: 'upd-3' }]));
    const patch = (label: string, score: number) => send('PATCH', `/notes?label=eq.${label}`, JSON.stringify({ score }));
    const first = await patch('upd-1', 1);
    assert.equal(first.status, 204, first.text);
    await expectHits(2, async () => {
      const second = await patch('upd-3', 3);
      assert.equal(second.status, 204, second.text);
      assert.equal(second.headers.get('content-range'), '0-0/*');
      const none = await patch('upd-9', 9);
      assert.equal(none.status, 204);
      assert.equal(none.headers.get('content-range'), '*/*');
    });
    assert.deepEqual(await notes('upd-'), [
      { label: 'upd-1', score: 1 },
      { label: 'upd-2', score: null },
      { label: 'upd-3', score: 3 },
    ]);
  });

  test('DELETE: each request deletes the rows its filter names', async () => {
    created(await post('/notes', [{ label: 'del-1' }, { label: 'del-2' }, { label: 'del-3' }]));
    const del = (label: string) => send('DELETE', `/notes?label=eq.${label}`, undefined, { Prefer: 'return=representation' });
    assert.deepEqual(JSON.parse((await del('del-1')).text).map((r: { label: string }) => r.label), ['del-1']);
    await expectHits(1, async () => {
      const r = await del('del-3');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(JSON.parse(r.text).map((r: { label: string }) => r.label), ['del-3']);
    });
    assert.deepEqual(await notes('del-', 'label'), [{ label: 'del-2' }]);
  });
});

describe('POST calls', () => {
  test('each call gets its own arguments; argument names stay part of the shape', async () => {
    assert.equal((await post('/rpc/add', { a: 1, b: 2 })).text, '3');
    await expectHits(2, async () => {
      assert.equal((await post('/rpc/add', { b: 40, a: 2 })).text, '42');
      assert.equal((await post('/rpc/add', { a: -5, b: 5 })).text, '0');
    });
    const missing = await post('/rpc/add', { a: 1, c: 2 });
    assert.equal(missing.status, 404, missing.text);
    assert.equal(JSON.parse(missing.text).code, 'PGRST202');
  });

  test('a volatile function’s writes are each call’s own', async () => {
    const call = (label: string) => post('/rpc/add_note?select=label,score', { label });
    assert.deepEqual(JSON.parse((await call('fn-1')).text), [{ label: 'fn-1', score: -1 }]);
    await expectHits(1, async () => assert.deepEqual(JSON.parse((await call('fn-2')).text), [{ label: 'fn-2', score: -1 }]));
    assert.deepEqual(await notes('fn-', 'label'), [{ label: 'fn-1' }, { label: 'fn-2' }]);
  });

  test('a function taking the whole body as its one json parameter gets each request’s body', async () => {
    assert.deepEqual(JSON.parse((await post('/rpc/whole', { x: 1 })).text), { x: 1 });
    await expectHits(1, async () => assert.deepEqual(JSON.parse((await post('/rpc/whole', { x: [2, 'two'] })).text), { x: [2, 'two'] }));
  });
});
