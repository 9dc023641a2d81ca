// Feature tests of header bytes (test/fixtures/96-unicode-profile.sql): profile headers naming a schema beyond Latin-1
// ("prof☃") or within it ("profü") are read as UTF-8, and Content-Profile goes out as the name's UTF-8 bytes, as
// PostgREST sends it; response.headers names and values no HTTP header may carry are PGRST111, not a failed write.
// fetch refuses header values beyond Latin-1, so requests go through node:http with each header's UTF-8 bytes spelt as
// latin1 characters, and response headers are read back as bytes.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

const SNOW = 'prof☃';
const UMLAUT = 'profü';
const EXPOSED = `${SNOW},${UMLAUT},header_bytes`;

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: EXPOSED, PGRST_DB_PLAN_ENABLED: 'true' });
});
after(async () => {
  await srv.stop();
});

interface RawResponse {
  readonly status: number;
  /** Lower-cased name → the value's bytes (the last one of a repeated name). */
  readonly headers: ReadonlyMap<string, Buffer>;
  readonly body: Buffer;
  readonly text: string;
  json(): unknown;
}

/**
 * A request whose header values, path and body are sent as their UTF-8 bytes; the response's headers kept as bytes.
 */
function raw(method: string, path: string, headers: Readonly<Record<string, string | Buffer>> = {}, body?: string): Promise<RawResponse> {
  const url = new URL(path, srv.url);
  const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
  const sent: Record<string, string> = {};
  // node:http writes a header string one byte per character, so each value is handed over as its bytes
  for (const [k, v] of Object.entries(headers)) sent[k] = (typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('latin1');
  if (bytes !== undefined) sent['Content-Length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
  // a path beyond ASCII goes out as its UTF-8 bytes as they are (URL would percent-encode them)
  const target = /[^\x00-\x7f]/.test(path) ? Buffer.from(path, 'utf8').toString('latin1') : url.pathname + url.search;
  const req = http.request({ host: url.hostname, port: url.port, path: target, method, headers: sent, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const got = new Map<string, Buffer>();
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          got.set(res.rawHeaders[i]!.toLowerCase(), Buffer.from(res.rawHeaders[i + 1]!, 'latin1'));
        }
        const all = Buffer.concat(chunks);
        const text = all.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: got, body: all, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    // a Buffer body: a string one would be joined to the head and written as UTF-8, encoding the header bytes twice
    req.end(bytes);
  });
}

/** The header's value as text (its bytes read as UTF-8), or undefined when absent. */
function header(r: RawResponse, name: string): string | undefined {
  return r.headers.get(name)?.toString('utf8');
}

/** Asserts the response carries `Content-Profile` with exactly `schema`'s UTF-8 bytes. */
function assertProfile(r: RawResponse, schema: string): void {
  assert.deepEqual(r.headers.get('content-profile'), Buffer.from(schema, 'utf8'), `Content-Profile of ${schema}`);
}

describe('profile headers naming non-ASCII schemas', () => {
  for (const [schema, name] of [
    [SNOW, 'snowman'],
    [UMLAUT, 'umlaut'],
  ] as const) {
    test(`GET with Accept-Profile: ${schema}`, async () => {
      const r = await raw('GET', '/things', { 'Accept-Profile': schema });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json(), [{ id: 1, name }]);
      assertProfile(r, schema);
    });

    test(`HEAD with Accept-Profile: ${schema}`, async () => {
      const r = await raw('HEAD', '/things', { 'Accept-Profile': schema });
      assert.equal(r.status, 200);
      assertProfile(r, schema);
    });

    test(`POST with Content-Profile: ${schema}, representation and minimal`, async () => {
      const id = schema === SNOW ? 100 : 200;
      const r = await raw(
        'POST',
        '/things',
        { 'Content-Profile': schema, 'Content-Type': 'application/json', Prefer: 'return=representation' },
        JSON.stringify({ id, name: `new ${schema}` }),
      );
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json(), [{ id, name: `new ${schema}` }]);
      assertProfile(r, schema);
      // a body is read back from the same schema
      const back = await raw('GET', `/things?id=eq.${id}`, { 'Accept-Profile': schema });
      assert.deepEqual(back.json(), [{ id, name: `new ${schema}` }]);
      // without a body there is no Content-Profile (as in PostgREST), but the insert lands in the schema
      const minimal = await raw('POST', '/things', { 'Content-Profile': schema, 'Content-Type': 'application/json' }, JSON.stringify({ id: id + 1, name: 'm' }));
      assert.equal(minimal.status, 201, minimal.text);
      assert.equal(minimal.headers.get('content-profile'), undefined);
    });

    test(`RPC GET and POST in ${schema}`, async () => {
      const read = await raw('GET', '/rpc/whoami', { 'Accept-Profile': schema });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.json(), `${name} schema`);
      assertProfile(read, schema);
      const call = await raw('POST', '/rpc/whoami', { 'Content-Profile': schema, 'Content-Type': 'application/json' }, '{}');
      assert.equal(call.status, 200, call.text);
      assert.equal(call.json(), `${name} schema`);
      assertProfile(call, schema);
    });

    test(`the root and an EXPLAIN plan with Accept-Profile: ${schema}`, async () => {
      const root = await raw('GET', '/', { 'Accept-Profile': schema });
      assert.equal(root.status, 200, root.text);
      assert.ok('/things' in ((root.json() as { paths: Record<string, unknown> }).paths ?? {}), root.text);
      assertProfile(root, schema);
      const plan = await raw('GET', '/things', { 'Accept-Profile': schema, Accept: 'application/vnd.pgrst.plan+text' });
      assert.equal(plan.status, 200, plan.text);
      assert.match(plan.text, /Scan/);
      assertProfile(plan, schema);
    });
  }

  test('without a profile header the first schema is negotiated, and named in its UTF-8 bytes', async () => {
    const r = await raw('GET', '/things?id=eq.1');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [{ id: 1, name: 'snowman' }]);
    assertProfile(r, SNOW);
    // a string body next to a header holding bytes beyond ASCII goes out as UTF-8 once, with a matching Content-Length
    assert.equal(header(r, 'content-length'), String(r.body.length));
  });

  test('an unknown non-ASCII profile is 406 PGRST106 naming it as text', async () => {
    for (const [method, name, body] of [
      ['GET', 'Accept-Profile', undefined],
      ['POST', 'Content-Profile', '{"id":9,"name":"x"}'],
    ] as const) {
      const r = await raw(method, '/things', { [name]: 'prof☂', 'Content-Type': 'application/json' }, body);
      assert.equal(r.status, 406, r.text);
      assert.deepEqual(r.json(), {
        code: 'PGRST106',
        message: 'Invalid schema: prof☂',
        details: null,
        hint: `Only the following schemas are exposed: ${SNOW}, ${UMLAUT}, header_bytes`,
      });
      assert.equal(header(r, 'content-length'), String(r.body.length));
      assert.equal(r.headers.get('content-profile'), undefined);
    }
  });

  test('a profile sent in Latin-1 rather than UTF-8 is no schema: its bad byte reads as U+FFFD', async () => {
    // "profü" as the single byte 0xFC: not UTF-8, so not the schema "profü"
    const r = await raw('GET', '/things', { 'Accept-Profile': Buffer.from(UMLAUT, 'latin1') });
    assert.equal(r.status, 406, r.text);
    assert.equal((r.json() as { message: string }).message, 'Invalid schema: prof\uFFFD');
  });
});

describe('media types beyond ASCII', () => {
  test('an Accept sent as UTF-8 is named as text in PGRST107', async () => {
    const r = await raw('GET', '/things', { 'Accept-Profile': SNOW, Accept: 'text/ü, application/vnd.☃+json;q=0.5' });
    assert.equal(r.status, 406, r.text);
    assert.deepEqual(r.json(), {
      code: 'PGRST107',
      message: 'None of these media types are available: text/ü, application/vnd.☃+json',
      details: null,
      hint: null,
    });
    assert.equal(header(r, 'content-length'), String(r.body.length));
  });

  test('a Content-Type sent as UTF-8 is named as text in PGRST102, and nothing is written', async () => {
    const r = await raw('POST', '/things', { 'Content-Profile': SNOW, 'Content-Type': 'text/ü' }, '{"id":9,"name":"x"}');
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.json(), { code: 'PGRST102', message: 'Content-Type not acceptable: text/ü', details: null, hint: null });
    const after = await raw('GET', '/things?id=eq.9', { 'Accept-Profile': SNOW });
    assert.equal(after.text, '[]');
  });
});

describe('response.headers names and values no header may carry', () => {
  const PGRST111 = {
    code: 'PGRST111',
    message: 'response.headers guc must be a JSON array composed of objects with a single key and a string value',
    details: null,
    hint: null,
  };
  /** A call of the function that sets response.headers to `headers` (as JSON), by GET or POST. */
  const call = (headers: readonly Record<string, string>[], method = 'GET') => {
    const h = JSON.stringify(headers);
    return method === 'GET'
      ? raw('GET', `/rpc/with_headers?h=${encodeURIComponent(h)}`, { 'Accept-Profile': 'header_bytes' })
      : raw('POST', '/rpc/with_headers', { 'Content-Profile': 'header_bytes', 'Content-Type': 'application/json' }, JSON.stringify({ h }));
  };
  const TAB = [{ 'X-Tab': 'a\tb' }];

  for (const [what, headers] of [
    ['a space in a name', [{ 'X-Bad Name': 'v' }]],
    ['an empty name', [{ '': 'v' }]],
    ['a name beyond ASCII', [{ 'X-Schnee☃': 'v' }]],
    ['CR LF in a value', [{ 'X-Ok': 'a\r\nInjected: 1' }]],
    ['LF in a value', [{ 'X-Ok': 'a\nb' }]],
    ['NUL in a value', [{ 'X-Ok': 'a\u0000b' }]],
    ['DEL in a value', [{ 'X-Ok': 'a\u007fb' }]],
    ['a good header before a bad one (nothing of either is sent)', [{ 'X-Fine': 'yes' }, { 'X-Ok': 'a\rb' }]],
  ] as const) {
    test(`${what} is 500 PGRST111, and the server keeps serving`, async () => {
      for (const method of ['GET', 'POST']) {
        const r = await call(headers, method);
        assert.equal(r.status, 500, `${method} ${what}: ${r.text}`);
        assert.deepEqual(r.json(), PGRST111);
        assert.equal(header(r, 'proxy-status'), 'PostgREST; error=PGRST111');
        assert.equal(r.headers.get('x-ok'), undefined);
        assert.equal(r.headers.get('x-fine'), undefined);
        assert.equal(r.headers.get('injected'), undefined);
      }
      const next = await call(TAB);
      assert.equal(next.status, 200, next.text);
    });
  }

  test('a tab and bytes beyond ASCII are fine in a value', async () => {
    const tab = await call(TAB);
    assert.equal(tab.status, 200, tab.text);
    assert.equal(header(tab, 'x-tab'), 'a\tb');
    const wide = await call([{ 'X-Wide': 'prof☃ profü' }], 'POST');
    assert.equal(wide.status, 200, wide.text);
    assert.deepEqual(wide.headers.get('x-wide'), Buffer.from('prof☃ profü', 'utf8'));
    assert.deepEqual(wide.headers.get('content-profile'), Buffer.from('header_bytes'));
  });
});

describe('Content-Location and Location of relation names with control characters', () => {
  test('a tab, which a header value may carry, is sent as it is', async () => {
    const r = await raw('GET', `/${encodeURIComponent('tab\tname')}?id=eq.1`, { 'Accept-Profile': 'header_bytes' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [{ id: 1 }]);
    assert.equal(header(r, 'content-location'), '/tab\tname?id=eq.1');
  });

  test('a line break, which none may, leaves the request path percent-encoded', async () => {
    const r = await raw('GET', `/${encodeURIComponent('line\nbreak')}?id=eq.1`, { 'Accept-Profile': 'header_bytes' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [{ id: 1 }]);
    assert.equal(header(r, 'content-location'), '/line%0Abreak?id=eq.1');
  });

  test('Location of an insert: the tab as it is, the line break percent-encoded', async () => {
    for (const [name, path] of [
      ['tab\tname', '/tab\tname'],
      ['line\nbreak', '/line%0Abreak'],
    ] as const) {
      const r = await raw(
        'POST',
        `/${encodeURIComponent(name)}`,
        { 'Content-Profile': 'header_bytes', 'Content-Type': 'application/json', Prefer: 'return=headers-only' },
        '{"id": 2}',
      );
      assert.equal(r.status, 201, r.text);
      assert.equal(header(r, 'location'), `${path}?id=eq.2`);
    }
  });
});

describe('paths beyond ASCII', () => {
  const CAFE = 'café☃';

  test('a table named beyond ASCII, reached by its percent-encoded name', async () => {
    const r = await raw('GET', `/${encodeURIComponent(CAFE)}?id=eq.1`, { 'Accept-Profile': 'header_bytes' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [{ id: 1, name: 'crème' }]);
    assert.equal(header(r, 'content-location'), `/${CAFE}?id=eq.1`);
  });

  test('request.path is the path as sent, percent-encoding kept', async () => {
    const r = await raw('GET', `/rpc/${encodeURIComponent('pfad☃')}`, { 'Accept-Profile': 'header_bytes' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json(), '/rpc/pfad%E2%98%83');
  });

  test("bytes beyond ASCII sent as they are: node's HTTP parser refuses the request line, a 400", async () => {
    const r = await raw('GET', `/${CAFE}?id=eq.1`, { 'Accept-Profile': 'header_bytes' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'PGRSTX400', message: 'Malformed HTTP request', details: 'Parse Error: Invalid char in url path', hint: null });
  });
});
