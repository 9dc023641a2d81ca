// jwt-secret checks done when the configuration loads: base64 decoding with PostgREST's rules (the auth module's
// decoder) and the 32-byte minimum (skipped for JWK/JWKS JSON). Turning the bytes into verification keys is the
// auth module's job.

import { decodeSecretBase64 } from '../auth/keys.js';
import { ConfigError } from './config-error.js';

/** The key bytes for a secret as configured; throws ConfigError when base64 is invalid or the secret is short. */
export function secretKeyBytes(secret: Uint8Array, isBase64: boolean): Uint8Array {
  let bytes = secret;
  if (isBase64) {
    const decoded = decodeSecretBase64(Buffer.from(secret).toString('utf8'));
    if (decoded === undefined) throw new ConfigError('jwt-secret: invalid base64 encoding', 'jwt-secret');
    bytes = decoded;
  }
  if (bytes.length < 32 && !isJwkJson(bytes)) {
    throw new ConfigError('jwt-secret: The JWT secret must be at least 32 characters long.', 'jwt-secret');
  }
  return bytes;
}

/** True when the bytes are JSON shaped like a JWK (has "kty") or a JWK set (has a "keys" array). */
export function isJwkJson(bytes: Uint8Array): boolean {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return Array.isArray(record['keys']) || typeof record['kty'] === 'string';
}
