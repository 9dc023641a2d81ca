// The command line: help, version, example config, dump-config, dump-schema, bad configs, --ready.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { startTestServer, type TestServer, testEnv } from '../support/server.js';
import { tempDir } from '../support/temp.js';

const exec = promisify(execFile);
const entry = new URL('../../src/cli/run.ts', import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', entry, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cli', () => {
  test('--help prints the usage', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: postgrest-ts \[-v\|--version\] \[-e\|--example\] \[--dump-config \| --dump-schema \| --ready\] \[FILENAME\]/);
    assert.match(r.stdout, /--dump-schema/);
  });

  test('--version', async () => {
    const r = await cli(['-v']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^postgrest-ts \d+\.\d+\.\d+/);
  });

  test('--example prints a config that loads back', async () => {
    const r = await cli(['--example']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /db-uri/);
    assert.match(r.stdout, /db-schemas/);
    const dir = tempDir('pgrst-cli-');
    const file = join(dir, 'example.conf');
    writeFileSync(file, r.stdout);
    const dumped = await cli([file, '--dump-config']);
    assert.equal(dumped.code, 0, dumped.stderr);
  });

  test('--dump-config shows file values, env overrides and defaults', async () => {
    const dir = tempDir('pgrst-cli-');
    const file = join(dir, 'my.conf');
    writeFileSync(file, 'db-schemas = "api"\ndb-max-rows = 50\nserver-port = 4000\n# a comment\ndb-anon-role = "$(MY_ANON)"\n');
    const r = await cli([file, '--dump-config'], { PGRST_SERVER_PORT: '5000', MY_ANON: 'web_anon' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^db-schemas = "api"$/m);
    assert.match(r.stdout, /^db-max-rows = 50$/m);
    assert.match(r.stdout, /^server-port = 5000$/m);
    assert.match(r.stdout, /^db-anon-role = "web_anon"$/m);
    assert.match(r.stdout, /^db-pool = 10$/m);
  });

  test('a bad config file exits non-zero naming the problem', async () => {
    const dir = tempDir('pgrst-cli-');
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'db-schemas = "api\n');
    const r = await cli([file]);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.length > 0);
    const invalid = join(dir, 'invalid.conf');
    writeFileSync(invalid, 'log-level = "loud"\n');
    const r2 = await cli([invalid]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /log-level/);
    const missing = await cli([join(dir, 'nope.conf')]);
    assert.notEqual(missing.code, 0);
  });

  test('--dump-schema prints the schema cache as JSON', async () => {
    const r = await cli(['--dump-schema'], testEnv() as Record<string, string>);
    assert.equal(r.code, 0, r.stderr);
    const dump = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['dbTables', 'dbRelationships', 'dbRoutines']) assert.ok(key in dump, key);
    assert.match(r.stdout, /"items"/);
  });

  describe('--ready', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ PGRST_ADMIN_SERVER_PORT: String(await freePort()) });
    });
    after(() => srv.stop());
    test('exits 0 when the admin server says ready, 1 when nothing listens', async () => {
      const port = new URL(srv.app.adminUrl!).port;
      const ok = await cli(['--ready'], { PGRST_ADMIN_SERVER_PORT: port, PGRST_SERVER_HOST: '127.0.0.1' });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^OK: http:\/\/127\.0\.0\.1:\d+\/ready/);
      const bad = await cli(['--ready'], { PGRST_ADMIN_SERVER_PORT: '1', PGRST_SERVER_HOST: '127.0.0.1' });
      assert.equal(bad.code, 1);
    });
  });
});
