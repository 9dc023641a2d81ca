// Feature tests with hostile reads: unbalanced parentheses, unknown operators, bad ranges, NUL bytes, 10 kB values and
// SQL-looking input. Each malformed request is a 4xx JSON error, hostile-but-valid input stays harmless data, and the
// server keeps serving (also under a concurrent burst of all of them).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

const KB10 = 10 * 1024;

/** [name, path, headers, status, error code]. */
type Malformed = readonly [string, string, Readonly<Record<string, string>>, number, string | RegExp];

const MALFORMED: readonly Malformed[] = [
  ['unbalanced ( in select', '/items?select=id,name(', {}, 400, 'PGRST100'],
  ['unbalanced ( in an embed', '/items?select=id,clients(id', {}, 400, 'PGRST100'],
  ['empty select item', '/items?select=id,,name', {}, 400, 'PGRST100'],
  ['unbalanced ( in a logic tree', '/items?or=(id.eq.1,id.eq.2', {}, 400, 'PGRST100'],
  ['only ( in a logic tree', '/items?and=(((((', {}, 400, 'PGRST100'],
  ['300 unbalanced ( in a logic tree', `/items?or=${'('.repeat(300)}id.eq.1${')'.repeat(299)}`, {}, 400, 'PGRST100'],
  ['unbalanced ( in an in list', '/items?id=in.(1,2', {}, 400, 'PGRST100'],
  ['empty logic tree', '/items?or=()', {}, 400, 'PGRST100'],
  ['unknown operator', '/items?id=noop.1', {}, 400, 'PGRST100'],
  ['unknown quantifier', '/items?id=eq(some).{1}', {}, 400, 'PGRST100'],
  ['quantifier on neq', '/items?id=neq(any).{1}', {}, 400, 'PGRST100'],
  ['double not', '/items?id=not.not.eq.1', {}, 400, 'PGRST100'],
  ['is with an unknown value', '/items?active=is.maybe', {}, 400, 'PGRST100'],
  ['fts with a broken language', '/items?name=fts(.x', {}, 400, 'PGRST100'],
  ['fts with an empty language', '/items?name=fts().x', {}, 400, 'PGRST100'],
  ['unknown order modifier', '/items?order=id.sideways', {}, 400, 'PGRST100'],
  ['operator without value separator', '/items?id=eq', {}, 400, 'PGRST100'],
  ['a key that is not a field name', '/items?%25zz=eq.1', {}, 400, 'PGRST100'],
  ['Range lower above upper', '/items', { Range: '5-2' }, 416, 'PGRST103'],
  ['negative limit', '/items?limit=-5', {}, 416, 'PGRST103'],
  ['limit=0 with an offset', '/items?limit=0&offset=3', {}, 416, 'PGRST103'],
  ['huge limit', '/items?limit=99999999999999999999999', {}, 400, /^22/],
  ['huge offset', '/items?offset=99999999999999999999999', {}, 400, /^22/],
  ['huge Range end', '/items', { Range: '0-99999999999999999999' }, 400, /^22/],
  ['NUL in a select name', '/items?select=na%00me', {}, 400, 'PGRST100'],
  ['NUL in an order name', '/items?order=na%00me', {}, 400, 'PGRST100'],
  ['NUL in a filter key (the name ends there)', '/items?na%00me=eq.x', {}, 400, '42703'],
  ['NUL as an integer value (the value ends there)', '/items?id=eq.%00', {}, 400, '22P02'],
  ['NUL in a table name', '/it%00ems', {}, 404, 'PGRST205'],
  ['10 kB column name', `/items?select=${'a'.repeat(KB10)}`, {}, 400, '42703'],
  ['10 kB order name', `/items?order=${'b'.repeat(KB10)}`, {}, 400, '42703'],
  ['10 kB cast type', `/items?select=id::${'c'.repeat(KB10)}`, {}, 400, '42704'],
  ['10 kB text search language', `/texts?body=fts(${'d'.repeat(KB10)}).x`, {}, 400, '42704'],
  ['10 kB integer', `/items?id=eq.${'9'.repeat(KB10)}`, {}, 400, '22003'],
  ['10 kB of ( in select', `/items?select=id,${'('.repeat(KB10)}`, {}, 400, 'PGRST100'],
  ['SQL in a cast type', '/items?select=id::text%20AS%20x%20FROM%20test', {}, 400, '42601'],
  ['a quote breaking out of a quoted name', '/items?select=%22id%22%22;%20drop%20table%20items;%20--%22', {}, 400, 'PGRST100'],
  ['an unknown media type', '/items', { Accept: 'x/y' }, 406, 'PGRST107'],
  ['an unknown schema', '/items', { 'Accept-Profile': 'pg_catalog' }, 406, 'PGRST106'],
];

/** [name, path, status, body (or undefined to skip)]: hostile but valid input is only data. */
type Harmless = readonly [string, string, number, string | undefined];

const HARMLESS: readonly Harmless[] = [
  ['SQL in a value', '/items?select=id&name=eq.x%27);%20delete%20from%20test.items;--', 200, '[]'],
  // `)` ends the key and PostgREST ignores the rest of select.
  ['SQL in a JSON key', "/items?select=id,meta->>a')%20or%201=1--&id=eq.1", 200, '[{"id":1,"a\'":null}]'],
  ['SQL in an in list', '/items?select=id&name=in.(%22a%22%22)%20or%201=1--%22)', 200, '[]'],
  ['SQL in a like pattern', '/items?select=id&name=like.%25%27%20or%20%271%27=%271', 200, '[]'],
  ['NUL in a text value (the value ends there)', '/items?select=id&name=eq.apple%00junk', 200, '[{"id":1}]'],
  ['NUL in an in list item (the item ends there)', '/people?select=id&name=in.(Alan%20Kay%00junk,x)', 200, '[{"id":4}]'],
  ['10 kB value', `/items?select=id&name=eq.${'x'.repeat(KB10)}`, 200, '[]'],
  ['3000 stars in a like pattern', `/items?select=id&name=like.${'*'.repeat(3000)}&id=eq.2`, 200, '[{"id":2}]'],
  ['10 kB JSON key', `/items?select=id,meta->>${'k'.repeat(KB10)}&id=eq.1`, 200, undefined],
  ['1500 in values', `/items?select=id&id=in.(${Array.from({ length: 1500 }, (_, i) => i + 1).join(',')})&order=id&limit=1`, 200, '[{"id":1}]'],
  ['a 60-deep logic tree', `/items?select=id&or=(${'or('.repeat(60)}id.eq.3${')'.repeat(60)})`, 200, '[{"id":3}]'],
  ['select of only ( is every column (PostgREST)', `/items?select=${'('.repeat(2000)}&id=eq.1&limit=1`, 200, undefined],
];

async function expectMalformed([name, path, headers, status, code]: Malformed): Promise<void> {
  const r = await request(srv.url, path, { headers });
  assert.equal(r.status, status, `${name}: ${r.text.slice(0, 300)}`);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  const body = r.json() as { code: string; message: string };
  if (typeof code === 'string') assert.equal(body.code, code, name);
  else assert.match(body.code, code, name);
  assert.equal(typeof body.message, 'string');
}

async function expectStillServing(): Promise<void> {
  const r = await request(srv.url, '/items?select=id&order=id');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]);
}

describe('malformed reads are 4xx JSON errors', () => {
  for (const m of MALFORMED) test(m[0], () => expectMalformed(m));
});

describe('hostile but valid reads are harmless', () => {
  for (const [name, path, status, body] of HARMLESS) {
    test(name, async () => {
      const r = await request(srv.url, path);
      assert.equal(r.status, status, `${name}: ${r.text.slice(0, 300)}`);
      if (body !== undefined) assert.equal(r.text, body);
    });
  }
});

describe('limits of the HTTP front door', () => {
  test('a URL beyond the server limits is a 4xx JSON error', async () => {
    const r = await request(srv.url, `/items?select=id&${'x'.repeat(40 * 1024)}=eq.1`);
    assert.ok(r.status === 414 || r.status === 431, String(r.status));
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.match((r.json() as { code: string }).code, /^PGRSTX4/);
  });
});

describe('the server keeps serving', () => {
  test('after each kind of malformed request', expectStillServing);

  test('under a concurrent burst of every hostile request', async () => {
    const all = [
      ...MALFORMED.map((m) => request(srv.url, m[1], { headers: m[2] }).then((r) => r.status)),
      ...HARMLESS.map((h) => request(srv.url, h[1]).then((r) => r.status)),
    ];
    const statuses = await Promise.all([...all, ...all.slice(0, 20)]);
    assert.ok(
      statuses.every((s) => s < 500),
      statuses.join(','),
    );
    await expectStillServing();
  });
});

describe('NUL bytes in names', () => {
  // As with PostgREST, an identifier ends at its first NUL (`"na\0me"` → "na", 42703).
  test('a NUL in a quoted name ends the name', async () => {
    const r = await request(srv.url, '/items?select=%22na%00me%22');
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, '42703');
  });
});
