// Builds JSON Web Tokens for the suite: correctly signed HS256 tokens and deliberately broken ones (the hostile corpus
// and the role-claim injection). Test-only; the server's own verification lives in src/auth.
import { createHmac } from 'node:crypto';

/** The secret every server of the suite is started with (at least 32 characters, as PostgREST requires). */
export const JWT_SECRET = 'reliability-suite-secret-0123456789abcdef';

export const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** Signs `header.payload` with HMAC-SHA256 (or the given hash) and returns the compact token. */
export function signRaw(header: string, payload: string, secret = JWT_SECRET, hash = 'sha256'): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** A valid HS256 token carrying `claims` (no expiry unless given). */
export function signJwt(claims: Record<string, unknown>, secret = JWT_SECRET): string {
  return signRaw(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), JSON.stringify(claims), secret);
}
