// /rpc results: every return shape (scalar, domain, array, enum, range, composite, record, OUT/INOUT, TABLE, SETOF,
// void) and reading them like a relation: select, filters, order, limit/offset, Range, counts, media types, embedding.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'rpc' });
});
after(async () => {
  await srv.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => request(srv.url, path, { headers });
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  request(srv.url, path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

describe('return types', () => {
  test('scalars are single JSON values, not arrays', async () => {
    assert.deepEqual((await get('/rpc/greet?name=%EF%BF%A5')).json(), 'hi ￥');
    assert.equal((await get('/rpc/as_pos?val=8')).text, '8');
    assert.deepEqual((await get('/rpc/int_array')).json(), [1, 2, 3]);
    assert.deepEqual((await get('/rpc/pick_color?val=green')).json(), 'green');
    assert.deepEqual((await get('/rpc/int_range?lo=10&hi=20')).json(), '[10,20)');
    const nul = await get('/rpc/nothing');
    assert.equal(nul.status, 200);
    assert.equal(nul.text, 'null');
  });

  test('sets of scalars are arrays', async () => {
    assert.deepEqual((await get('/rpc/int_set')).json(), [1, 2, 3]);
    assert.deepEqual((await get('/rpc/text_set')).json(), ['a', null, 'c']);
  });

  test('composites are objects, also through a domain', async () => {
    assert.deepEqual((await get('/rpc/make_vec')).json(), { x: 10, y: 5 });
    assert.deepEqual((await post('/rpc/make_vec', '{"x": 1, "y": 2}')).json(), { x: 1, y: 2 });
    assert.deepEqual((await get('/rpc/make_vec_domain')).json(), { x: 7, y: 8 });
  });

  test('a single table row is an object; a SETOF is an array', async () => {
    assert.deepEqual((await get('/rpc/one_box?id=2&select=id,label')).json(), { id: 2, label: 'beta' });
    assert.deepEqual((await get('/rpc/boxes_of?owner=2&select=id')).json(), [{ id: 3 }, { id: 4 }]);
    assert.deepEqual((await get('/rpc/no_boxes')).json(), []);
  });

  test('record and SETOF record', async () => {
    assert.deepEqual((await post('/rpc/first_box_record', '')).json(), { id: 1, label: 'alpha', owner_id: 1, note: 'first' });
    assert.deepEqual((await post('/rpc/box_records', '')).json(), [
      { id: 1, label: 'alpha', owner_id: 1, note: 'first' },
      { id: 2, label: 'beta', owner_id: 1, note: null },
    ]);
  });

  test('OUT and INOUT parameters make an object', async () => {
    assert.deepEqual((await get('/rpc/inc_out?num=5')).json(), { num_plus_one: 6 });
    assert.deepEqual((await get('/rpc/many_out')).json(), { label: 'x', num: 3, obj: { k: 1 } });
    assert.deepEqual((await get('/rpc/inout_defaults?num=1&str=two&flag=false')).json(), { num: 1, str: 'two', flag: false });
  });

  test('TABLE returns are arrays, also with a column named like the function', async () => {
    assert.deepEqual((await get('/rpc/table_one')).json(), [{ a: 'A' }]);
    assert.deepEqual((await get('/rpc/table_two')).json(), [
      { a: 'A', b: 'B' },
      { a: 'C', b: null },
    ]);
    assert.deepEqual((await get('/rpc/same_name')).json(), [{ same_name: 'hello', value: 1 }]);
  });

  test('void: 204 without Content-Type or body', async () => {
    const r = await post('/rpc/ret_void', '{}');
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-type'), null);
    assert.equal(r.headers.get('content-length'), null);
    assert.equal(r.headers.get('vary'), 'Accept, Prefer, Range');
  });
});

describe('reading results like a relation', () => {
  test('select, filters (also on unselected columns), logic trees and order', async () => {
    assert.deepEqual((await get('/rpc/all_boxes?id=gt.1&id=lt.5&select=id')).json(), [{ id: 2 }, { id: 3 }, { id: 4 }]);
    assert.deepEqual((await post('/rpc/all_boxes?id=gt.1&id=lt.5&select=id', '{}')).json(), [{ id: 2 }, { id: 3 }, { id: 4 }]);
    assert.deepEqual((await get('/rpc/all_boxes?select=id,owner_id&label=like.*mm*')).json(), [{ id: 3, owner_id: 2 }]);
    assert.deepEqual((await get('/rpc/all_boxes?select=id&or=(label.eq.beta,note.is.null)&order=id.desc')).json(), [{ id: 4 }, { id: 2 }]);
    assert.deepEqual((await get('/rpc/boxes_below?id=5&id=not.in.(1,3)&select=id')).json(), [{ id: 2 }, { id: 4 }]);
    assert.deepEqual((await get('/rpc/table_two?b=is.null')).json(), [{ a: 'C', b: null }]);
  });

  test('computed fields of the table a function returns', async () => {
    assert.deepEqual((await get('/rpc/all_boxes?select=id,tag&id=lt.3')).json(), [
      { id: 1, tag: 'alpha#1' },
      { id: 2, tag: 'beta#2' },
    ]);
    assert.deepEqual((await get('/rpc/all_boxes?select=id&tag=eq.gamma%233')).json(), [{ id: 3 }]);
  });

  test('full-text search on a tsvector column of a table result', async () => {
    assert.deepEqual((await get('/rpc/find_docs?vec=fts(english).dogs&select=id')).json(), [{ id: 2 }]);
    assert.deepEqual((await get('/rpc/find_docs?vec=not.plfts.fox&select=id')).json(), [{ id: 2 }]);
  });

  test('limit and offset; Content-Range', async () => {
    const r = await get('/rpc/all_boxes?select=id&limit=2&offset=1');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 2 }, { id: 3 }]);
    assert.equal(r.headers.get('content-range'), '1-2/*');
    const p = await post('/rpc/numbers_between?limit=1&offset=1', '{"lo": 2, "hi": 4}');
    assert.deepEqual(p.json(), [{ n: 3 }]);
    assert.equal(p.headers.get('content-range'), '1-1/*');
  });

  test('the Range header on GET (ignored on POST)', async () => {
    const r = await get('/rpc/numbers_between?lo=2&hi=4', { Range: '1-1' });
    assert.deepEqual(r.json(), [{ n: 3 }]);
    assert.equal(r.headers.get('content-range'), '1-1/*');
    const p = await post('/rpc/numbers_between', '{"lo": 2, "hi": 4}', { Range: '1-1', Prefer: 'count=exact' });
    assert.equal(p.status, 200);
    assert.deepEqual(p.json(), [{ n: 2 }, { n: 3 }, { n: 4 }]);
    assert.equal(p.headers.get('content-range'), '0-2/3');
  });

  test('Prefer: count=exact gives the total and 206 for a partial page', async () => {
    const r = await get('/rpc/numbers_between?lo=2&hi=4', { Range: '1-1', Prefer: 'count=exact' });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), '1-1/3');
    assert.equal(r.headers.get('preference-applied'), 'count=exact');
    const all = await get('/rpc/numbers_between?lo=2&hi=4', { Prefer: 'count=exact' });
    assert.equal(all.status, 200);
    assert.equal(all.headers.get('content-range'), '0-2/3');
    const off = await get('/rpc/numbers_between?lo=1&hi=10&offset=8', { Prefer: 'count=exact' });
    assert.equal(off.headers.get('content-range'), '8-9/10');
  });

  test('a single result counts as one row', async () => {
    for (const path of ['/rpc/plus?a=3&b=4', '/rpc/as_pos?val=8', '/rpc/make_vec']) {
      const r = await get(path, { Prefer: 'count=exact' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-range'), '0-0/1', path);
    }
  });

  test('an offset past the total is 416 PGRST103', async () => {
    const r = await get('/rpc/numbers_between?lo=1&hi=3&offset=5', { Prefer: 'count=exact' });
    assert.equal(r.status, 416);
    assert.equal(r.headers.get('content-range'), '*/3');
    assert.deepEqual(r.json(), {
      code: 'PGRST103',
      message: 'Requested range not satisfiable',
      details: 'An offset of 5 was requested, but there are only 3 rows.',
      hint: null,
    });
    const empty = await get('/rpc/numbers_between?lo=2&hi=2&limit=0');
    assert.equal(empty.status, 200);
    assert.equal(empty.text, '[]');
  });

  test('an empty result is */*', async () => {
    const r = await get('/rpc/numbers_between?lo=5&hi=1');
    assert.equal(r.text, '[]');
    assert.equal(r.headers.get('content-range'), '*/*');
  });

  test('Prefer: count=planned gives no total for a call', async () => {
    const r = await get('/rpc/numbers_between?lo=1&hi=3', { Prefer: 'count=planned' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-range'), '0-2/*');
  });
});

describe('media types', () => {
  test('CSV', async () => {
    const r = await get('/rpc/numbers_between?lo=2&hi=4', { Accept: 'text/csv' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.text, 'n\n2\n3\n4');
    const head = await request(srv.url, '/rpc/numbers_between?lo=2&hi=4', { method: 'HEAD', headers: { Accept: 'text/csv' } });
    assert.equal(head.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(head.text, '');
  });

  test('singular object: one row is an object, other counts are PGRST116', async () => {
    const one = await post('/rpc/boxes_of', '{"owner": 1}', { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(one.status, 406);
    assert.deepEqual(one.json(), {
      code: 'PGRST116',
      message: 'Cannot coerce the result to a single JSON object',
      details: 'The result contains 2 rows',
      hint: null,
    });
    const none = await post('/rpc/no_boxes', '{}', { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(none.status, 406);
    assert.equal((none.json() as { details: string }).details, 'The result contains 0 rows');
    const ok = await get('/rpc/boxes_of?owner=1&id=eq.2&select=id,label', { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/vnd.pgrst.object+json; charset=utf-8');
    assert.deepEqual(ok.json(), { id: 2, label: 'beta' });
    const scalar = await get('/rpc/greet?name=x', { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(scalar.status, 200);
    assert.deepEqual(scalar.json(), 'hi x');
  });

  test('nulls stripped', async () => {
    const arr = await get('/rpc/boxes_of?owner=1&select=id,note', { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' });
    assert.equal(arr.status, 200);
    assert.deepEqual(arr.json(), [{ id: 1, note: 'first' }, { id: 2 }]);
    const obj = await get('/rpc/one_box?id=2', { Accept: 'application/vnd.pgrst.object+json;nulls=stripped' });
    assert.deepEqual(obj.json(), { id: 2, label: 'beta', owner_id: 1 });
    const single = await get('/rpc/one_box?id=4', { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' });
    assert.deepEqual(single.json(), { id: 4, label: 'delta', owner_id: 2 });
  });

  test('an unacceptable Accept is 406 PGRST107', async () => {
    const r = await get('/rpc/greet?name=x', { Accept: 'audio/mpeg' });
    assert.equal(r.status, 406);
    assert.equal((r.json() as { code: string }).code, 'PGRST107');
  });
});

describe('embedding function results', () => {
  test('a function returning table rows embeds like the table', async () => {
    const r = await get('/rpc/boxes_of?owner=1&select=id,label,owner:owners(name),parts(name)');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      { id: 1, label: 'alpha', owner: { name: 'ann' }, parts: [{ name: 'bolt' }, { name: 'nut' }] },
      { id: 2, label: 'beta', owner: { name: 'ann' }, parts: [] },
    ]);
    const single = await post('/rpc/one_box?select=id,parts(name)', '{"id": 3}');
    assert.deepEqual(single.json(), { id: 3, parts: [{ name: 'gear' }] });
  });

  test('embedding with an inner join and an exact count', async () => {
    const r = await request(srv.url, '/rpc/all_boxes?select=id,parts!inner(id)', { method: 'HEAD', headers: { Prefer: 'count=exact' } });
    assert.equal(r.headers.get('content-range'), '0-1/2');
  });

  test('filters and null filters on embedded resources of a result', async () => {
    const r = await get('/rpc/all_boxes?select=id,owners(name)&owners.name=eq.bob&owners=not.is.null');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      { id: 3, owners: { name: 'bob' } },
      { id: 4, owners: { name: 'bob' } },
    ]);
  });
});
