// Reads served from the shape cache (src/http/shape-cache.ts): a request whose shape was learnt gets the same status,
// headers and body as the full path would give it — its own values, role, request settings, media type, schema and
// Content-Location — and the cache's counter shows which requests it served. Schema `shapes` (92-shape-cache.sql).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { expectMetricDelta } from '../support/metrics.js';
import { request, roleToken, startTestServer, type TestResponse, type TestServer } from '../support/server.js';

const userToken = roleToken('postgrest_test_user');

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'shapes,shapes_alt' });
});
after(async () => {
  await srv.stop();
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<TestResponse> =>
  request(srv.url, path, { method, headers });

const json = (r: TestResponse): unknown => {
  assert.equal(r.status, 200, r.text);
  return r.json();
};

/** Runs `fn` and checks how many of its requests the shape cache served. */
const expectHits = <T>(count: number, fn: () => Promise<T>): Promise<T> =>
  expectMetricDelta(srv, 'postgrest_ts_shape_cache_hits_total', count, fn);

describe('the shape cache serves reads that differ in their values', () => {
  test('each request gets its own row; only the first of a shape is built in full', async () => {
    await expectHits(3, async () => {
      assert.deepEqual(json(await get('/people?id=eq.1')), [{ id: 1, name: 'ada', team: 'red' }]);
      assert.deepEqual(json(await get('/people?id=eq.3')), [{ id: 3, name: 'cyd', team: 'blue' }]);
      assert.deepEqual(json(await get('/people?id=eq.2')), [{ id: 2, name: 'bob', team: 'red' }]);
      assert.deepEqual(json(await get('/people?id=eq.99')), []);
    });
  });

  test('values are decoded as the full path decodes them (%20, + and %2B)', async () => {
    await get('/people?name=eq.ada&select=id');
    await expectHits(3, async () => {
      assert.deepEqual(json(await get('/people?name=eq.a%20b&select=id')), [{ id: 4 }]);
      assert.deepEqual(json(await get('/people?name=eq.a+b&select=id')), [{ id: 4 }]);
      assert.deepEqual(json(await get('/people?name=eq.a%2Bb&select=id')), [{ id: 5 }]);
    });
  });

  test('several values, and one value used twice, land in the right places', async () => {
    assert.deepEqual(json(await get('/people?team=eq.red&id=gt.1&select=id')), [{ id: 2 }]);
    await expectHits(2, async () => {
      assert.deepEqual(json(await get('/people?team=eq.blue&id=gt.3&select=id')), [{ id: 4 }]);
      assert.deepEqual(json(await get('/people?team=eq.green&id=gt.5&select=id')), [{ id: 6 }]);
    });
    await get('/people?id=gte.2&id=lte.2&select=id&order=id');
    await expectHits(1, async () => assert.deepEqual(json(await get('/people?id=gte.3&id=lte.4&select=id&order=id')), [{ id: 3 }, { id: 4 }]));
  });

  test('an exact count over a window (the filter appears twice in the statement) counts each request’s rows', async () => {
    const page = (after: number) => get(`/people?id=gt.${after}&order=id&limit=2&select=id`, { Prefer: 'count=exact' });
    const first = await page(1);
    assert.equal(first.status, 206);
    assert.equal(first.headers.get('content-range'), '0-1/5');
    await expectHits(2, async () => {
      const second = await page(4);
      assert.equal(second.headers.get('content-range'), '0-1/2');
      assert.deepEqual(JSON.parse(second.text), [{ id: 5 }, { id: 6 }]);
      const third = await page(5);
      assert.equal(third.status, 200);
      assert.equal(third.headers.get('content-range'), '0-0/1');
      assert.deepEqual(JSON.parse(third.text), [{ id: 6 }]);
    });
  });

  test('Content-Location names each request’s own query', async () => {
    assert.equal((await get('/people?select=id&id=eq.1')).headers.get('content-location'), '/people?id=eq.1&select=id');
    await expectHits(1, async () => {
      assert.equal((await get('/people?select=id&id=eq.3')).headers.get('content-location'), '/people?id=eq.3&select=id');
    });
  });

  test('Content-Location of a learnt shape: keys sorted, repeated keys merged, each value re-encoded', async () => {
    const first = await get('/people?team=eq.red&select=id&id=gt.1&id=lt.9&name=neq.zz');
    assert.equal(first.headers.get('content-location'), '/people?id=gt.1,lt.9&name=neq.zz&select=id&team=eq.red');
    await expectHits(2, async () => {
      const r = await get('/people?team=eq.a+b&select=id&id=gt.0&id=lt.7&name=neq.x%2Ay%2C%3A');
      assert.equal(r.headers.get('content-location'), '/people?id=gt.0,lt.7&name=neq.x%2Ay%2C%3A&select=id&team=eq.a%20b');
      const s = await get('/people?team=eq.%62lue&select=id&id=gt.10&id=lt.200&name=neq.');
      assert.equal(s.headers.get('content-location'), '/people?id=gt.10,lt.200&name=neq.&select=id&team=eq.blue');
    });
  });

  test('HEAD of a learnt shape answers headers only', async () => {
    await get('/people?id=eq.1&select=name', {}, 'HEAD');
    const r = await expectHits(1, () => get('/people?id=eq.2&select=name', {}, 'HEAD'));
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-range'), '0-0/*');
  });
});

describe('GET calls', () => {
  test('digits-only arguments are values: each call gets its own result', async () => {
    assert.deepEqual(json(await get('/rpc/person?pid=1')), [{ id: 1, name: 'ada', team: 'red' }]);
    await expectHits(3, async () => {
      assert.deepEqual(json(await get('/rpc/person?pid=3')), [{ id: 3, name: 'cyd', team: 'blue' }]);
      assert.deepEqual(json(await get('/rpc/person?pid=42')), []);
      assert.deepEqual(json(await get('/rpc/person?pid=2')), [{ id: 2, name: 'bob', team: 'red' }]);
    });
  });

  test('a scalar result', async () => {
    assert.equal(json(await get('/rpc/team_of?pid=1')), 'red');
    await expectHits(1, async () => assert.equal(json(await get('/rpc/team_of?pid=5')), 'green'));
  });

  test('filters on a call’s rows are values too', async () => {
    assert.deepEqual(json(await get('/rpc/everyone?id=eq.1&select=name')), [{ name: 'ada' }]);
    await expectHits(1, async () => assert.deepEqual(json(await get('/rpc/everyone?id=eq.6&select=name')), [{ name: 'x*y' }]));
  });

  test('argument names stay part of the shape: overloads are resolved per name', async () => {
    assert.equal(json(await get('/rpc/pick?a=1')), 'a=1');
    assert.equal(json(await get('/rpc/pick?b=2')), 'b=2');
    await expectHits(2, async () => {
      assert.equal(json(await get('/rpc/pick?a=3')), 'a=3');
      assert.equal(json(await get('/rpc/pick?b=4')), 'b=4');
    });
  });

  test('arguments other than digits stay part of the shape; digits keep their leading zeros', async () => {
    assert.equal(json(await get('/rpc/say?t=123')), '<123>');
    await expectHits(1, async () => assert.equal(json(await get('/rpc/say?t=007')), '<007>'));
    await expectHits(0, async () => {
      assert.equal(json(await get('/rpc/say?t=abc')), '<abc>');
      assert.equal(json(await get('/rpc/say?t=a%20b')), '<a b>');
    });
  });
});

describe('what is not a value stays part of the shape', () => {
  test('like patterns are not masked: each pattern is its own shape', async () => {
    await expectHits(0, async () => {
      assert.deepEqual(json(await get('/people?name=like.a*&select=id&order=id')), [{ id: 1 }, { id: 4 }, { id: 5 }]);
      assert.deepEqual(json(await get('/people?name=like.*y&select=id')), [{ id: 6 }]);
    });
  });

  test('the role: a role without the privilege is refused after another role’s request taught the shape', async () => {
    assert.deepEqual(json(await get('/people?id=eq.1&select=team')), [{ team: 'red' }]);
    const denied = await get('/people?id=eq.2&select=team', { Authorization: `Bearer ${userToken}` });
    assert.equal(denied.status, 403, denied.text);
    assert.equal(JSON.parse(denied.text).code, '42501');
    await expectHits(1, async () => assert.deepEqual(json(await get('/people?id=eq.3&select=team')), [{ team: 'blue' }]));
  });

  test('request settings (headers, cookies, role) are each request’s own', async () => {
    const echo = (id: number, headers: Record<string, string>) => get(`/echo?id=eq.${id}`, headers);
    assert.deepEqual(json(await echo(1, { 'X-Probe': 'one', Cookie: 'c=1' })), [{ id: 1, probe: 'one', who: 'postgrest_test_anonymous', cookie: '1' }]);
    await expectHits(2, async () => {
      assert.deepEqual(json(await echo(2, { 'X-Probe': 'two', Cookie: 'c=2' })), [{ id: 2, probe: 'two', who: 'postgrest_test_anonymous', cookie: '2' }]);
      assert.deepEqual(json(await echo(3, {})), [{ id: 3, probe: null, who: 'postgrest_test_anonymous', cookie: null }]);
    });
    const asUser = await echo(4, { Authorization: `Bearer ${userToken}`, 'X-Probe': 'four' });
    assert.deepEqual(json(asUser), [{ id: 4, probe: 'four', who: 'postgrest_test_user', cookie: null }]);
  });

  test('the media type: the same URL as JSON and as CSV', async () => {
    assert.deepEqual(json(await get('/people?id=eq.1&select=id,name')), [{ id: 1, name: 'ada' }]);
    const csv = await get('/people?id=eq.2&select=id,name', { Accept: 'text/csv' });
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(csv.text, 'id,name\n2,bob');
    assert.deepEqual(json(await get('/people?id=eq.3&select=id,name')), [{ id: 3, name: 'cyd' }]);
  });

  test('the schema profile: Accept-Profile picks the other schema’s table of the same name', async () => {
    assert.deepEqual(json(await get('/people?id=eq.1&select=name')), [{ name: 'ada' }]);
    const alt = await get('/people?id=eq.1&select=name', { 'Accept-Profile': 'shapes_alt' });
    assert.deepEqual(json(alt), [{ name: 'alt-ada' }]);
    assert.equal(alt.headers.get('content-profile'), 'shapes_alt');
  });

  test('a value holding a NUL takes the full path, which cuts it at the NUL', async () => {
    await get('/people?name=eq.bob&select=id');
    await expectHits(0, async () => assert.deepEqual(json(await get('/people?name=eq.ada%00zzz&select=id')), [{ id: 1 }]));
  });

  test('a `;`-separated query takes the full path', async () => {
    await expectHits(0, async () => {
      assert.deepEqual(json(await get('/people?select=id;id=eq.2')), [{ id: 2 }]);
      assert.deepEqual(json(await get('/people?select=id;id=eq.3')), [{ id: 3 }]);
    });
  });

  test('an error is the same whether or not the shape was seen before', async () => {
    const a = await get('/people?nope=eq.1');
    assert.equal(a.status, 400);
    assert.equal(JSON.parse(a.text).code, '42703');
    const b = await expectHits(1, () => get('/people?nope=eq.2'));
    assert.equal(b.status, a.status);
    assert.deepEqual(JSON.parse(b.text), JSON.parse(a.text));
  });

  test('a schema reload starts over: a new column shows up in a learnt shape', async () => {
    assert.deepEqual(json(await get('/people?id=eq.1')), [{ id: 1, name: 'ada', team: 'red' }]);
    await adminQuery("ALTER TABLE shapes.people ADD COLUMN extra text NOT NULL DEFAULT 'x'");
    try {
      assert.equal(await srv.app.state.reloadSchema(), true);
      assert.deepEqual(json(await get('/people?id=eq.2')), [{ id: 2, name: 'bob', team: 'red', extra: 'x' }]);
    } finally {
      await adminQuery('ALTER TABLE shapes.people DROP COLUMN extra');
      await srv.app.state.reloadSchema();
    }
  });
});
