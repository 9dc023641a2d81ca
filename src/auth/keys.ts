// Turns jwt-secret / jwt-secret-is-base64 into the verification key set, with PostgREST's rules: JWKS,
// then single JWK, else a plain HS256 secret of at least 32 bytes. Throws Error on bad config; never reads files.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** Every `alg` value PostgREST's JWT library knows; a JWK naming another one is kept but never used. */
const KNOWN_ALGS: ReadonlySet<string> = new Set([
  'none', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
  'RSA1_5', 'RSA-OAEP', 'RSA-OAEP-256', 'A128KW', 'A192KW', 'A256KW',
]);
const KNOWN_KTYS: ReadonlySet<string> = new Set(['RSA', 'EC', 'OKP', 'oct']);
const EC_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);
const RSA_PRIVATE_PARAMS = ['p', 'q', 'dp', 'dq', 'qi'] as const;
const MIN_SECRET_BYTES = 32;

/** Metadata every usable key carries; `kid`, `use` and `alg` restrict which tokens it may verify. */
interface KeyMeta {
  readonly kid: string | undefined;
  readonly use: 'sig' | 'enc' | undefined;
  readonly alg: string | undefined;
}

/** One verification key. RSA/EC keys the platform cannot import are kept with `key: null` (never verify). */
export type VerificationKey =
  | (KeyMeta & { readonly kind: 'oct'; readonly secret: Buffer })
  | (KeyMeta & { readonly kind: 'rsa'; readonly key: KeyObject | null })
  | (KeyMeta & { readonly kind: 'ec'; readonly key: KeyObject | null })
  | (KeyMeta & { readonly kind: 'okp'; readonly key: KeyObject })
  | (KeyMeta & { readonly kind: 'unsupported' });

/** The keys a token may be verified with, and where they came from. */
export interface KeySet {
  readonly source: 'secret' | 'jwk' | 'jwks';
  readonly keys: readonly VerificationKey[];
  /** Set when jwt-secret was JSON but not a valid JWK/JWKS, so it became a plain secret (worth a log line). */
  readonly warning?: string;
}

/** jwt-secret (text or raw bytes) and jwt-secret-is-base64, or the already decoded key bytes. */
export interface KeyConfig {
  readonly jwtSecret?: string | Uint8Array | undefined;
  readonly jwtSecretIsBase64: boolean;
  /** Key bytes after `@file` and base64 decoding (config/load.ts fills this); wins over the two fields above. */
  readonly jwtSecretBytes?: Uint8Array | undefined;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };
type JsonObject = { readonly [k: string]: Json };

class JwkError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes unpadded base64url the way PostgREST's JWT library does; undefined when malformed. */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (text.length % 4 === 1 || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  return Buffer.from(text, 'base64url');
}

/**
 * Decodes jwt-secret as PostgREST does when jwt-secret-is-base64 is set: standard padded base64 after mapping the
 * url-safe alphabet back (`-_` as `+/`, `.` as padding), outer white space ignored; undefined when invalid.
 * Also used by config/secret.ts when the configuration loads.
 */
export function decodeSecretBase64(raw: string): Buffer | undefined {
  const text = raw.replace(/-/g, '+').replace(/_/g, '/').replace(/\./g, '=').trim();
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function optionalString(jwk: JsonObject, field: string): string | undefined {
  const v = jwk[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new JwkError(`'${field}' must be a string`);
  return v;
}

function optionalBytes(jwk: JsonObject, field: string): Buffer | undefined {
  const text = optionalString(jwk, field);
  if (text === undefined) return undefined;
  const bytes = decodeBase64Url(text);
  if (bytes === undefined) throw new JwkError(`'${field}' is not base64url`);
  return bytes;
}

function present(jwk: JsonObject, fields: readonly string[]): boolean {
  return fields.every((f) => optionalBytes(jwk, f) !== undefined);
}

function tryImport(jwk: Record<string, string>): KeyObject | null {
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
}

function okpKey(jwk: JsonObject, crv: string, x: string): KeyObject {
  if (crv !== 'Ed25519' && crv !== 'Ed448') throw new JwkError('Unknown or unsupported OKP type');
  const size = crv === 'Ed25519' ? 32 : 57;
  const d = optionalString(jwk, 'd');
  const xBytes = decodeBase64Url(x);
  if (xBytes?.length !== size || (d !== undefined && decodeBase64Url(d)?.length !== size)) {
    throw new JwkError('Invalid OKP key data');
  }
  let key: KeyObject;
  let derivedX: Buffer | undefined;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv, x }, format: 'jwk' });
    if (d !== undefined) {
      const derived = createPublicKey(createPrivateKey({ key: { kty: 'OKP', crv, x, d }, format: 'jwk' }));
      derivedX = decodeBase64Url(derived.export({ format: 'jwk' }).x ?? '');
    }
  } catch {
    throw new JwkError('Invalid OKP key data');
  }
  if (d !== undefined && !derivedX?.equals(xBytes)) throw new JwkError("Public key x doesn't match private key d");
  return key;
}

/** Parses one JWK with the acceptance rules of PostgREST's JWT library; throws JwkError when it rejects it. */
function parseJwk(value: Json): VerificationKey {
  if (!isObject(value)) throw new JwkError('a JWK must be a JSON object');
  const algValue = value['alg'] ?? null;
  const ktyValue = value['kty'] ?? null;
  const algOk = algValue === null || (typeof algValue === 'string' && KNOWN_ALGS.has(algValue));
  const ktyOk = ktyValue === null || (typeof ktyValue === 'string' && KNOWN_KTYS.has(ktyValue));
  const unsupported: VerificationKey = { kind: 'unsupported', kid: undefined, use: undefined, alg: undefined };
  if (!algOk || !ktyOk) return unsupported;
  if (ktyValue === null) throw new JwkError("'kty' is required");
  // Field types are checked for every field, as a typed JSON decoding would.
  for (const f of ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'x', 'y']) optionalBytes(value, f);
  for (const f of ['crv', 'x5u', 'x5t']) optionalString(value, f);
  const x5c = value['x5c'] ?? null;
  if (x5c !== null && !(Array.isArray(x5c) && x5c.every((c) => typeof c === 'string'))) {
    throw new JwkError("'x5c' must be an array of strings");
  }
  const useText = optionalString(value, 'use');
  if (useText !== undefined && useText !== 'sig' && useText !== 'enc') {
    throw new JwkError("'use' value must be either 'sig' or 'enc'");
  }
  const alg = typeof algValue === 'string' ? algValue : undefined;
  const meta: KeyMeta = { kid: optionalString(value, 'kid'), use: useText, alg };
  const text = (f: string): string | undefined => optionalString(value, f);
  const crv = text('crv');
  const rsaParams = ['n', 'e', ...RSA_PRIVATE_PARAMS];
  switch (ktyValue) {
    case 'oct': {
      const k = optionalBytes(value, 'k');
      if (k === undefined) throw new JwkError('k is required for a symmetric key');
      if (present(value, ['n', 'e', 'd', ...RSA_PRIVATE_PARAMS])) {
        throw new JwkError("RSA parameters can't be set for a symmetric key");
      }
      if (crv !== undefined || present(value, ['x', 'y'])) throw new JwkError("EC parameters can't be set here");
      return { ...meta, kind: 'oct', secret: k };
    }
    case 'RSA': {
      const n = text('n');
      const e = text('e');
      if (n === undefined || e === undefined) throw new JwkError('n and e are required for an RSA key');
      if (crv !== undefined || present(value, ['x', 'y'])) throw new JwkError("EC parameters can't be set here");
      if (text('d') === undefined && present(value, RSA_PRIVATE_PARAMS)) {
        throw new JwkError("RSA private parameters can't be set for a public key");
      }
      return { ...meta, kind: 'rsa', key: tryImport({ kty: 'RSA', n, e }) };
    }
    case 'EC': {
      if (crv === undefined) throw new JwkError('crv is required for an elliptic curve key');
      if (!EC_CURVES.has(crv)) throw new JwkError('crv must be a valid EC curve name');
      const x = text('x');
      const y = text('y');
      if (x === undefined || y === undefined) throw new JwkError('x and y are required for an EC key');
      if (present(value, rsaParams)) throw new JwkError("RSA parameters can't be set for an EC key");
      return { ...meta, kind: 'ec', key: tryImport({ kty: 'EC', crv, x, y }) };
    }
    default: {
      // OKP keys always carry use "sig" and alg "EdDSA", whatever the JSON says.
      if (crv === undefined) throw new JwkError('crv is required for an OKP key');
      const x = text('x');
      if (x === undefined) throw new JwkError('x is required for an OKP key');
      if (present(value, rsaParams)) throw new JwkError("RSA parameters can't be set for an OKP key");
      return { kid: meta.kid, use: 'sig', alg: 'EdDSA', kind: 'okp', key: okpKey(value, crv, x) };
    }
  }
}

function parseJwks(value: Json): readonly VerificationKey[] {
  if (!isObject(value)) throw new JwkError('a JWKS must be a JSON object');
  const keys = value['keys'];
  if (!Array.isArray(keys)) throw new JwkError("a JWKS needs a 'keys' array");
  return keys.map(parseJwk);
}

/** The keys of a JWK Set document (e.g. fetched from jwt-jwks-url); throws Error when it is not a valid JWK Set. */
export function parseJwkSetText(text: string): readonly VerificationKey[] {
  const json = parseJson(Buffer.from(text, 'utf8'));
  if (json === undefined) throw new Error('not valid JSON');
  try {
    return parseJwks(json);
  } catch (e) {
    if (e instanceof JwkError) throw new Error(`not a valid JWK Set: ${e.message}`);
    throw e;
  }
}

function parseJson(bytes: Buffer): Json | undefined {
  try {
    return JSON.parse(utf8.decode(bytes)) as Json;
  } catch {
    return undefined;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Builds the key set from config; undefined when no secret is configured (tokens then get PGRST300). */
export function buildKeySet(config: KeyConfig): KeySet | undefined {
  const raw = config.jwtSecretBytes ?? config.jwtSecret;
  if (raw === undefined || raw.length === 0) return undefined;
  let bytes: Buffer;
  if (config.jwtSecretBytes !== undefined) {
    bytes = Buffer.from(config.jwtSecretBytes);
  } else if (config.jwtSecretIsBase64) {
    const decoded = decodeSecretBase64(typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1'));
    if (decoded === undefined) throw new Error('The JWT secret is not valid base64 (jwt-secret-is-base64 is true).');
    bytes = decoded;
  } else {
    bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
  }
  const json = parseJson(bytes);
  let warning: string | undefined;
  if (json !== undefined) {
    try {
      return { source: 'jwks', keys: parseJwks(json) };
    } catch (jwksError) {
      if (!(jwksError instanceof JwkError)) throw jwksError;
      try {
        return { source: 'jwk', keys: [parseJwk(json)] };
      } catch (jwkError) {
        if (!(jwkError instanceof JwkError)) throw jwkError;
        if (isObject(json)) {
          const why = 'keys' in json ? errorText(jwksError) : errorText(jwkError);
          warning = `jwt-secret is JSON but not a valid JWK or JWKS (${why}); using it as a plain HMAC secret`;
        }
      }
    }
  }
  if (bytes.length < MIN_SECRET_BYTES) throw new Error('The JWT secret must be at least 32 characters long.');
  const secret: VerificationKey = { kind: 'oct', kid: undefined, use: 'sig', alg: 'HS256', secret: bytes };
  return warning === undefined ? { source: 'secret', keys: [secret] } : { source: 'secret', keys: [secret], warning };
}
