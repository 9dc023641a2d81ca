// GET / under the openapi-* settings: ignore-privileges, disabled (404 PGRST126), security active, server proxy URI,
// and openapi-version = 3.1; each document still validates with a real validator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

const OAS31 = 'application/vnd.oai.openapi+json;version=3.1';
type Doc = Record<string, unknown> & { paths: Record<string, unknown> };

async function getDoc(srv: TestServer, headers: Record<string, string> = {}): Promise<Doc> {
  const r = await request(srv.url, '/', { headers });
  assert.equal(r.status, 200, r.text);
  const doc = r.json() as Doc;
  await SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document);
  return doc;
}

describe('openapi-mode = ignore-privileges', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ PGRST_OPENAPI_MODE: 'ignore-privileges' });
  });
  after(() => srv.stop());

  test('the anonymous role sees test.secret too, in both versions', async () => {
    assert.ok('/secret' in (await getDoc(srv)).paths);
    assert.ok('/secret' in (await getDoc(srv, { Accept: OAS31 })).paths);
  });
});

describe('openapi-mode = disabled', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ PGRST_OPENAPI_MODE: 'disabled', PGRST_SERVER_DOCS_PATH: '/_/docs' });
  });
  after(() => srv.stop());

  test('GET / is 404 PGRST126, whatever the Accept', async () => {
    for (const accept of ['application/openapi+json', OAS31]) {
      const r = await request(srv.url, '/', { headers: { Accept: accept } });
      assert.equal(r.status, 404);
      assert.deepEqual(r.json(), { code: 'PGRST126', details: null, hint: null, message: 'Root endpoint metadata is disabled' });
    }
  });

  test('the docs page is off too: its path is routed as an API path', async () => {
    const r = await request(srv.url, '/_/docs');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { code: string }).code, 'PGRST125');
  });

  test('tables are still served', async () => {
    assert.equal((await request(srv.url, '/items?limit=1')).status, 200);
  });
});

describe('openapi-security-active and openapi-server-proxy-uri', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({
      PGRST_OPENAPI_SECURITY_ACTIVE: 'true',
      PGRST_OPENAPI_SERVER_PROXY_URI: 'https://api.example.com:8443/v1',
    });
  });
  after(() => srv.stop());

  test('Swagger 2.0: securityDefinitions.JWT, global security, host/basePath/schemes from the proxy URI', async () => {
    const doc = await getDoc(srv);
    const defs = doc['securityDefinitions'] as Record<string, Record<string, unknown>>;
    assert.equal(defs['JWT']?.['type'], 'apiKey');
    assert.equal(defs['JWT']?.['in'], 'header');
    assert.equal(defs['JWT']?.['name'], 'Authorization');
    assert.deepEqual(doc['security'], [{ JWT: [] }]);
    assert.equal(doc['host'], 'api.example.com:8443');
    assert.equal(doc['basePath'], '/v1');
    assert.deepEqual(doc['schemes'], ['https']);
  });

  test('OpenAPI 3.1: the proxy URI is the server, bearerAuth required', async () => {
    const doc = await getDoc(srv, { Accept: OAS31 });
    assert.deepEqual(doc['servers'], [{ url: 'https://api.example.com:8443/v1' }]);
    assert.deepEqual(doc['security'], [{ bearerAuth: [] }]);
  });
});

describe('without a proxy URI', () => {
  let srv: TestServer;
  before(async () => {
    // A fixed port: the document shows the configured server-port, and 0 (any free port) would show as 0.
    srv = await startTestServer({ PGRST_SERVER_PORT: String(await freePort()) });
  });
  after(() => srv.stop());

  test('host is server-host:server-port, security absent', async () => {
    const doc = await getDoc(srv);
    const port = new URL(srv.url).port;
    assert.equal(doc['host'], `127.0.0.1:${port}`);
    assert.equal(doc['security'], undefined);
    const v31 = await getDoc(srv, { Accept: OAS31 });
    assert.deepEqual(v31['servers'], [{ url: `http://127.0.0.1:${port}` }]);
    assert.equal(v31['security'], undefined);
  });
});

describe('openapi-version = 3.1', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ PGRST_OPENAPI_VERSION: '3.1' });
  });
  after(() => srv.stop());

  test('GET / is OpenAPI 3.1 for the generic types too', async () => {
    for (const accept of ['application/openapi+json', 'application/json', '*/*']) {
      const r = await request(srv.url, '/', { headers: { Accept: accept } });
      assert.equal(r.headers.get('content-type'), 'application/openapi+json; charset=utf-8');
      assert.equal((r.json() as Doc)['openapi'], '3.1.0', accept);
    }
    assert.equal((await getDoc(srv))['openapi'], '3.1.0');
  });
});
