// Feature tests of read representations: JSON (default), CSV, the singular object (PGRST116), nulls=stripped variants,
// vnd.pgrst.array, GeoJSON, Accept negotiation (q-values, `*/*`, PGRST107), and the common response headers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let profiles: TestServer;
before(async () => {
  srv = await startTestServer();
  profiles = await startTestServer({ PGRST_DB_SCHEMAS: 'test,rel' });
});
after(async () => {
  await srv.stop();
  await profiles.stop();
});

const JSON_UTF8 = 'application/json; charset=utf-8';
const CSV_UTF8 = 'text/csv; charset=utf-8';
const OBJECT_UTF8 = 'application/vnd.pgrst.object+json; charset=utf-8';
const OBJECT_STRIPPED_UTF8 = 'application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8';
const ARRAY_STRIPPED_UTF8 = 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8';

interface Case {
  readonly name: string;
  readonly path: string;
  readonly accept?: string;
  readonly prefer?: string;
  readonly status?: number;
  readonly contentType: string;
  readonly text?: string;
  readonly json?: unknown;
}

async function check(c: Case): Promise<void> {
  const headers: Record<string, string> = {};
  if (c.accept !== undefined) headers['Accept'] = c.accept;
  if (c.prefer !== undefined) headers['Prefer'] = c.prefer;
  const r = await request(srv.url, c.path, { headers });
  assert.equal(r.status, c.status ?? 200, `${c.path} (${c.accept}) → ${r.text}`);
  assert.equal(r.headers.get('content-type'), c.contentType);
  if (c.text !== undefined) assert.equal(r.text, c.text);
  if (c.json !== undefined) assert.deepEqual(r.json(), c.json);
  assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(r.text)));
}

const singularError = (rows: number) => ({ code: 'PGRST116', message: 'Cannot coerce the result to a single JSON object', details: `The result contains ${rows} rows`, hint: null });

const JSON_CASES: readonly Case[] = [
  { name: 'JSON is the default, with json_agg formatting', path: '/items?select=id,name&id=lt.3&order=id', contentType: JSON_UTF8, text: '[{"id":1,"name":"apple"}, \n {"id":2,"name":"banana"}]' },
  { name: 'an empty result is []', path: '/empty_things', contentType: JSON_UTF8, text: '[]' },
  { name: 'application/json', path: '/items?select=id&id=eq.1', accept: 'application/json', contentType: JSON_UTF8, text: '[{"id":1}]' },
  { name: 'vnd.pgrst.array+json without nulls=stripped is plain JSON', path: '/items?select=id,active&id=eq.4', accept: 'application/vnd.pgrst.array+json', contentType: JSON_UTF8, text: '[{"id":4,"active":null}]' },
];

const CSV_CASES: readonly Case[] = [
  {
    name: 'header from the keys, rows in PostgreSQL record form (quoting, NULL as empty)',
    path: '/items?select=id,name,tags,spaced%20name,meta&order=id',
    accept: 'text/csv',
    contentType: CSV_UTF8,
    text: [
      'id,name,tags,spaced name,meta',
      '1,apple,"{fruit,red}","a b","{""k"": null, ""list"": [1, 2, 3], ""size"": {""h"": 4, ""w"": 3}, ""color"": ""red""}"',
      '2,banana,"{fruit,yellow}","c d","{""list"": [4], ""size"": {""h"": 7, ""w"": 1}, ""color"": ""yellow""}"',
      '3,carrot,{vegetable},,"{""color"": ""orange""}"',
      '4,durian,,,',
      '5,Elderberry,"{fruit,""dark blue""}","e,f","{""tags"": [""x"", ""y""], ""color"": ""purple""}"',
    ].join('\n'),
  },
  { name: 'quotes, backslashes and empty strings', path: '/people?select=name&id=in.(7,8,9,10,12)&order=id', accept: 'text/csv', contentType: CSV_UTF8, text: 'name\n"Say ""hi"" now"""\n"\\\\"\n"/\\\\path\\\\/"\n""""\n""' },
  { name: 'names with reserved characters in the header', path: '/odd_columns?select=%22a.dotted.column%22,t&order=t', accept: 'text/csv', contentType: CSV_UTF8, text: 'a.dotted.column,t\n" dotted-1 ",t1\n" dotted-2 ",t2' },
  { name: 'a value in parentheses as the last column stays whole', path: '/people?select=id,name&id=eq.6', accept: 'text/csv', contentType: CSV_UTF8, text: 'id,name\n6,"Agent (007)"' },
  { name: 'a value in parentheses as the first column stays whole', path: '/people?select=name,id&id=eq.6', accept: 'text/csv', contentType: CSV_UTF8, text: 'name,id\n"Agent (007)",6' },
  { name: 'an empty result is a newline', path: '/empty_things', accept: 'text/csv', contentType: CSV_UTF8, text: '\n' },
  { name: 'media type parameters are tolerated', path: '/items?select=id,name&order=id.desc&id=lt.3', accept: 'text/csv; version=1', contentType: CSV_UTF8, text: 'id,name\n2,banana\n1,apple' },
];

const SINGULAR_CASES: readonly Case[] = [
  { name: 'one row as an object', path: '/items?select=id,name&id=eq.1', accept: 'application/vnd.pgrst.object+json', contentType: OBJECT_UTF8, text: '{"id":1,"name":"apple"}' },
  { name: 'without the +json suffix', path: '/items?select=id,name&id=eq.1', accept: 'application/vnd.pgrst.object', contentType: OBJECT_UTF8, text: '{"id":1,"name":"apple"}' },
  { name: 'with other preferences', path: '/items?select=id&id=eq.5', accept: 'application/vnd.pgrst.object+json', prefer: 'count=none', contentType: OBJECT_UTF8, text: '{"id":5}' },
  { name: 'nulls kept', path: '/items?select=id,meta&id=eq.4', accept: 'application/vnd.pgrst.object+json', contentType: OBJECT_UTF8, text: '{"id":4,"meta":null}' },
  { name: 'limit=1 makes one row', path: '/items?select=id&order=id&limit=1', accept: 'application/vnd.pgrst.object+json', contentType: OBJECT_UTF8, text: '{"id":1}' },
  { name: 'several rows are 406 PGRST116', path: '/items?select=id', accept: 'application/vnd.pgrst.object+json', status: 406, contentType: JSON_UTF8, json: singularError(5) },
  { name: 'no rows are 406 PGRST116', path: '/items?id=gt.0&id=lt.0', accept: 'application/vnd.pgrst.object+json', status: 406, contentType: JSON_UTF8, json: singularError(0) },
  {
    name: 'several rows with nulls=stripped are 406 PGRST116',
    path: '/items',
    accept: 'application/vnd.pgrst.object+json;nulls=stripped',
    status: 406,
    contentType: JSON_UTF8,
    json: singularError(5),
  },
];

const STRIPPED_CASES: readonly Case[] = [
  {
    name: 'array: nulls dropped, even when selected explicitly',
    path: '/items?id=gt.2&select=id,active,mood&order=id',
    accept: 'application/vnd.pgrst.array+json;nulls=stripped',
    contentType: ARRAY_STRIPPED_UTF8,
    text: '[{"id":3,"active":false,"mood":"sad"},{"id":4},{"id":5,"active":true,"mood":"happy"}]',
  },
  {
    name: 'array without the +json suffix',
    path: '/items?id=eq.4&select=id,active',
    accept: 'application/vnd.pgrst.array;nulls=stripped',
    contentType: ARRAY_STRIPPED_UTF8,
    text: '[{"id":4}]',
  },
  { name: 'empty array', path: '/empty_things', accept: 'application/vnd.pgrst.array+json;nulls=stripped', contentType: ARRAY_STRIPPED_UTF8, text: '[]' },
  { name: 'object', path: '/items?id=eq.4&select=id,active,mood', accept: 'application/vnd.pgrst.object+json;nulls=stripped', contentType: OBJECT_STRIPPED_UTF8, text: '{"id":4}' },
  {
    name: 'nested JSON nulls are stripped too',
    path: '/items?id=eq.1&select=id,meta',
    accept: 'application/vnd.pgrst.object+json;nulls=stripped',
    contentType: OBJECT_STRIPPED_UTF8,
    json: { id: 1, meta: { list: [1, 2, 3], size: { h: 4, w: 3 }, color: 'red' } },
  },
];

const NEGOTIATION_CASES: readonly Case[] = [
  { name: '*/*', path: '/items?select=id&id=eq.1', accept: '*/*', contentType: JSON_UTF8, text: '[{"id":1}]' },
  { name: 'an unknown type rescued by */*', path: '/items?select=id&id=eq.1', accept: 'text/unknowntype, */*', contentType: JSON_UTF8 },
  { name: 'a specific type beats */*', path: '/items?select=id&id=eq.1', accept: 'text/csv, */*', contentType: CSV_UTF8, text: 'id\n1' },
  { name: 'the client order wins over the server preference', path: '/items?select=id&id=eq.1', accept: 'text/csv, application/json', contentType: CSV_UTF8 },
  { name: 'an unknown type then a known one', path: '/items?select=id&id=eq.1', accept: 'text/unknowntype, text/csv', contentType: CSV_UTF8 },
  { name: 'q-values reorder', path: '/items?select=id&id=eq.1', accept: 'text/csv;q=0.5, application/json', contentType: JSON_UTF8 },
  { name: 'q-values reorder (2)', path: '/items?select=id&id=eq.1', accept: 'application/json;q=0.1, text/csv;q=0.9', contentType: CSV_UTF8 },
  { name: 'more specific first at equal q', path: '/items?select=id&id=eq.1', accept: '*/*;q=0.5, application/vnd.pgrst.object+json;q=0.5', contentType: OBJECT_UTF8 },
  {
    name: 'a browser Accept header gives JSON',
    path: '/items?select=id&id=eq.1',
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    contentType: JSON_UTF8,
  },
  { name: 'type names are case-insensitive', path: '/items?select=id&id=eq.1', accept: 'Application/JSON', contentType: JSON_UTF8 },
  { name: 'a charset parameter is tolerated', path: '/items?select=id&id=eq.1', accept: 'application/json; charset=utf-8', contentType: JSON_UTF8 },
];

const NOT_ACCEPTABLE: readonly (readonly [string, string])[] = [
  ['text/unknowntype', 'text/unknowntype'],
  ['text/unknowntype, text/other;q=0.5', 'text/unknowntype, text/other'],
  ['application/*', 'application/*'],
  ['application/openapi+json', 'application/openapi+json'],
  ['text/plain', 'text/plain'],
];

describe('JSON', () => {
  for (const c of JSON_CASES) test(c.name, () => check(c));
});

describe('CSV', () => {
  for (const c of CSV_CASES) test(c.name, () => check(c));
});

describe('singular object', () => {
  for (const c of SINGULAR_CASES) test(c.name, () => check(c));

  test('the 406 is an error response', async () => {
    const r = await request(srv.url, '/items', { headers: { Accept: 'application/vnd.pgrst.object+json' } });
    assert.equal(r.headers.get('proxy-status'), 'PostgREST; error=PGRST116');
    assert.equal(r.headers.get('content-range'), null);
    assert.equal(r.headers.get('vary'), null);
  });
});

describe('nulls=stripped', () => {
  for (const c of STRIPPED_CASES) test(c.name, () => check(c));
});

describe('Accept negotiation', () => {
  for (const c of NEGOTIATION_CASES) test(c.name, () => check(c));

  for (const [accept, listed] of NOT_ACCEPTABLE) {
    test(`406 PGRST107 for ${accept}`, async () => {
      const r = await request(srv.url, '/items', { headers: { Accept: accept } });
      assert.equal(r.status, 406);
      assert.deepEqual(r.json(), { code: 'PGRST107', message: `None of these media types are available: ${listed}`, details: null, hint: null });
      assert.equal(r.headers.get('content-type'), JSON_UTF8);
      assert.equal(r.headers.get('proxy-status'), 'PostgREST; error=PGRST107');
    });
  }

  test('the 406 has the Content-Length PostgREST sends', async () => {
    const r = await request(srv.url, '/items', { headers: { Accept: 'text/unknowntype' } });
    assert.equal(r.headers.get('content-length'), '116');
  });

  test('GeoJSON is offered and needs PostGIS (PostgreSQL 42883 without it)', async () => {
    // Which answer is right depends on whether ST_AsGeoJSON is reachable from this schema's search path.
    const found = await adminQuery(
      "SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'st_asgeojson' AND n.nspname IN ('test', 'public')",
    );
    const r = await request(srv.url, '/items?id=eq.1', { headers: { Accept: 'application/geo+json' } });
    if (found.rowCount) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/geo+json; charset=utf-8');
      assert.equal((r.json() as { type: string }).type, 'FeatureCollection');
    } else {
      assert.equal(r.status, 404, r.text);
      assert.equal((r.json() as { code: string }).code, '42883');
    }
  });
});

describe('headers of a read', () => {
  test('Content-Location lists the parameters sorted and encoded', async () => {
    const r = await request(srv.url, '/people?name=eq.Alan+Kay&id=gt.0&select=id');
    assert.equal(r.headers.get('content-location'), '/people?id=gt.0&name=eq.Alan%20Kay&select=id');
  });

  test('Content-Location without parameters has no question mark', async () => {
    const r = await request(srv.url, '/empty_things');
    assert.equal(r.headers.get('content-location'), '/empty_things');
  });

  test('Content-Location carries the relation name unescaped', async () => {
    const r = await request(srv.url, '/Order%20Items?limit=1');
    assert.equal(r.headers.get('content-location'), '/Order Items?limit=1');
  });

  test('Content-Location of a non-ASCII relation name carries its UTF-8 bytes unescaped', async () => {
    const r = await request(srv.url, `/${encodeURIComponent('Ünicode Tâble')}?limit=1`);
    assert.equal(r.status, 200, r.text);
    // a header's bytes read one character per byte
    assert.equal(r.headers.get('content-location'), `/${Buffer.from('Ünicode Tâble', 'utf8').toString('latin1')}?limit=1`);
  });

  test('Vary, no Content-Profile with one schema, no Preference-Applied without preferences', async () => {
    const r = await request(srv.url, '/items?id=eq.1');
    assert.equal(r.headers.get('vary'), 'Accept, Prefer, Range');
    assert.equal(r.headers.get('content-profile'), null);
    assert.equal(r.headers.get('preference-applied'), null);
  });

  test('an error carries Proxy-Status and no Vary', async () => {
    const r = await request(srv.url, '/itemz');
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('proxy-status'), 'PostgREST; error=PGRST205');
    assert.equal(r.headers.get('vary'), null);
    assert.equal(r.headers.get('content-type'), JSON_UTF8);
  });
});

describe('Content-Profile', () => {
  test('with several schemas the read names its schema', async () => {
    const r = await request(profiles.url, '/items?select=id&id=eq.1');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-profile'), 'test');
  });

  test('Accept-Profile picks another exposed schema', async () => {
    const r = await request(profiles.url, '/items?select=id&id=eq.1', { headers: { 'Accept-Profile': 'rel' } });
    assert.equal(r.headers.get('content-profile'), 'rel');
  });

  test('with one schema an Accept-Profile naming it is echoed', async () => {
    const r = await request(srv.url, '/items?select=id&id=eq.1', { headers: { 'Accept-Profile': 'test' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-profile'), 'test');
  });
});
