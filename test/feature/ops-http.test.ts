// Operations over HTTP: CORS with server-cors-allowed-origins, preflights left out of the access log, v16 Vary on
// OPTIONS (none on errors), server-host special values, keep-alive, Connection: close while stopping,
// db-prepared-statements, db-extra-search-path, and the pool's idle and lifetime limits seen from pg_stat_activity.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { adminQuery, eventually } from '../support/db.js';
import { request } from '../support/server.js';
import { type CapturedServer, startCaptured, uriNamed } from './ops-support.js';

const backends = async (appName: string): Promise<number[]> =>
  (await adminQuery('SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid', [appName])).rows.map((r) => Number(r.pid));

describe('CORS with server-cors-allowed-origins', () => {
  let srv: CapturedServer;
  before(async () => {
    srv = await startCaptured({ PGRST_SERVER_CORS_ALLOWED_ORIGINS: 'http://good.example,http://also.example' }, 'info');
  });
  after(() => srv.stop());

  test('an allowed origin is echoed with credentials and the expose list', async () => {
    const r = await request(srv.url, '/words?select=id&order=id', { headers: { Origin: 'http://also.example' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://also.example');
    assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(
      r.headers.get('access-control-expose-headers'),
      'Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit',
    );
    assert.equal(r.headers.get('vary'), 'Accept, Prefer, Range', 'the CORS layer adds no Vary: Origin');
  });

  test('another origin is still served, without CORS headers', async () => {
    const r = await request(srv.url, '/words?select=id&order=id', { headers: { Origin: 'http://evil.example' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 1 }, { id: 2 }]);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
    assert.equal(r.headers.get('access-control-expose-headers'), null);
  });

  test('a preflight from an allowed origin is answered by the CORS layer and not access-logged', async () => {
    const before = srv.out.lines.length;
    const pre = await request(srv.url, '/words', {
      method: 'OPTIONS',
      headers: { Origin: 'http://good.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'Content-Type, Prefer' },
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://good.example');
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, Prefer, Accept, Accept-Language, Content-Language');
    assert.equal(pre.headers.get('access-control-max-age'), '86400');
    assert.equal(pre.headers.get('allow'), null, 'not the API OPTIONS answer');
    const plain = await request(srv.url, '/words', { method: 'OPTIONS' });
    assert.equal(plain.status, 200);
    const logged = srv.out.lines.slice(before);
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0] ?? '', /^127\.0\.0\.1 - postgrest_test_anonymous \[.+\] "OPTIONS \/words HTTP\/1\.1" 200 0 "" ".*"$/);
  });

  test('a preflight from another origin falls through to the API OPTIONS answer', async () => {
    const r = await request(srv.url, '/words', {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('allow'), 'OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
    assert.equal(r.headers.get('access-control-allow-methods'), null);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
  });
});

describe('v16 Vary, Server-Timing and keep-alive', () => {
  let srv: CapturedServer;
  before(async () => {
    srv = await startCaptured({ PGRST_SERVER_TIMING_ENABLED: 'true' }, 'crit');
  });
  after(() => srv.stop());

  test('successful OPTIONS answers carry the default Vary and Server-Timing', async () => {
    for (const path of ['/words', '/', '/rpc/search_path']) {
      const r = await request(srv.url, path, { method: 'OPTIONS' });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('vary'), 'Accept, Prefer, Range', path);
      assert.match(r.headers.get('server-timing') ?? '', /^jwt;dur=\d+\.\d, parse;dur=\d+\.\d, plan;dur=\d+\.\d, transaction;dur=\d+\.\d, response;dur=\d+\.\d$/);
    }
  });

  test('GET / times its transaction (what the role may use, follow-privileges) in Server-Timing', async () => {
    const r = await request(srv.url, '/');
    assert.equal(r.status, 200);
    const m = /transaction;dur=(\d+\.\d)/.exec(r.headers.get('server-timing') ?? '');
    assert.ok(m && Number(m[1]) > 0, `a round trip to the database takes time: ${r.headers.get('server-timing')}`);
  });

  test('errors carry no Vary', async () => {
    for (const [method, path, status] of [
      ['GET', '/nope', 404],
      ['OPTIONS', '/nope', 404],
      ['GET', '/words?id=bogus.1', 400],
      ['GET', '/broken', 500],
    ] as const) {
      const r = await request(srv.url, path, { method });
      assert.equal(r.status, status, `${method} ${path}`);
      assert.equal(r.headers.get('vary'), null, `${method} ${path}`);
    }
  });

  test('keep-alive outlasts common load balancer idle timeouts', async () => {
    const { port } = new URL(srv.url);
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/words?limit=1', agent: false, headers: { Connection: 'keep-alive' } }, (res) => {
        res.resume();
        resolve(res.headers);
      }).on('error', reject);
    });
    assert.equal(headers['connection'], 'keep-alive');
    assert.equal(headers['keep-alive'], 'timeout=65');
  });
});

describe('server-host special values', () => {
  const reach = async (host: string, port: number): Promise<number | string> => {
    try {
      return (await fetch(`http://${host}:${port}/words?limit=1`)).status;
    } catch (err) {
      return ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    }
  };
  const cases: [string, string, boolean, boolean][] = [
    ['*', /* logged */ '\\[::\\]', true, true],
    ['*4', '0\\.0\\.0\\.0', true, false],
    ['!4', '0\\.0\\.0\\.0', true, false],
    ['*6', '\\[::\\]', true, true],
    ['!6', '\\[::\\]', false, true],
  ];
  for (const [host, shown, v4, v6] of cases) {
    test(`server-host = ${host}`, async () => {
      const srv = await startCaptured({ PGRST_SERVER_HOST: host }, 'crit');
      try {
        const port = srv.app.port;
        assert.ok(srv.err.lines.some((l) => new RegExp(`: API server listening on ${shown}:${port}$`).test(l)), srv.err.lines.join('\n'));
        assert.equal(await reach('127.0.0.1', port), v4 ? 200 : 'ECONNREFUSED');
        assert.equal(await reach('[::1]', port), v6 ? 200 : 'ECONNREFUSED');
      } finally {
        await srv.stop();
      }
    });
  }
});

describe('graceful stop', () => {
  test('a response finished while stopping says Connection: close; new connections are refused; the pool is closed', async () => {
    const app = 'opsx-graceful-test';
    const srv = await startCaptured({ PGRST_DB_URI: uriNamed(app) }, 'crit');
    const slow = request(srv.url, '/slow');
    await new Promise((r) => setTimeout(r, 300));
    const stopped = srv.stop();
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(fetch(`${srv.url}/words`));
    const r = await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ slept: '' }]);
    assert.equal(r.headers.get('connection'), 'close');
    await stopped;
    await eventually(async () => (await backends(app)).length === 0, 3000);
  });
});

describe('profiles on writes', () => {
  let srv: CapturedServer;
  before(async () => {
    srv = await startCaptured({ PGRST_DB_SCHEMAS: 'opsx,opsx_v2' }, 'crit');
  });
  after(async () => {
    await srv.stop();
    await adminQuery('DELETE FROM opsx_v2.notes');
  });

  test('Content-Profile selects the schema of a POST and is echoed with the representation', async () => {
    const post = (headers: Record<string, string>, id = 1) =>
      request(srv.url, '/notes', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: `{"id": ${id}, "body": "hi"}` });
    const created = await post({ 'Content-Profile': 'opsx_v2', Prefer: 'return=representation' });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.json(), [{ id: 1, body: 'hi' }]);
    assert.equal(created.headers.get('content-profile'), 'opsx_v2');
    // Without a body there is no Content-Type, and (as in PostgREST) no Content-Profile either.
    const minimal = await post({ 'Content-Profile': 'opsx_v2' }, 2);
    assert.equal(minimal.status, 201, minimal.text);
    assert.equal(minimal.headers.get('content-profile'), null);
    const missing = await post({});
    assert.equal(missing.status, 404, 'notes is not in the default schema opsx');
    assert.equal((missing.json() as { code: string }).code, 'PGRST205');
    const bogus = await post({ 'Content-Profile': 'opsx_ext' });
    assert.equal(bogus.status, 406);
    assert.deepEqual(bogus.json(), {
      code: 'PGRST106',
      message: 'Invalid schema: opsx_ext',
      details: null,
      hint: 'Only the following schemas are exposed: opsx, opsx_v2',
    });
  });

  test('Content-Profile selects the schema of an RPC POST', async () => {
    const v2 = await request(srv.url, '/rpc/which', { method: 'POST', headers: { 'Content-Profile': 'opsx_v2' } });
    assert.equal(v2.json(), 'opsx_v2');
    assert.equal(v2.headers.get('content-profile'), 'opsx_v2');
    const v1 = await request(srv.url, '/rpc/which', { method: 'POST' });
    assert.equal(v1.json(), 'opsx');
    assert.equal(v1.headers.get('content-profile'), 'opsx');
  });

  test('Accept-Profile selects the schema of an OPTIONS answer', async () => {
    const r = await request(srv.url, '/notes', { method: 'OPTIONS', headers: { 'Accept-Profile': 'opsx_v2' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('allow'), 'OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
    assert.equal((await request(srv.url, '/notes', { method: 'OPTIONS' })).status, 404);
  });
});

describe('db-prepared-statements', () => {
  const namedStatements = async (prepared: string): Promise<string[]> => {
    const srv = await startCaptured({ PGRST_DB_POOL: '1', PGRST_DB_PREPARED_STATEMENTS: prepared }, 'crit');
    try {
      for (let i = 0; i < 3; i++) assert.equal((await request(srv.url, '/words?id=eq.1')).status, 200);
      const r = await request(srv.url, '/prepared?select=name');
      assert.equal(r.status, 200);
      return (r.json() as { name: string }[]).map((row) => row.name);
    } finally {
      await srv.stop();
    }
  };

  test('true (default): the request statements are named prepared statements of the connection', async () => {
    const names = await namedStatements('true');
    assert.ok(names.length > 0);
    assert.ok(names.every((n) => /^pgrst_\d+$/.test(n)), names.join(','));
  });

  test('false (PgBouncer transaction mode): the connection holds no named prepared statement', async () => {
    assert.deepEqual(await namedStatements('false'), []);
  });
});

describe('db-extra-search-path', () => {
  let srv: CapturedServer;
  let bare: CapturedServer;
  before(async () => {
    srv = await startCaptured({ PGRST_DB_EXTRA_SEARCH_PATH: 'opsx_ext' }, 'crit');
    bare = await startCaptured({ PGRST_DB_EXTRA_SEARCH_PATH: '' }, 'crit');
  });
  after(async () => {
    await srv.stop();
    await bare.stop();
  });

  test('the extra schemas follow the exposed one in each request search_path', async () => {
    assert.equal((await request(srv.url, '/rpc/search_path')).json(), '"opsx", "opsx_ext"');
    assert.equal((await request(bare.url, '/rpc/search_path')).json(), '"opsx"');
  });

  test('extension functions resolve from computed fields and functions of the exposed schema', async () => {
    const r = await request(srv.url, '/words?select=id,shouted&order=id');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [
      { id: 1, shouted: 'HELLO!' },
      { id: 2, shouted: 'WORLD!' },
    ]);
    assert.equal((await request(srv.url, '/rpc/shout_it?t=hi')).json(), 'HI!');
    const missing = await request(bare.url, '/rpc/shout_it?t=hi');
    assert.equal((missing.json() as { code: string }).code, '42883', missing.text);
  });

  test('objects of the extra schemas get no endpoints', async () => {
    const r = await request(srv.url, '/rpc/shout?t=hi');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { code: string }).code, 'PGRST202');
  });

  test('an extension type operator (citext =) is found through the search path', async (t) => {
    const citext = await adminQuery("SELECT 1 FROM pg_extension WHERE extname = 'citext'");
    if (citext.rowCount === 0) return t.skip('citext is not available on this PostgreSQL');
    assert.deepEqual((await request(srv.url, '/tags?select=id&name=eq.postgresql')).json(), [{ id: 1 }]);
    // Without the extension schema the column falls back to text equality: case-sensitive.
    assert.deepEqual((await request(bare.url, '/tags?select=id&name=eq.postgresql')).json(), []);
  });
});

describe('pool limits seen from pg_stat_activity', () => {
  test('db-pool-max-idletime closes idle connections', async () => {
    const app = 'opsx-idle-test';
    const srv = await startCaptured({ PGRST_DB_URI: uriNamed(app), PGRST_DB_POOL: '3', PGRST_DB_POOL_MAX_IDLETIME: '1' }, 'debug');
    try {
      const results = await Promise.all([1, 2, 3].map(() => request(srv.url, '/slow')));
      assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
      assert.equal((await backends(app)).length, 3);
      await eventually(async () => (await backends(app)).length === 0, 6000, 100);
      assert.ok(srv.err.lines.some((l) => / Connection [0-9a-f-]{36} is terminated due to max idletime$/.test(l)));
      assert.ok(srv.err.lines.some((l) => /: Trying to borrow a connection from pool$/.test(l)));
      assert.ok(srv.err.lines.some((l) => /: Borrowed a connection from the pool$/.test(l)));
      assert.ok(srv.err.lines.some((l) => / Connection [0-9a-f-]{36} is used$/.test(l)));
    } finally {
      await srv.stop();
    }
  });

  test('db-pool-max-lifetime recycles a busy connection', async () => {
    const app = 'opsx-lifetime-test';
    const srv = await startCaptured({ PGRST_DB_URI: uriNamed(app), PGRST_DB_POOL: '1', PGRST_DB_POOL_MAX_LIFETIME: '1' }, 'debug');
    try {
      const pid = async () => (await request(srv.url, '/backend')).json() as [{ pid: number }];
      const [{ pid: first }] = await pid();
      // a new backend after the lifetime
      await eventually(async () => (await pid())[0].pid !== first, 5000, 100);
      await eventually(async () => !(await backends(app)).includes(first), 3000);
      assert.ok(srv.err.lines.some((l) => / is terminated due to max lifetime$/.test(l)));
    } finally {
      await srv.stop();
    }
  });
});
