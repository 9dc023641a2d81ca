// Decodes and verifies a compact JWS against a KeySet with PostgREST's failure order and messages
// (PGRST301/303). Synchronous node:crypto only; it never caches, reads config or looks at roles.
import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { pgrst301JwtDecode, pgrst303JwtClaims } from '../errors/catalogue.js';
import { type JwtClaims, validateClaims } from './jwt-claims.js';
import { decodeBase64Url, type KeySet, type VerificationKey } from './keys.js';

export type { JwtClaims } from './jwt-claims.js';

/** The signature algorithms PostgREST verifies. PS256/384/512 are not among them. */
export type JwsAlgorithm =
  | 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

interface AlgorithmSpec {
  readonly keyKind: 'oct' | 'rsa' | 'ec' | 'okp';
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
}

const ALGORITHMS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = {
  HS256: { keyKind: 'oct', hash: 'sha256' },
  HS384: { keyKind: 'oct', hash: 'sha384' },
  HS512: { keyKind: 'oct', hash: 'sha512' },
  RS256: { keyKind: 'rsa', hash: 'sha256' },
  RS384: { keyKind: 'rsa', hash: 'sha384' },
  RS512: { keyKind: 'rsa', hash: 'sha512' },
  ES256: { keyKind: 'ec', hash: 'sha256' },
  ES384: { keyKind: 'ec', hash: 'sha384' },
  ES512: { keyKind: 'ec', hash: 'sha512' },
  EdDSA: { keyKind: 'okp', hash: null },
};

interface JwsHeader {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
}

/** The details PostgREST passes through from its JWT library for key and algorithm failures. */
export const KEY_DETAILS = {
  noneDecoded: 'None of the keys was able to decode the JWT',
  noneSuitable: 'No suitable key was found to decode the JWT',
  unsecured: "JWT is unsecured but expected 'alg' was not 'none'",
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJsonBytes(bytes: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

function cryptoFailure(): never {
  throw pgrst301JwtDecode({ kind: 'bad-crypto' });
}

function decodePart(text: string): Buffer {
  return decodeBase64Url(text) ?? cryptoFailure();
}

// An optional header field must be a string when present and not null.
function optionalHeaderString(header: Record<string, unknown>, field: string): string | undefined {
  const v = header[field];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : cryptoFailure();
}

function parseHeader(headerPart: string, payloadPart: string): JwsHeader {
  const header = parseJsonBytes(decodePart(headerPart));
  if (!isPlainObject(header)) cryptoFailure();
  if (header['alg'] === 'none') {
    // Unsecured tokens are refused once their payload has been read; the signature is never looked at.
    decodePart(payloadPart);
    throw pgrst301JwtDecode({ kind: 'bad-algorithm', details: KEY_DETAILS.unsecured });
  }
  // A header with "enc" is a JWE, which cannot have only three parts.
  if (Object.hasOwn(header, 'enc')) cryptoFailure();
  const alg = header['alg'];
  if (typeof alg !== 'string' || !Object.hasOwn(ALGORITHMS, alg)) cryptoFailure();
  optionalHeaderString(header, 'typ');
  optionalHeaderString(header, 'cty');
  return { alg: alg as JwsAlgorithm, kid: optionalHeaderString(header, 'kid') };
}

function canVerify(header: JwsHeader, key: VerificationKey): boolean {
  return (
    key.use !== 'enc' &&
    (header.kid === undefined || key.kid === header.kid) &&
    (key.alg === undefined || key.alg === header.alg) &&
    key.kind === ALGORITHMS[header.alg].keyKind
  );
}

function verifyAsymmetric(spec: AlgorithmSpec, key: KeyObject | null, data: Buffer, sig: Buffer): boolean {
  if (key === null) return false;
  try {
    const target = spec.keyKind === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
    return verify(spec.hash, data, target, sig);
  } catch {
    return false;
  }
}

function verifyWith(header: JwsHeader, key: VerificationKey, signingInput: string, sig: Buffer): boolean {
  const spec = ALGORITHMS[header.alg];
  switch (key.kind) {
    case 'oct': {
      const mac = createHmac(spec.hash!, key.secret).update(signingInput).digest();
      return mac.length === sig.length && timingSafeEqual(mac, sig);
    }
    case 'rsa':
    case 'ec':
    case 'okp':
      return verifyAsymmetric(spec, key.key, Buffer.from(signingInput, 'latin1'), sig);
    case 'unsupported':
      return false;
  }
}

/**
 * Verifies the signature and returns the claims object. Throws PGRST301 for decode/signature failures
 * and PGRST303 "Parsing claims failed" when a correctly signed payload is not a JSON object.
 * Time and audience claims are NOT checked here (see validateClaims), so results may be cached.
 */
export function decodeJwt(token: string, keySet: KeySet): JwtClaims {
  if (token === '') throw pgrst301JwtDecode({ kind: 'empty-auth-header' });
  const parts = token.split('.');
  if (parts.length !== 3) throw pgrst301JwtDecode({ kind: 'unexpected-parts', parts: parts.length });
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseHeader(headerPart, payloadPart);
  const payload = decodePart(payloadPart);
  const signature = decodePart(signaturePart);
  const candidates = keySet.keys.filter((k) => canVerify(header, k));
  if (candidates.length === 0) throw pgrst301JwtDecode({ kind: 'key-error', details: KEY_DETAILS.noneSuitable });
  const signingInput = headerPart + '.' + payloadPart;
  if (!candidates.some((k) => verifyWith(header, k, signingInput, signature))) {
    throw pgrst301JwtDecode({ kind: 'key-error', details: KEY_DETAILS.noneDecoded });
  }
  const claims = parseJsonBytes(payload);
  if (!isPlainObject(claims)) throw pgrst303JwtClaims('parsing-claims-failed');
  return claims;
}

/** Options for verifyJwt: `audience` is jwt-aud. */
export interface VerifyOptions {
  readonly audience?: string | undefined;
}

/** decodeJwt, then validateClaims at `nowSeconds` (30 s skew) against jwt-aud. Throws ApiError on failure. */
export function verifyJwt(token: string, keySet: KeySet, nowSeconds: number, options: VerifyOptions = {}): JwtClaims {
  const claims = decodeJwt(token, keySet);
  validateClaims(claims, nowSeconds, options.audience);
  return claims;
}
