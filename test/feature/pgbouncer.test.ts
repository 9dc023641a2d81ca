// Through PgBouncer in transaction pooling mode (db-prepared-statements = false, db-channel-enabled = false): reads,
// writes and function calls from many concurrent clients all succeed. Skips with a message when pgbouncer is absent.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { eventually } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

const BIN = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));

describe('through PgBouncer (transaction pooling)', { skip: BIN ? false : 'pgbouncer is not installed (apt-get install pgbouncer)' }, () => {
  let bouncer: ChildProcess | undefined;
  let dir = '';
  let srv: TestServer;

  before(async () => {
    const db = new URL(process.env.PGRST_TEST_AUTH_URI ?? '');
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'pgrst-pgbouncer-'));
    const ini = join(dir, 'pgbouncer.ini');
    writeFileSync(
      ini,
      [
        '[databases]',
        `${db.pathname.slice(1)} = host=${db.hostname} port=${db.port} dbname=${db.pathname.slice(1)} user=${decodeURIComponent(db.username)} password=${decodeURIComponent(db.password)}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        `unix_socket_dir = ${dir}`,
        'auth_type = trust',
        `auth_file = ${join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'default_pool_size = 3',
        'max_client_conn = 200',
        'ignore_startup_parameters = extra_float_digits,options',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'users.txt'), `"${decodeURIComponent(db.username)}" ""\n`);
    // PgBouncer refuses to run as root: run it as the unprivileged postgres user then.
    let ids: { uid?: number; gid?: number } = {};
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      for (const f of [dir, ini, join(dir, 'users.txt')]) chownSync(f, uid, gid);
      chmodSync(dir, 0o755);
      ids = { uid, gid };
    }
    bouncer = spawn(BIN!, [ini], { stdio: 'ignore', ...ids });
    const through = new URL(db);
    through.port = String(port);
    await eventually(async () => {
      try {
        srv = await startTestServer({
          PGRST_DB_URI: through.toString(),
          // `embed` (Accept-Profile) for its relationships: the `test` schema has none
          PGRST_DB_SCHEMAS: 'test,embed',
          PGRST_DB_PREPARED_STATEMENTS: 'false',
          PGRST_DB_CHANNEL_ENABLED: 'false',
          PGRST_DB_POOL: '8',
        });
        return true;
      } catch {
        return false;
      }
    }, 10_000, 200);
    // The first schema-cache attempt may have raced PgBouncer's start; wait for the retry to land.
    await eventually(async () => (await request(srv.url, '/items?select=id&limit=1')).status === 200, 20_000, 200);
  });

  after(async () => {
    await srv?.stop();
    bouncer?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('concurrent reads, embeds and counts all succeed', async () => {
    const cases: { path: string; profile?: string; status: number; range: string; json: unknown }[] = [
      {
        path: '/items?select=id,name&order=id',
        status: 200,
        range: '0-4/5',
        json: [
          { id: 1, name: 'apple' },
          { id: 2, name: 'banana' },
          { id: 3, name: 'carrot' },
          { id: 4, name: 'durian' },
          { id: 5, name: 'Elderberry' },
        ],
      },
      { path: '/items?id=eq.2&select=id,name,price', status: 200, range: '0-0/1', json: [{ id: 2, name: 'banana', price: 0.25 }] },
      { path: '/big?select=id&limit=5&offset=10', status: 206, range: '10-14/100', json: [{ id: 11 }, { id: 12 }, { id: 13 }, { id: 14 }, { id: 15 }] },
      { path: '/documents?select=id&ts=fts.fox', status: 200, range: '0-0/1', json: [{ id: 1 }] },
      {
        path: '/clients?select=id,name,projects(id,name,tasks(name))&id=lt.3&order=id&projects.order=id&projects.tasks.order=id',
        profile: 'embed',
        status: 200,
        range: '0-1/2',
        json: [
          {
            id: 1,
            name: 'Microsoft',
            projects: [
              { id: 1, name: 'Windows 7', tasks: [{ name: 'Design w7' }, { name: 'Code w7' }] },
              { id: 2, name: 'Windows 10', tasks: [{ name: 'Design w10' }, { name: 'Code w10' }] },
            ],
          },
          {
            id: 2,
            name: 'Apple',
            projects: [
              { id: 3, name: 'IOS', tasks: [{ name: 'Design IOS' }, { name: 'Code IOS' }] },
              { id: 4, name: 'OSX', tasks: [{ name: 'Design OSX' }] },
            ],
          },
        ],
      },
    ];
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) => {
        const c = cases[i % cases.length]!;
        return request(srv.url, c.path, { headers: { Prefer: 'count=exact', ...(c.profile ? { 'Accept-Profile': c.profile } : {}) } });
      }),
    );
    results.forEach((r, i) => {
      const c = cases[i % cases.length]!;
      assert.equal(r.status, c.status, `${c.path} → ${r.text}`);
      assert.equal(r.headers.get('content-range'), c.range, c.path);
      assert.deepEqual(r.json(), c.json, c.path);
    });
  });

  test('repeated requests of one shape keep working without server-side prepared statements', async () => {
    for (let i = 0; i < 30; i++) {
      const r = await request(srv.url, `/big?select=id,val&id=eq.${(i % 100) + 1}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json(), [{ id: (i % 100) + 1, val: ((i % 100) + 1) % 7 }]);
    }
  });

  test('a database error inside a pooled transaction leaves the next requests unaffected', async () => {
    const bad = await request(srv.url, '/items?select=nope');
    assert.equal(bad.status, 400);
    assert.equal((bad.json() as { code: string }).code, '42703');
    const ok = await Promise.all(Array.from({ length: 20 }, () => request(srv.url, '/items?id=eq.1&select=id,name')));
    assert.ok(ok.every((r) => r.status === 200));
    for (const r of ok) assert.deepEqual(r.json(), [{ id: 1, name: 'apple' }]);
  });
});
