// An INSERT that returns nothing runs as a statement of its own when nothing of the user's can run after its rows are
// written (an ordinary table without AFTER INSERT triggers or rules): its row count comes from the command and the
// response settings from a statement after it. Elsewhere the CTE form stays, so that response settings set by AFTER
// triggers stay out of the response as they do in PostgREST. Both forms must answer alike otherwise.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { expectMetricDelta } from '../support/metrics.js';
import { ALWAYS_READ_SETTINGS, callRecorded, startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
before(async () => {
  w = await startWriteEnv({ PGRST_DB_SCHEMAS: 'walone' });
});
after(async () => {
  await w.stop();
});
beforeEach(async () => {
  await w.exec(
    'TRUNCATE walone.ran, walone.plain, walone.after_row, walone.after_stmt, walone.deferred, walone.after_update, walone.before_row, walone.ruled, walone.parted, ' +
      'walone.bare, walone.checked, walone.policed, walone.before_stmt, walone.domained, walone.indexed, walone.defaulted',
  );
});

/** The statements one request sends, its response, and the INSERT among them. */
async function sent(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const { res, texts } = await callRecorded(w, method, path, body, headers);
  return { res, texts, insert: texts.find((t) => t.includes('INSERT INTO')) };
}

const readsSettingsAlone = (texts: readonly string[]) => texts.some((t) => /^SELECT current_setting\('response\.headers'/.test(t));

describe('which form an insert takes', () => {
  test('an ordinary table: INSERT without RETURNING, then the response settings read alone', async () => {
    const { res, texts, insert } = await sent('POST', '/plain', { id: 1 });
    assert.equal(res.status, 201);
    assert.match(insert ?? '', /^INSERT INTO "walone"\."plain"/);
    assert.doesNotMatch(insert ?? '', /RETURNING/);
    assert.ok(readsSettingsAlone(texts));
  });

  for (const table of ['after_row', 'after_stmt', 'deferred', 'ruled', 'plain_view', 'parted']) {
    test(`${table}: the CTE form`, async () => {
      const { texts, insert } = await sent('POST', `/${table}`, table === 'parted' ? { id: 1, k: 1 } : { id: 1 });
      assert.match(insert ?? '', /^WITH pgrst_mutation AS \(INSERT INTO/);
      assert.ok(!readsSettingsAlone(texts));
    });
  }

  test('a table with only BEFORE INSERT or AFTER UPDATE triggers runs alone', async () => {
    for (const table of ['before_row', 'after_update']) {
      const { insert } = await sent('POST', `/${table}`, { id: 1 });
      assert.match(insert ?? '', new RegExp(`^INSERT INTO "walone"\\."${table}"`));
    }
  });

  test('a representation, Location or an upsert count keeps the CTE form on an ordinary table', async () => {
    const cases: Record<string, string>[] = [
      { Prefer: 'return=representation' },
      { Prefer: 'return=headers-only' },
      { Prefer: 'resolution=merge-duplicates' },
    ];
    for (const headers of cases) {
      await w.exec('TRUNCATE walone.plain');
      const { res, insert } = await sent('POST', '/plain', { id: 1 }, headers);
      assert.ok(res.status === 201 || res.status === 200, `${JSON.stringify(headers)}: ${res.status}`);
      assert.match(insert ?? '', /^WITH pgrst_mutation AS/, JSON.stringify(headers));
    }
  });
});

describe('response settings', () => {
  test('set by a column default while the INSERT writes: in the response (twice: the second from the shape cache)', async () => {
    for (const id of [1, 2]) {
      // the first request of the shape (here or in an earlier test) teaches the cache; the second is served from it
      const call = () => w.call('POST', '/plain', { id });
      const r = id === 1 ? await call() : await expectMetricDelta(w.srv, 'postgrest_ts_shape_cache_hits_total', 1, call);
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('x-stamp'), 'from-default');
      assert.equal(r.headers.get('content-range'), '*/*');
    }
    assert.deepEqual(await w.rows('SELECT id, note FROM walone.plain ORDER BY id'), [
      { id: 1, note: 'stamped' },
      { id: 2, note: 'stamped' },
    ]);
  });

  test('set by a BEFORE trigger: in the response', async () => {
    const r = await w.call('POST', '/before_row', { id: 42 });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('x-early'), '42');
  });

  for (const [table, level] of [
    ['after_row', 'row'],
    ['after_stmt', 'statement'],
    ['deferred', 'row'],
  ] as const) {
    test(`set by an AFTER trigger (${table}): not in the response, as in PostgREST, though the trigger ran`, async () => {
      const r = await w.call('POST', `/${table}`, { id: 5 });
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('x-late'), null);
      assert.deepEqual(await w.rows('SELECT what FROM walone.ran'), [{ what: `${table} ${level}` }]);
      assert.deepEqual(await w.rows(`SELECT id FROM walone.${table}`), [{ id: 5 }]);
    });
  }

  test("set by a partition's own AFTER trigger: not in the response", async () => {
    const r = await w.call('POST', '/parted', { id: 3, k: 1 });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('x-late'), null);
    assert.deepEqual(await w.rows('SELECT what FROM walone.ran'), [{ what: 'parted_1 row' }]);
  });
});

describe('response settings nothing could have set: not read', () => {
  const readsSettings = (texts: readonly string[]) => texts.some((t) => t.includes("current_setting('response."));

  test('a table with only built-in defaults, identity, generated column, CHECK and index: no statement reads them', async () => {
    for (const id of [1, 2]) {
      // the second request from the shape cache
      const { res, texts, insert } = await sent('POST', '/bare', { id });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('content-range'), '*/*');
      assert.match(insert ?? '', /^INSERT INTO "walone"\."bare"/);
      assert.ok(!readsSettings(texts), texts.join('\n'));
    }
    assert.deepEqual(await w.rows('SELECT id, note, twice FROM walone.bare ORDER BY id'), [
      { id: 1, note: 'none', twice: 2 },
      { id: 2, note: 'none', twice: 4 },
    ]);
  });

  for (const [table, what] of [
    ['checked', 'a CHECK constraint'],
    ['policed', 'a row-level security policy'],
    ['before_stmt', 'a BEFORE INSERT statement trigger'],
    ['domained', "a domain column's CHECK"],
    ['indexed', 'an index expression'],
    ['defaulted', 'a column default'],
  ] as const) {
    test(`${table}: set by ${what}, read after the insert and in the response`, async () => {
      const { res, texts, insert } = await sent('POST', `/${table}`, { id: 3 });
      assert.equal(res.status, 201, `${table}: status`);
      assert.match(insert ?? '', new RegExp(`^INSERT INTO "walone"\\."${table}"`));
      assert.ok(readsSettingsAlone(texts), texts.join('\n'));
      assert.equal(res.headers.get('x-during'), 'yes');
      assert.deepEqual(await w.rows(`SELECT id::int AS id FROM walone.${table}`), [{ id: 3 }]);
    });
  }

  for (const { what, header, env } of ALWAYS_READ_SETTINGS) {
    test(`${what}: read after the insert${header ? ', and in the response' : ''}`, async () => {
      const other = await startWriteEnv({ PGRST_DB_SCHEMAS: 'walone', ...env() });
      try {
        const { res, texts } = await callRecorded(other, 'POST', '/bare', { id: 5 });
        assert.equal(res.status, 201);
        assert.ok(readsSettingsAlone(texts), texts.join('\n'));
        if (header) assert.equal(res.headers.get(header), 'yes');
      } finally {
        await other.stop();
      }
    });
  }
});

describe('row counts of an insert run alone', () => {
  test('count=exact: Content-Range carries the rows written, conflicts skipped by ignore-duplicates left out', async () => {
    await w.exec('INSERT INTO walone.plain (id) VALUES (2), (4)');
    const rows = [1, 2, 3, 4, 5].map((id) => ({ id }));
    const { res, insert } = await sent('POST', '/plain', rows, { Prefer: 'count=exact, resolution=ignore-duplicates' });
    assert.equal(res.status, 201);
    assert.match(insert ?? '', /^INSERT INTO .* ON CONFLICT \("id"\) DO NOTHING$/);
    assert.equal(res.headers.get('content-range'), '*/3');
    assert.deepEqual(await w.rows('SELECT count(*)::int AS n FROM walone.plain'), [{ n: 5 }]);
  });

  test('the same count from the CTE form on a table with an AFTER trigger', async () => {
    await w.exec('INSERT INTO walone.after_row (id) VALUES (2), (4)');
    const rows = [1, 2, 3, 4, 5].map((id) => ({ id }));
    const r = await w.call('POST', '/after_row', rows, { Prefer: 'count=exact, resolution=ignore-duplicates' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-range'), '*/3');
  });

  test('a singular Accept with two rows: PGRST116 from the command count, and nothing written', async () => {
    const { res, insert } = await sent('POST', '/plain', [{ id: 1 }, { id: 2 }], { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(res.status, 406);
    assert.deepEqual(res.json(), {
      code: 'PGRST116',
      message: 'Cannot coerce the result to a single JSON object',
      details: 'The result contains 2 rows',
      hint: null,
    });
    assert.doesNotMatch(insert ?? '', /RETURNING/);
    assert.deepEqual(await w.rows('SELECT count(*)::int AS n FROM walone.plain'), [{ n: 0 }]);
  });

  test('a singular Accept with one row: 201 and the row written', async () => {
    const r = await w.call('POST', '/plain', [{ id: 9 }], { Accept: 'application/vnd.pgrst.object+json' });
    assert.equal(r.status, 201);
    assert.deepEqual(await w.rows('SELECT id FROM walone.plain'), [{ id: 9 }]);
  });

  test('a failing insert run alone: the error, and neither it nor anything else written', async () => {
    await w.exec('INSERT INTO walone.plain (id) VALUES (1)');
    const r = await w.call('POST', '/plain', [{ id: 7 }, { id: 1 }]);
    assert.equal(r.status, 409);
    assert.equal((r.json() as { code: string }).code, '23505');
    assert.deepEqual(await w.rows('SELECT id FROM walone.plain'), [{ id: 1 }]);
  });
});

test('a table with a DO ALSO rule answers as PostgREST does (the CTE refuses the rule): nothing written', async () => {
  const r = await w.call('POST', '/ruled', { id: 1 });
  const body = r.json() as { code: string; message: string };
  assert.equal(body.code, '0A000');
  assert.match(body.message, /DO ALSO rules are not supported/);
  assert.equal(r.status, 400);
  assert.deepEqual(await w.rows('SELECT count(*)::int AS n FROM walone.ruled'), [{ n: 0 }]);
});
