// The auth stage: Authorization header → {role, claims} with PostgREST's rules (Bearer extraction, JWT
// cache, claim validation, role claim, anon fallback). Database-free; errors are ApiError. Its only I/O is the
// optional background fetch of jwt-jwks-url (jwks-url.ts), which no request waits for in authenticateSync.
import { ApiError } from '../errors/api-error.js';
import { pgrst300JwtSecretMissing, pgrst302JwtTokenRequired } from '../errors/catalogue.js';
import { type CacheListener, type CacheStats, SieveCache } from './cache.js';
import { JwksSource } from './jwks-url.js';
import { decodeJwt, type JwtClaims } from './jwt.js';
import { validateClaims } from './jwt-claims.js';
import { buildKeySet, type KeySet } from './keys.js';
import { extractRole, parseRoleClaimKey, type RoleClaimPath } from './role-claim.js';

/** The config keys the auth stage reads (AUTH_FIELDS lists them: a reload that changes none keeps the JWT cache). */
export interface AuthConfig {
  readonly jwtSecret?: string | Uint8Array | undefined;
  readonly jwtSecretIsBase64: boolean;
  /** Key bytes after `@file` and base64 decoding; when set, jwtSecret/jwtSecretIsBase64 are not read. */
  readonly jwtSecretBytes?: Uint8Array | undefined;
  readonly jwtAud?: string | undefined;
  readonly jwtRoleClaimKey: string;
  readonly jwtCacheMaxEntries: number;
  readonly dbAnonRole?: string | undefined;
  /** postgrest-ts extension: a JWK Set URL whose keys verify tokens besides jwt-secret's. */
  readonly jwtJwksUrl?: string | undefined;
  /** Seconds a fetched JWK Set is reused (default 600). */
  readonly jwtJwksCacheSeconds?: number | undefined;
}

// One entry per field of AuthConfig, checked by the compiler both ways (a missing or an unknown key fails to build).
const AUTH_FIELD_SET: Record<keyof AuthConfig, true> = {
  jwtSecret: true,
  jwtSecretIsBase64: true,
  jwtSecretBytes: true,
  jwtAud: true,
  jwtRoleClaimKey: true,
  jwtCacheMaxEntries: true,
  dbAnonRole: true,
  jwtJwksUrl: true,
  jwtJwksCacheSeconds: true,
};

/** Every field of AuthConfig. */
export const AUTH_FIELDS = Object.keys(AUTH_FIELD_SET) as readonly (keyof AuthConfig)[];

/** Observers and injected I/O: JWT cache lookups/evictions, JWKS fetch failures, and the fetch to use (tests). */
export interface AuthHooks extends CacheListener {
  readonly jwksError?: ((message: string) => void) | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/**
 * The outcome of authentication. `claims` is exactly what goes into `request.jwt.claims`: the token's
 * claims with `role` set to the effective role (`{"role": anon}` without a token). `authenticated` is
 * false when the effective role is db-anon-role, which is how PostgREST picks 401 over 403 for 42501.
 */
export interface AuthResult {
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** `claims` as JSON (worked out once per claims object: results are shared). */
  readonly claimsJson: string;
  readonly authenticated: boolean;
  /**
   * The role's own `ALTER ROLE ... SET` settings to re-apply in the transaction. The auth stage never sets this (it
   * does not see the database); the statement stage fills it from the schema cache before building SQL.
   */
  readonly roleSettings?: readonly (readonly [string, string])[] | undefined;
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
  /** The verification keys of jwt-secret; undefined without it. `.warning` is worth logging when set. */
  readonly keySet: KeySet | undefined;
  /** Resolves when the first jwt-jwks-url fetch has finished (at once without one); await it before serving. */
  ready(): Promise<void>;
}

const EMPTY_CLAIMS: JwtClaims = Object.freeze({});
/** PGRST301's message when no key matched the token's kid/alg or none verified its signature. */
const KEY_ERROR = 'No suitable key or wrong key type';

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

/** Builds the authenticator; throws Error for an invalid jwt-secret or jwt-role-claim-key. `hooks` sees JWT cache lookups, evictions and JWKS fetch failures. */
export function createAuthenticator(cfg: AuthConfig, hooks: AuthHooks = {}): Authenticator {
  const keySet = buildKeySet(cfg);
  const roleClaimKey = parseRoleClaimKey(cfg.jwtRoleClaimKey);
  const anonRole = cfg.dbAnonRole;
  const jwks =
    cfg.jwtJwksUrl === undefined
      ? undefined
      : new JwksSource({ url: cfg.jwtJwksUrl, cacheSeconds: cfg.jwtJwksCacheSeconds ?? 600, onError: hooks.jwksError, fetch: hooks.fetch });
  const newCache = () =>
    (keySet !== undefined || jwks !== undefined) && cfg.jwtCacheMaxEntries > 0 ? new SieveCache<JwtClaims>(cfg.jwtCacheMaxEntries, hooks) : undefined;
  let cache = newCache();

  // jwt-secret's keys, then the fetched ones; rebuilt (with an empty JWT cache) whenever the fetched keys change.
  let combined = keySet;
  let generation = 0;
  const currentKeys = (): KeySet | undefined => {
    if (jwks === undefined) return keySet;
    const fetched = jwks.keys();
    if (jwks.generation !== generation) {
      generation = jwks.generation;
      combined = { source: 'jwks', keys: [...(keySet?.keys ?? []), ...fetched] };
      // Tokens verified with keys that are gone must not stay valid through the cache.
      cache = newCache();
    }
    return combined ?? { source: 'jwks', keys: [] };
  };

  const decode = (token: string): JwtClaims => {
    const keys = currentKeys();
    if (keys === undefined) throw pgrst300JwtSecretMissing();
    try {
      // Only correctly signed tokens reach the cache; failures propagate and are never stored.
      return cache === undefined ? decodeJwt(token, keys) : cache.getOrLoad(token, (t) => decodeJwt(t, keys));
    } catch (err) {
      // An unknown kid or a signature no key verifies may mean the JWK Set was rotated.
      if (jwks !== undefined && err instanceof ApiError && err.message === KEY_ERROR) jwks.refreshSoon();
      throw err;
    }
  };

  // The result depends on the claims alone: worked out once per claims object (one per cached token, one for no
  // token) and shared, frozen, with its JSON. A token's time claims are still checked on every request.
  const results = new WeakMap<JwtClaims, AuthResult>();
  const authenticateSync = (authorizationHeader: string | undefined, nowSeconds: number): AuthResult => {
    const token = extractBearerToken(authorizationHeader);
    const claims = token === undefined ? EMPTY_CLAIMS : decode(token);
    const known = results.get(claims);
    if (known !== undefined && token === undefined) return known;
    validateClaims(claims, nowSeconds, cfg.jwtAud);
    if (known !== undefined) return known;
    const role = extractRole(claims, roleClaimKey) ?? anonRole;
    if (role === undefined) throw pgrst302JwtTokenRequired();
    const withRole = Object.freeze({ ...claims, role });
    const result: AuthResult = Object.freeze({ role, claims: withRole, claimsJson: JSON.stringify(withRole), authenticated: role !== anonRole });
    results.set(claims, result);
    return result;
  };

  const ready = async () => {
    await jwks?.ready();
  };

  return {
    // The async form waits for the first JWK Set fetch, so the very first requests do not fail while it runs.
    authenticate: async (header, now) => {
      await ready();
      return authenticateSync(header, now);
    },
    authenticateSync,
    cacheStats: () => cache?.stats() ?? { requests: 0, hits: 0, evictions: 0, size: 0, maxEntries: 0 },
    roleClaimKey,
    keySet,
    ready,
  };
}
