// Cross-cutting server behaviour: routing errors, admin server, OPTIONS, CORS, root OpenAPI, trace and timing
// headers, request limits, and answering 503 (not hanging) while the database cannot be reached.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { request, startTestServer, type TestServer } from '../support/server.js';
import { tempDir } from '../support/temp.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({
    PGRST_ADMIN_SERVER_PORT: String(await freePort()),
    PGRST_SERVER_TRACE_HEADER: 'X-Request-Id',
    PGRST_SERVER_TIMING_ENABLED: 'true',
    PGRST_SERVER_MAX_URL_LENGTH: '2000',
    PGRST_SERVER_MAX_BODY_SIZE: '1000',
  });
});
after(() => srv.stop());

describe('routing errors', () => {
  const cases: [string, string, number, string, string][] = [
    ['GET', '/a/b', 404, 'PGRST125', 'Invalid path specified in request URL'],
    ['GET', '/rpc', 404, 'PGRST125', 'Invalid path specified in request URL'],
    ['PATCH', '/rpc/f', 405, 'PGRST101', 'Cannot use the PATCH method on RPC'],
    ['PROPFIND', '/items', 405, 'PGRST117', 'Unsupported HTTP method: PROPFIND'],
    ['POST', '/', 405, 'PGRST117', 'Unsupported HTTP method: POST'],
  ];
  for (const [method, path, status, code, message] of cases) {
    test(`${method} ${path} → ${status} ${code}`, async () => {
      const r = await request(srv.url, path, { method });
      assert.equal(r.status, status);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.headers.get('proxy-status'), `PostgREST; error=${code}`);
      const body = r.json() as Record<string, unknown>;
      assert.equal(body['code'], code);
      assert.equal(body['message'], message);
      assert.ok('details' in body && 'hint' in body);
    });
  }
});

describe('admin server', () => {
  test('/live and /ready are 200 with an empty body; unknown paths 404', async () => {
    for (const path of ['/live', '/ready']) {
      const r = await request(srv.app.adminUrl!, path);
      assert.equal(r.status, 200);
      assert.equal(r.text, '');
    }
    assert.equal((await request(srv.app.adminUrl!, '/nope')).status, 404);
  });

  test('/metrics shows PostgREST metric names', async () => {
    await request(srv.url, '/items?id=eq.1');
    const r = await request(srv.app.adminUrl!, '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    for (const name of ['pgrst_schema_cache_loads_total', 'pgrst_db_pool_max', 'pgrst_db_pool_available', 'pgrst_jwt_cache_requests_total']) {
      assert.match(r.text, new RegExp(`^${name}`, 'm'), name);
    }
    assert.match(r.text, /^pgrst_schema_cache_loads_total\{status="SUCCESS"\} [1-9]/m);
    assert.match(r.text, /^pgrst_db_pool_max 4$/m);
  });

  test('/schema_cache is the cache as JSON', async () => {
    const r = await request(srv.app.adminUrl!, '/schema_cache');
    assert.equal(r.status, 200);
    const body = r.json() as Record<string, unknown>;
    assert.ok(Array.isArray(body['dbTables']) || typeof body['dbTables'] === 'object');
    assert.match(r.text, /"items"/);
  });
});

describe('OPTIONS and CORS', () => {
  test('OPTIONS on a table lists the allowed methods', async () => {
    const r = await request(srv.url, '/items', { method: 'OPTIONS' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('allow'), 'OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
    assert.equal(r.text, '');
  });

  test('OPTIONS on the root and on an unknown table', async () => {
    assert.equal((await request(srv.url, '/', { method: 'OPTIONS' })).headers.get('allow'), 'OPTIONS,GET,HEAD');
    const r = await request(srv.url, '/nope', { method: 'OPTIONS' });
    assert.equal(r.status, 404);
    assert.equal((r.json() as { code: string }).code, 'PGRST205');
  });

  test('a CORS preflight is answered without touching the API', async () => {
    const r = await request(srv.url, '/items', {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'Content-Type' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('access-control-allow-methods'), 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD');
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
    assert.equal(r.headers.get('access-control-max-age'), '86400');
  });

  test('a simple request with Origin gets the expose list', async () => {
    const r = await request(srv.url, '/items?select=id&limit=1', { headers: { Origin: 'http://example.com' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.match(r.headers.get('access-control-expose-headers') ?? '', /Content-Range/);
  });
});

describe('headers on every response', () => {
  test('trace header echoed, Server-Timing stages, Server', async () => {
    const r = await request(srv.url, '/items?select=id&limit=1', { headers: { 'X-Request-Id': 'abc-123' } });
    assert.equal(r.headers.get('x-request-id'), 'abc-123');
    assert.match(r.headers.get('server-timing') ?? '', /^jwt;dur=\d+\.\d, parse;dur=\d+\.\d, plan;dur=\d+\.\d, transaction;dur=\d+\.\d, response;dur=\d+\.\d$/);
    assert.match(r.headers.get('server') ?? '', /^postgrest-ts\//);
  });
});

describe('root OpenAPI', () => {
  test('GET / is a Swagger 2.0 document of the visible tables', async () => {
    const r = await request(srv.url, '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/openapi+json; charset=utf-8');
    const doc = r.json() as { swagger: string; paths: Record<string, unknown> };
    assert.equal(doc.swagger, '2.0');
    assert.ok('/items' in doc.paths);
    assert.ok(!('/secret' in doc.paths), 'the anonymous role has no grant on test.secret');
    assert.ok('/column_granted' in doc.paths, 'a column privilege is enough to be listed, as in PostgREST');
  });
});

describe('limits beyond PostgREST', () => {
  test('413 for a body over server-max-body-size', async () => {
    const r = await request(srv.url, '/items', { method: 'POST', body: 'x'.repeat(2000), headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 413);
    assert.equal((r.json() as { code: string }).code, 'PGRSTX413');
  });

  test('414 for a URL over server-max-url-length, and the server keeps serving', async () => {
    const r = await request(srv.url, `/items?name=eq.${'a'.repeat(3000)}`);
    assert.equal(r.status, 414);
    assert.equal((r.json() as { code: string }).code, 'PGRSTX414');
    assert.equal((await request(srv.url, '/items?id=eq.1')).status, 200);
  });

  test('431 for oversized headers', async () => {
    const { port } = new URL(srv.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/items', headers: { 'X-Big': 'y'.repeat(40_000) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
  });
});

describe('database unreachable', () => {
  test('requests get 503 PGRST002 with Retry-After and /ready is 503, without hanging', async () => {
    const deadPort = await freePort();
    const adminPort = await freePort();
    const down = await startTestServer({
      PGRST_DB_URI: `postgres://nobody@127.0.0.1:${deadPort}/none`,
      PGRST_ADMIN_SERVER_PORT: String(adminPort),
    });
    try {
      const r = await request(down.url, '/items');
      assert.equal(r.status, 503);
      assert.equal((r.json() as { code: string }).code, 'PGRST002');
      assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal((await request(down.app.adminUrl!, '/ready')).status, 503);
      assert.equal((await request(down.app.adminUrl!, '/live')).status, 200);
    } finally {
      await down.stop();
    }
  });
});

describe('unix socket', () => {
  test('server-unix-socket serves the API on a socket file with the configured mode', async () => {
    const { statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const socket = join(tempDir('pgrst-sock-'), 'api.sock');
    const s = await startTestServer({ PGRST_SERVER_UNIX_SOCKET: socket, PGRST_SERVER_UNIX_SOCKET_MODE: '660' });
    try {
      assert.equal(statSync(socket).mode & 0o777, 0o660);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ socketPath: socket, path: '/items?select=id&id=eq.2' }, (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      assert.deepEqual(JSON.parse(body), [{ id: 2 }]);
    } finally {
      await s.stop();
    }
  });
});
