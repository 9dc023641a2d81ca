// Unit tests for src/auth/authenticate.ts: Bearer extraction, anonymous access, PGRST300/302, the role
// claim, the claims handed to request.jwt.claims, and the `authenticated` flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AuthConfig, createAuthenticator, extractBearerToken } from '../../src/auth/authenticate.js';
import { ApiError } from '../../src/errors/api-error.js';
import { assertApiError, asymToken, hsToken, invalidToken, testKeys } from '../support/tokens.js';

const SECRET = 'a-plain-shared-secret-of-32-chars';
const NOW = 1_700_000_000;
const BASE: AuthConfig = {
  jwtSecret: SECRET,
  jwtSecretIsBase64: false,
  jwtRoleClaimKey: '$.role',
  jwtCacheMaxEntries: 100,
  dbAnonRole: 'web_anon',
};
const bearer = (claims: Record<string, unknown>): string => `Bearer ${hsToken('HS256', SECRET, claims)}`;

describe('extractBearerToken', () => {
  it('accepts the Bearer scheme in any case and skips white space', () => {
    assert.equal(extractBearerToken('Bearer abc'), 'abc');
    assert.equal(extractBearerToken('bearer abc'), 'abc');
    assert.equal(extractBearerToken('BEARER \t abc'), 'abc');
    assert.equal(extractBearerToken('Bearer'), '');
    assert.equal(extractBearerToken('Bearer   '), '');
  });

  it('ignores other schemes, a missing header and a scheme glued to the token', () => {
    assert.equal(extractBearerToken(undefined), undefined);
    assert.equal(extractBearerToken(''), undefined);
    assert.equal(extractBearerToken('Basic dXNlcjpwYXNz'), undefined);
    assert.equal(extractBearerToken('Bearerabc'), undefined);
    assert.equal(extractBearerToken(' Bearer abc'), undefined);
  });
});

describe('createAuthenticator', () => {
  it('uses the anonymous role, with claims {role: anon}, when there is no token', async () => {
    const auth = createAuthenticator(BASE);
    // The shared anonymous result carries its claims' JSON, worked out once.
    const expected = { role: 'web_anon', claims: { role: 'web_anon' }, claimsJson: '{"role":"web_anon"}', authenticated: false };
    assert.deepEqual(await auth.authenticate(undefined, NOW), expected);
    assert.deepEqual(await auth.authenticate('Basic dXNlcjpwYXNz', NOW), expected);
  });

  it('takes the role from the token and sets it in the claims', async () => {
    const auth = createAuthenticator(BASE);
    const result = await auth.authenticate(bearer({ role: 'alice', sub: '42', exp: NOW + 60 }), NOW);
    const claimsJson = JSON.stringify({ role: 'alice', sub: '42', exp: NOW + 60 });
    assert.deepEqual(result, { role: 'alice', claims: { role: 'alice', sub: '42', exp: NOW + 60 }, claimsJson, authenticated: true });
  });

  it('falls back to the anonymous role when the token has no role claim, keeping its claims', () => {
    const auth = createAuthenticator(BASE);
    assert.deepEqual(auth.authenticateSync(bearer({ sub: '42' }), NOW), {
      role: 'web_anon',
      claims: { sub: '42', role: 'web_anon' },
      claimsJson: '{"sub":"42","role":"web_anon"}',
      authenticated: false,
    });
    assert.deepEqual(auth.authenticateSync(bearer({}), NOW).claims, { role: 'web_anon' });
  });

  it('marks a token whose role is the anonymous role as not authenticated', () => {
    assert.equal(createAuthenticator(BASE).authenticateSync(bearer({ role: 'web_anon' }), NOW).authenticated, false);
  });

  it('uses the JSON text of a non-string role claim', () => {
    const auth = createAuthenticator(BASE);
    assert.equal(auth.authenticateSync(bearer({ role: 12 }), NOW).role, '12');
    assert.deepEqual(auth.authenticateSync(bearer({ role: ['a'] }), NOW).claims, { role: '["a"]' });
  });

  it('follows jwt-role-claim-key and overwrites claims.role with the effective role', () => {
    const auth = createAuthenticator({ ...BASE, jwtRoleClaimKey: '$.app.roles[?(@ != "guest")]' });
    const result = auth.authenticateSync(bearer({ role: 'ignored', app: { roles: ['guest', 'editor'] } }), NOW);
    assert.equal(result.role, 'editor');
    assert.deepEqual(result.claims, { role: 'editor', app: { roles: ['guest', 'editor'] } });
    assert.equal(auth.roleClaimKey.deprecated, false);
  });

  it('accepts the deprecated role claim syntax and says so', () => {
    const auth = createAuthenticator({ ...BASE, jwtRoleClaimKey: '.app.role' });
    assert.equal(auth.roleClaimKey.deprecated, true);
    assert.equal(auth.authenticateSync(bearer({ app: { role: 'dep' } }), NOW).role, 'dep');
  });

  it('evaluates the role claim key on empty claims for anonymous requests', () => {
    const auth = createAuthenticator({ ...BASE, jwtRoleClaimKey: '$' });
    assert.equal(auth.authenticateSync(undefined, NOW).role, '{}');
  });

  it('refuses requests without a role when db-anon-role is unset (PGRST302)', async () => {
    const auth = createAuthenticator({ ...BASE, dbAnonRole: undefined });
    const expected = { status: 401, code: 'PGRST302', message: 'Anonymous access is disabled', header: 'Bearer' };
    await assert.rejects(auth.authenticate(undefined, NOW), (e) => assertApiError(e, expected));
    await assert.rejects(auth.authenticate(bearer({ sub: 'x' }), NOW), (e) => assertApiError(e, expected));
    assert.equal(auth.authenticateSync(bearer({ role: 'bob' }), NOW).role, 'bob');
  });

  it('answers PGRST300 (500, no WWW-Authenticate) to any token when no secret is configured', async () => {
    const auth = createAuthenticator({ ...BASE, jwtSecret: undefined });
    const expected = { status: 500, code: 'PGRST300', message: 'Server lacks JWT secret' };
    await assert.rejects(auth.authenticate(bearer({ role: 'x' }), NOW), (e) => assertApiError(e, expected));
    await assert.rejects(auth.authenticate('Bearer', NOW), (e) => assertApiError(e, expected));
    assert.equal((await auth.authenticate(undefined, NOW)).role, 'web_anon');
    assert.equal(auth.keySet, undefined);
  });

  it('reports an empty Bearer token', async () => {
    const auth = createAuthenticator(BASE);
    for (const header of ['Bearer', 'Bearer ', 'bearer \t']) {
      await assert.rejects(auth.authenticate(header, NOW), (e) =>
        assertApiError(e, invalidToken('PGRST301', 'Empty JWT is sent in Authorization header')),
      );
    }
  });

  it('validates claims with the request time and jwt-aud', () => {
    const auth = createAuthenticator({ ...BASE, jwtAud: 'my-api' });
    assert.equal(auth.authenticateSync(bearer({ role: 'r', aud: ['x', 'my-api'], nbf: NOW + 30 }), NOW).role, 'r');
    assert.throws(
      () => auth.authenticateSync(bearer({ role: 'r', aud: 'other' }), NOW),
      (e) => assertApiError(e, invalidToken('PGRST303', 'JWT not in audience')),
    );
    assert.throws(
      () => auth.authenticateSync(bearer({ role: 'r', nbf: NOW + 31 }), NOW),
      (e) => assertApiError(e, invalidToken('PGRST303', 'JWT not yet valid')),
    );
  });

  it('rejects claims errors before looking at the role', () => {
    const auth = createAuthenticator({ ...BASE, dbAnonRole: undefined });
    assert.throws(
      () => auth.authenticateSync(bearer({ exp: 'tomorrow' }), NOW),
      (e) => assertApiError(e, invalidToken('PGRST303', "The JWT 'exp' claim must be a number")),
    );
  });

  it('works with asymmetric keys from a JWKS', () => {
    const jwks = JSON.stringify({ keys: [{ ...testKeys.ed25519.publicJwk, kid: 'ed' }, { ...testKeys.rsa.publicJwk, kid: 'rs' }] });
    const auth = createAuthenticator({ ...BASE, jwtSecret: jwks });
    const token = asymToken('RS256', testKeys.rsa.privateKey, { role: 'rsa_user' }, { kid: 'rs' });
    assert.equal(auth.authenticateSync(`Bearer ${token}`, NOW).role, 'rsa_user');
    assert.equal(auth.keySet?.source, 'jwks');
  });

  it('throws plain Errors for invalid configuration', () => {
    assert.throws(() => createAuthenticator({ ...BASE, jwtSecret: 'short' }), {
      message: 'The JWT secret must be at least 32 characters long.',
    });
    assert.throws(() => createAuthenticator({ ...BASE, jwtRoleClaimKey: '$.a;;b' }), (e: unknown) => {
      assert.ok(e instanceof Error && !(e instanceof ApiError));
      return /failed to parse role-claim-key value/.test(e.message);
    });
  });
});
