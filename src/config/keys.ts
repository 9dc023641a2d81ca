// THE table of configuration keys: every PostgREST v16 key (in the order PostgREST parses them, which decides
// which error is reported first), its test-only keys, then our extensions. Rows only describe keys: resolve.ts,
// load.ts, dump.ts and example.ts all work from this table, and no other file lists keys.

import {
  atLeast,
  commaList,
  dumpBool,
  dumpInt,
  dumpList,
  dumpMode,
  dumpName,
  dumpOptInt,
  dumpOptText,
  invalid,
  type KeySpec,
  key,
  oneOf,
  optional,
  orDefault,
  q,
  qualifiedName,
  socketMode,
} from './key-spec.js';
import { DEFAULT_ROLE_CLAIM_KEY, parseRoleClaimKey } from '../auth/role-claim.js';
import type { AppConfig } from './types.js';
import { isMalformedProxyUri, isUri } from './uri.js';
import { splitOnCommas } from './values.js';

const CHECK = 'Check your configuration.';
const DEFAULT_HOISTED = ['statement_timeout', 'plan_filter.statement_cost_limit', 'default_transaction_isolation'];
const RESTRICTED_SCHEMAS = ['pg_catalog', 'information_schema'];

/** Name and description of the `app.settings.*` family (handled apart from the table: it is a prefix). */
export const APP_SETTINGS = {
  prefix: 'app.settings.',
  envPrefix: 'PGRST_APP_SETTINGS_',
  reloadable: true,
  doc: 'Arbitrary settings passed to every transaction, readable with current_setting(\'app.settings.<name>\').',
} as const;

function parseSchemas(value: string | undefined): readonly string[] {
  if (value === undefined) return ['public'];
  const schemas = splitOnCommas(value);
  for (const restricted of RESTRICTED_SCHEMAS) {
    if (schemas.includes(restricted)) throw invalid('db-schemas', `db-schemas does not allow schema: '${restricted}'`);
  }
  return schemas;
}

function dumpSecret(secret: string | undefined, config: AppConfig): string {
  const bytes = config.jwtSecretBytes;
  return q(config.jwtSecretIsBase64 && bytes !== undefined ? Buffer.from(bytes).toString('base64') : (secret ?? ''));
}

/** Every key but app.settings.*. */
export const KEYS: readonly KeySpec[] = [
  key({
    name: 'client-error-verbosity', field: 'clientErrorVerbosity', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Error bodies sent to clients: "verbose" (code, message, details, hint) or "minimal" (code, message).',
    parse: oneOf('client-error-verbosity', ['verbose', 'minimal'], 'verbose', `Invalid client-error-verbosity. ${CHECK}`),
    dump: q,
  }),
  key({
    name: 'db-aggregates-enabled', field: 'dbAggregatesEnabled', coerce: 'bool', reloadable: true, inDb: true,
    doc: 'Allow aggregate functions (count(), sum(), ...) in select; keep off unless queries are otherwise bounded.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    name: 'db-anon-role', field: 'dbAnonRole', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Role used for requests without a JWT; when unset such requests are rejected.',
    parse: optional, dump: dumpOptText,
  }),
  key({
    name: 'db-channel', field: 'dbChannel', coerce: 'text', reloadable: true,
    doc: 'NOTIFY channel listened to for schema cache and config reloads.',
    parse: orDefault('pgrst'), dump: q,
  }),
  key({
    name: 'db-channel-enabled', field: 'dbChannelEnabled', coerce: 'bool', reloadable: true,
    doc: 'Listen on db-channel; turn off behind poolers in transaction mode.',
    parse: orDefault(true), dump: dumpBool,
  }),
  key({
    name: 'db-extra-search-path', field: 'dbExtraSearchPath', coerce: 'text-emptyable', reloadable: true, inDb: true,
    doc: 'Schemas appended to the search_path of every request (comma-separated); "" for none.',
    parse: (v) => (v === undefined ? ['public'] : v === '' ? [] : splitOnCommas(v)), dump: dumpList,
  }),
  key({
    name: 'db-hoisted-tx-settings', field: 'dbHoistedTxSettings', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Function settings (comma-separated) applied to the whole transaction when calling that function.',
    parse: commaList(DEFAULT_HOISTED), dump: dumpList,
  }),
  key({
    name: 'db-max-rows', field: 'dbMaxRows', coerce: 'int', reloadable: true, inDb: true, aliases: ['max-rows'],
    doc: 'Hard limit on the rows returned by one request; unset means no limit.',
    parse: optional, dump: dumpOptInt,
  }),
  key({
    name: 'db-plan-enabled', field: 'dbPlanEnabled', coerce: 'bool', reloadable: true, inDb: true,
    doc: 'Allow EXPLAIN output with Accept: application/vnd.pgrst.plan.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    name: 'db-pool', field: 'dbPool', coerce: 'int', reloadable: false,
    doc: 'Maximum number of database connections in the pool.',
    parse: orDefault(10), dump: dumpInt,
  }),
  key({
    name: 'db-pool-acquisition-timeout', field: 'dbPoolAcquisitionTimeout', coerce: 'int', reloadable: false,
    doc: 'Seconds a request waits for a free connection before failing with 504.',
    parse: orDefault(10), dump: dumpInt,
  }),
  key({
    name: 'db-pool-max-lifetime', field: 'dbPoolMaxLifetime', coerce: 'int', reloadable: false,
    doc: 'Seconds after which a pooled connection is replaced.',
    parse: orDefault(1800), dump: dumpInt,
  }),
  key({
    name: 'db-pool-max-idletime', field: 'dbPoolMaxIdletime', coerce: 'int', reloadable: false,
    aliases: ['db-pool-timeout'], aliasFirst: true,
    doc: 'Seconds after which an idle pooled connection is closed.',
    parse: orDefault(30), dump: dumpInt,
  }),
  key({
    name: 'db-pool-pipeline-depth', field: 'dbPoolPipelineDepth', coerce: 'int', reloadable: false, origin: 'postgrest-ts',
    doc: 'Requests one pooled connection may carry at once; above 1, a request may be written behind a young read-only one.',
    parse: atLeast('db-pool-pipeline-depth', 1, 1), dump: dumpInt,
  }),
  key({
    name: 'db-pool-automatic-recovery', field: 'dbPoolAutomaticRecovery', coerce: 'bool', reloadable: true,
    doc: 'Reconnect with backoff when the database connection is lost; when off, exit instead.',
    parse: orDefault(true), dump: dumpBool,
  }),
  key({
    name: 'db-pre-request', field: 'dbPreRequest', coerce: 'text', reloadable: true, inDb: true, aliases: ['pre-request'],
    doc: 'Function (optionally schema-qualified) called at the start of every request transaction.',
    parse: qualifiedName, dump: dumpName,
  }),
  key({
    name: 'db-prepared-statements', field: 'dbPreparedStatements', coerce: 'bool', reloadable: true, inDb: true,
    doc: 'Use prepared statements; turn off behind poolers in transaction mode.',
    parse: orDefault(true), dump: dumpBool,
  }),
  key({
    name: 'db-root-spec', field: 'dbRootSpec', coerce: 'text', reloadable: true, inDb: true, aliases: ['root-spec'],
    doc: 'Function whose result replaces the OpenAPI document served at the root path.',
    parse: qualifiedName, dump: dumpName,
  }),
  key({
    name: 'db-schemas', field: 'dbSchemas', coerce: 'text', reloadable: true, inDb: true, aliases: ['db-schema'],
    doc: 'Schemas exposed by the API (comma-separated); the first one is the default.',
    parse: parseSchemas, dump: dumpList,
  }),
  key({
    name: 'db-config', field: 'dbConfig', coerce: 'bool', reloadable: true,
    doc: 'Read pgrst.* settings from the database (role settings and db-pre-config).',
    parse: orDefault(true), dump: dumpBool,
  }),
  key({
    name: 'db-pre-config', field: 'dbPreConfig', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Function that sets pgrst.* settings with set_config() when the configuration is read from the database.',
    parse: qualifiedName, dump: dumpName,
  }),
  key({
    name: 'db-tx-end', field: 'dbTxEnd', coerce: 'text', reloadable: false, inDb: true,
    doc: 'End of request transactions: commit, commit-allow-override, rollback or rollback-allow-override.',
    parse: oneOf(
      'db-tx-end',
      ['commit', 'commit-allow-override', 'rollback', 'rollback-allow-override'],
      'commit',
      `Invalid transaction termination. ${CHECK}`,
    ),
    dump: q,
  }),
  key({
    name: 'db-uri', field: 'dbUri', coerce: 'text', reloadable: false,
    doc: 'libpq connection string (URI or key=value); "@path" reads it from a file; unset parts come from PG* variables.',
    parse: orDefault('postgresql://'), dump: q,
  }),
  key({
    name: 'jwt-aud', field: 'jwtAud', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Audience the JWT aud claim must match; a value containing ":" must be a URI.',
    parse: (v) => {
      if (v?.includes(':') && !isUri(v)) throw invalid('jwt-aud', 'jwt-aud should be a string or a valid URI');
      return v;
    },
    dump: dumpOptText,
  }),
  key({
    name: 'jwt-role-claim-key', field: 'jwtRoleClaimKey', coerce: 'text', reloadable: true, inDb: true,
    aliases: ['role-claim-key'],
    doc: 'JSONPath to the role in the JWT claims (write $$ for $ in this file).',
    parse: (v) => {
      // Checked when the config loads (as PostgREST parses it then), not first when the authenticator is built.
      const key = v ?? DEFAULT_ROLE_CLAIM_KEY;
      try {
        parseRoleClaimKey(key);
      } catch (err) {
        throw invalid('jwt-role-claim-key', err instanceof Error ? err.message : String(err));
      }
      return key;
    },
    dump: q,
  }),
  key({
    name: 'jwt-secret', field: 'jwtSecret', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Secret (at least 32 characters), JWK or JWKS used to verify JWTs; "@path" reads it from a file.',
    parse: optional, dump: dumpSecret,
  }),
  key({
    name: 'jwt-secret-is-base64', field: 'jwtSecretIsBase64', coerce: 'bool', reloadable: true, inDb: true,
    aliases: ['secret-is-base64'],
    doc: 'Decode jwt-secret from base64 (URL-safe alphabet accepted) before use.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    // PostgREST's source lists pgrst.jwt_cache_max_lifetime (a removed key) as in-db name; we follow its docs.
    name: 'jwt-cache-max-entries', field: 'jwtCacheMaxEntries', coerce: 'int', reloadable: true, inDb: true,
    doc: 'Maximum number of validated JWTs kept in the cache; 0 disables caching.',
    parse: orDefault(1000), dump: dumpInt,
  }),
  key({
    name: 'log-level', field: 'logLevel', coerce: 'text', reloadable: true,
    doc: 'Logging level: crit, error (5xx), warn (4xx too), info (every request) or debug.',
    parse: oneOf('log-level', ['crit', 'error', 'warn', 'info', 'debug'], 'error', `Invalid logging level. ${CHECK}`),
    dump: q,
  }),
  key({
    name: 'log-query', field: 'logQuery', coerce: 'bool', reloadable: true,
    doc: 'Also log the SQL of each logged request.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    name: 'openapi-mode', field: 'openapiMode', coerce: 'text', reloadable: true, inDb: true,
    doc: 'OpenAPI output: follow-privileges, ignore-privileges or disabled.',
    parse: oneOf(
      'openapi-mode',
      ['follow-privileges', 'ignore-privileges', 'disabled'],
      'follow-privileges',
      `Invalid openapi-mode. ${CHECK}`,
    ),
    dump: q,
  }),
  key({
    name: 'openapi-security-active', field: 'openapiSecurityActive', coerce: 'bool', reloadable: true, inDb: true,
    doc: 'Describe JWT bearer security in the OpenAPI output.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    name: 'openapi-server-proxy-uri', field: 'openapiServerProxyUri', coerce: 'text', reloadable: false, inDb: true,
    doc: 'Public base URL (http or https, no query) to show in the OpenAPI output.',
    parse: (v) => {
      if (v !== undefined && isMalformedProxyUri(v)) {
        throw invalid(
          'openapi-server-proxy-uri',
          'Malformed proxy uri, a correct example: https://example.com:8443/basePath',
        );
      }
      return v;
    },
    dump: dumpOptText,
  }),
  key({
    name: 'server-cors-allowed-origins', field: 'serverCorsAllowedOrigins', coerce: 'text', reloadable: false, inDb: true,
    doc: 'Origins allowed by CORS (comma-separated); unset allows any origin.',
    parse: commaList([]), dump: dumpList,
  }),
  key({
    name: 'server-host', field: 'serverHost', coerce: 'text', reloadable: false,
    doc: 'Address to listen on; *, *4, !4, *6 and !6 mean any address of that family.',
    parse: orDefault('!4'), dump: q,
  }),
  key({
    name: 'server-port', field: 'serverPort', coerce: 'int', reloadable: false,
    doc: 'TCP port to listen on; 0 picks a free port.',
    parse: orDefault(3000), dump: dumpInt,
  }),
  key({
    name: 'server-reuseport', field: 'serverReuseport', coerce: 'bool', reloadable: false,
    doc: 'Open the listening socket with SO_REUSEPORT so several processes can share the port.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    name: 'server-trace-header', field: 'serverTraceHeader', coerce: 'text', reloadable: true, inDb: true,
    doc: 'Request header copied to the response to trace requests (e.g. X-Request-Id).',
    parse: optional, dump: dumpOptText,
  }),
  key({
    name: 'server-timing-enabled', field: 'serverTimingEnabled', coerce: 'bool', reloadable: true, inDb: true,
    doc: 'Send a Server-Timing header with the duration of each request stage.',
    parse: orDefault(false), dump: dumpBool,
  }),
  key({
    name: 'server-unix-socket', field: 'serverUnixSocket', coerce: 'text', reloadable: false,
    doc: 'Unix socket path to listen on instead of server-port.',
    parse: optional, dump: dumpOptText,
  }),
  key({
    name: 'server-unix-socket-mode', field: 'serverUnixSocketMode', coerce: 'text', reloadable: false,
    doc: 'Octal file mode of server-unix-socket, between 600 and 777 (write it as a string).',
    parse: socketMode('server-unix-socket-mode'), dump: dumpMode,
  }),
  key({
    name: 'url-use-legacy-target-names', field: 'urlUseLegacyTargetNames', coerce: 'bool', reloadable: true, inDb: true,
    doc: 'Let filters, orders and limits name an aliased embedded table by its table name (deprecated).',
    parse: orDefault(true), dump: dumpBool,
  }),
  key({
    name: 'admin-server-host', field: 'adminServerHost', coerce: 'text', reloadable: false, aliases: ['server-host'],
    doc: 'Address of the admin server; defaults to server-host.',
    parse: orDefault('!4'), dump: q,
  }),
  key({
    name: 'admin-server-port', field: 'adminServerPort', coerce: 'int', reloadable: false,
    doc: 'Port of the admin server (/live, /ready, /metrics, /schema_cache); unset disables it.',
    parse: (v, done) => {
      if (v !== undefined && v === done.serverPort) {
        throw invalid('admin-server-port', 'admin-server-port cannot be the same as server-port');
      }
      return v;
    },
    dump: dumpOptInt,
  }),
  key({
    name: 'admin-server-unix-socket', field: 'adminServerUnixSocket', coerce: 'text', reloadable: false,
    doc: 'Unix socket path for the admin server, used instead of admin-server-port.',
    parse: optional, dump: dumpOptText,
  }),
  key({
    name: 'admin-server-unix-socket-mode', field: 'adminServerUnixSocketMode', coerce: 'text', reloadable: false,
    doc: 'Octal file mode of admin-server-unix-socket, between 600 and 777 (write it as a string).',
    parse: socketMode('admin-server-unix-socket-mode'), dump: dumpMode,
  }),
  key({
    name: 'internal-schema-cache-query-sleep-before-queries', field: 'internalSchemaCacheQuerySleepBeforeQueries',
    coerce: 'int', reloadable: true, origin: 'internal',
    doc: 'Test only: milliseconds to sleep before the schema cache queries.',
    parse: optional,
  }),
  key({
    name: 'internal-schema-cache-query-sleep', field: 'internalSchemaCacheQuerySleep', coerce: 'int', reloadable: true,
    origin: 'internal',
    doc: 'Test only: milliseconds to sleep inside the schema cache queries.',
    parse: optional,
  }),
  key({
    name: 'server-workers', field: 'serverWorkers', coerce: 'int', reloadable: false, origin: 'postgrest-ts',
    doc: 'Number of worker processes; 0 = one per core.',
    parse: atLeast('server-workers', 0, 1), dump: dumpInt,
  }),
  key({
    name: 'openapi-version', field: 'openapiVersion', coerce: 'lenient-text', reloadable: true, origin: 'postgrest-ts',
    doc: 'OpenAPI version of the root document: "2.0" (as PostgREST) or "3.1".',
    parse: oneOf('openapi-version', ['2.0', '3.1'], '2.0', `Invalid openapi-version, use "2.0" or "3.1". ${CHECK}`),
    dump: q,
  }),
  key({
    name: 'server-max-body-size', field: 'serverMaxBodySize', coerce: 'int', reloadable: false, origin: 'postgrest-ts',
    doc: 'Largest request body accepted, in bytes; larger bodies get 413.',
    parse: atLeast('server-max-body-size', 1, 104857600), dump: dumpInt,
  }),
  key({
    name: 'server-max-url-length', field: 'serverMaxUrlLength', coerce: 'int', reloadable: false, origin: 'postgrest-ts',
    doc: 'Longest request target (path and query) accepted, in bytes; longer ones get 414.',
    parse: atLeast('server-max-url-length', 1, 16384), dump: dumpInt,
  }),
  key({
    name: 'server-max-header-size', field: 'serverMaxHeaderSize', coerce: 'int', reloadable: false, origin: 'postgrest-ts',
    doc: 'Largest total size of request headers accepted, in bytes; larger ones get 431.',
    parse: atLeast('server-max-header-size', 1, 16384), dump: dumpInt,
  }),
  key({
    name: 'server-docs-path', field: 'serverDocsPath', coerce: 'lenient-text-emptyable', reloadable: false,
    origin: 'postgrest-ts',
    doc: 'Path of the interactive API documentation page (Swagger UI); "" disables it. The default has two segments, so it never hides a table.',
    parse: (v) => {
      if (v === undefined) return '/_/docs';
      if (v !== '' && !v.startsWith('/')) throw invalid('server-docs-path', 'server-docs-path must be empty or start with "/"');
      if (v === '/') throw invalid('server-docs-path', 'server-docs-path cannot be "/": that is the OpenAPI description');
      return v;
    },
    dump: q,
  }),
  key({
    name: 'jwt-jwks-url', field: 'jwtJwksUrl', coerce: 'text', reloadable: true, origin: 'postgrest-ts',
    doc: 'http(s) URL of a JWKS to verify JWTs with, fetched and cached (in addition to jwt-secret).',
    parse: (v) => {
      if (v !== undefined && !/^https?:\/\//i.test(v)) throw invalid('jwt-jwks-url', 'jwt-jwks-url must be an http or https URL');
      if (v !== undefined && !URL.canParse(v)) throw invalid('jwt-jwks-url', 'jwt-jwks-url is not a valid URL');
      return v;
    },
    dump: dumpOptText,
  }),
  key({
    name: 'jwt-jwks-cache-seconds', field: 'jwtJwksCacheSeconds', coerce: 'int', reloadable: true,
    origin: 'postgrest-ts',
    doc: 'Seconds a fetched JWKS is reused before it is fetched again.',
    parse: atLeast('jwt-jwks-cache-seconds', 0, 600), dump: dumpInt,
  }),
];

/** In-database names without the `pgrst.` prefix (e.g. `db_schemas`) that may override the configuration. */
export const IN_DB_NAMES: ReadonlySet<string> = new Set(
  KEYS.flatMap((k) => (k.inDb === undefined ? [] : [k.inDb.slice('pgrst.'.length)])),
);
