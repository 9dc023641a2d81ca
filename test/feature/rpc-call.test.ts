// /rpc calling conventions: POST JSON/CSV/form bodies, GET/HEAD query arguments, defaults, variadics, the single
// unnamed parameter, overload resolution with PGRST202/PGRST203, and request parsing errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'rpc' });
});
after(async () => {
  await srv.stop();
});

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  request(srv.url, path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
const get = (path: string, headers: Record<string, string> = {}) => request(srv.url, path, { headers });

/** PGRST202 for a call of `fn` (schema-qualified) without arguments, with PostgREST's closest-name hint or none. */
const notFoundWithoutParams = (fn: string, hint: string | null) => ({
  code: 'PGRST202',
  message: `Could not find the function ${fn} without parameters in the schema cache`,
  details: `Searched for the function ${fn} without parameters, but no matches were found in the schema cache.`,
  hint,
});

/** PGRST203 between `candidates` (as PostgREST lists them: `schema.fn(param => type)`). */
const ambiguousCall = (...candidates: string[]) => ({
  code: 'PGRST203',
  message: `Could not choose the best candidate function between: ${candidates.join(', ')}`,
  details: null,
  hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
});

describe('POST with a JSON body', () => {
  test('named arguments from an object', async () => {
    const r = await post('/rpc/plus', '{"a": 2, "b": 3}');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.text, '5');
  });

  test('only the first object of an array is used', async () => {
    const r = await post('/rpc/plus', '[{"a": 1, "b": 2}, {"a": 10, "b": 20}]');
    assert.equal(r.status, 200);
    assert.equal(r.text, '3');
  });

  test('an empty body calls a function without arguments', async () => {
    const r = await post('/rpc/noargs', '');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), 'no arguments');
  });

  test('embedded JSON values stay JSON, quoted JSON stays a string', async () => {
    assert.deepEqual((await post('/rpc/json_kind', '{"arg": {"k": 3}}')).json(), 'object');
    assert.deepEqual((await post('/rpc/json_kind', '{"arg": "{\\"k\\": 3}"}')).json(), 'string');
  });

  test('arguments of many types', async () => {
    const r = await post(
      '/rpc/cool_args',
      JSON.stringify({ dbl: 3.1, vc: 'hello', flag: true, day: '20190101', amount: 0, hue: 'red', arr: ['a', 'b'], num: 43, js: { k: 'v' }, jsb: { l: [1, '2'] } }),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      dbl: 3.1,
      vc: 'hello',
      flag: true,
      day: '2019-01-01',
      amount: '$0.00',
      hue: 'red',
      arr: ['a', 'b'],
      num: 43,
      js: { k: 'v' },
      jsb: { l: [1, '2'] },
    });
  });

  test('columns= picks the argument keys and ignores the rest', async () => {
    const r = await post('/rpc/greet?columns=name', '{"name": "ann", "junk": 1, "other": "x"}');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), 'hi ann');
  });

  test('quoted and mixed-case names', async () => {
    const r = await post('/rpc/Mixed%20Case', '{"User": "u1", "fullName": "Full Name"}');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { User: 'u1', fullName: 'Full Name' });
  });

  test('GET-style arguments in the query string of a POST are a PGRST100', async () => {
    const r = await post('/rpc/greet?name=ann', '{"name": "ann"}');
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, 'PGRST100');
  });

  test('invalid JSON is PGRST102', async () => {
    const r = await post('/rpc/greet', 'not json');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'PGRST102', details: null, hint: null, message: 'Empty or invalid json' });
  });

  test('an unsupported Content-Type is PGRST102', async () => {
    const r = await post('/rpc/greet', 'x', { 'Content-Type': 'application/pdf' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'PGRST102', details: null, hint: null, message: 'Content-Type not acceptable: application/pdf' });
  });

  test('char and bit parameters are widened to varying types', async () => {
    const r = await post('/rpc/chars', '{"c": "abcdefg", "cs": ["abc", "abcdefg"]}');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ c: 'abcdefg', cs: ['abc', 'abcdefg'] }]);
  });
});

describe('POST with CSV and form bodies', () => {
  test('CSV: the first line of values is the arguments', async () => {
    const r = await post('/rpc/plus', 'a,b\n4,5\n6,7', { 'Content-Type': 'text/csv' });
    assert.equal(r.status, 200);
    assert.equal(r.text, '9');
  });

  test('form: keys are arguments, values text cast to the parameter types', async () => {
    const r = await post('/rpc/cool_args', 'dbl=3.1&vc=hello&flag=true&day=20190101&amount=0&hue=red&arr=%7Ba,b%7D', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    assert.equal(r.status, 200);
    const body = r.json() as Record<string, unknown>;
    assert.deepEqual(body['arr'], ['a', 'b']);
    assert.equal(body['num'], 42);
    assert.deepEqual(body['js'], {});
  });

  test('form: repeated keys fill a VARIADIC parameter; empty body uses its default', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    assert.deepEqual((await post('/rpc/concat_all', '', form)).json(), []);
    assert.deepEqual((await post('/rpc/concat_all', 'v=hi', form)).json(), ['hi']);
    assert.deepEqual((await post('/rpc/concat_all', 'v=hi&v=there', form)).json(), ['hi', 'there']);
  });

  test('form: overloads resolve by the keys given', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    assert.deepEqual((await post('/rpc/ov', '', form)).json(), [1, 2]);
    assert.equal((await post('/rpc/ov', 'a=1&b=2', form)).text, '3');
    assert.deepEqual((await post('/rpc/ov', 'a=1&b=2&c=3', form)).json(), '123');
  });
});

describe('GET and HEAD with query-string arguments', () => {
  test('arguments are the keys without an operator', async () => {
    const r = await get('/rpc/plus?a=1&b=2');
    assert.equal(r.status, 200);
    assert.equal(r.text, '3');
    assert.equal(r.headers.get('content-range'), '0-0/*');
    assert.equal(r.headers.get('content-location'), null);
  });

  test('arguments of many types as text literals', async () => {
    const r = await get('/rpc/cool_args?dbl=3.1&vc=hello&flag=true&day=20190101&amount=0&hue=red&arr=%7Ba,b,c%7D&num=43');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      dbl: 3.1,
      vc: 'hello',
      flag: true,
      day: '2019-01-01',
      amount: '$0.00',
      hue: 'red',
      arr: ['a', 'b', 'c'],
      num: 43,
      js: {},
      jsb: {},
    });
  });

  test('a repeated non-variadic key keeps its last value', async () => {
    assert.deepEqual((await get('/rpc/greet?name=ignored&name=world')).json(), 'hi world');
    assert.deepEqual((await get('/rpc/greet_many?name=first&name=last&v=a&v=b')).json(), 'last:a,b');
  });

  test('repeated keys fill a VARIADIC parameter (none, one, many)', async () => {
    assert.deepEqual((await get('/rpc/concat_all')).json(), []);
    assert.deepEqual((await get('/rpc/concat_all?v=hi')).json(), ['hi']);
    assert.deepEqual((await get('/rpc/concat_all?v=hi&v=there&v=you')).json(), ['hi', 'there', 'you']);
  });

  test('arguments with defaults may be left out', async () => {
    assert.equal((await get('/rpc/defaults3')).text, '123');
    assert.equal((await get('/rpc/defaults3?b=7')).text, '173');
    assert.deepEqual((await get('/rpc/inout_defaults?num=1&str=two')).json(), { num: 1, str: 'two', flag: true });
  });

  test('an argument and a filter may share a name', async () => {
    const r = await get('/rpc/boxes_below?id=5&id=gt.2&select=id');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 3 }, { id: 4 }]);
  });

  test('HEAD runs the call and sends headers only', async () => {
    const r = await request(srv.url, '/rpc/numbers_between?lo=2&hi=4', { method: 'HEAD', headers: { Prefer: 'count=exact' } });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('content-range'), '0-2/3');
  });

  test('a Content-Type on GET does not pick a raw-body overload', async () => {
    const r = await get('/rpc/fallback', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), 'none');
  });

  test('methods other than GET, HEAD, POST, OPTIONS are PGRST101', async () => {
    const r = await request(srv.url, '/rpc/greet', { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.deepEqual(r.json(), { code: 'PGRST101', details: null, hint: null, message: 'Cannot use the DELETE method on RPC' });
    assert.equal((await request(srv.url, '/rpc/greet', { method: 'PATCH', body: '{}' })).status, 405);
  });
});

describe('the single unnamed parameter', () => {
  test('json receives the whole body', async () => {
    const r = await post('/rpc/raw_json', '{"A": 1, "B": [2]}');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { A: 1, B: [2] });
  });

  test('jsonb receives the whole body, read as jsonb (last duplicate key wins), a large one too, each its own', async () => {
    for (const extra of ['', 'x'.repeat(40_000), 'y'.repeat(20_000)]) {
      for (const b of [1, 2]) {
        const r = await post('/rpc/raw_jsonb', `{"A": 1,   "A": ${b}, "pad": "${extra}"}`);
        assert.equal(r.status, 200);
        assert.deepEqual(r.json(), { A: b, pad: extra });
      }
    }
  });

  test('a named json parameter does not take the raw body', async () => {
    const r = await post('/rpc/named_json', '{"A": 1, "B": 2}');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), {
      code: 'PGRST202',
      message: 'Could not find the function rpc.named_json(A, B) in the schema cache',
      details: 'Searched for the function rpc.named_json with parameters A, B or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: null,
    });
  });

  test('text/plain, text/xml and application/octet-stream bodies', async () => {
    const text = await post('/rpc/raw_text', 'plain text body', { 'Content-Type': 'text/plain' });
    assert.equal(text.status, 200);
    assert.deepEqual(text.json(), 'plain text body');
    const xml = await post('/rpc/raw_xml', '<a><b>x</b></a>', { 'Content-Type': 'text/xml' });
    assert.equal(xml.status, 200);
    assert.deepEqual(xml.json(), '<a><b>x</b></a>');
    const bytes = await post('/rpc/raw_bytes', Buffer.from([0, 1, 254, 255]), { 'Content-Type': 'application/octet-stream' });
    assert.equal(bytes.status, 200);
    assert.deepEqual(bytes.json(), '0001feff');
  });

  test('invalid XML is PostgreSQL’s error', async () => {
    const r = await post('/rpc/raw_xml', '<', { 'Content-Type': 'text/xml' });
    assert.equal(r.status, 400);
    const body = r.json() as { code: string; message: string };
    assert.equal(body.code, '2200N');
    assert.equal(body.message, 'invalid XML content');
  });

  test('named overloads win, the unnamed one is the fallback', async () => {
    assert.deepEqual((await post('/rpc/fallback', '{}')).json(), 'none');
    assert.deepEqual((await post('/rpc/fallback', '{"x": 1, "y": 2}')).json(), 'xy');
    assert.deepEqual((await post('/rpc/fallback', '{"A": 1}')).json(), 'json');
    assert.deepEqual((await post('/rpc/fallback', 'some text', { 'Content-Type': 'text/plain' })).json(), 'text');
    assert.deepEqual((await post('/rpc/fallback', Buffer.from([1, 2]), { 'Content-Type': 'application/octet-stream' })).json(), 'bytea');
  });

  test('no fallback for other body types', async () => {
    const r = await post('/rpc/fallback', 'a,b\n1,2', { 'Content-Type': 'text/csv' });
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), {
      code: 'PGRST202',
      message: 'Could not find the function rpc.fallback(a, b) in the schema cache',
      details: 'Searched for the function rpc.fallback with parameters a, b, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function rpc.fallback(x, y)',
    });
  });

  test('json and jsonb fallbacks together are ambiguous', async () => {
    const r = await post('/rpc/two_raw', '{"A": 1}');
    assert.equal(r.status, 300);
    assert.deepEqual(r.json(), ambiguousCall('rpc.two_raw( => json)', 'rpc.two_raw( => jsonb)'));
  });

  test('raw bodies to a function without such a parameter', async () => {
    const text = await post('/rpc/raw_texts', 'some text', { 'Content-Type': 'text/plain' });
    assert.equal(text.status, 404);
    assert.deepEqual(text.json(), {
      code: 'PGRST202',
      message: 'Could not find the function rpc.raw_texts in the schema cache',
      details: 'Searched for the function rpc.raw_texts with a single unnamed text parameter, but no matches were found in the schema cache.',
      hint: null,
    });
    const bytes = await post('/rpc/raw_texts', Buffer.from([1]), { 'Content-Type': 'application/octet-stream' });
    assert.equal((bytes.json() as { details: string }).details.includes('single unnamed bytea parameter'), true);
    const json = await post('/rpc/raw_texts', '{"x": 1}');
    assert.deepEqual(json.json(), {
      code: 'PGRST202',
      message: 'Could not find the function rpc.raw_texts(x) in the schema cache',
      details: 'Searched for the function rpc.raw_texts with parameter x or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function rpc.raw_text',
    });
  });
});

describe('overload resolution errors', () => {
  test('unknown function: PGRST202 with the closest name', async () => {
    const r = await get('/rpc/gret');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), notFoundWithoutParams('rpc.gret', 'Perhaps you meant to call the function rpc.greet'));
  });

  test('unknown arguments: PGRST202 with the closest parameter set', async () => {
    const r = await get('/rpc/greet?nam=x');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), {
      code: 'PGRST202',
      message: 'Could not find the function rpc.greet(nam) in the schema cache',
      details: 'Searched for the function rpc.greet with parameter nam, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function rpc.greet(name)',
    });
    const extra = await get('/rpc/plus?a=1&b=2&zzz=3');
    assert.equal(extra.status, 404);
    assert.equal((extra.json() as { message: string }).message, 'Could not find the function rpc.plus(a, b, zzz) in the schema cache');
  });

  test('overloads with nothing close give no hint', async () => {
    const r = await get('/rpc/ov?wrong_arg=1');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { hint: unknown }).hint, null);
  });

  test('overloads resolve by argument names', async () => {
    assert.deepEqual((await get('/rpc/ov')).json(), [1, 2]);
    assert.equal((await get('/rpc/ov?a=1&b=2')).text, '3');
    assert.deepEqual((await get('/rpc/ov?a=1&b=2&c=3')).json(), '123');
    assert.deepEqual((await get('/rpc/ov_default?must=4&extra=y')).json(), '4y');
    // `must` alone matches both `ov_default(must)` and `ov_default(must, extra default ...)`
    const both = await get('/rpc/ov_default?must=4');
    assert.equal(both.status, 300);
    assert.deepEqual(both.json(), ambiguousCall('rpc.ov_default(must => integer)', 'rpc.ov_default(must => integer, extra => text)'));
  });

  test('overloads differing only in types are ambiguous: PGRST203', async () => {
    const r = await get('/rpc/ov_types?val=1');
    assert.equal(r.status, 300);
    assert.deepEqual(r.json(), ambiguousCall('rpc.ov_types(val => integer)', 'rpc.ov_types(val => text)'));
  });

  test('Prefer: params=single-object is gone (an unknown preference)', async () => {
    const lenient = await post('/rpc/greet', '{"name": "ann"}', { Prefer: 'params=single-object' });
    assert.equal(lenient.status, 200);
    assert.deepEqual(lenient.json(), 'hi ann');
    const strict = await post('/rpc/greet', '{"name": "ann"}', { Prefer: 'handling=strict, params=single-object' });
    assert.equal(strict.status, 400);
    assert.equal((strict.json() as { code: string }).code, 'PGRST122');
  });
});

describe('OPTIONS on an overloaded function', () => {
  const options = (path: string) => request(srv.url, path, { method: 'OPTIONS' });

  test('Allow follows the overload callable without arguments, not the first one created', async () => {
    const r = await options('/rpc/allow_mixed');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('allow'), 'OPTIONS,GET,HEAD,POST', 'allow_mixed() is stable; allow_mixed(id) is volatile');
    assert.equal(r.text, '');
    // an overload whose parameters all have defaults is callable without arguments too
    assert.equal((await options('/rpc/allow_defaulted')).headers.get('allow'), 'OPTIONS,POST');
  });

  test('query-string keys are filters, not arguments', async () => {
    const filtered = await options('/rpc/allow_mixed?id=eq.1');
    assert.equal(filtered.status, 200);
    assert.equal(filtered.headers.get('allow'), 'OPTIONS,GET,HEAD,POST');
    const bare = await options('/rpc/allow_mixed?id=1');
    assert.equal(bare.status, 400);
    assert.equal((bare.json() as { code: string }).code, 'PGRST100');
  });

  test('no overload callable without arguments: PGRST202', async () => {
    const r = await options('/rpc/allow_required');
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('allow'), null);
    assert.deepEqual(r.json(), notFoundWithoutParams('rpc.allow_required', null));
    assert.equal((await options('/rpc/allow_unknown')).status, 404);
  });

  test('several overloads callable without arguments: PGRST203', async () => {
    const r = await options('/rpc/allow_ambiguous');
    assert.equal(r.status, 300);
    assert.equal(r.headers.get('allow'), null);
    assert.deepEqual(r.json(), ambiguousCall('rpc.allow_ambiguous()', 'rpc.allow_ambiguous(step => integer)'));
  });
});

describe('several exposed schemas', () => {
  let multi: TestServer;
  before(async () => {
    multi = await startTestServer({ PGRST_DB_SCHEMAS: 'test,rpc' });
  });
  after(async () => {
    await multi.stop();
  });

  test('Accept-Profile (GET) and Content-Profile (POST) pick the schema and are echoed', async () => {
    const g = await request(multi.url, '/rpc/greet?name=x', { headers: { 'Accept-Profile': 'rpc' } });
    assert.equal(g.status, 200);
    assert.equal(g.headers.get('content-profile'), 'rpc');
    const p = await request(multi.url, '/rpc/greet', {
      method: 'POST',
      body: '{"name": "y"}',
      headers: { 'Content-Type': 'application/json', 'Content-Profile': 'rpc' },
    });
    assert.equal(p.status, 200);
    assert.deepEqual(p.json(), 'hi y');
    assert.equal(p.headers.get('content-profile'), 'rpc');
  });

  test('without a profile the first schema is searched', async () => {
    const r = await request(multi.url, '/rpc/greet?name=x');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { message: string }).message, 'Could not find the function test.greet(name) in the schema cache');
  });
});
