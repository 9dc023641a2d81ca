// Feature tests of JWT authentication over HTTP: role switching, anonymous fallback, and every way a token can be
// refused (each a 401 with PostgREST's body and WWW-Authenticate header, never a 500 and never data).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';
import { b64url, hsToken } from '../support/tokens.js';

const now = () => Math.floor(Date.now() / 1000);
const token = (payload: Record<string, unknown>) => hsToken('HS256', TEST_JWT_SECRET, payload);
const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });
const MEMBER = 'postgrest_test_auth_member';

let srv: TestServer;
let noAnon: TestServer;
let noSecret: TestServer;
before(async () => {
  [srv, noAnon, noSecret] = await Promise.all([
    startTestServer({ PGRST_DB_SCHEMAS: 'auth_test' }),
    startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_DB_ANON_ROLE: '' }),
    startTestServer({ PGRST_DB_SCHEMAS: 'auth_test', PGRST_JWT_SECRET: '' }),
  ]);
});
after(async () => {
  await Promise.all([srv.stop(), noAnon.stop(), noSecret.stop()]);
});

/** Asserts PostgREST's JWT failure: 401, the body, and `WWW-Authenticate: Bearer error="invalid_token", ...`. */
async function assertInvalidToken(path: string, init: RequestInit, code: string, message: string, details: string | null = null) {
  const r = await request(srv.url, path, init);
  assert.equal(r.status, 401, r.text);
  assert.deepEqual(r.json(), { code, details, hint: null, message });
  assert.equal(r.headers.get('www-authenticate'), `Bearer error="invalid_token", error_description="${message}"`);
}

async function role(server: TestServer, init: RequestInit = {}): Promise<string> {
  const r = await request(server.url, '/request_info?select=role', init);
  assert.equal(r.status, 200, r.text);
  return (r.json() as { role: string }[])[0]?.role ?? '';
}

describe('role switching', () => {
  test('no token: the anonymous role', async () => {
    assert.equal(await role(srv), 'postgrest_test_anonymous');
  });

  test('the role claim picks the role', async () => {
    assert.equal(await role(srv, bearer(token({ role: MEMBER }))), MEMBER);
  });

  test('a token without a role claim uses the anonymous role', async () => {
    assert.equal(await role(srv, bearer(token({ sub: 'alice' }))), 'postgrest_test_anonymous');
  });

  test('the scheme is case-insensitive', async () => {
    const r = await request(srv.url, '/request_info?select=role', { headers: { Authorization: `bearer ${token({ role: MEMBER })}` } });
    assert.deepEqual(r.json(), [{ role: MEMBER }]);
  });

  test('another Authorization scheme is no token at all', async () => {
    assert.equal(await role(srv, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }), 'postgrest_test_anonymous');
  });

  test('a mixed-case role name works', async () => {
    const r = await request(srv.url, '/mixed_case_things', bearer(token({ role: 'Postgrest_Test_MixedCase' })));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [{ id: 1 }]);
  });

  test('a token inside the clock skew is accepted', async () => {
    const t = token({ role: MEMBER, exp: now() - 10, nbf: now() + 10, iat: now() + 10 });
    assert.equal(await role(srv, bearer(t)), MEMBER);
  });

  test('a failed request does not leak into the next one', async () => {
    await request(srv.url, '/secrets');
    const r = await request(srv.url, '/secrets', bearer(token({ role: MEMBER })));
    assert.equal(r.status, 200, r.text);
  });
});

describe('roles the authenticator cannot switch to', () => {
  test('a role that does not exist: 401', async () => {
    const r = await request(srv.url, '/request_info', bearer(token({ role: 'postgrest_test_no_such_role' })));
    assert.equal(r.status, 401, r.text);
    assert.deepEqual(r.json(), { code: '22023', details: null, hint: null, message: 'role "postgrest_test_no_such_role" does not exist' });
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  });

  for (const [what, name] of [
    ['a role not granted to the authenticator', 'postgrest_test_auth_outsider'],
    ['a superuser role', 'postgrest_test_auth_super'],
  ] as const) {
    test(`${what}: 403 permission denied, no data`, async () => {
      const r = await request(srv.url, '/secrets', bearer(token({ role: name })));
      assert.equal(r.status, 403, r.text);
      assert.deepEqual(r.json(), { code: '42501', details: null, hint: null, message: `permission denied to set role "${name}"` });
      assert.equal(r.headers.get('www-authenticate'), null);
    });
  }
});

describe('refused tokens', () => {
  const path = '/secrets';

  test('alg none', async () => {
    const t = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ role: MEMBER }))}.`;
    await assertInvalidToken(path, bearer(t), 'PGRST301', 'Wrong or unsupported encoding algorithm', "JWT is unsecured but expected 'alg' was not 'none'");
  });

  test('a tampered payload', async () => {
    const [h, , s] = token({ role: 'postgrest_test_anonymous' }).split('.');
    const t = `${h}.${b64url(JSON.stringify({ role: MEMBER }))}.${s}`;
    await assertInvalidToken(path, bearer(t), 'PGRST301', 'No suitable key or wrong key type', 'None of the keys was able to decode the JWT');
  });

  test('a wrong secret', async () => {
    const t = hsToken('HS256', 'another-secret-of-at-least-32-characters', { role: MEMBER });
    await assertInvalidToken(path, bearer(t), 'PGRST301', 'No suitable key or wrong key type', 'None of the keys was able to decode the JWT');
  });

  test('HS512 against a plain secret (registered for HS256 only)', async () => {
    const t = hsToken('HS512', TEST_JWT_SECRET, { role: MEMBER });
    await assertInvalidToken(path, bearer(t), 'PGRST301', 'No suitable key or wrong key type', 'No suitable key was found to decode the JWT');
  });

  test('an expired token', async () => {
    await assertInvalidToken(path, bearer(token({ role: MEMBER, exp: now() - 31 })), 'PGRST303', 'JWT expired');
  });

  test('nbf in the future', async () => {
    await assertInvalidToken(path, bearer(token({ role: MEMBER, nbf: now() + 60 })), 'PGRST303', 'JWT not yet valid');
  });

  test('iat in the future', async () => {
    await assertInvalidToken(path, bearer(token({ role: MEMBER, iat: now() + 60 })), 'PGRST303', 'JWT issued at future');
  });

  test('exp that is not a number', async () => {
    await assertInvalidToken(path, bearer(token({ role: MEMBER, exp: 'soon' })), 'PGRST303', "The JWT 'exp' claim must be a number");
  });

  test('claims that are not an object', async () => {
    const t = hsToken('HS256', TEST_JWT_SECRET, '[1,2]');
    await assertInvalidToken(path, bearer(t), 'PGRST303', 'Parsing claims failed');
  });

  test('an empty bearer token', async () => {
    await assertInvalidToken(path, { headers: { Authorization: 'Bearer ' } }, 'PGRST301', 'Empty JWT is sent in Authorization header');
  });

  test('a token that is not three parts', async () => {
    await assertInvalidToken(path, bearer('abc.def'), 'PGRST301', 'Expected 3 parts in JWT; got 2');
  });

  test('garbage in three parts', async () => {
    await assertInvalidToken(path, bearer('!!!.@@@.###'), 'PGRST301', 'JWT cryptographic operation failed');
  });

  test('an oversized token within the header limit', async () => {
    const t = token({ role: MEMBER, padding: 'x'.repeat(6000) }).slice(0, -4) + 'AAAA';
    await assertInvalidToken(path, bearer(t), 'PGRST301', 'No suitable key or wrong key type', 'None of the keys was able to decode the JWT');
  });

  test('a token beyond the header limit is refused before the pipeline, not with a 500', async () => {
    const t = token({ role: MEMBER, padding: 'x'.repeat(200_000) });
    const r = await request(srv.url, path, bearer(t));
    assert.equal(r.status, 431, r.text);
    assert.ok(!r.text.includes('the secret'));
  });
});

describe('without an anonymous role', () => {
  test('no token: 401 PGRST302', async () => {
    const r = await request(noAnon.url, '/request_info');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), { code: 'PGRST302', details: null, hint: null, message: 'Anonymous access is disabled' });
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  });

  test('a token without a role claim: 401 PGRST302', async () => {
    const r = await request(noAnon.url, '/request_info', bearer(token({ sub: 'alice' })));
    assert.equal(r.status, 401);
    assert.equal((r.json() as { code: string }).code, 'PGRST302');
  });

  test('a token with a role works', async () => {
    assert.equal(await role(noAnon, bearer(token({ role: MEMBER }))), MEMBER);
  });
});

describe('without a JWT secret', () => {
  test('requests without a token work', async () => {
    assert.equal(await role(noSecret), 'postgrest_test_anonymous');
  });

  test('a token: 500 PGRST300', async () => {
    const r = await request(noSecret.url, '/request_info', bearer(token({ role: MEMBER })));
    assert.equal(r.status, 500);
    assert.deepEqual(r.json(), { code: 'PGRST300', details: null, hint: null, message: 'Server lacks JWT secret' });
  });
});
