// Feature tests of the JWT key and claim configuration over HTTP: base64 and @file secrets, the 32-character minimum,
// JWK / JWK Set keys (RS*, ES*, EdDSA, oct) with kid selection, PEM (not a key format), jwt-aud, the role claim key
// (v16 JSONPath and the deprecated form) and the JWT cache counters.
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { samples } from '../support/metrics.js';
import { request, startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { type AsymmetricAlg, asymToken, b64url, hsToken, type TestKeyPair, testKeys } from '../support/tokens.js';

const MEMBER = 'postgrest_test_auth_member';
const ANON = 'postgrest_test_anonymous';

/** Starts a server on auth_test with `env` for the tests of the enclosing describe; returns a getter. */
function serverWith(env: Record<string, string>): () => TestServer {
  let srv: TestServer | undefined;
  before(async () => {
    srv = await startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', ...env });
  });
  after(async () => {
    await srv?.stop();
  });
  return () => {
    if (!srv) throw new Error('server not started');
    return srv;
  };
}

async function roleWith(srv: TestServer, token: string): Promise<{ status: number; role?: string; body: unknown }> {
  const r = await request(srv.url, '/request_info?select=role', { headers: { Authorization: `Bearer ${token}` } });
  if (r.status !== 200) return { status: r.status, body: r.json() };
  return { status: 200, role: (r.json() as { role: string }[])[0]?.role, body: r.json() };
}

async function assertRole(srv: TestServer, token: string, role: string): Promise<void> {
  const r = await roleWith(srv, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.role, role);
}

async function assertRefused(srv: TestServer, token: string, message: string, details: string | null = null): Promise<void> {
  const r = await roleWith(srv, token);
  assert.equal(r.status, 401, JSON.stringify(r.body));
  assert.deepEqual(r.body, { code: CLAIM_ERRORS.has(message) ? 'PGRST303' : 'PGRST301', details, hint: null, message });
}

const NO_KEY = 'No suitable key or wrong key type';
const CLAIM_ERRORS: ReadonlySet<string> = new Set(['JWT expired', 'JWT not in audience']);

describe('jwt-secret-is-base64', () => {
  const secret = randomBytes(48);
  const srv = serverWith({ PGRST_JWT_SECRET: secret.toString('base64'), PGRST_JWT_SECRET_IS_BASE64: 'true' });

  test('tokens are verified with the decoded bytes', async () => {
    await assertRole(srv(), hsToken('HS256', secret, { role: MEMBER }), MEMBER);
  });

  test('a token signed with the base64 text is refused', async () => {
    await assertRefused(srv(), hsToken('HS256', secret.toString('base64'), { role: MEMBER }), NO_KEY, 'None of the keys was able to decode the JWT');
  });
});

describe('jwt-secret from @file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postgrest-ts-auth-'));
  const secret = 'a-secret-read-from-a-file-0123456789';
  writeFileSync(join(dir, 'secret'), `${secret}\n`);
  const srv = serverWith({ PGRST_JWT_SECRET: `@${join(dir, 'secret')}` });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the file content without its trailing newline is the secret', async () => {
    await assertRole(srv(), hsToken('HS256', secret, { role: MEMBER }), MEMBER);
  });
});

describe('the 32-character minimum', () => {
  test('a shorter secret refuses to start', async () => {
    await assert.rejects(startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_JWT_SECRET: 'only-31-characters-long-secret!' }), /at least 32 characters/);
  });
});

describe('a single JWK', () => {
  const srv = serverWith({ PGRST_JWT_SECRET: JSON.stringify(testKeys.rsa.publicJwk) });

  for (const alg of ['RS256', 'RS384', 'RS512'] as const) {
    test(`${alg} with an RSA key`, async () => {
      await assertRole(srv(), asymToken(alg, testKeys.rsa.privateKey, { role: MEMBER }), MEMBER);
    });
  }

  test('a token signed with another RSA key is refused', async () => {
    await assertRefused(srv(), asymToken('RS256', testKeys.rsa2.privateKey, { role: MEMBER }), NO_KEY, 'None of the keys was able to decode the JWT');
  });

  test('an HS256 token is refused', async () => {
    await assertRefused(srv(), hsToken('HS256', TEST_JWT_SECRET, { role: MEMBER }), NO_KEY, 'No suitable key was found to decode the JWT');
  });
});

describe('a JWK Set', () => {
  const octSecret = randomBytes(64);
  const withKid = (kp: TestKeyPair, kid: string) => ({ ...kp.publicJwk, kid });
  const jwks = {
    keys: [
      withKid(testKeys.rsa, 'rsa'),
      withKid(testKeys.p256, 'p256'),
      withKid(testKeys.p384, 'p384'),
      withKid(testKeys.p521, 'p521'),
      withKid(testKeys.ed25519, 'ed25519'),
      withKid(testKeys.ed448, 'ed448'),
      { kty: 'oct', k: b64url(octSecret), kid: 'oct' },
    ],
  };
  const srv = serverWith({ PGRST_JWT_SECRET: JSON.stringify(jwks) });

  const cases: readonly [AsymmetricAlg, TestKeyPair, string][] = [
    ['RS256', testKeys.rsa, 'rsa'],
    ['ES256', testKeys.p256, 'p256'],
    ['ES384', testKeys.p384, 'p384'],
    ['ES512', testKeys.p521, 'p521'],
    ['EdDSA', testKeys.ed25519, 'ed25519'],
    ['EdDSA', testKeys.ed448, 'ed448'],
  ];
  for (const [alg, kp, kid] of cases) {
    test(`${alg} (${kid}) with its kid and without a kid`, async () => {
      await assertRole(srv(), asymToken(alg, kp.privateKey, { role: MEMBER }, { kid }), MEMBER);
      await assertRole(srv(), asymToken(alg, kp.privateKey, { role: MEMBER }), MEMBER);
    });
  }

  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    test(`${alg} with an oct key`, async () => {
      await assertRole(srv(), hsToken(alg, octSecret, { role: MEMBER }, { kid: 'oct' }), MEMBER);
    });
  }

  test('a kid that names no key is refused', async () => {
    await assertRefused(srv(), asymToken('RS256', testKeys.rsa.privateKey, { role: MEMBER }, { kid: 'unknown' }), NO_KEY, 'No suitable key was found to decode the JWT');
  });

  test('a kid naming another key than the signing one is refused', async () => {
    await assertRefused(srv(), asymToken('ES256', testKeys.p256.privateKey, { role: MEMBER }, { kid: 'p384' }), NO_KEY, 'None of the keys was able to decode the JWT');
  });

  test('a token signed with a key not in the set is refused', async () => {
    await assertRefused(srv(), asymToken('RS256', testKeys.rsa2.privateKey, { role: MEMBER }, { kid: 'rsa' }), NO_KEY, 'None of the keys was able to decode the JWT');
  });
});

describe('a PEM public key is not a key format PostgREST reads', () => {
  const pem = createPublicKey(testKeys.rsa.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const srv = serverWith({ PGRST_JWT_SECRET: pem });

  test('it becomes an HMAC secret, so RS256 tokens are refused (401, not 500)', async () => {
    await assertRefused(srv(), asymToken('RS256', testKeys.rsa.privateKey, { role: MEMBER }), NO_KEY, 'No suitable key was found to decode the JWT');
  });
});

describe('jwt-aud', () => {
  const secret = TEST_JWT_SECRET;
  const srv = serverWith({ PGRST_JWT_AUD: 'postgrest-ts-tests' });
  const tok = (aud: unknown) => hsToken('HS256', secret, aud === undefined ? { role: MEMBER } : { role: MEMBER, aud });

  test('a matching aud, an array containing it, or no aud are accepted', async () => {
    await assertRole(srv(), tok('postgrest-ts-tests'), MEMBER);
    await assertRole(srv(), tok(['other', 'postgrest-ts-tests']), MEMBER);
    await assertRole(srv(), tok(undefined), MEMBER);
    await assertRole(srv(), tok([]), MEMBER);
  });

  test('another audience is refused with PGRST303', async () => {
    await assertRefused(srv(), tok('someone-else'), 'JWT not in audience');
    await assertRefused(srv(), tok(['a', 'b']), 'JWT not in audience');
  });
});

describe('jwt-role-claim-key', () => {
  const secret = TEST_JWT_SECRET;
  const tok = (claims: Record<string, unknown>) => hsToken('HS256', secret, claims);

  describe('v16 JSONPath', () => {
    const srv = serverWith({ PGRST_JWT_ROLE_CLAIM_KEY: '$.postgrest.roles[1]' });

    test('the value at the path is the role', async () => {
      await assertRole(srv(), tok({ postgrest: { roles: ['other', MEMBER] } }), MEMBER);
    });

    test('the standard role claim is ignored; no value at the path is the anonymous role', async () => {
      await assertRole(srv(), tok({ role: MEMBER }), ANON);
    });
  });

  describe('v16 JSONPath with a filter', () => {
    const srv = serverWith({ PGRST_JWT_ROLE_CLAIM_KEY: `$.roles[?(@ == "${MEMBER}")]` });

    test('the first match is the role', async () => {
      await assertRole(srv(), tok({ roles: ['a', MEMBER, 'b'] }), MEMBER);
      await assertRole(srv(), tok({ roles: ['a', 'b'] }), ANON);
    });
  });

  describe('the deprecated form', () => {
    const srv = serverWith({ PGRST_JWT_ROLE_CLAIM_KEY: '."https://example.com/claims".role' });

    test('is still understood', async () => {
      await assertRole(srv(), tok({ 'https://example.com/claims': { role: MEMBER } }), MEMBER);
    });
  });
});

describe('the JWT cache', () => {
  const secret = TEST_JWT_SECRET;
  let srv: TestServer;
  let uncached: TestServer;
  before(async () => {
    [srv, uncached] = await Promise.all([
      freePort().then((port) => startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_ADMIN_SERVER_PORT: String(port) })),
      freePort().then((port) =>
        startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_ADMIN_SERVER_PORT: String(port), PGRST_JWT_CACHE_MAX_ENTRIES: '0' }),
      ),
    ]);
  });
  after(async () => {
    await Promise.all([srv.stop(), uncached.stop()]);
  });

  async function counters(server: TestServer): Promise<{ requests: number; hits: number }> {
    const r = await request(server.app.adminUrl ?? '', '/metrics');
    assert.equal(r.status, 200);
    const s = samples(r.text);
    return { requests: s.get('pgrst_jwt_cache_requests_total') ?? NaN, hits: s.get('pgrst_jwt_cache_hits_total') ?? NaN };
  }

  test('a repeated token is verified once', async () => {
    const t = hsToken('HS256', secret, { role: MEMBER, jti: 'cache-test' });
    const start = await counters(srv);
    for (let i = 0; i < 3; i++) await assertRole(srv, t, MEMBER);
    const end = await counters(srv);
    assert.equal(end.requests - start.requests, 3);
    assert.equal(end.hits - start.hits, 2);
  });

  test('an expired token is refused on every request even when cached', async () => {
    const t = hsToken('HS256', secret, { role: MEMBER, exp: Math.floor(Date.now() / 1000) - 60 });
    for (let i = 0; i < 2; i++) await assertRefused(srv, t, 'JWT expired');
  });

  test('jwt-cache-max-entries = 0 disables it', async () => {
    const t = hsToken('HS256', secret, { role: MEMBER, jti: 'no-cache' });
    for (let i = 0; i < 2; i++) await assertRole(uncached, t, MEMBER);
    assert.deepEqual(await counters(uncached), { requests: 0, hits: 0 });
  });
});
