// Unit tests of --dump-config output (src/config/dump.ts) and the --example text (src/config/example.ts):
// exact lines, sorting, quoting, dump → re-read → dump stability, and the example reading back as the defaults.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpConfig } from '../../src/config/dump.js';
import { exampleConfig } from '../../src/config/example.js';
import { KEYS } from '../../src/config/keys.js';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/types.js';

const DEFAULT_LINES: readonly string[] = [
  'admin-server-host = "!4"',
  'admin-server-port = ""',
  'admin-server-unix-socket = ""',
  'admin-server-unix-socket-mode = "660"',
  'client-error-verbosity = "verbose"',
  'db-aggregates-enabled = false',
  'db-anon-role = ""',
  'db-channel = "pgrst"',
  'db-channel-enabled = true',
  'db-config = true',
  'db-extra-search-path = "public"',
  'db-hoisted-tx-settings = "statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation"',
  'db-max-rows = ""',
  'db-plan-enabled = false',
  'db-pool = 10',
  'db-pool-acquisition-timeout = 10',
  'db-pool-automatic-recovery = true',
  'db-pool-max-idletime = 30',
  'db-pool-max-lifetime = 1800',
  'db-pre-config = ""',
  'db-pre-request = ""',
  'db-prepared-statements = true',
  'db-root-spec = ""',
  'db-schemas = "public"',
  'db-tx-end = "commit"',
  'db-uri = "postgresql://"',
  'jwt-aud = ""',
  'jwt-cache-max-entries = 1000',
  'jwt-role-claim-key = "$$.role"',
  'jwt-secret = ""',
  'jwt-secret-is-base64 = false',
  'log-level = "error"',
  'log-query = false',
  'openapi-mode = "follow-privileges"',
  'openapi-security-active = false',
  'openapi-server-proxy-uri = ""',
  'server-cors-allowed-origins = ""',
  'server-host = "!4"',
  'server-port = 3000',
  'server-reuseport = false',
  'server-timing-enabled = false',
  'server-trace-header = ""',
  'server-unix-socket = ""',
  'server-unix-socket-mode = "660"',
  'url-use-legacy-target-names = true',
];

/** The default dump with some keys' values replaced and extra lines added, in dump order. */
function expectedDump(changes: Record<string, string>): string {
  const lines = new Map(DEFAULT_LINES.map((l) => [l.slice(0, l.indexOf(' = ')), l]));
  for (const [k, v] of Object.entries(changes)) lines.set(k, `${k} = ${v}`);
  return [...lines.values()].sort().map((l) => `${l}\n`).join('');
}
const dumpOf = async (fileText: string | undefined, env: Record<string, string> = {}) =>
  dumpConfig(await loadConfig({ fileText, env }));

const EVERY_KEY: Record<string, string> = {
  'admin-server-host': '"127.0.0.1"', 'admin-server-port': '3001', 'admin-server-unix-socket': '"/tmp/admin.sock"',
  'admin-server-unix-socket-mode': '"666"', 'app.settings.alpha': '"one"', 'app.settings.beta2': '"two"',
  'client-error-verbosity': '"minimal"', 'db-aggregates-enabled': 'true', 'db-anon-role': '"web_anon"',
  'db-channel': '"reloads"', 'db-channel-enabled': 'false', 'db-config': 'false', 'db-extra-search-path': '"public,ext"',
  'db-hoisted-tx-settings': '"work_mem"', 'db-max-rows': '250', 'db-plan-enabled': 'true', 'db-pool': '4',
  'db-pool-acquisition-timeout': '20', 'db-pool-automatic-recovery': 'false', 'db-pool-max-idletime': '15',
  'db-pool-max-lifetime': '900', 'db-pre-config': '"cfg.pre"', 'db-pre-request': '"auth.check"',
  'db-prepared-statements': 'false', 'db-root-spec': '"root_doc"', 'db-schemas': '"api,v2,setup"',
  'db-tx-end': '"rollback-allow-override"', 'db-uri': '"postgres://u@db/app"', 'jwt-aud': '"https://api.example"',
  'jwt-cache-max-entries': '50', 'jwt-role-claim-key': '"$$.claims[0].role"',
  'jwt-secret': '"c2VjcmV0LXdpdGgtYXQtbGVhc3QtdGhpcnR5LXR3by1jaGFycw=="', 'jwt-secret-is-base64': 'true',
  'log-level': '"debug"', 'log-query': 'true', 'openapi-mode': '"disabled"', 'openapi-security-active': 'true',
  'openapi-server-proxy-uri': '"https://api.example:8443/v1"', 'server-cors-allowed-origins': '"https://a.example,https://b.example"',
  'server-host': '"0.0.0.0"', 'server-port': '8080', 'server-reuseport': 'true', 'server-timing-enabled': 'true',
  'server-trace-header': '"X-Request-Id"', 'server-unix-socket': '"/tmp/api.sock"', 'server-unix-socket-mode': '"777"',
  'url-use-legacy-target-names': 'false',
};

describe('dumpConfig', () => {
  it('writes every PostgREST key, sorted, for the defaults', async () => {
    assert.equal(dumpConfig(defaultConfig()), expectedDump({}));
    assert.equal(await dumpOf('# nothing but a comment\n'), expectedDump({}));
  });

  it('writes a file that sets every key as PostgREST does, with spaces after commas removed', async () => {
    const file = Object.entries(EVERY_KEY)
      .map(([k, v]) => `${k} = ${v.replace(',', ', ')}`)
      .reverse()
      .join('\n');
    assert.equal(await dumpOf(file), expectedDump(EVERY_KEY));
  });

  it('writes the same from the equivalent PGRST_ variables', async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(EVERY_KEY)) {
      const name = k.startsWith('app.settings.') ? `PGRST_APP_SETTINGS_${k.slice(13)}` : `PGRST_${k.toUpperCase().replaceAll('-', '_')}`;
      env[name] = v.replace(/^"(.*)"$/, '$1').replace('$$', '$');
    }
    assert.equal(await dumpOf(undefined, env), expectedDump(EVERY_KEY));
  });

  it('writes aliases under their current names', async () => {
    const dump = await dumpOf('db-schema = "legacy"\nmax-rows = 9\nrole-claim-key = "$$.r"\nsecret-is-base64 = true');
    assert.equal(dump, expectedDump({
      'db-schemas': '"legacy"', 'db-max-rows': '9', 'jwt-role-claim-key': '"$$.r"', 'jwt-secret-is-base64': 'true',
    }));
  });

  it('writes values of other types as PostgREST reads them', async () => {
    const dump = await dumpOf('app.settings.test = false\ndb-channel-enabled = 13\ndb-max-rows = true\njwt-secret-is-base64 = "\\"true\\""');
    assert.equal(dump, expectedDump({ 'app.settings.test': '"Bool False"', 'jwt-secret-is-base64': 'true' }));
  });

  it('re-encodes a base64 secret in the standard alphabet with padding', async () => {
    const raw = Buffer.from(Array.from({ length: 35 }, (_, i) => 255 - i));
    const dump = await dumpOf(undefined, { PGRST_JWT_SECRET: `${raw.toString('base64url')}.`, PGRST_JWT_SECRET_IS_BASE64: 'True' });
    assert.equal(dump, expectedDump({ 'jwt-secret': `"${raw.toString('base64')}"`, 'jwt-secret-is-base64': 'true' }));
  });

  it('escapes quotes, backslashes, dollars and line breaks so that the dump reads back', async () => {
    const env = { PGRST_DB_ANON_ROLE: 'we"ird\\ro$le\n', PGRST_APP_SETTINGS_x: '$(HOME) $$ "q"' };
    const dump = await dumpOf(undefined, env);
    assert.equal(dump, expectedDump({
      'app.settings.x': '"$$(HOME) $$$$ \\"q\\""', 'db-anon-role': '"we\\"ird\\\\ro$$le\\n"',
    }));
    assert.deepEqual((await loadConfig({ fileText: dump, env: {} })).appSettings, { 'app.settings.x': env.PGRST_APP_SETTINGS_x });
  });

  it('writes our extension keys only when they differ from their defaults, unless asked', async () => {
    const config = await loadConfig({ fileText: 'openapi-version = "3.1"\nserver-workers = 4', env: {} });
    assert.equal(dumpConfig(config), expectedDump({ 'openapi-version': '"3.1"', 'server-workers': '4' }));
    assert.equal(dumpConfig(config, { extensions: 'none' }), expectedDump({}));
    assert.equal(dumpConfig(defaultConfig(), { extensions: 'all' }), expectedDump({
      'db-pool-pipeline-depth': '1', 'jwt-jwks-cache-seconds': '600', 'jwt-jwks-url': '""', 'openapi-version': '"2.0"', 'server-docs-path': '"/_/docs"',
      'server-max-body-size': '104857600', 'server-max-header-size': '16384', 'server-max-url-length': '16384',
      'server-workers': '1',
    }));
  });

  const stable: [string, string, Record<string, string>][] = [
    ['defaults', '', {}],
    ['every key', Object.entries(EVERY_KEY).map(([k, v]) => `${k} = ${v}`).join('\n'), {}],
    ['odd strings', 'db-anon-role = "a\\\\b\\"c$$d\\te"\napp.settings.u = "ünï\\u00e7ode"', { PGRST_APP_SETTINGS_Z: 'x\ny' }],
    ['types', 'app.settings.n = 1.5e10\napp.settings.l = [1, "a"]\ndb-max-rows = "12"', {}],
    ['extensions', 'server-docs-path = ""\njwt-jwks-url = "https://idp.example/jwks"\nserver-max-body-size = 1024', {}],
  ];
  for (const [name, fileText, env] of stable) {
    it(`is stable when dumped, read back and dumped again: ${name}`, async () => {
      const first = dumpConfig(await loadConfig({ fileText, env }), { extensions: 'all' });
      const second = dumpConfig(await loadConfig({ fileText: first, env: {} }), { extensions: 'all' });
      assert.equal(second, first);
    });
  }
});

describe('exampleConfig', () => {
  it('shows every dumped key with its default and reads back as the defaults when uncommented', async () => {
    const uncommented = exampleConfig.replace(/^# ([a-z][a-z0-9_.-]+ = )/gm, '$1');
    const shown = [...uncommented.matchAll(/^([a-z][a-z0-9_.-]*) = /gm)].map((m) => m[1]);
    assert.deepEqual(shown, [...KEYS.filter((k) => k.dump !== undefined).map((k) => k.name), 'app.settings.jwt_secret']);
    const config = await loadConfig({ fileText: uncommented, env: { MY_APP_JWT_SECRET: 's' } });
    assert.deepEqual({ ...config, appSettings: {} }, defaultConfig());
  });

  it('is all comments as printed', () => {
    const lines = exampleConfig.split('\n').filter((l) => l.trim() !== '');
    assert.deepEqual(lines.filter((l) => !l.startsWith('#')), []);
    assert.ok(exampleConfig.startsWith('# postgrest-ts configuration (PostgREST v16 compatible).\n'));
    assert.ok(exampleConfig.includes('\n## Maximum number of database connections in the pool.\n## (needs a restart)\n# db-pool = 10\n'));
  });
});
