// Errors raised in functions (RAISE → HTTP, PTnnn, the `RAISE SQLSTATE 'PGRST'` JSON convention, PGRST121) and the
// `response.headers` / `response.status` settings a function uses to shape its response (PGRST111/PGRST112).
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

const get = (path: string) => request(srv.url, path);
const post = (path: string, body = '{}') => request(srv.url, path, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

describe('errors raised in functions', () => {
  test('RAISE EXCEPTION (P0001) is 400 with message, detail and hint', async () => {
    const r = await post('/rpc/fail_plain');
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('proxy-status'), 'PostgREST; error=P0001');
    assert.deepEqual(r.json(), { code: 'P0001', message: 'plain failure', details: 'some detail', hint: 'some hint' });
  });

  test('a failed ASSERT (P0004) is 500', async () => {
    const r = await post('/rpc/fail_assert');
    assert.equal(r.status, 500);
    assert.equal((r.json() as { code: string }).code, 'P0004');
  });

  test('other SQLSTATEs map as PostgREST does (a domain check is 23514 → 400)', async () => {
    const r = await get('/rpc/fail_check');
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, '23514');
  });

  test('SQLSTATE PTnnn sets the status', async () => {
    const r = await get('/rpc/fail_pt');
    assert.equal(r.status, 402);
    assert.deepEqual(r.json(), { code: 'PT402', message: 'Payment Required', details: 'Quota exceeded', hint: 'Upgrade' });
    const bad = await get('/rpc/fail_pt_bad');
    assert.equal(bad.status, 500);
    assert.deepEqual(bad.json(), { code: 'PT40A', message: 'Wrong', details: null, hint: null });
  });

  test("RAISE SQLSTATE 'PGRST' sets status, reason, headers and body", async () => {
    const r = await get('/rpc/fail_pgrst');
    assert.equal(r.status, 418);
    assert.equal(r.headers.get('x-custom'), 'yes');
    assert.deepEqual(r.json(), { code: 'ABC1', message: 'custom message', details: 'custom details', hint: 'custom hint' });
    const minimal = await get('/rpc/fail_pgrst_minimal');
    assert.equal(minimal.status, 409);
    assert.deepEqual(minimal.json(), { code: 'ABC2', message: 'only message', details: null, hint: null });
  });

  test('an unparseable PGRST raise is PGRST121', async () => {
    const r = await get('/rpc/fail_pgrst_bad_message');
    assert.equal(r.status, 500);
    assert.deepEqual(r.json(), {
      code: 'PGRST121',
      message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
      details: "Invalid JSON value for MESSAGE: 'not json'",
      hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
    });
    const noDetail = await get('/rpc/fail_pgrst_no_detail');
    assert.equal(noDetail.status, 500);
    assert.equal((noDetail.json() as { details: string }).details, 'DETAIL is missing in the RAISE statement');
  });
});

describe('response settings set by functions', () => {
  test('response.headers adds headers to scalar and set results, GET and POST', async () => {
    for (const r of [await get('/rpc/with_headers?num=1'), await post('/rpc/with_headers', '{"num": 1}')]) {
      assert.equal(r.status, 200);
      assert.equal(r.text, '1');
      assert.equal(r.headers.get('x-one'), '1');
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    }
    const set = await get('/rpc/boxes_with_headers?id=eq.2&select=id');
    assert.deepEqual(set.json(), [{ id: 2 }]);
    assert.equal(set.headers.get('x-boxes'), 'many');
  });

  test('a non-ASCII header value goes out as its UTF-8 bytes, with or without a body', async () => {
    // a header's bytes read one character per byte
    const expected = Buffer.from('héllo ☃', 'utf8').toString('latin1');
    for (const r of [await get('/rpc/wide_headers'), await request(srv.url, '/rpc/wide_headers', { method: 'HEAD' })]) {
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-greeting'), expected);
    }
  });

  test('response.status overrides the status, also of a void function', async () => {
    const r = await get('/rpc/teapot');
    assert.equal(r.status, 418);
    assert.deepEqual(r.json(), { short: 'stout' });
    const created = await get('/rpc/created_void');
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/somewhere');
    assert.equal(created.text, '');
  });

  test('a response.status or response.headers set to an empty string is no setting (GET, POST, HEAD)', async () => {
    for (const r of [await get('/rpc/empty_settings'), await post('/rpc/empty_settings')]) {
      assert.equal(r.status, 200);
      assert.equal(r.text, '1');
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    }
    const head = await request(srv.url, '/rpc/empty_settings', { method: 'HEAD' });
    assert.equal(head.status, 200);
  });

  test('malformed response.headers is PGRST111, malformed response.status PGRST112', async () => {
    const h = await get('/rpc/bad_headers');
    assert.equal(h.status, 500);
    assert.deepEqual(h.json(), {
      code: 'PGRST111',
      message: 'response.headers guc must be a JSON array composed of objects with a single key and a string value',
      details: null,
      hint: null,
    });
    const s = await post('/rpc/bad_status');
    assert.equal(s.status, 500);
    assert.deepEqual(s.json(), { code: 'PGRST112', message: 'response.status guc must be a valid status code', details: null, hint: null });
  });
});
