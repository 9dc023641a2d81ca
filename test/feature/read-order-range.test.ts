// Feature tests of `order` (directions, nulls, several terms, JSON paths), `limit`/`offset`, the `Range` request header
// and `db-max-rows`: rows, Content-Range, status and PostgREST's PGRST103 answers for impossible windows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let capped: TestServer;
before(async () => {
  srv = await startTestServer();
  capped = await startTestServer({ PGRST_DB_MAX_ROWS: '2' });
});
after(async () => {
  await srv.stop();
  await capped.stop();
});

interface WindowCase {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly ids: readonly number[];
  readonly range: string;
  readonly status?: number;
}

async function expectWindow(server: TestServer, c: WindowCase): Promise<void> {
  const r = await request(server.url, c.path, { headers: c.headers ?? {} });
  assert.equal(r.status, c.status ?? 200, `${c.path} → ${r.text}`);
  assert.deepEqual(
    (r.json() as { id: number }[]).map((x) => x.id),
    c.ids,
    c.path,
  );
  assert.equal(r.headers.get('content-range'), c.range, `${c.path}: Content-Range`);
  assert.equal(r.headers.get('range-unit'), null);
}

const seq = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const pgrst103 = (details: string) => ({ code: 'PGRST103', message: 'Requested range not satisfiable', details, hint: null });
const NEGATIVE_LIMIT = 'Limit should be greater than or equal to zero.';
const LOWER_GT_UPPER = 'The lower boundary must be lower than or equal to the upper boundary in the Range header.';

async function expectRangeError(path: string, headers: Record<string, string>, details: string): Promise<void> {
  const r = await request(srv.url, path, { headers });
  assert.equal(r.status, 416, `${path} → ${r.text}`);
  assert.deepEqual(r.json(), pgrst103(details));
  assert.equal(r.headers.get('proxy-status'), 'PostgREST; error=PGRST103');
}

describe('order', () => {
  const cases: readonly (readonly [string, readonly number[]])[] = [
    ['order=price', [3, 2, 1, 5, 4]],
    ['order=price.asc', [3, 2, 1, 5, 4]],
    ['order=price.desc', [4, 5, 1, 2, 3]],
    ['order=active,id', [3, 1, 2, 5, 4]],
    ['order=active.nullsfirst,id', [4, 3, 1, 2, 5]],
    ['order=active.asc.nullslast,id', [3, 1, 2, 5, 4]],
    ['order=active.desc,id', [4, 1, 2, 5, 3]],
    ['order=active.desc.nullslast,id.desc', [5, 2, 1, 3, 4]],
    ['order=mood.desc,id', [4, 1, 5, 2, 3]],
    ['order=mood.desc.nullslast,price.desc', [5, 1, 2, 3, 4]],
    ['order=meta->>color.desc', [4, 2, 1, 5, 3]],
    ['order=meta->size->w.asc.nullsfirst,id', [3, 4, 5, 2, 1]],
    ['order=pos->>x.desc.nullslast', [5, 3, 2, 1, 4]],
    ['order=nums->0,id', [1, 2, 5, 3, 4]],
    ['order=id.desc&limit=2', [5, 4]],
    ['order=id.desc&id=lt.4', [3, 2, 1]],
  ];
  for (const [query, ids] of cases) {
    test(query, async () => {
      const r = await request(srv.url, `/items?select=id&${query}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        (r.json() as { id: number }[]).map((x) => x.id),
        ids,
      );
    });
  }

  const errors: readonly (readonly [string, unknown])[] = [
    [
      'order=id.asc.nullslasttt',
      { code: 'PGRST100', details: 'unexpected \'t\' expecting "," or end of input', hint: null, message: '"failed to parse order (id.asc.nullslasttt)" (line 1, column 17)' },
    ],
    [
      'order=id.ac',
      { code: 'PGRST100', details: 'unexpected "c" expecting "asc", "desc", "nullsfirst" or "nullslast"', hint: null, message: '"failed to parse order (id.ac)" (line 1, column 4)' },
    ],
    [
      'order=id.desc.desc',
      { code: 'PGRST100', details: 'unexpected "d" expecting "nullsfirst" or "nullslast"', hint: null, message: '"failed to parse order (id.desc.desc)" (line 1, column 9)' },
    ],
    ['order=zzz', { code: '42703', details: null, hint: null, message: 'column items.zzz does not exist' }],
  ];
  for (const [query, body] of errors) {
    test(`error: ${query}`, async () => {
      const r = await request(srv.url, `/items?${query}`);
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), body);
    });
  }

  test('the order error has the Content-Length PostgREST sends', async () => {
    const r = await request(srv.url, '/items?order=id.asc.nullslasttt');
    assert.equal(r.headers.get('content-length'), '169');
  });
});

describe('limit and offset', () => {
  const cases: readonly WindowCase[] = [
    { path: '/big?select=id&order=id', ids: seq(1, 100), range: '0-99/*' },
    { path: '/big?select=id&order=id&limit=3', ids: [1, 2, 3], range: '0-2/*' },
    { path: '/big?select=id&order=id&limit=3&offset=2', ids: [3, 4, 5], range: '2-4/*' },
    { path: '/big?select=id&order=id&offset=98', ids: [99, 100], range: '98-99/*' },
    { path: '/big?select=id&order=id&offset=0&limit=1', ids: [1], range: '0-0/*' },
    { path: '/big?select=id&id=eq.0&offset=0', ids: [], range: '*/*' },
    { path: '/big?select=id&order=id&offset=-4&id=lt.3', ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id&limit=0', ids: [], range: '*/*' },
    { path: '/big?select=id&order=id&limit=abc&id=lt.3', ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id&offset=xyz&id=lt.3', ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id&limit=2.5&id=lt.3', ids: [1, 2], range: '0-1/*' },
    // Both unreadable: PostgREST counts the limit as 0 from offset 0, i.e. the limit=0 window.
    { path: '/big?select=id&order=id&limit=abc&offset=xyz', ids: [], range: '*/*' },
    { path: '/big?select=id&order=id&offset=200', ids: [], range: '*/*' },
  ];
  for (const c of cases) test(c.path, () => expectWindow(srv, c));

  test('negative limit', () => expectRangeError('/big?limit=-1', {}, NEGATIVE_LIMIT));
  test('negative offset with a limit leaves an empty window', () => expectRangeError('/big?limit=2&offset=-4', {}, NEGATIVE_LIMIT));
  test('limit=0 with an offset is not the limit=0 window', () => expectRangeError('/big?limit=0&offset=5', {}, NEGATIVE_LIMIT));
  test('an unreadable limit next to an offset counts as 0', () => expectRangeError('/big?limit=abc&offset=2', {}, NEGATIVE_LIMIT));

  test('HEAD answers the headers of the GET', async () => {
    const r = await request(srv.url, '/big?select=id&order=id&limit=3&offset=2', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-range'), '2-4/*');
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('content-length'), null);
  });
});

describe('Range header', () => {
  const cases: readonly WindowCase[] = [
    { path: '/big?select=id&order=id', headers: { Range: '0-1' }, ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id', headers: { Range: '0-0' }, ids: [1], range: '0-0/*' },
    { path: '/big?select=id&order=id', headers: { Range: '5-5' }, ids: [6], range: '5-5/*' },
    { path: '/big?select=id&order=id', headers: { Range: '98-' }, ids: [99, 100], range: '98-99/*' },
    { path: '/big?select=id&order=id&id=lte.15', headers: { Range: '10-100' }, ids: [11, 12, 13, 14, 15], range: '10-14/*' },
    { path: '/big?select=id&order=id&limit=3', headers: { Range: '0-1' }, ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id&limit=3&offset=2', headers: { Range: '0-10' }, ids: [3, 4, 5], range: '2-4/*' },
    { path: '/big?select=id&order=id&id=lte.3', headers: { Range: '0-1', Prefer: 'count=exact' }, ids: [1, 2], range: '0-1/3', status: 206 },
    { path: '/empty_things?select=id', headers: { Range: '0-1' }, ids: [], range: '*/*' },
    // Shapes other than `<from>-[<to>]` are ignored, and Range-Unit changes nothing.
    { path: '/big?select=id&order=id&id=lte.3', headers: { Range: 'items=0-1' }, ids: [1, 2, 3], range: '0-2/*' },
    { path: '/big?select=id&order=id&id=lte.3', headers: { Range: '-1' }, ids: [1, 2, 3], range: '0-2/*' },
    { path: '/big?select=id&order=id', headers: { Range: '0-1', 'Range-Unit': 'items' }, ids: [1, 2], range: '0-1/*' },
  ];
  for (const c of cases) test(`${c.path} with ${JSON.stringify(c.headers)}`, () => expectWindow(srv, c));

  test('from > to', () => expectRangeError('/big', { Range: '1-0' }, LOWER_GT_UPPER));
  test('a Range outside the offset window', () => expectRangeError('/big?offset=5', { Range: '0-1' }, NEGATIVE_LIMIT));

  test('HEAD ignores the Range header', async () => {
    const r = await request(srv.url, '/big?select=id&order=id', { method: 'HEAD', headers: { Range: '0-1' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-range'), '0-99/*');
  });

  test('a start past the counted rows is a 416 read with Content-Range */total', async () => {
    const r = await request(srv.url, '/big?select=id', { headers: { Range: '150-199', Prefer: 'count=exact' } });
    assert.equal(r.status, 416);
    assert.deepEqual(r.json(), pgrst103('An offset of 150 was requested, but there are only 100 rows.'));
    assert.equal(r.headers.get('content-range'), '*/100');
  });

  test('a start right at the total is a 206 with no rows', async () => {
    const r = await request(srv.url, '/big?select=id', { headers: { Range: '100-199', Prefer: 'count=exact' } });
    assert.equal(r.status, 206);
    assert.equal(r.text, '[]');
    assert.equal(r.headers.get('content-range'), '*/100');
  });

  test('a start past the rows of an empty table', async () => {
    const r = await request(srv.url, '/empty_things', { headers: { Range: '1-2', Prefer: 'count=exact' } });
    assert.equal(r.status, 416);
    assert.deepEqual(r.json(), pgrst103('An offset of 1 was requested, but there are only 0 rows.'));
    assert.equal(r.headers.get('content-range'), '*/0');
    assert.equal(r.headers.get('content-length'), '144');
  });
});

describe('db-max-rows', () => {
  const cases: readonly WindowCase[] = [
    { path: '/big?select=id&order=id', ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id', headers: { Range: '0-0' }, ids: [1], range: '0-0/*' },
    { path: '/big?select=id&order=id&limit=5', ids: [1, 2], range: '0-1/*' },
    { path: '/big?select=id&order=id&limit=1', ids: [1], range: '0-0/*' },
    { path: '/big?select=id&order=id&offset=10', ids: [11, 12], range: '10-11/*' },
    { path: '/big?select=id&order=id&limit=3&offset=2', headers: { Range: '0-10' }, ids: [3, 4], range: '2-3/*' },
    { path: '/big?select=id&order=id&limit=0', ids: [], range: '*/*' },
    { path: '/big?select=id&order=id', headers: { Prefer: 'count=exact' }, ids: [1, 2], range: '0-1/100', status: 206 },
    { path: '/big?select=id&order=id&id=lte.2', headers: { Prefer: 'count=exact' }, ids: [1, 2], range: '0-1/2' },
    { path: '/items?select=id&order=id', ids: [1, 2], range: '0-1/*' },
  ];
  for (const c of cases) test(`${c.path} with ${JSON.stringify(c.headers ?? {})}`, () => expectWindow(capped, c));
});
