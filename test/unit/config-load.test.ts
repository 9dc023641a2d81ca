// Unit tests of configuration loading (src/config/load.ts, keys.ts, types.ts): defaults, precedence, aliases,
// PostgREST's value coercions and fallbacks, app.settings, @file indirection, in-db settings and validation errors.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IN_DB_NAMES, KEYS } from '../../src/config/keys.js';
import { applyDbSettings, type LoadOptions, loadConfig } from '../../src/config/load.js';
import { type AppConfig, defaultConfig } from '../../src/config/types.js';
import { tempDir } from '../support/temp.js';

const load = (fileText: string | undefined, env: Record<string, string> = {}, extra: Partial<LoadOptions> = {}) =>
  loadConfig({ fileText, env, ...extra });
const SECRET = 'a-very-long-secret-of-at-least-32-chars';
const tmp = tempDir('pgrst-config-');
const tmpFile = (name: string, content: string | Buffer): string => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

const DEFAULTS: AppConfig = {
  adminServerHost: '!4', adminServerPort: undefined, adminServerUnixSocket: undefined, adminServerUnixSocketMode: 0o660,
  appSettings: {}, clientErrorVerbosity: 'verbose', dbAggregatesEnabled: false, dbAnonRole: undefined,
  dbChannel: 'pgrst', dbChannelEnabled: true, dbConfig: true, dbExtraSearchPath: ['public'],
  dbHoistedTxSettings: ['statement_timeout', 'plan_filter.statement_cost_limit', 'default_transaction_isolation'],
  dbMaxRows: undefined, dbPlanEnabled: false, dbPool: 10, dbPoolAcquisitionTimeout: 10, dbPoolAutomaticRecovery: true, dbPoolPipelineDepth: 1,
  dbPoolMaxIdletime: 30, dbPoolMaxLifetime: 1800, dbPreConfig: undefined, dbPreRequest: undefined,
  dbPreparedStatements: true, dbRootSpec: undefined, dbSchemas: ['public'], dbTxEnd: 'commit', dbUri: 'postgresql://',
  jwtAud: undefined, jwtCacheMaxEntries: 1000, jwtRoleClaimKey: '$.role', jwtSecret: undefined,
  jwtSecretBytes: undefined, jwtSecretIsBase64: false, logLevel: 'error', logQuery: false,
  openapiMode: 'follow-privileges', openapiSecurityActive: false, openapiServerProxyUri: undefined,
  serverCorsAllowedOrigins: [], serverHost: '!4', serverPort: 3000, serverReuseport: false,
  serverTimingEnabled: false, serverTraceHeader: undefined, serverUnixSocket: undefined, serverUnixSocketMode: 0o660,
  urlUseLegacyTargetNames: true, internalSchemaCacheQuerySleep: undefined,
  internalSchemaCacheQuerySleepBeforeQueries: undefined, serverWorkers: 1, openapiVersion: '2.0',
  serverMaxBodySize: 104857600, serverMaxUrlLength: 16384, serverMaxHeaderSize: 16384, serverDocsPath: '/_/docs',
  jwtJwksUrl: undefined, jwtJwksCacheSeconds: 600, configFilePath: undefined,
};

describe('config keys table', () => {
  it('lists exactly the PostgREST v16 keys, each with its PGRST_ variable', () => {
    const names = KEYS.filter((k) => k.origin === 'postgrest').map((k) => k.name).sort();
    assert.deepEqual(names, [
      'admin-server-host', 'admin-server-port', 'admin-server-unix-socket', 'admin-server-unix-socket-mode',
      'client-error-verbosity', 'db-aggregates-enabled', 'db-anon-role', 'db-channel', 'db-channel-enabled', 'db-config',
      'db-extra-search-path', 'db-hoisted-tx-settings', 'db-max-rows', 'db-plan-enabled', 'db-pool',
      'db-pool-acquisition-timeout', 'db-pool-automatic-recovery', 'db-pool-max-idletime', 'db-pool-max-lifetime',
      'db-pre-config', 'db-pre-request', 'db-prepared-statements', 'db-root-spec', 'db-schemas', 'db-tx-end', 'db-uri',
      'jwt-aud', 'jwt-cache-max-entries', 'jwt-role-claim-key', 'jwt-secret', 'jwt-secret-is-base64', 'log-level',
      'log-query', 'openapi-mode', 'openapi-security-active', 'openapi-server-proxy-uri', 'server-cors-allowed-origins',
      'server-host', 'server-port', 'server-reuseport', 'server-timing-enabled', 'server-trace-header',
      'server-unix-socket', 'server-unix-socket-mode', 'url-use-legacy-target-names',
    ]);
    for (const k of KEYS) assert.equal(k.env, `PGRST_${k.name.toUpperCase().replaceAll('-', '_')}`);
  });

  it('allows in the database exactly the keys PostgREST documents', () => {
    assert.deepEqual([...IN_DB_NAMES].sort(), [
      'client_error_verbosity', 'db_aggregates_enabled', 'db_anon_role', 'db_extra_search_path', 'db_hoisted_tx_settings',
      'db_max_rows', 'db_plan_enabled', 'db_pre_config', 'db_pre_request', 'db_prepared_statements', 'db_root_spec',
      'db_schemas', 'db_tx_end', 'jwt_aud', 'jwt_cache_max_entries', 'jwt_role_claim_key', 'jwt_secret',
      'jwt_secret_is_base64', 'openapi_mode', 'openapi_security_active', 'openapi_server_proxy_uri',
      'server_cors_allowed_origins', 'server_timing_enabled', 'server_trace_header', 'url_use_legacy_target_names',
    ]);
  });

  it('marks reloadable keys as documented', () => {
    const fixed = KEYS.filter((k) => !k.reloadable && k.origin === 'postgrest').map((k) => k.name).sort();
    assert.deepEqual(fixed, [
      'admin-server-host', 'admin-server-port', 'admin-server-unix-socket', 'admin-server-unix-socket-mode', 'db-pool',
      'db-pool-acquisition-timeout', 'db-pool-max-idletime', 'db-pool-max-lifetime', 'db-tx-end', 'db-uri',
      'openapi-server-proxy-uri', 'server-cors-allowed-origins', 'server-host', 'server-port', 'server-reuseport',
      'server-unix-socket', 'server-unix-socket-mode',
    ]);
  });
});

describe('loading: defaults, sources and precedence', () => {
  it('has the documented defaults with no file and no environment', async () => {
    assert.deepEqual(defaultConfig(), DEFAULTS);
    assert.deepEqual(await load(undefined), DEFAULTS);
  });

  it('ignores unknown keys and reads a file from disk, remembering its path', async () => {
    const path = tmpFile('basic.conf', 'db-config = false\nno-such-key = "fine"\n');
    assert.deepEqual(await loadConfig({ file: path, env: {} }), { ...DEFAULTS, dbConfig: false, configFilePath: path });
  });

  it('fails on a missing file', async () => {
    await assert.rejects(loadConfig({ file: join(tmp, 'missing.conf'), env: {} }), {
      name: 'ConfigError',
      message: `Cannot read config file '${join(tmp, 'missing.conf')}': ENOENT: no such file or directory, open '${join(tmp, 'missing.conf')}'`,
    });
  });

  it('reads legacy alias names', async () => {
    const c = await load(
      'db-schema = "via_alias"\ndb-pool-timeout = 5\nmax-rows = 1000\npre-request = "check_alias"\n' +
        'role-claim-key = "$$.aliased"\nroot-spec = "open_alias"\nsecret-is-base64 = true\n',
    );
    assert.deepEqual(
      [c.dbSchemas, c.dbPoolMaxIdletime, c.dbMaxRows, c.dbPreRequest, c.jwtRoleClaimKey, c.dbRootSpec, c.jwtSecretIsBase64],
      [['via_alias'], 5, 1000, { schema: '', name: 'check_alias' }, '$.aliased', { schema: '', name: 'open_alias' }, true],
    );
  });

  it('prefers the current name over its alias, except db-pool-timeout which wins over db-pool-max-idletime', async () => {
    const c = await load('db-schemas = "new"\ndb-schema = "old"\ndb-pool-max-idletime = 7\ndb-pool-timeout = 9', {
      PGRST_MAX_ROWS: '12',
    });
    assert.deepEqual([c.dbSchemas, c.dbPoolMaxIdletime, c.dbMaxRows], [['new'], 9, 12]);
  });

  it('lets admin-server-host fall back to server-host', async () => {
    assert.equal((await load('server-host = "127.0.0.1"')).adminServerHost, '127.0.0.1');
    assert.equal((await load(undefined, { PGRST_SERVER_HOST: '::1' })).adminServerHost, '::1');
    assert.equal((await load('admin-server-host = "a"\nserver-host = "b"')).adminServerHost, 'a');
  });

  it('lets PGRST_ variables override the file, and an empty variable reset a key to its default', async () => {
    const file = 'db-schemas = "from_file"\nlog-level = "info"\ndb-extra-search-path = "ext"\ndb-max-rows = 5';
    const c = await load(file, {
      PGRST_DB_SCHEMAS: 'a, b ,c',
      PGRST_LOG_LEVEL: '',
      PGRST_DB_EXTRA_SEARCH_PATH: '',
      PGRST_DB_MAX_ROWS: '',
    });
    assert.deepEqual([c.dbSchemas, c.logLevel, c.dbExtraSearchPath, c.dbMaxRows], [['a', 'b', 'c'], 'error', [], undefined]);
  });

  it('treats "" in the file as unset, except db-extra-search-path where it means no schemas', async () => {
    const c = await load('db-anon-role = ""\nserver-host = ""\ndb-extra-search-path = ""\ndb-schemas = ""');
    assert.deepEqual([c.dbAnonRole, c.serverHost, c.dbExtraSearchPath, c.dbSchemas], [undefined, '!4', [], ['public']]);
  });

  it('splits function names at the first dot', async () => {
    const c = await load('db-pre-request = "api.check.v2"\ndb-root-spec = "spec."\ndb-pre-config = ".cfg"');
    assert.deepEqual(
      [c.dbPreRequest, c.dbRootSpec, c.dbPreConfig],
      [{ schema: 'api', name: 'check.v2' }, { schema: '', name: 'spec' }, { schema: '', name: 'cfg' }],
    );
  });
});

describe('loading: how values are read', () => {
  const boolCases: [string, boolean][] = [
    ['true', true], ['TRUE', true], ['"true"', true], ['t r u e', true], ['FaLsE', false], ['1', true], ['2', true],
    ['0', false], ['-1', false], [' 3 ', true], ['0x1', true], ['yes', false], ['on', false], ['', false], ['1.5', false],
  ];
  for (const [text, expected] of boolCases) {
    it(`reads PGRST_DB_PLAN_ENABLED=${JSON.stringify(text)} as ${expected} (unreadable means the default, false)`, async () => {
      assert.equal((await load(undefined, { PGRST_DB_PLAN_ENABLED: text })).dbPlanEnabled, expected);
    });
  }

  const intCases: [string, number | undefined][] = [
    ['10', 10], [' 10 ', 10], ['-5', -5], ['(7)', 7], ['0x10', 16], ['0o17', 15], ['007', 7],
    ['1e3', undefined], ['1.5', undefined], ['+5', undefined], ['ten', undefined], ['99999999999999999999', undefined],
  ];
  for (const [text, expected] of intCases) {
    it(`reads PGRST_DB_MAX_ROWS=${JSON.stringify(text)} as ${expected}`, async () => {
      assert.equal((await load(undefined, { PGRST_DB_MAX_ROWS: text })).dbMaxRows, expected);
    });
  }

  it('reads file values of the wrong type as unset, and non-strings as their Haskell text', async () => {
    const c = await load(
      'app.settings.flag = false\napp.settings.n = 660\ndb-channel-enabled = 13\ndb-max-rows = true\n' +
        'db-pool = 2.5\ndb-pool-max-lifetime = 2e1\njwt-cache-max-entries = "42"\ndb-prepared-statements = "FALSE"\n' +
        'log-query = "1"\ndb-anon-role = 0.05\n',
    );
    assert.deepEqual(c.appSettings, { 'app.settings.flag': 'Bool False', 'app.settings.n': 'Number 660.0' });
    assert.deepEqual(
      [c.dbChannelEnabled, c.dbMaxRows, c.dbPool, c.dbPoolMaxLifetime, c.jwtCacheMaxEntries, c.dbPreparedStatements, c.logQuery],
      [true, undefined, 10, 20, 42, false, true],
    );
    assert.equal(c.dbAnonRole, 'Number 5.0e-2');
  });

  it('reads our own keys leniently: bare numbers keep their written form', async () => {
    const c = await load('openapi-version = 3.1\nserver-docs-path = ""\nserver-workers = "0"');
    assert.deepEqual([c.openapiVersion, c.serverDocsPath, c.serverWorkers], ['3.1', '', 0]);
  });

  it('collects app.settings from the file and PGRST_APP_SETTINGS_* (case kept, environment wins)', async () => {
    const c = await load('app.settings.a = "file"\napp.settings.b = "file"\napp.settings.deep.x = "skipped"\napp.settings { c = "$$1" }', {
      PGRST_APP_SETTINGS_b: 'env',
      PGRST_APP_SETTINGS_MY_VAR: 'upper',
    });
    assert.deepEqual(c.appSettings, {
      'app.settings.MY_VAR': 'upper',
      'app.settings.a': 'file',
      'app.settings.b': 'env',
      'app.settings.c': '$1',
    });
    assert.deepEqual(Object.keys(c.appSettings), ['app.settings.MY_VAR', 'app.settings.a', 'app.settings.b', 'app.settings.c']);
  });

  it('parses socket modes as octal', async () => {
    const c = await load(undefined, { PGRST_SERVER_UNIX_SOCKET_MODE: '600', PGRST_ADMIN_SERVER_UNIX_SOCKET_MODE: '777x' });
    assert.deepEqual([c.serverUnixSocketMode, c.adminServerUnixSocketMode], [0o600, 0o777]);
  });
});

describe('loading: @file indirection and the JWT secret', () => {
  it('reads db-uri from a file, trimming white space', async () => {
    const path = tmpFile('uri', '  postgres://u@h/db \n\n');
    assert.equal((await load(undefined, { PGRST_DB_URI: `@${path}` })).dbUri, 'postgres://u@h/db');
  });

  it('keeps the previous db-uri on reload', async () => {
    assert.equal((await load('db-uri = "postgres://new"', {}, { prevDbUri: 'postgres://old' })).dbUri, 'postgres://old');
  });

  it('reads jwt-secret from a file, dropping one trailing newline only', async () => {
    const path = tmpFile('secret', `${SECRET}\n\n`);
    const c = await load(`jwt-secret = "@${path}"`);
    assert.equal(c.jwtSecret, `${SECRET}\n`);
    assert.deepEqual(c.jwtSecretBytes, Buffer.from(`${SECRET}\n`));
  });

  it('keeps binary secrets from files byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37 + 200) % 256));
    const path = tmpFile('binary', bytes);
    assert.deepEqual((await load(undefined, { PGRST_JWT_SECRET: `@${path}` })).jwtSecretBytes, bytes);
  });

  it('decodes base64 secrets, accepting the URL-safe alphabet and outer white space', async () => {
    const raw = Buffer.from(Array.from({ length: 33 }, (_, i) => 250 - i));
    const urlSafe = raw.toString('base64url');
    const c = await load(undefined, { PGRST_JWT_SECRET: ` ${urlSafe} `, PGRST_JWT_SECRET_IS_BASE64: 'true' });
    assert.deepEqual(c.jwtSecretBytes, raw);
    assert.equal(c.jwtSecret, ` ${urlSafe} `);
  });

  it('accepts short JWK and JWKS secrets', async () => {
    for (const jwk of ['{"kty":"oct","k":"c2hvcnQ"}', '{"keys":[]}']) {
      assert.deepEqual((await load(undefined, { PGRST_JWT_SECRET: jwk })).jwtSecretBytes, Buffer.from(jwk));
    }
  });
});

describe('loading: validation errors', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['same admin and server port', { PGRST_SERVER_PORT: '3000', PGRST_ADMIN_SERVER_PORT: '3000' }, 'admin-server-port', 'admin-server-port cannot be the same as server-port'],
    ['admin port equal to the default server port', { PGRST_ADMIN_SERVER_PORT: '3000' }, 'admin-server-port', 'admin-server-port cannot be the same as server-port'],
    ['socket mode not octal', { PGRST_SERVER_UNIX_SOCKET_MODE: '800' }, 'server-unix-socket-mode', 'Invalid server-unix-socket-mode: not an octal'],
    ['socket mode below 600', { PGRST_SERVER_UNIX_SOCKET_MODE: '599' }, 'server-unix-socket-mode', 'Invalid server-unix-socket-mode: needs to be between 600 and 777'],
    ['socket mode above 777', { PGRST_ADMIN_SERVER_UNIX_SOCKET_MODE: '1000' }, 'admin-server-unix-socket-mode', 'Invalid admin-server-unix-socket-mode: needs to be between 600 and 777'],
    ['log level', { PGRST_LOG_LEVEL: 'never' }, 'log-level', 'log-level: Invalid logging level. Check your configuration.'],
    ['log level is case sensitive', { PGRST_LOG_LEVEL: 'INFO' }, 'log-level', 'log-level: Invalid logging level. Check your configuration.'],
    ['tx end', { PGRST_DB_TX_END: 'random' }, 'db-tx-end', 'db-tx-end: Invalid transaction termination. Check your configuration.'],
    ['openapi mode', { PGRST_OPENAPI_MODE: 'follow-' }, 'openapi-mode', 'Invalid openapi-mode. Check your configuration.'],
    ['error verbosity', { PGRST_CLIENT_ERROR_VERBOSITY: 'invalid' }, 'client-error-verbosity', 'Invalid client-error-verbosity. Check your configuration.'],
    ['proxy uri scheme', { PGRST_OPENAPI_SERVER_PROXY_URI: 'htp:/@@localhorst.invalid' }, 'openapi-server-proxy-uri', 'openapi-server-proxy-uri: Malformed proxy uri, a correct example: https://example.com:8443/basePath'],
    ['proxy uri with user', { PGRST_OPENAPI_SERVER_PROXY_URI: 'https://me@example.com' }, 'openapi-server-proxy-uri', 'openapi-server-proxy-uri: Malformed proxy uri, a correct example: https://example.com:8443/basePath'],
    ['proxy uri with query', { PGRST_OPENAPI_SERVER_PROXY_URI: 'https://example.com/?a=1' }, 'openapi-server-proxy-uri', 'openapi-server-proxy-uri: Malformed proxy uri, a correct example: https://example.com:8443/basePath'],
    ['proxy uri port 0', { PGRST_OPENAPI_SERVER_PROXY_URI: 'http://example.com:0/' }, 'openapi-server-proxy-uri', 'openapi-server-proxy-uri: Malformed proxy uri, a correct example: https://example.com:8443/basePath'],
    ['jwt-aud not a URI', { PGRST_JWT_AUD: 'foo://%%$$^^.com' }, 'jwt-aud', 'jwt-aud should be a string or a valid URI'],
    ['jwt-aud bad percent escape', { PGRST_JWT_AUD: 'http://%%localhorst.invalid' }, 'jwt-aud', 'jwt-aud should be a string or a valid URI'],
    ['secret not base64', { PGRST_JWT_SECRET_IS_BASE64: 'true', PGRST_JWT_SECRET: 'no base-64!' }, 'jwt-secret', 'jwt-secret: invalid base64 encoding'],
    ['base64 without padding', { PGRST_JWT_SECRET_IS_BASE64: 'true', PGRST_JWT_SECRET: 'YWJjYQ' }, 'jwt-secret', 'jwt-secret: invalid base64 encoding'],
    ['short secret', { PGRST_JWT_SECRET: 'short_secret' }, 'jwt-secret', 'jwt-secret: The JWT secret must be at least 32 characters long.'],
    ['short after base64 decoding', { PGRST_JWT_SECRET_IS_BASE64: 'true', PGRST_JWT_SECRET: Buffer.from('x'.repeat(31)).toString('base64') }, 'jwt-secret', 'jwt-secret: The JWT secret must be at least 32 characters long.'],
    ['pg_catalog exposed', { PGRST_DB_SCHEMAS: 'pg_catalog' }, 'db-schemas', "db-schemas does not allow schema: 'pg_catalog'"],
    ['information_schema among others', { PGRST_DB_SCHEMAS: 'public, information_schema' }, 'db-schemas', "db-schemas does not allow schema: 'information_schema'"],
    ['first error in PostgREST order', { PGRST_LOG_LEVEL: 'x', PGRST_DB_TX_END: 'y' }, 'db-tx-end', 'db-tx-end: Invalid transaction termination. Check your configuration.'],
    ['openapi-version', { PGRST_OPENAPI_VERSION: '3.0' }, 'openapi-version', 'Invalid openapi-version, use "2.0" or "3.1". Check your configuration.'],
    ['server-workers', { PGRST_SERVER_WORKERS: '-1' }, 'server-workers', 'server-workers must be an integer of at least 0'],
    ['server-max-body-size', { PGRST_SERVER_MAX_BODY_SIZE: '0' }, 'server-max-body-size', 'server-max-body-size must be an integer of at least 1'],
    ['server-docs-path', { PGRST_SERVER_DOCS_PATH: 'docs' }, 'server-docs-path', 'server-docs-path must be empty or start with "/"'],
    ['jwt-jwks-url', { PGRST_JWT_JWKS_URL: 'ftp://keys' }, 'jwt-jwks-url', 'jwt-jwks-url must be an http or https URL'],
    [
      'jwt-role-claim-key that is no JSONPath',
      { PGRST_JWT_ROLE_CLAIM_KEY: '$.[[[' },
      'jwt-role-claim-key',
      "jwt-role-claim-key: failed to parse role-claim-key value ($.[[[): not an RFC 9535 JSONPath starting with '$' (error at position 2) nor the deprecated JSPath syntax (error at position 0)",
    ],
  ];
  for (const [name, env, key, message] of cases) {
    it(name, () => load(undefined, env).then(() => assert.fail('expected a ConfigError'), (err) => {
      assert.deepEqual({ name: err.name, key: err.key, message: err.message }, { name: 'ConfigError', key, message });
    }));
  }

  it('rejects a bare number as socket mode (PostgREST reads it as text "Number 660.0")', async () => {
    await assert.rejects(load('server-unix-socket-mode = 660'), { message: 'Invalid server-unix-socket-mode: not an octal' });
  });

  it('fails with the file position on syntax errors', async () => {
    await assert.rejects(loadConfig({ file: 'x.conf', fileText: 'a = 1\nb = ?', env: {} }), {
      message: 'x.conf:2:5: unexpected \'?\', expected a value: "string", number, true/false/on/off or [list]',
    });
  });

  it('accepts valid URIs', async () => {
    const c = await load(undefined, { PGRST_JWT_AUD: 'urn:example:api', PGRST_OPENAPI_SERVER_PROXY_URI: 'HTTPS://[::1]:8443/base' });
    assert.deepEqual([c.jwtAud, c.openapiServerProxyUri], ['urn:example:api', 'HTTPS://[::1]:8443/base']);
  });
});

describe('in-database settings', () => {
  const dbSettings = {
    'pgrst.db_schemas': 'test, tenant1',
    db_max_rows: '500',
    'pgrst.db_pool': '99',
    'pgrst.server_port': '1',
    'pgrst.not_existing': 'x',
    'pgrst.db_anon_role': '',
    'pgrst.jwt_secret': SECRET,
  };
  const file = 'db-schemas = "file"\ndb-anon-role = "anon"\ndb-pool = 3';

  it('override file and environment for allowed keys only; an empty value means the default', async () => {
    const c = await load(file, { PGRST_DB_MAX_ROWS: '7' }, { dbSettings });
    assert.deepEqual(
      [c.dbSchemas, c.dbMaxRows, c.dbPool, c.serverPort, c.dbAnonRole, c.jwtSecret],
      [['test', 'tenant1'], 500, 3, 3000, undefined, SECRET],
    );
  });

  it('are ignored when db-config is false', async () => {
    const c = await load(`${file}\ndb-config = false`, {}, { dbSettings });
    assert.deepEqual([c.dbSchemas, c.dbMaxRows, c.dbAnonRole], [['file'], undefined, 'anon']);
    assert.equal(applyDbSettings(c, dbSettings), c);
  });

  it('can be overlaid on a loaded configuration', async () => {
    const base = await load(file);
    const c = applyDbSettings(base, dbSettings);
    assert.deepEqual({ ...c, jwtSecretBytes: undefined }, {
      ...base, dbSchemas: ['test', 'tenant1'], dbMaxRows: 500, dbAnonRole: undefined, jwtSecret: SECRET,
    });
    assert.deepEqual(c.jwtSecretBytes, Buffer.from(SECRET));
    assert.throws(() => applyDbSettings(base, { db_tx_end: 'nope' }), { key: 'db-tx-end' });
    assert.throws(() => applyDbSettings(base, { jwt_role_claim_key: '$.[[[' }), { key: 'jwt-role-claim-key' });
  });
});
