// Feature tests of counting: `Prefer: count=exact|planned|estimated` with PostgREST's rules (with and without
// db-max-rows), Content-Range totals, 200 vs 206 vs 416, Preference-Applied, and HEAD answering the GET's headers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
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

/** The planner's row estimate for `SELECT 1 FROM <from>`, asked directly (what count=planned reports). */
async function plannerRows(from: string): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.PGRST_TEST_ADMIN_URI });
  await client.connect();
  try {
    const res = await client.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${from}`);
    const plan = res.rows[0]['QUERY PLAN'] as { Plan: { 'Plan Rows': number } }[];
    return plan[0]!.Plan['Plan Rows'];
  } finally {
    await client.end();
  }
}

interface CountCase {
  readonly path: string;
  readonly prefer: string;
  readonly status: number;
  readonly range: string;
  readonly applied?: string | null;
}

async function expectCount(server: TestServer, c: CountCase, method = 'GET'): Promise<void> {
  const r = await request(server.url, c.path, { method, headers: { Prefer: c.prefer } });
  assert.equal(r.status, c.status, `${method} ${c.path} (${c.prefer}) → ${r.text}`);
  assert.equal(r.headers.get('content-range'), c.range, `${c.path}: Content-Range`);
  const applied = c.applied === undefined ? c.prefer : c.applied;
  assert.equal(r.headers.get('preference-applied'), applied, `${c.path}: Preference-Applied`);
}

function countTable(name: string, server: () => TestServer, cases: readonly CountCase[]): void {
  describe(name, () => {
    for (const c of cases) {
      test(`GET ${c.path} ${c.prefer}`, () => expectCount(server(), c));
      test(`HEAD ${c.path} ${c.prefer}`, () => expectCount(server(), c, 'HEAD'));
    }
  });
}

countTable('count=exact', () => srv, [
  { path: '/big', prefer: 'count=exact', status: 200, range: '0-99/100' },
  { path: '/big?id=gt.95', prefer: 'count=exact', status: 200, range: '0-4/5' },
  { path: '/big?limit=10', prefer: 'count=exact', status: 206, range: '0-9/100' },
  { path: '/big?offset=90', prefer: 'count=exact', status: 206, range: '90-99/100' },
  { path: '/big?offset=40&id=gt.50', prefer: 'count=exact', status: 206, range: '40-49/50' },
  { path: '/big?limit=0', prefer: 'count=exact', status: 206, range: '*/100' },
  { path: '/big?id=eq.0', prefer: 'count=exact', status: 200, range: '*/0' },
  { path: '/big?id=eq.0&offset=0', prefer: 'count=exact', status: 200, range: '*/0' },
  { path: '/empty_things', prefer: 'count=exact', status: 200, range: '*/0' },
  { path: '/active_items', prefer: 'count=exact', status: 200, range: '0-2/3' },
  { path: '/items?or=(id.eq.1,id.eq.2)&limit=1', prefer: 'count=exact', status: 206, range: '0-0/2' },
  { path: '/big?limit=2', prefer: 'count=exact, handling=strict', status: 206, range: '0-1/100', applied: 'count=exact, handling=strict' },
]);

countTable('no count', () => srv, [
  { path: '/big', prefer: 'count=none', status: 200, range: '0-99/*', applied: null },
  { path: '/big?limit=2', prefer: 'count=bogus', status: 200, range: '0-1/*', applied: null },
  { path: '/big?id=eq.0', prefer: 'return=representation', status: 200, range: '*/*', applied: null },
]);

countTable('count=planned', () => srv, [
  { path: '/big', prefer: 'count=planned', status: 200, range: '0-99/100' },
  { path: '/big?limit=2&offset=3', prefer: 'count=planned', status: 206, range: '3-4/100' },
  // The view's function is declared ROWS 1: the planner says 1 although 6 rows come back.
  { path: '/underestimated', prefer: 'count=planned', status: 200, range: '0-5/1' },
]);

countTable('count=estimated without db-max-rows (the larger of exact and planned)', () => srv, [
  { path: '/big', prefer: 'count=estimated', status: 200, range: '0-99/100' },
  { path: '/big?limit=2', prefer: 'count=estimated', status: 206, range: '0-1/100' },
  { path: '/underestimated', prefer: 'count=estimated', status: 200, range: '0-5/6' },
]);

countTable('counts with db-max-rows=2', () => capped, [
  { path: '/big', prefer: 'count=exact', status: 206, range: '0-1/100' },
  { path: '/big?id=lte.2', prefer: 'count=exact', status: 200, range: '0-1/2' },
  { path: '/big', prefer: 'count=planned', status: 206, range: '0-1/100' },
  // More rows than db-max-rows: the planner's guess when it is larger than the capped count (3).
  { path: '/big', prefer: 'count=estimated', status: 206, range: '0-1/100' },
  { path: '/underestimated', prefer: 'count=estimated', status: 206, range: '0-1/3' },
  // At most db-max-rows rows: the exact count.
  { path: '/big?id=lte.2', prefer: 'count=estimated', status: 200, range: '0-1/2' },
  { path: '/big?limit=0', prefer: 'count=exact', status: 206, range: '*/100' },
]);

describe('planned counts are the planner estimate of the filtered relation', () => {
  for (const [path, from] of [
    ['/big?id=gt.90', 'test.big WHERE id > 90'],
    ['/big?val=eq.3', 'test.big WHERE val = 3'],
    ['/items?active=is.true', 'test.items WHERE active IS TRUE'],
  ] as const) {
    test(path, async () => {
      const estimate = await plannerRows(from);
      const r = await request(srv.url, path, { method: 'HEAD', headers: { Prefer: 'count=planned' } });
      assert.match(r.headers.get('content-range') ?? '', new RegExp(`/${estimate}$`));
      assert.equal(r.headers.get('preference-applied'), 'count=planned');
    });
  }
});

describe('offsets past the total', () => {
  for (const [path, headers, offset, total] of [
    ['/big?offset=101', {}, 101, 100],
    ['/big?offset=1000&id=gt.50', {}, 1000, 50],
    ['/empty_things?offset=1', {}, 1, 0],
    ['/big', { Range: '120-130' }, 120, 100],
  ] as const) {
    test(`${path} ${JSON.stringify(headers)}`, async () => {
      const r = await request(srv.url, path, { headers: { ...headers, Prefer: 'count=exact' } });
      assert.equal(r.status, 416);
      assert.deepEqual(r.json(), {
        code: 'PGRST103',
        message: 'Requested range not satisfiable',
        details: `An offset of ${offset} was requested, but there are only ${total} rows.`,
        hint: null,
      });
      assert.equal(r.headers.get('content-range'), `*/${total}`);
      assert.equal(r.headers.get('preference-applied'), 'count=exact');
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    });
  }

  test('without a count an offset past the rows is an empty 200', async () => {
    const r = await request(srv.url, '/big?offset=101');
    assert.equal(r.status, 200);
    assert.equal(r.text, '[]');
    assert.equal(r.headers.get('content-range'), '*/*');
  });
});

describe('HEAD answers the headers of the equivalent GET', () => {
  for (const [path, headers] of [
    ['/items?select=id,name&order=id', {}],
    ['/big?limit=5&offset=3', { Prefer: 'count=exact' }],
    ['/items?id=eq.1', { Accept: 'application/vnd.pgrst.object+json' }],
    ['/items?id=lt.3', { Accept: 'text/csv' }],
    ['/items?id=lt.3', { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' }],
    ['/big?offset=200', { Prefer: 'count=exact' }],
    ['/empty_things', { Prefer: 'count=planned' }],
  ] as const) {
    test(`${path} ${JSON.stringify(headers)}`, async () => {
      const get = await request(srv.url, path, { headers });
      const head = await request(srv.url, path, { method: 'HEAD', headers });
      assert.equal(head.status, get.status);
      assert.equal(head.text, '');
      assert.equal(head.headers.get('content-length'), null);
      for (const h of ['content-type', 'content-range', 'content-location', 'preference-applied', 'vary', 'proxy-status']) {
        assert.equal(head.headers.get(h), get.headers.get(h), h);
      }
    });
  }
});
