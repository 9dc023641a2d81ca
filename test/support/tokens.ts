// Test helpers for tokens: build compact JWS tokens (well-formed or deliberately broken)
// with node:crypto keys generated at test time. Not a test file itself; nothing here is used by src/.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { ApiError } from '../../src/errors/api-error.js';

/** base64url without padding, of a string (UTF-8) or bytes. */
export function b64url(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}

/** Joins base64url(header JSON), base64url(payload) and the signature that `signer` returns. */
export function makeToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string | Uint8Array,
  signer: (input: Buffer) => Buffer,
): string {
  const body = typeof payload === 'object' && !(payload instanceof Uint8Array) ? JSON.stringify(payload) : payload;
  const input = `${b64url(JSON.stringify(header))}.${b64url(body)}`;
  return `${input}.${b64url(signer(Buffer.from(input, 'latin1')))}`;
}

const HASHES = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** An HMAC-signed token; `key` is the raw secret. */
export function hsToken(
  alg: keyof typeof HASHES,
  key: string | Uint8Array,
  payload: Record<string, unknown> | string | Uint8Array,
  extraHeader: Record<string, unknown> = {},
): string {
  return makeToken({ alg, typ: 'JWT', ...extraHeader }, payload, (input) =>
    createHmac(HASHES[alg], key).update(input).digest(),
  );
}

export type AsymmetricAlg = 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

const ASYM_HASH: Readonly<Record<AsymmetricAlg, string | null>> = {
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', EdDSA: null,
};

/** A token signed with a node:crypto private key (ECDSA signatures in JOSE's r||s form). */
export function asymToken(
  alg: AsymmetricAlg,
  privateKey: KeyObject,
  payload: Record<string, unknown> | string,
  extraHeader: Record<string, unknown> = {},
): string {
  return makeToken({ alg, ...extraHeader }, payload, (input) =>
    alg.startsWith('ES')
      ? sign(ASYM_HASH[alg], input, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(ASYM_HASH[alg], input, privateKey),
  );
}

export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, string>;
  readonly privateJwk: Record<string, string>;
}

function pair(kp: { privateKey: KeyObject; publicKey: KeyObject }): TestKeyPair {
  return {
    privateKey: kp.privateKey,
    publicJwk: kp.publicKey.export({ format: 'jwk' }) as Record<string, string>,
    privateJwk: kp.privateKey.export({ format: 'jwk' }) as Record<string, string>,
  };
}

/** Fresh key pairs, generated once per test process. */
export const testKeys = {
  rsa: pair(generateKeyPairSync('rsa', { modulusLength: 2048 })),
  rsa2: pair(generateKeyPairSync('rsa', { modulusLength: 2048 })),
  p256: pair(generateKeyPairSync('ec', { namedCurve: 'P-256' })),
  p384: pair(generateKeyPairSync('ec', { namedCurve: 'P-384' })),
  p521: pair(generateKeyPairSync('ec', { namedCurve: 'P-521' })),
  ed25519: pair(generateKeyPairSync('ed25519')),
  ed448: pair(generateKeyPairSync('ed448')),
};

/** What an ApiError should carry; `header` is the expected WWW-Authenticate value (undefined: absent). */
export interface ExpectedError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly header?: string | undefined;
}

/** Asserts that `e` is an ApiError with exactly these fields. */
export function assertApiError(e: unknown, expected: ExpectedError): true {
  assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
  assert.equal(e.status, expected.status);
  assert.equal(e.code, expected.code);
  assert.equal(e.message, expected.message);
  assert.deepEqual(e.details, expected.details ?? null);
  assert.equal(e.hint, null);
  assert.equal(e.headers['WWW-Authenticate'], expected.header);
  return true;
}

/** The expected PGRST301/303 shape, with the WWW-Authenticate header PostgREST adds. */
export function invalidToken(code: 'PGRST301' | 'PGRST303', message: string, details: string | null = null): ExpectedError {
  return {
    status: 401,
    code,
    message,
    details,
    header: `Bearer error="invalid_token", error_description="${message}"`,
  };
}
