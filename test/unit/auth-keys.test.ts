// Unit tests for src/auth/keys.ts: how jwt-secret / jwt-secret-is-base64 become a key set.
// Tokens are built with keys generated at test time; no database, no HTTP.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeJwt } from '../../src/auth/jwt.js';
import { buildKeySet, type KeySet } from '../../src/auth/keys.js';
import { assertApiError, asymToken, hsToken, invalidToken, testKeys } from '../support/tokens.js';

const SECRET = 'a-plain-shared-secret-of-32-chars';

function keySet(jwtSecret: string | Uint8Array | undefined, jwtSecretIsBase64 = false): KeySet {
  const ks = buildKeySet({ jwtSecret, jwtSecretIsBase64 });
  assert.ok(ks !== undefined);
  return ks;
}

describe('buildKeySet: plain secrets', () => {
  it('returns undefined when no secret (or an empty one) is configured', () => {
    assert.equal(buildKeySet({ jwtSecretIsBase64: false }), undefined);
    assert.equal(buildKeySet({ jwtSecret: '', jwtSecretIsBase64: false }), undefined);
  });

  it('rejects secrets shorter than 32 bytes with PostgREST’s message', () => {
    assert.throws(() => buildKeySet({ jwtSecret: 'x'.repeat(31), jwtSecretIsBase64: false }), {
      message: 'The JWT secret must be at least 32 characters long.',
    });
  });

  it('counts bytes, not characters (16 two-byte characters are enough)', () => {
    const ks = keySet('é'.repeat(16));
    assert.equal(ks.source, 'secret');
    assert.deepEqual(decodeJwt(hsToken('HS256', 'é'.repeat(16), { a: 1 }), ks), { a: 1 });
  });

  it('registers a plain secret as an HS256 key only', () => {
    const ks = keySet(SECRET);
    assert.equal(ks.keys.length, 1);
    assert.equal(ks.keys[0]?.alg, 'HS256');
    assert.deepEqual(decodeJwt(hsToken('HS256', SECRET, { role: 'x' }), ks), { role: 'x' });
    for (const alg of ['HS384', 'HS512'] as const) {
      assert.throws(
        () => decodeJwt(hsToken(alg, SECRET, { role: 'x' }), ks),
        (e) => assertApiError(e, invalidToken('PGRST301', 'No suitable key or wrong key type', 'No suitable key was found to decode the JWT')),
      );
    }
  });

  it('accepts raw bytes (binary secrets read from a file)', () => {
    const bytes = randomBytes(40);
    assert.deepEqual(decodeJwt(hsToken('HS256', bytes, { b: true }), keySet(bytes)), { b: true });
  });

  it('prefers already decoded key bytes (jwtSecretBytes) over jwtSecret and jwtSecretIsBase64', () => {
    const bytes = randomBytes(48);
    const ks = buildKeySet({ jwtSecret: '@/some/file', jwtSecretIsBase64: true, jwtSecretBytes: bytes });
    assert.ok(ks !== undefined);
    assert.deepEqual(decodeJwt(hsToken('HS256', bytes, { bin: 1 }), ks), { bin: 1 });
    assert.equal(buildKeySet({ jwtSecretIsBase64: false, jwtSecretBytes: new Uint8Array() }), undefined);
  });

  it('uses a secret that happens to be a JSON scalar as a plain secret, without warning', () => {
    const numeric = '1234567890'.repeat(4);
    const ks = keySet(numeric);
    assert.equal(ks.source, 'secret');
    assert.equal(ks.warning, undefined);
  });
});

describe('buildKeySet: base64 secrets', () => {
  const bytes = Buffer.from('0123456789abcdef0123456789abcdef!?', 'latin1');

  it('decodes standard base64', () => {
    const ks = keySet(bytes.toString('base64'), true);
    assert.deepEqual(decodeJwt(hsToken('HS256', bytes, { ok: 1 }), ks), { ok: 1 });
  });

  it('normalises the url-safe alphabet, "." as padding and surrounding white space', () => {
    const binary = Buffer.from([0xfb, 0xff, 0xbf, ...randomBytes(33)]);
    const urlSafe = binary.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '.');
    assert.match(urlSafe, /[-_]/);
    const ks = keySet(`  ${urlSafe}\n`, true);
    assert.deepEqual(decodeJwt(hsToken('HS256', binary, { ok: 2 }), ks), { ok: 2 });
  });

  it('rejects text that is not base64, and unpadded input', () => {
    assert.throws(() => buildKeySet({ jwtSecret: 'no base-64!', jwtSecretIsBase64: true }), /not valid base64/);
    const unpadded = Buffer.from('x'.repeat(34)).toString('base64').replace(/=+$/, '');
    assert.throws(() => buildKeySet({ jwtSecret: unpadded, jwtSecretIsBase64: true }), /not valid base64/);
  });

  it('applies the 32-byte minimum to the decoded bytes', () => {
    const short = Buffer.from('y'.repeat(31)).toString('base64');
    assert.ok(short.length >= 32);
    assert.throws(() => buildKeySet({ jwtSecret: short, jwtSecretIsBase64: true }), {
      message: 'The JWT secret must be at least 32 characters long.',
    });
  });

  it('accepts a base64-encoded JWK', () => {
    const jwk = JSON.stringify(testKeys.rsa.publicJwk);
    const ks = keySet(Buffer.from(jwk).toString('base64'), true);
    assert.equal(ks.source, 'jwk');
    assert.deepEqual(decodeJwt(asymToken('RS256', testKeys.rsa.privateKey, { r: 1 }), ks), { r: 1 });
  });
});

describe('buildKeySet: JWK and JWKS', () => {
  it('accepts a single JWK, public or private', () => {
    for (const jwk of [testKeys.p256.publicJwk, testKeys.p256.privateJwk]) {
      const ks = keySet(JSON.stringify(jwk));
      assert.equal(ks.source, 'jwk');
      assert.equal(ks.keys[0]?.kind, 'ec');
      assert.deepEqual(decodeJwt(asymToken('ES256', testKeys.p256.privateKey, { e: 1 }), ks), { e: 1 });
    }
  });

  it('accepts a JWKS and keeps every kid', () => {
    const ks = keySet(
      JSON.stringify({
        keys: [
          { ...testKeys.rsa.publicJwk, kid: 'one', use: 'sig' },
          { ...testKeys.ed25519.publicJwk, kid: 'two' },
          { kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), kid: 'three', alg: 'HS512' },
        ],
      }),
    );
    assert.equal(ks.source, 'jwks');
    assert.deepEqual(ks.keys.map((k) => [k.kind, k.kid]), [['rsa', 'one'], ['okp', 'two'], ['oct', 'three']]);
    assert.equal(ks.keys[1]?.alg, 'EdDSA');
  });

  it('keeps keys of unknown type or algorithm as unusable entries', () => {
    const ks = keySet(JSON.stringify({ keys: [{ kty: 'XYZ' }, { ...testKeys.rsa.publicJwk, alg: 'PS256' }] }));
    assert.deepEqual(ks.keys.map((k) => k.kind), ['unsupported', 'unsupported']);
  });

  it('accepts an empty JWKS (every token then lacks a suitable key)', () => {
    const ks = keySet('{"keys": []}');
    assert.equal(ks.keys.length, 0);
    assert.throws(
      () => decodeJwt(hsToken('HS256', SECRET, {}), ks),
      (e) => assertApiError(e, invalidToken('PGRST301', 'No suitable key or wrong key type', 'No suitable key was found to decode the JWT')),
    );
  });

  it('falls back to a plain HMAC secret, with a warning, when JSON is not a valid JWK or JWKS', () => {
    const brokenJwk = JSON.stringify({ kty: 'RSA', e: 'AQAB', comment: 'the modulus is missing here' });
    const ks = keySet(brokenJwk);
    assert.equal(ks.source, 'secret');
    assert.match(ks.warning ?? '', /not a valid JWK or JWKS \(n and e are required/);
    assert.deepEqual(decodeJwt(hsToken('HS256', brokenJwk, { s: 1 }), ks), { s: 1 });

    const brokenSet = JSON.stringify({ keys: [testKeys.rsa.publicJwk, { kty: 'EC', crv: 'P-999', x: 'AA', y: 'AA' }] });
    const ks2 = keySet(brokenSet);
    assert.equal(ks2.source, 'secret');
    assert.match(ks2.warning ?? '', /crv must be a valid EC curve name/);
  });

  it('rejects an OKP key whose private part does not match its public part', () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const ks = keySet(JSON.stringify({ ...testKeys.ed25519.privateJwk, x: other.x }));
    assert.equal(ks.source, 'secret');
    assert.match(ks.warning ?? '', /Public key x doesn't match private key d/);
    const ok = keySet(JSON.stringify(testKeys.ed25519.privateJwk));
    assert.equal(ok.source, 'jwk');
  });

  it('rejects JWK fields of the wrong type (kid must be a string, use sig/enc)', () => {
    assert.equal(keySet(JSON.stringify({ ...testKeys.rsa.publicJwk, kid: 7 })).source, 'secret');
    assert.equal(keySet(JSON.stringify({ ...testKeys.rsa.publicJwk, use: 'both' })).source, 'secret');
  });
});
