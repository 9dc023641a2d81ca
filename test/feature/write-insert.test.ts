// POST on relations: return=minimal/headers-only/representation, Location, select/order on the written rows, defaults,
// columns= and missing=default, media types, privileges and response GUCs; each test checks the table afterwards.
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
  await w.exec(
    'TRUNCATE writes.ins_items, writes.ins_composite, writes."ins_Ünï", writes.ins_no_pk, writes.ins_private, writes.ins_guc, writes.ins_colors; TRUNCATE writes.ins_auto RESTART IDENTITY',
  );
});

describe('POST: one object', () => {
  test('default return=minimal: 201, empty body, Content-Length 0, Content-Range */*, no Content-Type', async () => {
    const r = await w.call('POST', '/ins_items', { id: 1, name: 'one' });
    assert.equal(r.status, 201);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-length'), '0');
    assert.equal(r.headers.get('content-range'), '*/*');
    assert.equal(r.headers.get('content-type'), null);
    assert.equal(r.headers.get('location'), null);
    assert.equal(r.headers.get('preference-applied'), null);
    assert.deepEqual(await w.rows('SELECT * FROM writes.ins_items'), [{ id: 1, name: 'one', qty: 5, note: 'none' }]);
  });

  test('return=representation: 201 and the written row, with column defaults for keys not sent', async () => {
    const r = await w.call('POST', '/ins_items', { id: 2, name: 'two' }, { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('preference-applied'), 'return=representation');
    assert.equal(r.headers.get('content-range'), '*/*');
    assert.equal(r.headers.get('location'), null);
    assert.deepEqual(r.json(), [{ id: 2, name: 'two', qty: 5, note: 'none' }]);
    assert.deepEqual(await w.rows('SELECT * FROM writes.ins_items'), [{ id: 2, name: 'two', qty: 5, note: 'none' }]);
  });

  test('representation shaped by select (aliases, casts, computed field) and order', async () => {
    const r = await w.call(
      'POST',
      '/ins_items?select=ident:id,qty::text,shout:ins_items_shout&order=id.desc',
      [
        { id: 3, name: 'x' },
        { id: 4, name: 'y' },
      ],
      { Prefer: 'return=representation' },
    );
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [
      { ident: 4, qty: '5', shout: 'Y' },
      { ident: 3, qty: '5', shout: 'X' },
    ]);
    assert.deepEqual(await w.rows('SELECT id, name FROM writes.ins_items ORDER BY id'), [
      { id: 3, name: 'x' },
      { id: 4, name: 'y' },
    ]);
  });

  test('select is ignored without return=representation', async () => {
    const r = await w.call('POST', '/ins_items?select=nonexistent', { id: 5, name: 'five' });
    assert.equal(r.status, 201);
    assert.equal(r.text, '');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_items WHERE id = 5'))[0]?.['n'], 1);
  });

  test('return=headers-only: Location from the primary key', async () => {
    const r = await w.call('POST', '/ins_items', { id: 6, name: 'six' }, { Prefer: 'return=headers-only' });
    assert.equal(r.status, 201);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('location'), '/ins_items?id=eq.6');
    assert.equal(r.headers.get('preference-applied'), 'return=headers-only');
    assert.equal(r.headers.get('content-type'), null);
    assert.deepEqual(await w.rows('SELECT id, name FROM writes.ins_items'), [{ id: 6, name: 'six' }]);
  });

  test('Location of a composite key (table column order) with values percent-encoded', async () => {
    const r = await w.call('POST', '/ins_composite', { k1: 7, k2: 'a b/é&c', val: 'v' }, { Prefer: 'return=headers-only' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), '/ins_composite?k1=eq.7&k2=eq.a%20b%2F%C3%A9%26c');
    assert.deepEqual(await w.rows('SELECT * FROM writes.ins_composite'), [{ k1: 7, k2: 'a b/é&c', val: 'v' }]);
  });

  test('Location of a unicode table with a generated key', async () => {
    const r = await w.call('POST', '/ins_auto', { name: 'gen' }, { Prefer: 'return=headers-only' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), '/ins_auto?id=eq.1');
    const u = await w.call('POST', `/${encodeURIComponent('ins_Ünï')}`, { Kéy: 'ü', v: 1 }, { Prefer: 'return=headers-only' });
    assert.equal(u.status, 201);
    // PostgREST writes the relation name as raw UTF-8 bytes; fetch reads header bytes as latin1.
    const raw = Buffer.from(u.headers.get('location') ?? '', 'latin1').toString('utf8');
    assert.equal(raw, '/ins_Ünï?K%C3%A9y=eq.%C3%BC');
    assert.deepEqual(await w.rows('SELECT * FROM writes."ins_Ünï"'), [{ Kéy: 'ü', v: 1 }]);
  });

  test('no Location for several rows, for a table without primary key, or with return=representation', async () => {
    const many = await w.call(
      'POST',
      '/ins_items',
      [
        { id: 8, name: 'a' },
        { id: 9, name: 'b' },
      ],
      { Prefer: 'return=headers-only' },
    );
    assert.equal(many.status, 201);
    assert.equal(many.headers.get('location'), null);
    const noPk = await w.call('POST', '/ins_no_pk', { a: '1', b: '2' }, { Prefer: 'return=headers-only' });
    assert.equal(noPk.status, 201);
    assert.equal(noPk.headers.get('location'), null);
    const rep = await w.call('POST', '/ins_items', { id: 10 }, { Prefer: 'return=representation' });
    assert.equal(rep.headers.get('location'), null);
    assert.deepEqual(await w.rows('SELECT id FROM writes.ins_items ORDER BY id'), [{ id: 8 }, { id: 9 }, { id: 10 }]);
    assert.deepEqual(await w.rows('SELECT * FROM writes.ins_no_pk'), [{ a: '1', b: '2' }]);
  });

  test('insert into an auto-updatable view', async () => {
    const r = await w.call('POST', '/ins_items_view', { id: 11, name: 'view' }, { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ id: 11, name: 'view', qty: 5 }]);
    assert.deepEqual(await w.rows('SELECT * FROM writes.ins_items'), [{ id: 11, name: 'view', qty: 5, note: 'none' }]);
  });

  test('typed columns: numeric, char(n), bit(n), arrays, jsonb', async () => {
    const body = { name: 'typed', amount: '12.345', code: 'ab', flags: '101', tags: ['x', 'y z'], meta: { k: [1, 2] } };
    const r = await w.call('POST', '/ins_auto', body, { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [
      { id: 1, name: 'typed', label: 'dflt', amount: 12.35, code: 'ab ', flags: '101', tags: ['x', 'y z'], meta: { k: [1, 2] } },
    ]);
    const [row] = await w.rows('SELECT amount::text, code, flags::text, tags, meta FROM writes.ins_auto');
    assert.deepEqual(row, { amount: '12.35', code: 'ab ', flags: '101', tags: ['x', 'y z'], meta: { k: [1, 2] } });
  });

  test('count=exact gives the inserted row count in Content-Range', async () => {
    const r = await w.call(
      'POST',
      '/ins_items',
      [
        { id: 12, name: 'a' },
        { id: 13, name: 'b' },
      ],
      { Prefer: 'count=exact' },
    );
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-range'), '*/2');
    assert.equal(r.headers.get('preference-applied'), 'count=exact');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_items'))[0]?.['n'], 2);
  });
});

describe('POST: empty objects, missing keys, columns=', () => {
  test('{} inserts a row of defaults; [{},{}] two of them', async () => {
    // ins_auto.name is NOT NULL without default: the all-defaults row reaches the table and is refused there
    const one = await w.call('POST', '/ins_auto?select=id,label', {}, { Prefer: 'return=representation' });
    assert.equal(one.status, 400);
    assert.equal((one.json() as { code: string }).code, '23502');
    await w.exec('ALTER TABLE writes.ins_no_pk ALTER COLUMN a SET DEFAULT \'da\'');
    try {
      const two = await w.call('POST', '/ins_no_pk', [{}, {}], { Prefer: 'return=representation' });
      assert.equal(two.status, 201);
      assert.deepEqual(two.json(), [
        { a: 'da', b: null },
        { a: 'da', b: null },
      ]);
      const single = await w.call('POST', '/ins_no_pk', {});
      assert.equal(single.status, 201);
      assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_no_pk WHERE a = $1', ['da']))[0]?.['n'], 3);
    } finally {
      await w.exec('ALTER TABLE writes.ins_no_pk ALTER COLUMN a DROP DEFAULT');
    }
  });

  test('[] inserts nothing: 201 and [] with representation', async () => {
    const r = await w.call('POST', '/ins_items', [], { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), []);
    assert.equal(r.headers.get('content-range'), '*/*');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_items'))[0]?.['n'], 0);
  });

  test('a JSON scalar body is treated as an empty array', async () => {
    const r = await w.call('POST', '/ins_items', '"just a string"', { 'Content-Type': 'application/json', Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), []);
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_items'))[0]?.['n'], 0);
  });

  test('columns= takes only the listed keys; missing ones are NULL, or the default with missing=default', async () => {
    const body = [
      { id: 20, name: 'has qty', qty: 1, ignored: 'x' },
      { id: 21, name: 'no qty' },
    ];
    const r = await w.call('POST', '/ins_items?columns=id,name,qty', body, { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [
      { id: 20, name: 'has qty', qty: 1, note: 'none' },
      { id: 21, name: 'no qty', qty: null, note: 'none' },
    ]);
    const d = await w.call(
      'POST',
      '/ins_items?columns=id,name,qty',
      [
        { id: 22, name: 'dflt' },
        { id: 23, qty: 9 },
      ],
      { Prefer: 'return=representation,missing=default' },
    );
    assert.equal(d.status, 201);
    assert.equal(d.headers.get('preference-applied'), 'missing=default, return=representation');
    assert.deepEqual(d.json(), [
      { id: 22, name: 'dflt', qty: 5, note: 'none' },
      { id: 23, name: null, qty: 9, note: 'none' },
    ]);
    assert.deepEqual(await w.rows('SELECT id, name, qty FROM writes.ins_items ORDER BY id'), [
      { id: 20, name: 'has qty', qty: 1 },
      { id: 21, name: 'no qty', qty: null },
      { id: 22, name: 'dflt', qty: 5 },
      { id: 23, name: null, qty: 9 },
    ]);
  });

  test('missing=default fills an identity key and a single object', async () => {
    const r = await w.call(
      'POST',
      '/ins_auto?columns=id,name,label&select=id,name,label',
      { name: 'only name' },
      { Prefer: 'return=representation, missing=default' },
    );
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ id: 1, name: 'only name', label: 'dflt' }]);
    assert.deepEqual(await w.rows('SELECT id, name, label FROM writes.ins_auto'), [{ id: 1, name: 'only name', label: 'dflt' }]);
  });

  test('columns= naming an unknown column is PGRST204 and writes nothing', async () => {
    const r = await w.call('POST', '/ins_items?columns=id,nope', { id: 30 });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: 'PGRST204',
      details: null,
      hint: null,
      message: "Could not find the 'nope' column of 'ins_items' in the schema cache",
    });
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_items'))[0]?.['n'], 0);
  });
});

describe('POST: media types of the representation', () => {
  test('Accept: text/csv', async () => {
    const r = await w.call(
      'POST',
      '/ins_items?select=id,name',
      [
        { id: 40, name: 'a,b' },
        { id: 41, name: 'c' },
      ],
      { Prefer: 'return=representation', Accept: 'text/csv' },
    );
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.text, 'id,name\n40,"a,b"\n41,c');
  });

  test('singular Accept: one row is an object; two rows are PGRST116 and nothing is written', async () => {
    const one = await w.call('POST', '/ins_items', { id: 42, name: 'one' }, {
      Prefer: 'return=representation',
      Accept: 'application/vnd.pgrst.object+json',
    });
    assert.equal(one.status, 201);
    assert.equal(one.headers.get('content-type'), 'application/vnd.pgrst.object+json; charset=utf-8');
    assert.deepEqual(one.json(), { id: 42, name: 'one', qty: 5, note: 'none' });
    const two = await w.call(
      'POST',
      '/ins_items',
      [
        { id: 43, name: 'a' },
        { id: 44, name: 'b' },
      ],
      { Accept: 'application/vnd.pgrst.object+json' },
    );
    assert.equal(two.status, 406);
    assert.deepEqual(two.json(), {
      code: 'PGRST116',
      details: 'The result contains 2 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
    assert.deepEqual(await w.rows('SELECT id FROM writes.ins_items'), [{ id: 42 }]);
  });

  test('an unacceptable Accept is 406 PGRST107 and nothing is written', async () => {
    const r = await w.call('POST', '/ins_items', { id: 45 }, { Accept: 'application/xml' });
    assert.equal(r.status, 406);
    assert.equal((r.json() as { code: string }).code, 'PGRST107');
    assert.equal((await w.rows('SELECT count(*)::int AS n FROM writes.ins_items'))[0]?.['n'], 0);
  });
});

describe('POST: privileges, representations, response GUCs', () => {
  test('a json → domain cast parses body values (POST and PATCH)', async () => {
    const r = await w.call('POST', '/ins_colors', { id: 1, color: '#0000ff' }, { Prefer: 'return=representation' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), [{ id: 1, color: 255 }]);
    const p = await w.call('PATCH', '/ins_colors?id=eq.1', { color: '#000100' });
    assert.equal(p.status, 204);
    assert.deepEqual(await w.rows('SELECT id, color FROM writes.ins_colors'), [{ id: 1, color: 256 }]);
  });

  test('a table with column privileges: minimal works; representation needs a permitted select', async () => {
    const minimal = await w.call('POST', '/ins_private', { id: 1, name: 'a', secret: 's' });
    assert.equal(minimal.status, 201);
    const located = await w.call('POST', '/ins_private', { id: 2, name: 'b', secret: 's' }, { Prefer: 'return=headers-only' });
    assert.equal(located.status, 201);
    assert.equal(located.headers.get('location'), '/ins_private?id=eq.2');
    const allowed = await w.call('POST', '/ins_private?select=id,name', { id: 3, name: 'c', secret: 's' }, { Prefer: 'return=representation' });
    assert.equal(allowed.status, 201);
    assert.deepEqual(allowed.json(), [{ id: 3, name: 'c' }]);
    const denied = await w.call('POST', '/ins_private', { id: 4, name: 'd', secret: 's' }, { Prefer: 'return=representation' });
    assert.equal(denied.status, 401);
    assert.equal((denied.json() as { code: string }).code, '42501');
    assert.deepEqual(await w.rows('SELECT id, secret FROM writes.ins_private ORDER BY id'), [
      { id: 1, secret: 's' },
      { id: 2, secret: 's' },
      { id: 3, secret: 's' },
    ]);
  });

  test('response.status and response.headers set by a trigger override the answer', async () => {
    const r = await w.call('POST', '/ins_guc', { id: 7 });
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('x-inserted'), '7');
    assert.deepEqual(await w.rows('SELECT id FROM writes.ins_guc'), [{ id: 7 }]);
  });
});
