// server-workers: several processes on one port, aggregated /metrics in the primary, one NOTIFY reloading every
// worker, and SIGTERM stopping them all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { adminQuery, eventually } from '../support/db.js';
import { samples } from '../support/metrics.js';
import { request, testEnv } from '../support/server.js';

const entry = new URL('../../src/cli/run.ts', import.meta.url).pathname;

const metric = (text: string, name: string): number => samples(text).get(name) ?? Number.NaN;

test('two workers serve one port; NOTIFY reloads both; SIGTERM stops all', async () => {
  const port = await freePort();
  const adminPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      ...(testEnv({
        PGRST_SERVER_WORKERS: '2',
        PGRST_SERVER_PORT: String(port),
        PGRST_ADMIN_SERVER_PORT: String(adminPort),
        PGRST_DB_POOL: '3',
        PGRST_DB_CHANNEL: 'pgrst_workers_test',
      }) as Record<string, string>),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const api = `http://127.0.0.1:${port}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  try {
    await eventually(async () => (await request(admin, '/ready').catch(() => ({ status: 0 }))).status === 200, 20_000, 200);
    const r = await request(api, '/items?select=id&id=eq.1');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 1 }]);

    const before = (await request(admin, '/metrics')).text;
    assert.equal(metric(before, 'pgrst_db_pool_max'), 6, 'pool sizes of both workers are summed');
    const loads = metric(before, 'pgrst_schema_cache_loads_total{status="SUCCESS"}');
    assert.equal(loads, 2);
    await adminQuery("NOTIFY pgrst_workers_test, 'reload schema'");
    await eventually(async () => metric((await request(admin, '/metrics')).text, 'pgrst_schema_cache_loads_total{status="SUCCESS"}') === 4);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
  await assert.rejects(fetch(`${api}/items`));
});
