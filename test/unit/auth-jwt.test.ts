// Unit tests for src/auth/jwt.ts and jwt-claims.ts: every algorithm, key selection, each PGRST301/303
// failure with its exact message, details and WWW-Authenticate header, and the 30 s clock skew.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { ApiError } from '../../src/errors/api-error.js';
import { decodeJwt, verifyJwt } from '../../src/auth/jwt.js';
import { validateClaims } from '../../src/auth/jwt-claims.js';
import { buildKeySet, type KeySet } from '../../src/auth/keys.js';
import {
  type AsymmetricAlg, assertApiError, asymToken, b64url, type ExpectedError, hsToken, invalidToken, makeToken, testKeys,
} from '../support/tokens.js';

const SECRET = 'a-plain-shared-secret-of-32-chars';
const NOW = 1_700_000_000;

function keysFrom(secret: string | object): KeySet {
  const ks = buildKeySet({ jwtSecret: typeof secret === 'string' ? secret : JSON.stringify(secret), jwtSecretIsBase64: false });
  assert.ok(ks !== undefined);
  return ks;
}

function rejects(fn: () => unknown, expected: ExpectedError): void {
  assert.throws(fn, (e) => assertApiError(e, expected));
}

const plain = keysFrom(SECRET);
const noneSuitable = invalidToken('PGRST301', 'No suitable key or wrong key type', 'No suitable key was found to decode the JWT');
const noneDecoded = invalidToken('PGRST301', 'No suitable key or wrong key type', 'None of the keys was able to decode the JWT');
const cryptoFailed = invalidToken('PGRST301', 'JWT cryptographic operation failed');

describe('decodeJwt: algorithms', () => {
  it('verifies HS256, HS384 and HS512 with an oct JWK', () => {
    const ks = keysFrom({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') });
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      assert.deepEqual(decodeJwt(hsToken(alg, SECRET, { alg }), ks), { alg });
    }
  });

  it('honours the alg of an oct JWK', () => {
    const ks = keysFrom({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), alg: 'HS384' });
    assert.deepEqual(decodeJwt(hsToken('HS384', SECRET, {}), ks), {});
    rejects(() => decodeJwt(hsToken('HS256', SECRET, {}), ks), noneSuitable);
  });

  const asymmetric: readonly [AsymmetricAlg, keyof typeof testKeys][] = [
    ['RS256', 'rsa'], ['RS384', 'rsa'], ['RS512', 'rsa'],
    ['ES256', 'p256'], ['ES384', 'p384'], ['ES512', 'p521'],
    ['EdDSA', 'ed25519'], ['EdDSA', 'ed448'],
  ];
  for (const [alg, name] of asymmetric) {
    it(`verifies ${alg} with a ${name} public JWK and rejects a forged signature`, () => {
      const ks = keysFrom(testKeys[name].publicJwk);
      const token = asymToken(alg, testKeys[name].privateKey, { role: 'r', alg });
      assert.deepEqual(decodeJwt(token, ks), { role: 'r', alg });
      const forged = asymToken(alg, testKeys[name].privateKey, { role: 'admin', alg });
      const [h, , s] = token.split('.');
      const [, p] = forged.split('.');
      rejects(() => decodeJwt(`${h}.${p}.${s}`, ks), noneDecoded);
    });
  }

  it('agrees with an independent signer (jose)', async () => {
    const token = await new SignJWT({ role: 'jose' }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(SECRET));
    assert.deepEqual(decodeJwt(token, plain), { role: 'jose' });
    const es = await new SignJWT({ role: 'es' }).setProtectedHeader({ alg: 'ES384' }).sign(testKeys.p384.privateKey);
    assert.deepEqual(decodeJwt(es, keysFrom(testKeys.p384.publicJwk)), { role: 'es' });
  });

  it('does not support RSASSA-PSS (PS256/384/512): the header itself is refused', () => {
    for (const alg of ['PS256', 'PS384', 'PS512']) {
      const token = makeToken({ alg }, { role: 'r' }, () => Buffer.alloc(256));
      rejects(() => decodeJwt(token, keysFrom(testKeys.rsa.publicJwk)), cryptoFailed);
    }
  });

  it('refuses a key whose type does not fit the algorithm', () => {
    rejects(() => decodeJwt(asymToken('RS256', testKeys.rsa.privateKey, {}), plain), noneSuitable);
    rejects(() => decodeJwt(hsToken('HS256', SECRET, {}), keysFrom(testKeys.rsa.publicJwk)), noneSuitable);
    // Right family, wrong curve: the key is tried and fails.
    rejects(() => decodeJwt(asymToken('ES256', testKeys.p256.privateKey, {}), keysFrom(testKeys.p384.publicJwk)), noneDecoded);
  });

  it('skips keys marked use "enc" or carrying another alg', () => {
    rejects(() => decodeJwt(asymToken('RS256', testKeys.rsa.privateKey, {}), keysFrom({ ...testKeys.rsa.publicJwk, use: 'enc' })), noneSuitable);
    rejects(() => decodeJwt(asymToken('RS256', testKeys.rsa.privateKey, {}), keysFrom({ ...testKeys.rsa.publicJwk, alg: 'RS512' })), noneSuitable);
  });
});

describe('decodeJwt: kid selection', () => {
  const jwks = keysFrom({
    keys: [
      { ...testKeys.rsa.publicJwk, kid: 'first' },
      { ...testKeys.rsa2.publicJwk, kid: 'second' },
      { kty: 'XYZ', kid: 'odd' },
    ],
  });

  it('uses only the key with the token’s kid', () => {
    assert.deepEqual(decodeJwt(asymToken('RS256', testKeys.rsa2.privateKey, { k: 2 }, { kid: 'second' }), jwks), { k: 2 });
    rejects(() => decodeJwt(asymToken('RS256', testKeys.rsa2.privateKey, {}, { kid: 'first' }), jwks), noneDecoded);
  });

  it('fails when no key has that kid, even if another key would verify', () => {
    rejects(() => decodeJwt(asymToken('RS256', testKeys.rsa.privateKey, {}, { kid: 'missing' }), jwks), noneSuitable);
    rejects(() => decodeJwt(hsToken('HS256', SECRET, {}, { kid: 'any' }), plain), noneSuitable);
  });

  it('tries every key when the token has no kid (or kid null)', () => {
    assert.deepEqual(decodeJwt(asymToken('RS256', testKeys.rsa2.privateKey, { k: 'n' }), jwks), { k: 'n' });
    assert.deepEqual(decodeJwt(asymToken('RS256', testKeys.rsa.privateKey, {}, { kid: null }), jwks), {});
  });
});

describe('decodeJwt: malformed tokens', () => {
  const header = b64url('{"alg":"HS256"}');

  it('rejects an empty token', () => {
    rejects(() => decodeJwt('', plain), invalidToken('PGRST301', 'Empty JWT is sent in Authorization header'));
  });

  it('counts the parts of a token that does not have three', () => {
    for (const [token, n] of [['abc', 1], ['a.b', 2], ['a.b.c.d', 4], ['a.b.c.d.e', 5], ['..', 3]] as const) {
      if (n === 3) rejects(() => decodeJwt(token, plain), cryptoFailed);
      else rejects(() => decodeJwt(token, plain), invalidToken('PGRST301', `Expected 3 parts in JWT; got ${n}`));
    }
  });

  it('refuses alg "none" with PostgREST’s details, before looking at keys or signature', () => {
    const unsecured = `${b64url('{"typ":"JWT","alg":"none"}')}.${b64url('{"role":"admin"}')}.anything`;
    const expected = invalidToken('PGRST301', 'Wrong or unsupported encoding algorithm', "JWT is unsecured but expected 'alg' was not 'none'");
    rejects(() => decodeJwt(unsecured, plain), expected);
    rejects(() => decodeJwt(`${b64url('{"alg":"none"}')}.${b64url('{}')}.`, keysFrom({ keys: [] })), expected);
    // ...but its payload must still be base64url.
    rejects(() => decodeJwt(`${b64url('{"alg":"none"}')}.@@@.x`, plain), cryptoFailed);
  });

  it('reports garbage as a failed cryptographic operation', () => {
    const cases = [
      'quifquirndsjagnrgniur.fonvoienqhhdj.iuqvnvhojah',
      `${b64url('not json')}.${b64url('{}')}.`,
      `${b64url('[1,2]')}.${b64url('{}')}.`,
      `${b64url('{"typ":"JWT"}')}.${b64url('{}')}.`,
      `${b64url('{"alg":"HS999"}')}.${b64url('{}')}.`,
      `${b64url('{"alg":"RSA-OAEP"}')}.${b64url('{}')}.`,
      `${b64url('{"alg":"HS256","enc":"A128GCM"}')}.${b64url('{}')}.`,
      `${b64url('{"alg":"HS256","kid":42}')}.${b64url('{}')}.`,
      `${b64url('{"alg":"HS256","typ":1}')}.${b64url('{}')}.`,
      `${header}.${b64url('{}')}=.`,
      `${header}.${b64url('{}')}.abc+def`,
      `${header}.${b64url('{}')}.A`,
      `${b64url(Buffer.from([0x7b, 0xff, 0x7d]))}.${b64url('{}')}.`,
    ];
    for (const token of cases) rejects(() => decodeJwt(token, plain), cryptoFailed);
  });

  it('rejects a wrong signature and a token signed with another secret', () => {
    rejects(() => decodeJwt(`${header}.${b64url('{}')}.${b64url('short')}`, plain), noneDecoded);
    rejects(() => decodeJwt(hsToken('HS256', 'another-secret-of-at-least-32-chars!', {}), plain), noneDecoded);
  });

  it('fails with PGRST303 when a correctly signed payload is not a JSON object', () => {
    const parsing = invalidToken('PGRST303', 'Parsing claims failed');
    for (const payload of ['[1]', '"role"', '42', 'null', 'not json', '', Buffer.from([0x22, 0xff, 0x22])]) {
      rejects(() => decodeJwt(hsToken('HS256', SECRET, payload), plain), parsing);
    }
    assert.deepEqual(decodeJwt(hsToken('HS256', SECRET, '{"role":"r"}\n'), plain), { role: 'r' });
    assert.deepEqual(decodeJwt(hsToken('HS256', SECRET, '{}'), plain), {});
  });
});

describe('validateClaims', () => {
  const check = (claims: Record<string, unknown>, audience?: string, now = NOW): void =>
    validateClaims(claims, now, audience);
  const claimsError = (message: string): ExpectedError => invalidToken('PGRST303', message);

  it('allows 30 seconds of skew on exp, nbf and iat, and no more', () => {
    check({ exp: NOW - 30 });
    rejects(() => check({ exp: NOW - 31 }), claimsError('JWT expired'));
    check({ nbf: NOW + 30 });
    rejects(() => check({ nbf: NOW + 31 }), claimsError('JWT not yet valid'));
    check({ iat: NOW + 30 });
    rejects(() => check({ iat: NOW + 31 }), claimsError('JWT issued at future'));
  });

  it('floors a fractional current time', () => {
    check({ exp: NOW - 30 }, undefined, NOW + 0.999);
    rejects(() => check({ exp: NOW - 30 }, undefined, NOW + 1), claimsError('JWT expired'));
  });

  it('requires exp, nbf and iat to be numbers; null counts as absent', () => {
    rejects(() => check({ exp: 'soon' }), claimsError("The JWT 'exp' claim must be a number"));
    rejects(() => check({ nbf: true }), claimsError("The JWT 'nbf' claim must be a number"));
    rejects(() => check({ iat: [1] }), claimsError("The JWT 'iat' claim must be a number"));
    check({ exp: null, nbf: null, iat: null, aud: null });
  });

  it('reads non-integral or out-of-range times as 0, as PostgREST does', () => {
    rejects(() => check({ exp: 9_999_999_999.5 }), claimsError('JWT expired'));
    rejects(() => check({ exp: 2 ** 64 }), claimsError('JWT expired'));
    check({ nbf: 9_999_999_999.5, iat: 1e30 });
  });

  it('checks exp, then nbf, then iat, then aud', () => {
    rejects(() => check({ exp: 1, nbf: 'x', aud: 5 }), claimsError('JWT expired'));
    rejects(() => check({ nbf: 'x', iat: 'y' }), claimsError("The JWT 'nbf' claim must be a number"));
    rejects(() => check({ iat: NOW + 60, aud: 5 }), claimsError('JWT issued at future'));
  });

  it('accepts any well-formed aud when jwt-aud is unset', () => {
    for (const aud of ['x', '', ['a', 'b'], [], null]) check({ aud });
  });

  it('matches aud against jwt-aud', () => {
    check({ aud: 'api' }, 'api');
    check({ aud: ['other', 'api'] }, 'api');
    check({ aud: [] }, 'api');
    check({ aud: null }, 'api');
    check({}, 'api');
    for (const aud of ['web', '', ['web'], ['web', 'mobile']]) {
      rejects(() => check({ aud }, 'api'), claimsError('JWT not in audience'));
    }
  });

  it('requires aud to be a string or an array of strings, with or without jwt-aud', () => {
    for (const aud of [{ a: 1 }, 7, true, [{ a: 1 }, 'api'], ['api', 3]]) {
      rejects(() => check({ aud }), claimsError("The JWT 'aud' claim must be a string or an array of strings"));
      rejects(() => check({ aud }, 'api'), claimsError("The JWT 'aud' claim must be a string or an array of strings"));
    }
  });
});

describe('verifyJwt', () => {
  it('decodes, then validates against the given time and audience', () => {
    const token = hsToken('HS256', SECRET, { role: 'r', exp: NOW + 10, aud: 'api' });
    assert.deepEqual(verifyJwt(token, plain, NOW, { audience: 'api' }), { role: 'r', exp: NOW + 10, aud: 'api' });
    rejects(() => verifyJwt(token, plain, NOW + 41), invalidToken('PGRST303', 'JWT expired'));
    rejects(() => verifyJwt(token, plain, NOW, { audience: 'web' }), invalidToken('PGRST303', 'JWT not in audience'));
  });
});

describe('decodeJwt: properties', () => {
  const part = fc.oneof(fc.string(), fc.base64String().map((t) => t.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')));
  const tokenLike = fc.oneof(fc.string(), fc.array(part, { minLength: 1, maxLength: 5 }).map((p) => p.join('.')));

  it('only ever throws PGRST301/PGRST303 ApiErrors with a matching WWW-Authenticate header', () => {
    fc.assert(
      fc.property(tokenLike, (token) => {
        try {
          decodeJwt(token, plain);
          return false; // a random string is never correctly signed
        } catch (e) {
          return (
            e instanceof ApiError &&
            (e.code === 'PGRST301' || e.code === 'PGRST303') &&
            e.status === 401 &&
            e.headers['WWW-Authenticate'] === `Bearer error="invalid_token", error_description="${e.message}"`
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any JSON object payload through a correctly signed token', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (claims) => {
        const decoded = decodeJwt(hsToken('HS256', SECRET, claims), plain);
        assert.deepEqual(decoded, JSON.parse(JSON.stringify(claims)));
      }),
      { numRuns: 300 },
    );
  });
});
