// Feature tests of media type handlers and raw outputs (schema `repr`): functions returning a media-type domain (text,
// html, xml, png, `*/*`), aggregates for one relation (default select only) or for every relation, overriding the
// built-in JSON/CSV handlers, vendored types that cannot be overridden, q-values, HEAD and 406 when no handler applies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestResponse, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'repr' });
});
after(async () => {
  await srv.stop();
});

const get = (path: string, accept?: string, init: RequestInit = {}): Promise<TestResponse> => request(srv.url, path, { ...init, accept });

function expectBody(r: TestResponse, contentType: string, body: string | Buffer): void {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), contentType);
  // the bytes as they are (a byte order mark stays)
  if (typeof body === 'string') assert.equal(r.bytes.toString('utf8'), body);
  else assert.deepEqual(r.bytes, body);
  assert.equal(r.headers.get('content-length'), String(r.bytes.length));
}

function expect406(r: TestResponse, types: string): void {
  assert.equal(r.status, 406, r.text);
  assert.deepEqual(JSON.parse(r.text), { code: 'PGRST107', details: null, hint: null, message: `None of these media types are available: ${types}` });
}

const PNG = Buffer.from('89504e470d0a1a0a00ff7f80', 'hex');
const SUMMARY = 'application/vnd.repr.summary+json';
const TSV = 'text/tab-separated-values';
const TSV_BODY = 'id\tname\tprice\n1\tlamp\t12.50\n2\tdesk\t80.00\n3\tchair\t45.00\n';
// PostgREST reads a handler's body in PostgreSQL's binary format, in which jsonb starts with its version byte.
const jsonbBody = (json: string): Buffer => Buffer.concat([Buffer.of(1), Buffer.from(json)]);

describe('functions returning a media-type domain', () => {
  test('text/plain is sent raw, with a charset', async () => {
    expectBody(await get('/rpc/greeting', 'text/plain'), 'text/plain; charset=utf-8', 'Hello from repr');
  });

  test('text/html and other custom types carry no charset', async () => {
    expectBody(await get('/rpc/page', 'text/html'), 'text/html', '<p>hi</p>');
  });

  test('text/xml from an xml domain', async () => {
    expectBody(await get('/rpc/doc', 'text/xml'), 'text/xml; charset=utf-8', '<doc><item/></doc>');
  });

  test('image/png from a bytea domain is sent as its bytes', async () => {
    expectBody(await get('/rpc/pixel', 'image/png'), 'image/png', PNG);
    expectBody(await get('/rpc/pixel', 'image/png, */*'), 'image/png', PNG);
  });

  test('the type is matched through q-values (a browser Accept)', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/png,*/*;q=0.8';
    expectBody(await get('/rpc/pixel', accept), 'image/png', PNG);
  });

  test('*/* alone is the built-in JSON, not the domain', async () => {
    expectBody(await get('/rpc/pixel', '*/*'), 'application/json; charset=utf-8', '"\\\\x89504e470d0a1a0a00ff7f80"');
  });

  test('no row (a NULL result) is an empty 200', async () => {
    expectBody(await get('/rpc/pixel_for?id=9', 'image/png'), 'image/png', '');
  });

  test('POST calls take the handler too', async () => {
    const r = await get('/rpc/greeting', 'text/plain', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expectBody(r, 'text/plain; charset=utf-8', 'Hello from repr');
  });

  test('a set of a media type, a plain text result and another type are 406', async () => {
    expect406(await get('/rpc/greetings', 'text/plain'), 'text/plain');
    expect406(await get('/rpc/plain', 'text/plain'), 'text/plain');
    expect406(await get('/rpc/plain', 'text/xml'), 'text/xml');
    expect406(await get('/rpc/greeting', 'image/png'), 'image/png');
    expect406(await get('/rpc/greeting', 'image/*'), 'image/*');
  });

  test('application/json is still served', async () => {
    expectBody(await get('/rpc/greeting', 'application/json'), 'application/json; charset=utf-8', '"Hello from repr"');
  });
});

describe('the */* handler', () => {
  test('a function returning */* answers any type as application/octet-stream', async () => {
    for (const accept of [undefined, '*/*', 'app/bingo', 'image/boingo', 'text/plain']) {
      expectBody(await get('/rpc/raw_any', accept), 'application/octet-stream', 'any');
    }
  });

  test('the function may set its own Content-Type or refuse the type', async () => {
    expectBody(await get('/rpc/raw_some', '*/*'), 'app/groucho', 'groucho');
    expectBody(await get('/rpc/raw_some', 'app/chico'), 'app/chico', 'chico');
    expectBody(await get('/rpc/raw_some', 'app/harpo'), 'app/harpo', 'harpo');
    const refused = await get('/rpc/raw_some', 'text/csv');
    assert.equal(refused.status, 406);
    assert.equal(JSON.parse(refused.text).code, 'PT406');
  });

  test('an aggregate over a table answers every type, even application/json', async () => {
    expectBody(await get('/numbers?val=eq.1', '*/*'), 'application/octet-stream', 'anything\n1');
    expectBody(await get('/numbers?val=eq.2'), 'application/octet-stream', 'anything\n2');
    expectBody(await get('/numbers?val=eq.3', 'unknown/unknown'), 'application/octet-stream', 'anything\n3');
    expectBody(await get('/numbers?val=eq.1', 'application/json'), 'application/octet-stream', 'anything\n1');
    expectBody(await get('/numbers?val=eq.2', 'text/magic'), 'text/magic', 'text/magic\n2');
    const refused = await get('/numbers', 'application/x-refused');
    assert.equal(refused.status, 415);
  });

  test('vendored types are never overridden', async () => {
    expectBody(await get('/numbers?val=eq.1', 'application/vnd.pgrst.object'), 'application/vnd.pgrst.object+json; charset=utf-8', '{"val":1}');
  });

  test('with a select of its own the relation handler does not apply', async () => {
    expectBody(await get('/numbers?val=eq.1&select=val'), 'application/json; charset=utf-8', '[{"val":1}]');
  });
});

describe('aggregates for one relation', () => {
  test('a table handler builds the body', async () => {
    expectBody(await get('/gadgets?order=id', TSV), TSV, TSV_BODY);
    expectBody(await get('/gadgets?select=*&order=id', TSV), TSV, TSV_BODY);
  });

  test('filters still apply', async () => {
    expectBody(await get('/gadgets?id=eq.2', TSV), TSV, 'id\tname\tprice\n2\tdesk\t80.00\n');
  });

  test('any other select, or an embed, is 406 for that type', async () => {
    for (const q of ['select=id', 'select=id,name,price', 'select=name,id,price', 'select=*,parts(*)']) {
      expect406(await get(`/gadgets?${q}`, TSV), TSV);
    }
  });

  test('a function returning the table rows uses the table handler', async () => {
    expectBody(await get('/rpc/get_gadgets?order=id', TSV), TSV, TSV_BODY);
  });

  test('text/xml through an xml aggregate', async () => {
    expectBody(await get('/notes?order=id', 'text/xml'), 'text/xml; charset=utf-8', '<note id="1">first</note><note id="2">second</note>');
  });

  test('a table without one is 406', async () => {
    expect406(await get('/notes', 'text/plain'), 'text/plain');
    expect406(await get('/notes', TSV), TSV);
  });

  test('HEAD negotiates the type but sends no body', async () => {
    const r = await get('/gadgets', TSV, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), TSV);
    assert.equal(r.bytes.length, 0);
  });

  test('application/json is preferred when it ranks above an unavailable type', async () => {
    const r = await get('/gadgets?id=eq.1', 'text/plain, application/json');
    expectBody(r, 'application/json; charset=utf-8', '[{"id":1,"name":"lamp","price":12.50}]');
  });
});

describe('overriding the built-in handlers', () => {
  test('text/csv with a byte order mark and a Content-Disposition set by the aggregate', async () => {
    const r = await get('/exports?order=id', 'text/csv');
    expectBody(r, 'text/csv; charset=utf-8', '\ufeffID;LABEL\n1;one\n2;two\n');
    assert.equal(r.headers.get('content-disposition'), 'attachment; filename="exports.csv"');
  });

  test('the built-in CSV is back with a select of its own', async () => {
    expectBody(await get('/exports?select=id&order=id', 'text/csv'), 'text/csv; charset=utf-8', 'id\n1\n2');
  });

  test('application/json for one table', async () => {
    expectBody(await get('/overridden', 'application/json'), 'application/json; charset=utf-8', '{"overridden": true}');
  });

  test('*/* still means the built-in JSON', async () => {
    expectBody(await get('/overridden?order=id'), 'application/json; charset=utf-8', '[{"id":1}, \n {"id":2}]');
  });
});

describe('aggregates for every relation', () => {
  test('any table, any select', async () => {
    expectBody(await get('/notes', SUMMARY), SUMMARY, jsonbBody('{"rows": 2}'));
    expectBody(await get('/gadgets?select=id', SUMMARY), SUMMARY, jsonbBody('{"rows": 3}'));
  });

  test('the relation\'s own handler wins over it', async () => {
    expectBody(await get('/gadgets', SUMMARY), SUMMARY, jsonbBody('{"gadgets": 3}'));
    expectBody(await get('/rpc/get_gadgets', SUMMARY), SUMMARY, jsonbBody('{"gadgets": 3}'));
  });

  test('a scalar function result is aggregated as a value', async () => {
    expectBody(await get('/rpc/one_number', SUMMARY), SUMMARY, jsonbBody('{"rows": 1}'));
  });

  test('a write\'s representation', async () => {
    const r = await get('/plan_writes?id=eq.999', SUMMARY, { method: 'DELETE', headers: { Prefer: 'return=representation' } });
    expectBody(r, SUMMARY, jsonbBody('{"rows": 0}'));
  });
});

describe('unknown and unparseable types', () => {
  test('406 lists what was asked for', async () => {
    expect406(await get('/gadgets', 'undefined'), 'undefined');
    expect406(await get('/gadgets', 'application/xml, text/html'), 'application/xml, text/html');
  });
});
