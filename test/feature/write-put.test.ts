// PUT as a single-row upsert: its restrictions (PGRST105/114/115) and statuses; each test checks the table afterwards.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
before(async () => {
  w = await startWriteEnv();
});
after(async () => {
  await w.stop();
});
beforeEach(async () => {
  await w.exec(`
    TRUNCATE writes.put_langs, writes.put_pairs, writes.put_no_pk;
    INSERT INTO writes.put_langs VALUES ('Java', 1, 'old');
    INSERT INTO writes.put_pairs VALUES (1, 'x', 'one-x');
  `);
});

const langs = () => w.rows('SELECT name, rank, note FROM writes.put_langs ORDER BY name');
const unchanged = [{ name: 'Java', rank: 1, note: 'old' }];
const rep = { Prefer: 'return=representation' };

const PGRST105 = {
  code: 'PGRST105',
  details: null,
  hint: null,
  message: "Filters must include all and only primary key columns with 'eq' operators",
};

describe('PUT restrictions', () => {
  test('limit or offset: PGRST114 (400)', async () => {
    for (const q of ['limit=1', 'offset=1']) {
      const r = await w.call('PUT', `/put_langs?name=eq.Go&${q}`, { name: 'Go', rank: 3 });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), {
        code: 'PGRST114',
        details: null,
        hint: null,
        message: 'limit/offset querystring parameters are not allowed for PUT',
      });
    }
    assert.deepEqual(await langs(), unchanged);
  });

  test('filters other than eq on exactly the primary key: PGRST105 (405)', async () => {
    const cases = [
      '/put_langs?rank=eq.1',
      '/put_langs?name=not.eq.Java',
      '/put_langs?name=in.(Java)',
      '/put_langs?name=eq.Java&rank=eq.1',
      '/put_langs?and=(name.eq.Java)',
      '/put_langs?name=eq.Java&or=(rank.eq.1)',
      '/put_langs?name=eq(any).{Java}',
      '/put_langs',
      '/put_pairs?a=eq.1',
    ];
    for (const path of cases) {
      const r = await w.call('PUT', path, { name: 'Java', rank: 5 });
      assert.equal(r.status, 405, path);
      assert.deepEqual(r.json(), PGRST105, path);
    }
    assert.deepEqual(await langs(), unchanged);
  });

  test('a table without primary key: PGRST105', async () => {
    const r = await w.call('PUT', '/put_no_pk?a=eq.1&b=eq.2', { a: '1', b: '2' });
    assert.equal(r.status, 405);
    assert.deepEqual(r.json(), PGRST105);
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.put_no_pk'))[0]?.['n'], 0);
  });

  test('payload key different from the URL: PGRST115 (400), nothing written', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Go', { name: 'Rust', rank: 2 }, rep);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST115',
      details: null,
      hint: null,
      message: 'Payload values do not match URL in primary key column(s)',
    });
    const c = await w.call('PUT', '/put_pairs?a=eq.1&b=eq.y', { a: 1, b: 'x', val: 'changed' });
    assert.equal(c.status, 400);
    assert.equal((c.json() as { code: string }).code, 'PGRST115');
    assert.deepEqual(await langs(), unchanged);
    assert.deepEqual(await w.rows('SELECT * FROM writes.put_pairs'), [{ a: 1, b: 'x', val: 'one-x' }]);
  });
});

describe('PUT as single-row upsert', () => {
  test('inserting: 204 by default, no Content-Range', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Go', { name: 'Go', rank: 3, note: 'n' });
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-range'), null);
    assert.equal(r.headers.get('content-type'), null);
    assert.deepEqual(await langs(), [{ name: 'Go', rank: 3, note: 'n' }, ...unchanged]);
  });

  test('inserting with return=representation: 201', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Go', { name: 'Go', rank: 3 }, rep);
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('preference-applied'), 'return=representation');
    assert.deepEqual(r.json(), [{ name: 'Go', rank: 3, note: null }]);
    assert.deepEqual(await langs(), [{ name: 'Go', rank: 3, note: null }, ...unchanged]);
  });

  test('updating with return=representation: 200; columns not sent become NULL only on insert', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Java', { name: 'Java', rank: 13 }, rep);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ name: 'Java', rank: 13, note: 'old' }]);
    assert.deepEqual(await langs(), [{ name: 'Java', rank: 13, note: 'old' }]);
  });

  test('updating with return=minimal: 204', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Java', { name: 'Java', rank: 2, note: 'new' });
    assert.equal(r.status, 204);
    assert.deepEqual(await langs(), [{ name: 'Java', rank: 2, note: 'new' }]);
  });

  test('composite key: insert then update', async () => {
    const ins = await w.call('PUT', '/put_pairs?a=eq.2&b=eq.y', { a: 2, b: 'y', val: 'two-y' }, rep);
    assert.equal(ins.status, 201);
    const upd = await w.call('PUT', '/put_pairs?b=eq.x&a=eq.1', { a: 1, b: 'x', val: 'changed' }, rep);
    assert.equal(upd.status, 200);
    assert.deepEqual(upd.json(), [{ a: 1, b: 'x', val: 'changed' }]);
    assert.deepEqual(await w.rows('SELECT * FROM writes.put_pairs ORDER BY a'), [
      { a: 1, b: 'x', val: 'changed' },
      { a: 2, b: 'y', val: 'two-y' },
    ]);
  });

  test('an array body writes only the element matching the URL', async () => {
    const r = await w.call(
      'PUT',
      '/put_langs?name=eq.Java',
      [
        { name: 'Java', rank: 19 },
        { name: 'Swift', rank: 12 },
      ],
      { ...rep, Accept: 'application/vnd.pgrst.object+json' },
    );
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/vnd.pgrst.object+json; charset=utf-8');
    assert.deepEqual(r.json(), { name: 'Java', rank: 19, note: 'old' });
    assert.deepEqual(await langs(), [{ name: 'Java', rank: 19, note: 'old' }]);
  });

  test('the Range header is ignored; columns= does not apply; resolution is not echoed', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Java&columns=name', { name: 'Java', rank: 5 }, {
      Prefer: 'return=representation, resolution=ignore-duplicates',
      Range: '1-1',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('preference-applied'), 'return=representation');
    assert.deepEqual(r.json(), [{ name: 'Java', rank: 5, note: 'old' }]);
    assert.deepEqual(await langs(), [{ name: 'Java', rank: 5, note: 'old' }]);
  });

  test('select shapes the representation', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Go&select=rank,lang:name', { name: 'Go', rank: 3 }, rep);
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ rank: 3, lang: 'Go' }]);
    assert.deepEqual(await langs(), [{ name: 'Go', rank: 3, note: null }, ...unchanged]);
  });

  test('an unknown body column: PGRST204, nothing written', async () => {
    const r = await w.call('PUT', '/put_langs?name=eq.Go', { name: 'Go', bogus: 1 });
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, 'PGRST204');
    assert.deepEqual(await langs(), unchanged);
  });
});
