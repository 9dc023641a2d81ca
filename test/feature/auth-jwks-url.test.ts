// Feature tests of jwt-jwks-url (a postgrest-ts extension): keys fetched from a local JWKS endpoint, cached for
// jwt-jwks-cache-seconds, re-fetched on rotation, and used besides jwt-secret; an unreachable URL never causes a 500.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { asymToken, hsToken, testKeys } from '../support/tokens.js';

const MEMBER = 'postgrest_test_auth_member';

/** A JWKS endpoint whose document can be swapped; counts the fetches. */
interface JwksServer {
  readonly url: string;
  readonly fetches: number;
  document: unknown;
  close(): Promise<void>;
}

async function startJwksServer(document: unknown): Promise<JwksServer> {
  const state = { fetches: 0, document };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.document));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return state.fetches;
    },
    get document() {
      return state.document;
    },
    set document(d: unknown) {
      state.document = d;
    },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

const rsaJwks = { keys: [{ ...testKeys.rsa.publicJwk, kid: 'k1' }] };
const rotatedJwks = { keys: [{ ...testKeys.rsa2.publicJwk, kid: 'k2' }] };
const k1Token = () => asymToken('RS256', testKeys.rsa.privateKey, { role: MEMBER }, { kid: 'k1' });
const k2Token = () => asymToken('RS256', testKeys.rsa2.privateKey, { role: MEMBER }, { kid: 'k2' });

async function status(srv: TestServer, token: string): Promise<number> {
  const r = await request(srv.url, '/request_info?select=role', { headers: { Authorization: `Bearer ${token}` } });
  assert.ok(r.status === 200 || r.status === 401, `${r.status} ${r.text}`);
  return r.status;
}

/** Repeats the request until it answers `expected` (background fetches take a moment); fails after ~3 s. */
async function eventually(srv: TestServer, token: string, expected: number): Promise<void> {
  let last = 0;
  for (let i = 0; i < 60; i++) {
    last = await status(srv, token);
    if (last === expected) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.fail(`expected ${expected}, last answer ${last}`);
}

describe('jwt-jwks-url', () => {
  let jwks: JwksServer;
  let cached: TestServer;
  let refreshing: TestServer;
  let unreachable: TestServer;
  before(async () => {
    jwks = await startJwksServer(rsaJwks);
    [cached, unreachable] = await Promise.all([
      startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_JWT_JWKS_URL: jwks.url, PGRST_JWT_JWKS_CACHE_SECONDS: '600' }),
      startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_JWT_JWKS_URL: 'http://127.0.0.1:1/jwks.json' }),
    ]);
  });
  after(async () => {
    await Promise.all([cached.stop(), unreachable.stop(), refreshing?.stop()]);
    await jwks.close();
  });

  test('a token signed with a fetched key is accepted', async () => {
    await eventually(cached, k1Token(), 200);
  });

  test('jwt-secret keeps working besides the fetched keys', async () => {
    assert.equal(await status(cached, hsToken('HS256', TEST_JWT_SECRET, { role: MEMBER })), 200);
  });

  test('the set is fetched once while it is fresh', async () => {
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++) assert.equal(await status(cached, asymToken('RS256', testKeys.rsa.privateKey, { role: MEMBER, n: i }, { kid: 'k1' })), 200);
    assert.equal(jwks.fetches, before);
  });

  test('a token signed with a key outside the set is refused with 401', async () => {
    const r = await request(cached.url, '/request_info', { headers: { Authorization: `Bearer ${k2Token()}` } });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), {
      code: 'PGRST301',
      details: 'No suitable key was found to decode the JWT',
      hint: null,
      message: 'No suitable key or wrong key type',
    });
  });

  test('a rotated set is picked up, and tokens of removed keys stop working even when cached', async () => {
    jwks.document = rsaJwks;
    refreshing = await startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_JWT_JWKS_URL: jwks.url, PGRST_JWT_JWKS_CACHE_SECONDS: '0' });
    const old = k1Token();
    await eventually(refreshing, old, 200);
    jwks.document = rotatedJwks;
    await eventually(refreshing, k2Token(), 200);
    assert.equal(await status(refreshing, old), 401);
  });

  test('an unreachable URL: tokens are refused with 401, never 500; jwt-secret tokens still work', async () => {
    assert.equal(await status(unreachable, k1Token()), 401);
    assert.equal(await status(unreachable, hsToken('HS256', TEST_JWT_SECRET, { role: MEMBER })), 200);
  });
});
