// The shape of a loaded configuration: one readonly camelCase field per key of src/config/keys.ts, already
// parsed and validated. It holds values only; reading sources and validating happen in load.ts.

import { resolveConfig } from './resolve.js';

export type LogLevel = 'crit' | 'error' | 'warn' | 'info' | 'debug';
export type TxEnd = 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';
export type OpenApiMode = 'follow-privileges' | 'ignore-privileges' | 'disabled';
export type ClientErrorVerbosity = 'verbose' | 'minimal';
export type OpenApiVersion = '2.0' | '3.1';

/** A function name as PostgREST splits it at the first dot: `a.b.c` is schema `a`, name `b.c`; `f` has schema ''. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** The effective configuration (PostgREST v16 keys plus our extensions). Unset optional keys are `undefined`. */
export interface AppConfig {
  readonly adminServerHost: string;
  readonly adminServerPort: number | undefined;
  readonly adminServerUnixSocket: string | undefined;
  /** File mode as a number (0o660 = 432). */
  readonly adminServerUnixSocketMode: number;
  /** Full setting names (`app.settings.x`, case as written) to values, sorted by name. */
  readonly appSettings: Readonly<Record<string, string>>;
  readonly clientErrorVerbosity: ClientErrorVerbosity;
  readonly dbAggregatesEnabled: boolean;
  readonly dbAnonRole: string | undefined;
  readonly dbChannel: string;
  readonly dbChannelEnabled: boolean;
  readonly dbConfig: boolean;
  readonly dbExtraSearchPath: readonly string[];
  readonly dbHoistedTxSettings: readonly string[];
  readonly dbMaxRows: number | undefined;
  readonly dbPlanEnabled: boolean;
  readonly dbPool: number;
  /** Seconds. */
  readonly dbPoolAcquisitionTimeout: number;
  readonly dbPoolAutomaticRecovery: boolean;
  /** Requests one pooled connection may carry at once (ours; 1: one, as PostgREST). */
  readonly dbPoolPipelineDepth: number;
  /** Seconds. */
  readonly dbPoolMaxIdletime: number;
  /** Seconds. */
  readonly dbPoolMaxLifetime: number;
  readonly dbPreConfig: QualifiedName | undefined;
  readonly dbPreRequest: QualifiedName | undefined;
  readonly dbPreparedStatements: boolean;
  readonly dbRootSpec: QualifiedName | undefined;
  /** Never empty; the first schema is the default one. */
  readonly dbSchemas: readonly string[];
  readonly dbTxEnd: TxEnd;
  /** The connection string after `@file` indirection; see conninfo.ts to interpret it. */
  readonly dbUri: string;
  readonly jwtAud: string | undefined;
  readonly jwtCacheMaxEntries: number;
  /** The role claim path as written (e.g. `$.role`); the auth module parses it. */
  readonly jwtRoleClaimKey: string;
  /** The secret (or JWK/JWKS JSON) as text, after `@file` indirection and before base64 decoding. */
  readonly jwtSecret: string | undefined;
  /** The key bytes: jwtSecret base64-decoded when jwtSecretIsBase64, else its bytes. Do not mutate. */
  readonly jwtSecretBytes: Uint8Array | undefined;
  readonly jwtSecretIsBase64: boolean;
  readonly logLevel: LogLevel;
  readonly logQuery: boolean;
  readonly openapiMode: OpenApiMode;
  readonly openapiSecurityActive: boolean;
  readonly openapiServerProxyUri: string | undefined;
  /** Empty means any origin is allowed. */
  readonly serverCorsAllowedOrigins: readonly string[];
  readonly serverHost: string;
  readonly serverPort: number;
  readonly serverReuseport: boolean;
  readonly serverTimingEnabled: boolean;
  /** Header name as written; compare case-insensitively. */
  readonly serverTraceHeader: string | undefined;
  readonly serverUnixSocket: string | undefined;
  /** File mode as a number (0o660 = 432). */
  readonly serverUnixSocketMode: number;
  readonly urlUseLegacyTargetNames: boolean;
  /** Test-only PostgREST keys (milliseconds of `pg_sleep` in schema cache queries); never dumped. */
  readonly internalSchemaCacheQuerySleep: number | undefined;
  readonly internalSchemaCacheQuerySleepBeforeQueries: number | undefined;
  // Our extensions (not PostgREST keys).
  /** Worker processes; 0 means one per CPU core. */
  readonly serverWorkers: number;
  readonly openapiVersion: OpenApiVersion;
  /** Bytes. */
  readonly serverMaxBodySize: number;
  readonly serverMaxUrlLength: number;
  readonly serverMaxHeaderSize: number;
  /** Path of the API docs page; '' disables it. */
  readonly serverDocsPath: string;
  readonly jwtJwksUrl: string | undefined;
  readonly jwtJwksCacheSeconds: number;
  /** The config file this was read from, if any (not a key). */
  readonly configFilePath: string | undefined;
}

/** The configuration PostgREST-ts runs with when no file, environment or database setting is given. */
export function defaultConfig(): AppConfig {
  return resolveConfig({ file: new Map(), env: {}, db: new Map() });
}
