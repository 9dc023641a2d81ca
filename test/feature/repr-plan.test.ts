// Feature tests of `application/vnd.pgrst.plan` (schema `repr`): EXPLAIN of reads, calls and writes in JSON and text,
// the `for` media type (built-in, vendored, custom handlers), EXPLAIN options, the Content-Type PostgREST renders, writes
// under ANALYZE (committed unless Prefer: tx=rollback) and 406 while db-plan-enabled is off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { recordQueries, type SentQuery } from '../support/queries.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let disabled: TestServer;
before(async () => {
  [srv, disabled] = await Promise.all([
    startTestServer({ PGRST_DB_SCHEMAS: 'repr', PGRST_DB_PLAN_ENABLED: 'true', PGRST_DB_TX_END: 'commit-allow-override' }),
    startTestServer({ PGRST_DB_SCHEMAS: 'repr' }),
  ]);
});
after(async () => {
  await Promise.all([srv.stop(), disabled.stop()]);
});

const PLAN_JSON = 'application/vnd.pgrst.plan+json';
const planType = (format: 'json' | 'text', forType = 'application/json', options?: string): string =>
  `application/vnd.pgrst.plan+${format}; for="${forType}"${options ? `; options=${options}` : ''}; charset=utf-8`;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Total Cost': number;
  readonly Output?: readonly string[];
  readonly Plans?: readonly PlanNode[];
  readonly [key: string]: unknown;
}
type JsonPlan = readonly [{ readonly Plan: PlanNode; readonly [key: string]: unknown }];

async function plan(path: string, accept: string, init: RequestInit = {}) {
  const r = await request(srv.url, path, { ...init, accept });
  assert.equal(r.status, 200, r.text);
  assert.ok(Number(r.headers.get('content-length')) > 0);
  return r;
}

async function jsonPlan(path: string, accept: string, init: RequestInit = {}): Promise<{ plan: JsonPlan; contentType: string | null }> {
  const r = await plan(path, accept, init);
  assert.ok(r.text.endsWith('\n'));
  return { plan: r.json() as JsonPlan, contentType: r.headers.get('content-type') };
}

/** Every Output entry of the plan tree, flattened. */
function outputs(node: PlanNode): string[] {
  return [...(node.Output ?? []), ...(node.Plans ?? []).flatMap(outputs)];
}

describe('reads', () => {
  test('JSON format with the total cost and the plan Content-Type', async () => {
    const r = await plan('/gadgets?id=in.(1,2)', PLAN_JSON);
    assert.equal(r.headers.get('content-type'), planType('json'));
    assert.equal(r.headers.get('vary'), 'Accept, Prefer, Range');
    const [top] = r.json() as JsonPlan;
    assert.equal(top.Plan['Node Type'], 'Aggregate');
    assert.ok(top.Plan['Total Cost'] > 0);
  });

  test('text format, also the default; one line per row, each ending in a newline', async () => {
    for (const accept of ['application/vnd.pgrst.plan+text', 'application/vnd.pgrst.plan']) {
      const r = await plan('/gadgets?id=in.(1,2)', accept);
      assert.equal(r.headers.get('content-type'), planType('text'));
      assert.ok(r.text.startsWith('Aggregate'), r.text);
      assert.ok(r.text.endsWith('\n'));
      assert.ok(r.text.split('\n').length > 2);
    }
  });

  test('verbose shows the body expression of the planned media type', async () => {
    const json = await jsonPlan('/gadgets', `${PLAN_JSON}; options=verbose`);
    assert.equal(json.contentType, planType('json', 'application/json', 'verbose'));
    assert.ok(outputs(json.plan[0].Plan).some((o) => o.includes('json_agg')));

    const object = await jsonPlan('/gadgets?id=eq.1', `${PLAN_JSON}; for="application/vnd.pgrst.object"; options=verbose`);
    assert.equal(object.contentType, planType('json', 'application/vnd.pgrst.object+json', 'verbose'));
    assert.ok(outputs(object.plan[0].Plan).some((o) => o.includes('-> 0')));

    const csv = await jsonPlan('/gadgets', `${PLAN_JSON}; for="text/csv"; options=verbose`);
    assert.equal(csv.contentType, planType('json', 'text/csv', 'verbose'));
    assert.ok(outputs(csv.plan[0].Plan).some((o) => o.includes('string_agg')));
  });

  test('a custom handler can be planned', async () => {
    const { plan: p, contentType } = await jsonPlan('/gadgets', `${PLAN_JSON}; for="text/tab-separated-values"; options=verbose`);
    assert.equal(contentType, planType('json', 'text/tab-separated-values', 'verbose'));
    assert.ok(outputs(p[0].Plan).some((o) => o.includes('gadgets_tsv')));
  });

  test('a `for` type nothing serves is 406', async () => {
    const r = await request(srv.url, '/gadgets', { headers: { Accept: `${PLAN_JSON}; for="text/plain"` } });
    assert.equal(r.status, 406);
    assert.equal((r.json() as { code: string }).code, 'PGRST107');
  });

  test('the options', async () => {
    const settings = await jsonPlan('/gadgets', `${PLAN_JSON}; options=settings`);
    assert.equal(settings.contentType, planType('json', 'application/json', 'settings'));
    assert.match(String((settings.plan[0]['Settings'] as Record<string, string>)['search_path']), /"repr"/);

    const wal = await jsonPlan('/gadgets', `${PLAN_JSON}; options=analyze|wal`);
    assert.equal(wal.contentType, planType('json', 'application/json', 'analyze|wal'));
    assert.equal(wal.plan[0].Plan['WAL Records'], 0);
    assert.ok('Actual Rows' in wal.plan[0].Plan);

    const buffers = await plan('/gadgets', `${PLAN_JSON}; options=buffers`);
    assert.equal(buffers.headers.get('content-type'), planType('json', 'application/json', 'buffers'));
    assert.match(buffers.text, /Shared Hit Blocks/);

    // options are always listed in PostgREST's order, whatever the order asked for
    const ordered = await plan('/gadgets', `${PLAN_JSON}; options=wal|verbose|analyze`);
    assert.equal(ordered.headers.get('content-type'), planType('json', 'application/json', 'analyze|verbose|wal'));
  });

  test('an exact count without a window adds no second aggregate', async () => {
    const r = await plan('/gadgets', 'application/vnd.pgrst.plan', { headers: { Prefer: 'count=exact' } });
    assert.equal(r.text.split('Aggregate').length - 1, 1, r.text);
  });

  test('planned and estimated counts do not run their own EXPLAIN', async () => {
    const explains = (sent: readonly SentQuery[]) => sent.map((q) => q.text).filter((t) => /^\s*EXPLAIN\b/i.test(t));
    for (const count of ['planned', 'estimated']) {
      const headers = { Prefer: `count=${count}` };
      // Outside the plan media type the count's EXPLAIN is sent (so the recording does see it)...
      const read = await recordQueries(srv.app, async () => {
        const r = await request(srv.url, '/gadgets', { headers });
        // 206 when the planner's estimate is above the rows read
        assert.ok(r.status === 200 || r.status === 206, `${r.status}: ${r.text}`);
      });
      assert.equal(explains(read).length, 1, `count=${count} without a plan:\n${explains(read).join('\n')}`);
      assert.match(explains(read)[0]!, /^EXPLAIN \(FORMAT JSON\) SELECT 1 /);
      // ...under it only the EXPLAIN of the main statement runs, and the body is its plan alone.
      let body: unknown;
      const planned = await recordQueries(srv.app, async () => {
        body = (await plan('/gadgets', PLAN_JSON, { headers })).json();
      });
      assert.equal((body as JsonPlan).length, 1);
      assert.equal(explains(planned).length, 1, `count=${count} under the plan:\n${explains(planned).join('\n')}`);
      assert.match(explains(planned)[0]!, /^EXPLAIN \(FORMAT JSON\) WITH pgrst_source AS /);
    }
  });
});

describe('calls', () => {
  test('a function returning rows', async () => {
    const { plan: p, contentType } = await jsonPlan('/rpc/get_gadgets?id=in.(1,2)', PLAN_JSON);
    assert.equal(contentType, planType('json'));
    assert.ok(p[0].Plan['Total Cost'] > 0);
  });

  test('a function handler', async () => {
    const { plan: p, contentType } = await jsonPlan('/rpc/greeting', `${PLAN_JSON}; for="text/plain"; options=verbose`);
    assert.equal(contentType, planType('json', 'text/plain', 'verbose'));
    assert.ok(outputs(p[0].Plan).some((o) => o.includes('text/plain')));
  });

  test('POST', async () => {
    const r = await plan('/rpc/get_gadgets', 'application/vnd.pgrst.plan', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.headers.get('content-type'), planType('text'));
  });
});

async function names(): Promise<string[]> {
  return (await adminQuery('SELECT name FROM repr.plan_writes ORDER BY id')).rows.map((r) => String(r.name));
}

describe('writes', () => {
  const json = { 'Content-Type': 'application/json' };

  test('insert, update, delete and upsert are planned, not run', async () => {
    const before = await names();
    for (const [method, path, body] of [
      ['POST', '/plan_writes', '{"id": 100, "name": "planned"}'],
      ['PATCH', '/plan_writes?id=eq.1', '{"name": "patched"}'],
      ['DELETE', '/plan_writes?id=in.(1,2)', undefined],
      ['PUT', '/plan_writes?id=eq.101', '{"id": 101, "name": "put"}'],
      ['POST', '/plan_writes', '[{"id": 1, "name": "merged"}, {"id": 102, "name": "new"}]'],
    ] as const) {
      const { plan: p, contentType } = await jsonPlan(path, PLAN_JSON, { method, body, headers: { ...json, Prefer: 'resolution=merge-duplicates' } });
      assert.equal(contentType, planType('json'), `${method} ${path}`);
      assert.ok(p[0].Plan['Total Cost'] > 0);
    }
    assert.deepEqual(await names(), before);
  });

  test('a PUT whose body does not match the URL is still just planned (no check applies)', async () => {
    const before = await names();
    const { plan: p } = await jsonPlan('/plan_writes?id=eq.103', PLAN_JSON, { method: 'PUT', body: '{"id": 104, "name": "x"}', headers: json });
    assert.ok(p[0].Plan['Total Cost'] > 0);
    assert.deepEqual(await names(), before);
  });

  test('the representation planned for a vendored type', async () => {
    const { plan: p, contentType } = await jsonPlan('/plan_writes?id=eq.999', `${PLAN_JSON}; for="application/vnd.pgrst.object"; options=verbose`, {
      method: 'DELETE',
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(contentType, planType('json', 'application/vnd.pgrst.object+json', 'verbose'));
    assert.ok(outputs(p[0].Plan).some((o) => o.includes('-> 0')));
  });

  test('ANALYZE runs the write and commits it, as EXPLAIN ANALYZE does', async () => {
    await jsonPlan('/plan_writes', `${PLAN_JSON}; options=analyze`, { method: 'POST', body: '{"id": 200, "name": "analyzed"}', headers: json });
    assert.ok((await names()).includes('analyzed'));
  });

  test('ANALYZE with Prefer: tx=rollback leaves nothing behind', async () => {
    const r = await plan('/plan_writes', 'application/vnd.pgrst.plan; options=analyze', {
      method: 'POST',
      body: '{"id": 201, "name": "rolled back"}',
      headers: { ...json, Prefer: 'tx=rollback' },
    });
    assert.match(r.text, /Insert on plan_writes/);
    // run, not just planned: ANALYZE's measurements are there
    assert.match(r.text, /actual time=/);
    assert.ok(!(await names()).includes('rolled back'));
  });
});

describe('db-plan-enabled = false (the default)', () => {
  test('the plan media type is unknown: 406 for reads, calls and writes', async () => {
    for (const [method, path] of [
      ['GET', '/gadgets?id=in.(1,2,3)'],
      ['GET', '/rpc/get_gadgets'],
      ['DELETE', '/plan_writes?id=in.(1,2)'],
    ] as const) {
      const r = await request(disabled.url, path, { method, headers: { Accept: 'application/vnd.pgrst.plan' } });
      assert.equal(r.status, 406, `${method} ${path}`);
      assert.deepEqual(r.json(), {
        code: 'PGRST107',
        details: null,
        hint: null,
        message: 'None of these media types are available: application/vnd.pgrst.plan+text; for="application/json"',
      });
    }
    assert.deepEqual(await names().then((n) => n.slice(0, 2)), ['kept', 'also kept']);
  });

  test('the next acceptable type is served instead', async () => {
    const r = await request(disabled.url, '/gadgets?id=eq.1', { headers: { Accept: `${PLAN_JSON}, application/json` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  });
});
