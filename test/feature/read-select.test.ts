// Feature tests of `select`: columns, `*`, aliases, casts, JSON/composite/array paths, quoted and odd identifiers, unicode.
// Table-driven over the read fixtures of test/fixtures/10-core.sql; asserts status, body and the headers PostgREST sends.
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

interface Case {
  readonly name: string;
  readonly path: string;
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string | null>>;
}

async function check(c: Case): Promise<void> {
  const r = await request(srv.url, c.path);
  assert.equal(r.status, c.status ?? 200, `${c.path} → ${r.text}`);
  if (c.json !== undefined) assert.deepEqual(r.json(), c.json);
  if (c.text !== undefined) assert.equal(r.text, c.text);
  for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(r.headers.get(k), v, `${c.path}: header ${k}`);
}

const JSON_UTF8 = 'application/json; charset=utf-8';
const pgError = (code: string, message: string, details: unknown = null, hint: string | null = null) => ({ code, message, details, hint });

const ITEM_1 = {
  id: 1,
  name: 'apple',
  price: 1.5,
  qty: 10,
  active: true,
  mood: 'happy',
  tags: ['fruit', 'red'],
  nums: [1, 2, 3],
  meta: { color: 'red', size: { w: 3, h: 4 }, list: [1, 2, 3], k: null },
  data: { a: 1 },
  period: '[1,5)',
  created: '2024-01-01',
  pos: { x: 1, y: 2 },
  'spaced name': 'a b',
  ünïcode: 'ü1',
};

const COLUMNS: readonly Case[] = [
  { name: 'no select is every column', path: '/items?id=eq.1', json: [ITEM_1], headers: { 'content-type': JSON_UTF8 } },
  { name: 'empty select is every column', path: '/items?id=eq.1&select=', json: [ITEM_1] },
  { name: 'star', path: '/items?id=eq.1&select=*', json: [ITEM_1] },
  { name: 'numeric keeps its scale in the body', path: '/items?id=eq.1&select=price', text: '[{"price":1.50}]' },
  { name: 'column list', path: '/items?select=id,name&id=lt.3&order=id', json: [{ id: 1, name: 'apple' }, { id: 2, name: 'banana' }] },
  { name: 'spaces around items', path: '/items?select=id,%20name%20&id=eq.1', json: [{ id: 1, name: 'apple' }] },
  { name: 'alias', path: '/items?select=ident:id,label:name&id=eq.2', json: [{ ident: 2, label: 'banana' }] },
  { name: 'cast to text', path: '/items?select=id::text&id=lt.3&order=id', json: [{ id: '1' }, { id: '2' }] },
  { name: 'alias with cast', path: '/items?select=myId:id::text,p:price::int&id=eq.1', json: [{ myId: '1', p: 2 }] },
  { name: 'cast to a type with a space', path: '/items?select=qty::double%20precision&id=eq.1', json: [{ qty: 10 }] },
  { name: 'cast to a type with underscore and digits', path: '/items?select=nums::_text&id=eq.1', json: [{ nums: ['1', '2', '3'] }] },
  { name: 'enum, array, range, date and composite values', path: '/items?select=mood,tags,period,created,pos&id=eq.5', json: [{ mood: 'happy', tags: ['fruit', 'dark blue'], period: 'empty', created: '2024-05-01', pos: { x: 9, y: 9 } }] },
  { name: 'nulls', path: '/items?select=active,mood,tags,meta&id=eq.4', json: [{ active: null, mood: null, tags: null, meta: null }] },
];

const JSON_PATHS: readonly Case[] = [
  { name: '-> keeps JSON, ->> gives text; key = last key', path: '/items?select=meta->color,txt:meta->>color&id=eq.1', json: [{ color: 'red', txt: 'red' }] },
  { name: 'two levels', path: '/items?select=meta->size->>w,meta->size->h&id=lt.4&order=id', json: [{ w: '3', h: 4 }, { w: '1', h: 7 }, { w: null, h: null }] },
  { name: 'path with cast', path: '/items?select=meta->size->>w::int&id=eq.1', json: [{ w: 3 }] },
  { name: 'alias, path and cast', path: '/items?select=width:meta->size->>w::integer&id=eq.2', json: [{ width: 1 }] },
  { name: '->> cast to json', path: '/items?select=meta->>size::json&id=eq.1', json: [{ size: { w: 3, h: 4 } }] },
  { name: 'array index inside a key', path: '/items?select=meta->list->0,last:meta->list->>-1&id=lt.4&order=id', json: [{ list: 1, last: '3' }, { list: 4, last: '4' }, { list: null, last: null }] },
  { name: 'index on a jsonb array: key = column name', path: '/json_docs?select=doc->0,doc->>-1&id=in.(1,2)&order=id', text: '[{"doc":10,"doc":"30"}, \n {"doc":40,"doc":"60"}]' },
  { name: 'nested indexes', path: '/json_docs?select=doc->1->>2::int&id=in.(3,4)&order=id', json: [{ doc: 6 }, { doc: null }] },
  { name: 'negative nested indexes', path: '/json_docs?select=doc->-1->>-3::int&id=eq.3', json: [{ doc: 4 }] },
  { name: 'index then key', path: '/json_docs?select=doc->1->k&id=eq.4', json: [{ k: [7, 8, 9] }] },
  { name: 'keys and indexes mixed', path: '/json_docs?select=doc->arr->0->deep->>1::int&id=eq.5', json: [{ deep: 200 }] },
  { name: 'keys with non-reserved special characters', path: '/json_docs?select=doc->!@%23$%25^%26*_x->>!@%23$%25^%26*_y::int&id=eq.5', json: [{ '!@#$%^&*_y': 42 }] },
  { name: 'json (not jsonb) column', path: '/json_docs?select=raw->1,raw->>n&id=in.(1,6)&order=id', json: [{ raw: 20, n: null }, { raw: null, n: '1.5' }] },
  { name: 'composite field', path: '/items?select=pos->x,y:pos->>y&id=lt.3&order=id', json: [{ x: 1, y: '2' }, { x: 3, y: '4' }] },
  { name: 'array items', path: '/items?select=first:tags->0,tags->>1,nums->-1&id=eq.1', json: [{ first: 'fruit', tags: 'red', nums: 3 }] },
  {
    name: 'a bad cast of a path value is 400 22P02',
    path: '/items?select=meta->>color::integer',
    status: 400,
    json: pgError('22P02', 'invalid input syntax for type integer: "red"'),
  },
  {
    name: 'a reserved character in a key is PGRST100',
    path: '/json_docs?select=doc->(x',
    status: 400,
    json: pgError(
      'PGRST100',
      '"failed to parse select parameter (doc->(x)" (line 1, column 6)',
      'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()',
    ),
  },
  {
    name: 'a malformed negative index is PGRST100',
    path: '/json_docs?select=doc->>--34',
    status: 400,
    json: pgError('PGRST100', '"failed to parse select parameter (doc->>--34)" (line 1, column 8)', 'unexpected "-" expecting digit'),
  },
];

const IDENTIFIERS: readonly Case[] = [
  {
    name: 'quoted names with reserved characters',
    path: '/odd_columns?select=%22:arr-%3Eow::cast%22,%22(inside,parens)%22,%22a.dotted.column%22,%22%20%20col%20%20w%20%20space%20%20%22&%22*id*%22=eq.1',
    json: [{ ':arr->ow::cast': ' arrow-1 ', '(inside,parens)': ' parens-1 ', 'a.dotted.column': ' dotted-1 ', '  col  w  space  ': ' space-1' }],
  },
  { name: 'quoted names in order', path: '/odd_columns?select=%22*id*%22&order=%22*id*%22.desc', json: [{ '*id*': 2 }, { '*id*': 1 }] },
  { name: 'dollars and dashes without quotes', path: '/odd_columns?select=a$num$,field-with_sep&a$num$=eq.100', json: [{ a$num$: 100, 'field-with_sep': 11 }] },
  { name: 'columns named t and count do not clash with internal names', path: '/odd_columns?select=t,count&order=t', json: [{ t: 't1', count: 7 }, { t: 't2', count: 8 }] },
  { name: 'select=count is the legacy whole-row count', path: '/items?select=count&active=is.true', json: [{ count: 3 }] },
  { name: 'a real column named count wins over the legacy row count', path: '/odd_columns?select=count&order=count', json: [{ count: 7 }, { count: 8 }] },
  { name: 'a table with a space and a column with spaces', path: '/Order%20Items?select=Item%20Name&Item%20Name=like.*item&order=Item%20Name.desc', json: [{ 'Item Name': 'second item' }, { 'Item Name': 'first item' }] },
  { name: 'a column with a space from a star select', path: '/items?select=spaced%20name&id=eq.5', json: [{ 'spaced name': 'e,f' }] },
  { name: 'unicode column', path: '/items?select=id,%C3%BCn%C3%AFcode&id=lt.3&order=id', json: [{ id: 1, ünïcode: 'ü1' }, { id: 2, ünïcode: 'ü2' }] },
  { name: 'unicode table, filter and select', path: '/%C3%9Cnicode%20T%C3%A2ble?select=%C3%8Fd&N%C3%A2me=eq.deux', json: [{ Ïd: 2 }] },
  { name: 'a view', path: '/active_items?select=id,name&order=id', json: [{ id: 1, name: 'apple' }, { id: 2, name: 'banana' }, { id: 5, name: 'Elderberry' }] },
];

const ERRORS: readonly Case[] = [
  { name: 'unknown column', path: '/items?select=id,zzz', status: 400, json: pgError('42703', 'column items.zzz does not exist') },
  { name: 'unknown column with a JSON path', path: '/items?select=zzz->a', status: 400, json: pgError('42703', 'column items.zzz does not exist') },
  { name: 'unknown cast type', path: '/items?select=id::fakecolumntype', status: 400, json: pgError('42704', 'type "fakecolumntype" does not exist'), headers: { 'content-length': '94' } },
  {
    name: 'unbalanced parenthesis',
    path: '/items?select=id,name(',
    status: 400,
    json: pgError(
      'PGRST100',
      '"failed to parse select parameter (id,name()" (line 1, column 9)',
      'unexpected end of input expecting "...", field name (* or [a..z0..9_$]), "*", "count()" or ")"',
    ),
  },
  {
    name: 'empty item',
    path: '/items?select=id,,name',
    status: 400,
    json: pgError('PGRST100', '"failed to parse select parameter (id,,name)" (line 1, column 4)', 'unexpected "," expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"'),
  },
];

describe('select: columns, star, aliases, casts', () => {
  for (const c of COLUMNS) test(c.name, () => check(c));

  test('a column and star keep both (duplicate keys)', async () => {
    const r = await request(srv.url, '/items?select=name,*&id=eq.1');
    assert.equal(r.status, 200);
    assert.ok(r.text.startsWith('[{"name":"apple","id":1,"name":"apple","price":1.50,'), r.text);
  });
});

describe('select: JSON, composite and array paths', () => {
  for (const c of JSON_PATHS) test(c.name, () => check(c));

  test('->> followed by -> is PostgreSQL 42883 (404), as in PostgREST', async () => {
    for (const [path, message] of [
      ['/json_docs?select=doc->>c->b', 'operator does not exist: text -> unknown'],
      ['/json_docs?select=doc->>0->1', 'operator does not exist: text -> integer'],
    ] as const) {
      const r = await request(srv.url, path);
      assert.equal(r.status, 404);
      const body = r.json() as { code: string; message: string; hint: string | null };
      assert.equal(body.code, '42883');
      assert.equal(body.message, message);
      assert.match(String(body.hint), /explicit type casts/);
      assert.equal(r.headers.get('proxy-status'), 'PostgREST; error=42883');
    }
  });
});

describe('select: identifiers', () => {
  for (const c of IDENTIFIERS) test(c.name, () => check(c));
});

describe('select: errors', () => {
  for (const c of ERRORS) test(c.name, () => check(c));
});
