// How often a read makes PostgreSQL compute its columns, seen through computed fields that count their calls and
// report the count in an X-Calls response header (schema `evalcount`, 94-embed-evaluation.sql): once per row returned,
// whether the body, the page count or a total reads the rows; a to-many embed under a parent's ORDER BY and LIMIT is
// computed for the rows the limit keeps, not for every row sorted; a HEAD still computes them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'evalcount' });
});
after(async () => {
  await srv.stop();
});

/** The status, the X-Calls header and the parsed body (undefined when empty) of a request. */
async function read(path: string, init: RequestInit = {}): Promise<{ status: number; calls: string | null; body: unknown }> {
  const res = await request(srv.url, path, init);
  return { status: res.status, calls: res.headers.get('x-calls'), body: res.text === '' ? undefined : res.json() };
}

describe('computed columns are computed once per row', () => {
  test('a computed field of the top-level rows: once per row, with or without an exact count', async () => {
    const one = await read('/parents?id=eq.1&select=id,tally');
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, [{ id: 1, tally: 1 }]);
    assert.equal(one.calls, '1');
    const counted = await read('/parents?select=id,tally&order=id', { headers: { Prefer: 'count=exact' } });
    assert.deepEqual(counted.body, [
      { id: 1, tally: 1 },
      { id: 2, tally: 2 },
    ]);
    assert.equal(counted.calls, '2');
  });

  test('a to-many embed under a sorted, limited embed is computed for the rows the limit keeps', async () => {
    const r = await read('/parents?id=eq.1&select=id,children(id,toys(id,tally))&children.order=rank.desc&children.limit=2');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, [
      {
        id: 1,
        children: [
          { id: 30, toys: [{ id: 30, tally: 1 }] },
          { id: 29, toys: [{ id: 29, tally: 2 }] },
        ],
      },
    ]);
    assert.equal(r.calls, '2');
  });

  test('the same embed filtered on (`children=not.is.null`, a lateral join) gives the limited rows', async () => {
    const r = await read('/parents?select=id,children(id,toys(id))&children.order=id&children.limit=1&children=not.is.null');
    assert.deepEqual(r.body, [{ id: 1, children: [{ id: 1, toys: [{ id: 1 }] }] }]);
  });

  test('a HEAD computes the columns as the GET does (their response headers are set)', async () => {
    const r = await read('/parents?id=eq.2&select=id,tally', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.body, undefined);
    assert.equal(r.calls, '1');
  });
});
