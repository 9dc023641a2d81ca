// Reloads: a failed reload keeps serving the previous cache, says why and retries; two instances reloading on one
// NOTIFY; payload handling and debounce; listener log lines and reconnection; db-channel-enabled reloadable;
// db-pre-config and db-config=false.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { adminQuery, eventually, withAdmin } from '../support/db.js';
import { metricValue } from '../support/metrics.js';
import { request } from '../support/server.js';
import { type CapturedServer, OPSX_RELOAD_URI, OPSX_URI, startCaptured, uriNamed } from './ops-support.js';

/** The server's count of schema cache loads with this status (0 before the first). */
const loads = (srv: CapturedServer, status = 'SUCCESS'): Promise<number> =>
  metricValue(srv, `pgrst_schema_cache_loads_total{status="${status}"}`, 0);

describe('a failed reload', () => {
  let srv: CapturedServer;
  before(async () => {
    srv = await startCaptured(
      {
        PGRST_DB_URI: OPSX_RELOAD_URI(),
        PGRST_DB_CHANNEL_ENABLED: 'true',
        PGRST_DB_CHANNEL: 'opsx_failed_reload',
        PGRST_ADMIN_SERVER_PORT: String(await freePort()),
      },
      'crit',
    );
  });
  after(async () => {
    await adminQuery('ALTER ROLE postgrest_test_opsx_reload_authenticator RESET ALL');
    await srv.stop();
  });

  test('keeps the previous cache, logs why, answers /ready 503, and retries until the database is fixed', async () => {
    assert.equal((await request(srv.url, '/words?select=id&order=id')).status, 200);
    assert.equal((await request(srv.app.adminUrl!, '/ready')).status, 200);
    await adminQuery("ALTER ROLE postgrest_test_opsx_reload_authenticator SET pgrst.db_schemas = 'opsx_missing'");
    await adminQuery("NOTIFY opsx_failed_reload, 'reload schema'");
    const line = await srv.err.waitFor(/Failed to load the schema cache/);
    assert.match(
      line,
      /: Failed to load the schema cache using db-schemas=opsx_missing and db-extra-search-path=opsx_ext\. \{"code":"3F000","details":null,"hint":null,"message":"schema \\"opsx_missing\\" does not exist"\}$/,
    );
    await srv.err.waitFor(/: Attempting to reconnect to the database in 1 seconds\.\.\.$/);
    // Still the old cache and the old configuration: served as before.
    const r = await request(srv.url, '/words?select=id&order=id');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 1 }, { id: 2 }]);
    assert.equal((await request(srv.app.adminUrl!, '/ready')).status, 503);
    assert.ok((await loads(srv, 'FAIL')) >= 1);
    // Fixed in the database: the retry picks it up without another NOTIFY.
    await adminQuery('ALTER ROLE postgrest_test_opsx_reload_authenticator RESET pgrst.db_schemas');
    await eventually(async () => (await request(srv.app.adminUrl!, '/ready')).status === 200, 8000, 100);
    assert.equal((await request(srv.url, '/words?select=id&order=id')).status, 200);
  });

  test('an invalid in-database value is reported and changes nothing', async () => {
    const failedBefore = await loads(srv, 'FAIL');
    await adminQuery("ALTER ROLE postgrest_test_opsx_reload_authenticator SET pgrst.openapi_mode = 'everything'");
    await adminQuery("NOTIFY opsx_failed_reload, 'reload config'");
    await srv.err.waitFor(/: Received a config reload message on the "opsx_failed_reload" channel$/);
    const line = await srv.err.waitFor(/: Failed reloading config: /);
    assert.match(line, /openapi-mode/);
    assert.ok((await loads(srv, 'FAIL')) > failedBefore);
    assert.equal((await request(srv.url, '/words?select=id&order=id')).status, 200);
    await adminQuery('ALTER ROLE postgrest_test_opsx_reload_authenticator RESET pgrst.openapi_mode');
    await eventually(async () => (await request(srv.app.adminUrl!, '/ready')).status === 200, 8000, 100);
  });
});

describe('one NOTIFY, two instances', () => {
  let one: CapturedServer;
  let two: CapturedServer;
  before(async () => {
    const env = { PGRST_DB_CHANNEL_ENABLED: 'true', PGRST_DB_CHANNEL: 'opsx_two_instances' };
    [one, two] = await Promise.all([startCaptured(env, 'crit'), startCaptured(env, 'crit')]);
    for (const srv of [one, two]) await srv.err.waitFor(/listening for database notifications on the "opsx_two_instances" channel$/);
  });
  after(async () => {
    await Promise.all([one.stop(), two.stop()]);
    await adminQuery('DROP TABLE IF EXISTS opsx.late_two');
  });

  test('both reload their schema cache', async () => {
    for (const srv of [one, two]) assert.equal((await request(srv.url, '/late_two')).status, 404);
    await adminQuery('CREATE TABLE opsx.late_two (id int); INSERT INTO opsx.late_two VALUES (2); GRANT SELECT ON opsx.late_two TO postgrest_test_anonymous');
    await adminQuery("NOTIFY opsx_two_instances, 'reload schema'");
    for (const srv of [one, two]) {
      await eventually(async () => (await request(srv.url, '/late_two')).status === 200);
      assert.deepEqual((await request(srv.url, '/late_two')).json(), [{ id: 2 }]);
      assert.ok(srv.err.lines.some((l) => /: Received a schema cache reload message on the "opsx_two_instances" channel$/.test(l)));
    }
  });

  test('an empty payload reloads; any other payload is ignored', async () => {
    const before = await loads(one);
    await adminQuery('NOTIFY opsx_two_instances');
    await eventually(async () => (await loads(one)) === before + 1 && (await loads(two)) >= before + 1);
    const received = one.err.lines.length;
    await adminQuery("NOTIFY opsx_two_instances, 'reload everything please'");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await loads(one), before + 1);
    assert.equal(one.err.lines.length, received, one.err.lines.slice(received).join('\n'));
  });

  test('a burst of notifications is debounced', async () => {
    const before = await loads(one);
    // Separate statements: notifications with the same payload in one transaction are folded into one.
    await withAdmin(async (c) => {
      for (let i = 0; i < 10; i++) await c.query("NOTIFY opsx_two_instances, 'reload schema'");
    });
    await new Promise((r) => setTimeout(r, 1500));
    const done = (await loads(one)) - before;
    assert.ok(done >= 1 && done <= 3, `${done} reloads for 10 notifications`);
  });
});

describe('the listener', () => {
  test('logs its connection, reconnects after its backend is killed, and reloads then', async () => {
    const app = 'opsx-listener-test';
    const srv = await startCaptured({ PGRST_DB_URI: uriNamed(app), PGRST_DB_CHANNEL_ENABLED: 'true', PGRST_DB_CHANNEL: 'opsx_listener' }, 'crit');
    try {
      const { port } = new URL(OPSX_URI());
      const connected = await srv.err.waitFor(/: Listener connected to /);
      assert.match(
        connected,
        new RegExp(`: Listener connected to PostgreSQL \\d+.* on "127\\.0\\.0\\.1:${port}" and listening for database notifications on the "opsx_listener" channel$`),
      );
      const before = await loads(srv);
      await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`${app} listener`]);
      await srv.err.waitFor(/: Failed listening for database notifications on the "opsx_listener" channel\. /);
      await srv.err.waitFor(/: Retrying listening for database notifications in 1 seconds\.\.\.$/);
      await eventually(async () => srv.err.lines.filter((l) => l.includes(': Listener connected to ')).length === 2, 5000);
      // Notifications may have been missed meanwhile: the schema cache is reloaded after reconnecting.
      await eventually(async () => (await loads(srv)) > before);
      const after = await loads(srv);
      await adminQuery("NOTIFY opsx_listener, 'reload schema'");
      await eventually(async () => (await loads(srv)) > after);
      assert.deepEqual(srv.fatal, []);
    } finally {
      await srv.stop();
    }
  });

  test('db-channel-enabled is reloadable: the listener starts and stops with config reloads', async () => {
    let enabled = false;
    const srv = await startCaptured({ PGRST_DB_CHANNEL: 'opsx_toggle' }, 'crit', async (prev) => ({ ...prev, dbChannelEnabled: enabled }));
    try {
      const notified = async () => {
        const before = await loads(srv);
        await adminQuery("NOTIFY opsx_toggle, 'reload schema'");
        try {
          await eventually(async () => (await loads(srv)) > before, 1000);
          return true;
        } catch {
          return false;
        }
      };
      assert.equal(await notified(), false);
      enabled = true;
      assert.equal(await srv.app.state.reloadConfig(), true);
      await srv.err.waitFor(/listening for database notifications on the "opsx_toggle" channel$/);
      assert.equal(await notified(), true);
      enabled = false;
      assert.equal(await srv.app.state.reloadConfig(), true);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await notified(), false);
    } finally {
      await srv.stop();
    }
  });
});

describe('no schema cache yet', () => {
  after(() => adminQuery('DROP SCHEMA IF EXISTS opsx_later CASCADE'));

  test('503 PGRST002 (logged) until a reload finds the schema; without automatic recovery no retries and no exit', async () => {
    const srv = await startCaptured(
      { PGRST_DB_SCHEMAS: 'opsx_later', PGRST_DB_POOL_AUTOMATIC_RECOVERY: 'false', PGRST_DB_CHANNEL_ENABLED: 'true', PGRST_DB_CHANNEL: 'opsx_later' },
      'error',
    );
    try {
      const r = await request(srv.url, '/items');
      assert.equal(r.status, 503);
      assert.equal((r.json() as { code: string }).code, 'PGRST002');
      assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      assert.ok(
        srv.err.lines.some((l) =>
          l.endsWith(': {"code":"PGRST002","details":null,"hint":null,"message":"Could not query the database for the schema cache. Retrying."}'),
        ),
      );
      assert.ok(srv.err.lines.some((l) => /: Failed to load the schema cache using db-schemas=opsx_later and /.test(l)));
      assert.ok(!srv.err.lines.some((l) => l.includes('Attempting to reconnect')), srv.err.lines.join('\n'));
      assert.deepEqual(srv.fatal, []);
      await srv.err.waitFor(/listening for database notifications on the "opsx_later" channel$/);
      await adminQuery(
        'CREATE SCHEMA opsx_later; GRANT USAGE ON SCHEMA opsx_later TO postgrest_test_anonymous; CREATE TABLE opsx_later.items (id int); GRANT SELECT ON opsx_later.items TO postgrest_test_anonymous',
      );
      await adminQuery("NOTIFY opsx_later, 'reload schema'");
      await eventually(async () => (await request(srv.url, '/items')).status === 200);
    } finally {
      await srv.stop();
    }
  });
});

describe('in-database configuration', () => {
  test('db-pre-config sets configuration with set_config', async () => {
    const srv = await startCaptured({ PGRST_DB_PRE_CONFIG: 'opsx.pre_config' }, 'crit');
    try {
      assert.equal((await request(srv.url, '/words')).headers.get('content-range'), '0-0/*');
    } finally {
      await srv.stop();
    }
  });

  test('db-config = false ignores db-pre-config and role settings', async () => {
    const srv = await startCaptured({ PGRST_DB_PRE_CONFIG: 'opsx.pre_config', PGRST_DB_CONFIG: 'false' }, 'crit');
    try {
      assert.equal((await request(srv.url, '/words')).headers.get('content-range'), '0-1/*');
    } finally {
      await srv.stop();
    }
  });
});
