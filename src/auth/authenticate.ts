// The auth stage: Authorization header → {role, claims} with PostgREST's rules (Bearer extraction, JWT
// cache, claim validation, role claim, anon fallback). Pure and database-free; errors are ApiError.
import { pgrst300JwtSecretMissing, pgrst302JwtTokenRequired } from '../errors/catalogue.js';
import { type CacheListener, type CacheStats, SieveCache } from './cache.js';
import { decodeJwt, type JwtClaims } from './jwt.js';
import { validateClaims } from './jwt-claims.js';
import { buildKeySet, type KeySet } from './keys.js';
import { extractRole, parseRoleClaimKey, type RoleClaimPath } from './role-claim.js';

/** The config keys the auth stage reads. */
export interface AuthConfig {
  readonly jwtSecret?: string | Uint8Array | undefined;
  readonly jwtSecretIsBase64: boolean;
  /** Key bytes after `@file` and base64 decoding; when set, jwtSecret/jwtSecretIsBase64 are not read. */
  readonly jwtSecretBytes?: Uint8Array | undefined;
  readonly jwtAud?: string | undefined;
  readonly jwtRoleClaimKey: string;
  readonly jwtCacheMaxEntries: number;
  readonly dbAnonRole?: string | undefined;
}

/**
 * The outcome of authentication. `claims` is exactly what goes into `request.jwt.claims`: the token's
 * claims with `role` set to the effective role (`{"role": anon}` without a token). `authenticated` is
 * false when the effective role is db-anon-role, which is how PostgREST picks 401 over 403 for 42501.
 */
export interface AuthResult {
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly authenticated: boolean;
}

/** A configured authenticator; build a new one when the config reloads (that also resets the cache). */
export interface Authenticator {
  authenticate(authorizationHeader: string | undefined, nowSeconds: number): Promise<AuthResult>;
  /** Synchronous form of authenticate, for callers that are not already async. */
  authenticateSync(authorizationHeader: string | undefined, nowSeconds: number): AuthResult;
  /** JWT cache counters; all zero when the cache is disabled (jwt-cache-max-entries = 0). */
  cacheStats(): CacheStats;
  /** The parsed role claim key; log a deprecation warning when `.deprecated` is true. */
  readonly roleClaimKey: RoleClaimPath;
  /** The verification keys; undefined without jwt-secret. `.warning` is worth logging when set. */
  readonly keySet: KeySet | undefined;
}

const EMPTY_CLAIMS: JwtClaims = Object.freeze({});

// Characters the HTTP library PostgREST uses treats as white space around the scheme.
function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0;
}

/**
 * The token of a `Bearer` Authorization header (scheme case-insensitive), possibly empty;
 * undefined when there is no header or another scheme, which PostgREST treats as no token at all.
 */
export function extractBearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let i = 0;
  while (i < header.length && !isSpace(header.charCodeAt(i))) i++;
  if (header.slice(0, i).toLowerCase() !== 'bearer') return undefined;
  while (i < header.length && isSpace(header.charCodeAt(i))) i++;
  return header.slice(i);
}

/** Builds the authenticator; throws Error for an invalid jwt-secret or jwt-role-claim-key. `cacheListener` sees JWT cache lookups and evictions. */
export function createAuthenticator(cfg: AuthConfig, cacheListener: CacheListener = {}): Authenticator {
  const keySet = buildKeySet(cfg);
  const roleClaimKey = parseRoleClaimKey(cfg.jwtRoleClaimKey);
  const cache = keySet !== undefined && cfg.jwtCacheMaxEntries > 0 ? new SieveCache<JwtClaims>(cfg.jwtCacheMaxEntries, cacheListener) : undefined;
  const anonRole = cfg.dbAnonRole;

  const decode = (token: string): JwtClaims => {
    if (keySet === undefined) throw pgrst300JwtSecretMissing();
    // Only correctly signed tokens reach the cache; failures propagate and are never stored.
    return cache === undefined ? decodeJwt(token, keySet) : cache.getOrLoad(token, (t) => decodeJwt(t, keySet));
  };

  const authenticateSync = (authorizationHeader: string | undefined, nowSeconds: number): AuthResult => {
    const token = extractBearerToken(authorizationHeader);
    const claims = token === undefined ? EMPTY_CLAIMS : decode(token);
    // Time claims are checked on every request, cached or not.
    validateClaims(claims, nowSeconds, cfg.jwtAud);
    const role = extractRole(claims, roleClaimKey) ?? anonRole;
    if (role === undefined) throw pgrst302JwtTokenRequired();
    return { role, claims: { ...claims, role }, authenticated: role !== anonRole };
  };

  return {
    authenticate: async (header, now) => authenticateSync(header, now),
    authenticateSync,
    cacheStats: () => cache?.stats() ?? { requests: 0, hits: 0, evictions: 0, size: 0, maxEntries: 0 },
    roleClaimKey,
    keySet,
  };
}
