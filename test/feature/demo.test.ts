// The zero-setup demo: with no db-uri configured the CLI starts an embedded PostgreSQL, creates the demo database,
// serves it, keeps it between runs, and on SIGINT stops both the server and PostgreSQL, leaving no process behind.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { eventually } from '../support/db.js';
import { request } from '../support/server.js';
import { spawnCli } from './ops-support.js';

/** Environment without any PGRST_* or PG* variable, so nothing names a database. */
function cleanEnv(port: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('PGRST_') && !k.startsWith('PG')) env[k] = v;
  return { ...env, PGRST_SERVER_PORT: String(port), PGRST_SERVER_HOST: '127.0.0.1' };
}

async function runDemo(dir: string, extra: string[] = []): Promise<{ out: string; postmasterPid: number }> {
  const port = await freePort();
  const cli = spawnCli(cleanEnv(port), ['--demo-dir', dir, ...extra]);
  const output = () => [...cli.stdout.lines, ...cli.stderr.lines].join('\n');
  const url = `http://127.0.0.1:${port}`;
  let postmasterPid = 0;
  try {
    await eventually(async () => (await request(url, '/books?select=id&limit=1').catch(() => ({ status: 0 }))).status === 200, 30_000, 200);
    const r = await request(url, '/books?select=title,published_year&genre=eq.science%20fiction&order=published_year&limit=2');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      { title: 'Solaris', published_year: 1961 },
      { title: 'The Left Hand of Darkness', published_year: 1969 },
    ]);
    const embed = await request(url, '/authors?select=name,books(title)&name=eq.Italo%20Calvino');
    assert.deepEqual(embed.json(), [{ name: 'Italo Calvino', books: [{ title: 'Invisible Cities' }, { title: "If on a winter's night a traveler" }] }]);
    assert.match(output(), /curl /);
    postmasterPid = Number(readFileSync(join(dir, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
    assert.ok(alive(postmasterPid));
  } finally {
    cli.child.kill('SIGINT');
  }
  assert.equal(await cli.exited, 0, output());
  return { out: output(), postmasterPid };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('npm start without db-uri serves the demo, persists it, and Ctrl-C leaves no process behind', { timeout: 120_000 }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'pgrst-demo-'));
  chmodSync(parent, 0o755); // as root, PostgreSQL runs as the postgres OS user, which must reach the data folder
  const dir = join(parent, 'demo');
  try {
    const first = await runDemo(dir);
    assert.match(first.out, /created just now/);
    assert.equal(existsSync(join(dir, 'pgdata', 'PG_VERSION')), true);
    // A clean stop: PostgreSQL's process is gone and it removed its pid file.
    assert.equal(alive(first.postmasterPid), false);
    assert.equal(existsSync(join(dir, 'pgdata', 'postmaster.pid')), false);
    const second = await runDemo(dir);
    assert.doesNotMatch(second.out, /created just now/, 'the demo data persists between runs');
    const reset = await runDemo(dir, ['--demo-reset']);
    assert.match(reset.out, /created just now/);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
