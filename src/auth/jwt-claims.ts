// Validates decoded JWT claims against the clock and jwt-aud, in PostgREST's order (exp, nbf, iat, aud)
// with its 30 s skew. Pure: the current time is a parameter; it never decodes or verifies tokens.
import { pgrst303JwtClaims } from '../errors/catalogue.js';

/** A decoded JWT payload: always a JSON object. */
export type JwtClaims = Readonly<Record<string, unknown>>;

/** Seconds of clock skew PostgREST tolerates on exp, nbf and iat. */
export const ALLOWED_SKEW_SECONDS = 30;

const INT64_LIMIT = 2 ** 63;

// PostgREST reads time claims as 64-bit integers; a fraction or an out-of-range number counts as 0.
function asInt64(value: number): number {
  return Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT ? value : 0;
}

// undefined: claim absent or null (skipped); 'invalid': present but not a number.
function numberClaim(claims: JwtClaims, name: string): number | undefined | 'invalid' {
  if (!Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? asInt64(value) : 'invalid';
}

/**
 * Throws PGRST303 (401) for the first failing check: exp, nbf, iat (30 s skew), then aud.
 * `audience` is jwt-aud; when unset any well-formed aud is accepted.
 */
export function validateClaims(claims: JwtClaims, nowSeconds: number, audience: string | undefined): void {
  const now = Math.floor(nowSeconds);
  const exp = numberClaim(claims, 'exp');
  if (exp === 'invalid') throw pgrst303JwtClaims('exp-not-number');
  if (exp !== undefined && now - ALLOWED_SKEW_SECONDS > exp) throw pgrst303JwtClaims('expired');
  const nbf = numberClaim(claims, 'nbf');
  if (nbf === 'invalid') throw pgrst303JwtClaims('nbf-not-number');
  if (nbf !== undefined && now + ALLOWED_SKEW_SECONDS < nbf) throw pgrst303JwtClaims('not-yet-valid');
  const iat = numberClaim(claims, 'iat');
  if (iat === 'invalid') throw pgrst303JwtClaims('iat-not-number');
  if (iat !== undefined && now + ALLOWED_SKEW_SECONDS < iat) throw pgrst303JwtClaims('issued-at-future');
  if (!Object.hasOwn(claims, 'aud')) return;
  const aud = claims['aud'];
  if (aud === null || aud === undefined) return;
  if (typeof aud === 'string') {
    if (audience !== undefined && aud !== audience) throw pgrst303JwtClaims('not-in-audience');
    return;
  }
  if (!Array.isArray(aud) || !aud.every((a) => typeof a === 'string')) {
    throw pgrst303JwtClaims('aud-not-string-or-array');
  }
  // An empty array means "any audience", as PostgREST documents.
  if (audience !== undefined && aud.length > 0 && !aud.includes(audience)) throw pgrst303JwtClaims('not-in-audience');
}
