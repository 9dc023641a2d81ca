// Feature tests of read errors: PostgREST's error shape and headers, the PGRST codes a read can raise, PostgreSQL errors
// passed through, the SQLSTATE → HTTP status table (raised row by row from test.failures), and client-error-verbosity.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { request, roleToken, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let minimal: TestServer;
/** Each failure row's message, which its SQLSTATE is raised with (test/fixtures/10-core.sql). */
let messages: ReadonlyMap<string, string>;
before(async () => {
  messages = new Map((await adminQuery('SELECT code, message FROM test.failures')).rows.map((r) => [r.code as string, r.message as string]));
  srv = await startTestServer();
  minimal = await startTestServer({ PGRST_CLIENT_ERROR_VERBOSITY: 'minimal' });
});
after(async () => {
  await srv.stop();
  await minimal.stop();
});

const JSON_UTF8 = 'application/json; charset=utf-8';

const pgError = (code: string, message: string, details: unknown = null, hint: string | null = null) => ({ code, message, details, hint });

interface ErrorCase {
  readonly name: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly status: number;
  readonly body: unknown;
  readonly length?: number;
}

/** Status, body and the headers every PostgREST error carries (and those it never does). */
async function expectError(server: TestServer, c: ErrorCase): Promise<void> {
  const r = await request(server.url, c.path, { method: c.method ?? 'GET', headers: c.headers ?? {} });
  assert.equal(r.status, c.status, `${c.path} → ${r.text}`);
  assert.deepEqual(r.json(), c.body);
  assert.equal(r.headers.get('content-type'), JSON_UTF8);
  assert.equal(r.headers.get('proxy-status'), `PostgREST; error=${(c.body as { code: string }).code}`);
  assert.equal(r.headers.get('content-length'), String(c.length ?? Buffer.byteLength(r.text)));
  assert.equal(r.headers.get('vary'), null);
  assert.equal(r.headers.get('content-range'), null);
}

const PGRST_CASES: readonly ErrorCase[] = [
  { name: 'unknown table', path: '/zzzzzz', status: 404, body: pgError('PGRST205', "Could not find the table 'test.zzzzzz' in the schema cache") },
  {
    name: 'unknown table with a close name',
    path: '/itemz',
    status: 404,
    body: pgError('PGRST205', "Could not find the table 'test.itemz' in the schema cache", null, "Perhaps you meant the table 'test.items'"),
  },
  { name: 'invalid path', path: '/items/1/2', status: 404, body: pgError('PGRST125', 'Invalid path specified in request URL'), length: 96 },
  {
    name: 'malformed select',
    path: '/items?select=id,',
    status: 400,
    body: pgError('PGRST100', '"failed to parse select parameter (id,)" (line 1, column 4)', 'unexpected end of input expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"'),
  },
  {
    name: 'malformed filter',
    path: '/items?id=val',
    status: 400,
    body: pgError('PGRST100', '"failed to parse filter (val)" (line 1, column 1)', 'unexpected "v" expecting "not" or operator (eq, gt, ...)'),
  },
  {
    name: 'malformed order',
    path: '/items?order=id.asc.nullslasttt',
    status: 400,
    body: pgError('PGRST100', '"failed to parse order (id.asc.nullslasttt)" (line 1, column 17)', 'unexpected \'t\' expecting "," or end of input'),
    length: 169,
  },
  {
    name: 'malformed logic tree',
    path: '/items?or=()',
    status: 400,
    body: pgError(
      'PGRST100',
      '"failed to parse logic tree (())" (line 1, column 4)',
      'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
    ),
  },
  {
    name: 'a filter on a resource that is not embedded',
    path: '/items?select=*&projects.name=like.*x*',
    status: 400,
    body: pgError('PGRST108', "'projects' is not an embedded resource in this request", null, "Verify that 'projects' is included in the 'select' query parameter."),
  },
  { name: 'Range lower above upper', path: '/items', headers: { Range: '3-1' }, status: 416, body: pgError('PGRST103', 'Requested range not satisfiable', 'The lower boundary must be lower than or equal to the upper boundary in the Range header.') },
  { name: 'negative limit', path: '/items?limit=-2', status: 416, body: pgError('PGRST103', 'Requested range not satisfiable', 'Limit should be greater than or equal to zero.') },
  { name: 'no acceptable media type', path: '/items', headers: { Accept: 'text/unknowntype' }, status: 406, body: pgError('PGRST107', 'None of these media types are available: text/unknowntype'), length: 116 },
  {
    name: 'singular with many rows',
    path: '/items',
    headers: { Accept: 'application/vnd.pgrst.object+json' },
    status: 406,
    body: pgError('PGRST116', 'Cannot coerce the result to a single JSON object', 'The result contains 5 rows'),
  },
  {
    name: 'an unexposed schema',
    path: '/items',
    headers: { 'Accept-Profile': 'other' },
    status: 406,
    body: pgError('PGRST106', 'Invalid schema: other', null, 'Only the following schemas are exposed: test'),
  },
  {
    name: 'invalid preferences with handling=strict',
    path: '/items',
    headers: { Prefer: 'handling=strict, count=maybe' },
    status: 400,
    body: pgError('PGRST122', 'Invalid preferences given with handling=strict', 'Invalid preferences: count=maybe'),
  },
];

const POSTGRES_CASES: readonly ErrorCase[] = [
  { name: 'unknown column (42703)', path: '/items?select=id,zzz', status: 400, body: pgError('42703', 'column items.zzz does not exist') },
  { name: 'unknown column in a filter (42703)', path: '/items?zzz=eq.1', status: 400, body: pgError('42703', 'column items.zzz does not exist') },
  { name: 'invalid integer (22P02)', path: '/items?id=eq.one', status: 400, body: pgError('22P02', 'invalid input syntax for type integer: "one"') },
  { name: 'out of range (22003)', path: '/items?id=eq.99999999999', status: 400, body: pgError('22003', 'value "99999999999" is out of range for type integer') },
  { name: 'invalid regular expression (2201B)', path: '/items?name=match.(', status: 400, body: pgError('2201B', 'invalid regular expression: parentheses () not balanced') },
  { name: 'wrong type for IS TRUE (42804)', path: '/items?name=is.true', status: 400, body: pgError('42804', 'argument of IS TRUE must be type boolean, not type text') },
  { name: 'unknown type in a cast (42704)', path: '/items?select=id::nosuchtype', status: 400, body: pgError('42704', 'type "nosuchtype" does not exist') },
];

/** [code raised, HTTP status PostgREST answers]. */
const SQLSTATE_STATUS: readonly (readonly [string, number])[] = [
  ['09000', 500],
  ['0L000', 403],
  ['0P000', 403],
  ['21000', 500],
  ['21001', 400], // raised as 21000 "… requires a WHERE clause" (pg-safeupdate)
  ['22000', 400],
  ['22023', 400],
  ['22024', 401], // raised as 22023 "role … does not exist"
  ['23503', 409],
  ['23505', 409],
  ['23514', 400],
  ['25006', 405],
  ['25001', 500],
  ['28000', 403],
  ['2D000', 500],
  ['38000', 500],
  ['39000', 500],
  ['3B000', 500],
  ['40001', 500],
  ['42501', 401], // anonymous
  ['42883', 404],
  ['42P01', 404],
  ['42P17', 500],
  ['53100', 503],
  ['53400', 500],
  ['54000', 500],
  ['55000', 500],
  ['57014', 500],
  ['58000', 500],
  ['F0000', 500],
  ['HV000', 500],
  ['P0001', 400],
  ['P0002', 500],
  ['XX000', 500],
  ['PT402', 402],
  ['PT418', 418],
  ['PTABC', 500],
  ['ZZ999', 400],
];

const RAISED_AS: Readonly<Record<string, string>> = { '21001': '21000', '22024': '22023' };

describe('PostgREST errors of a read', () => {
  for (const c of PGRST_CASES) test(c.name, () => expectError(srv, c));
});

describe('PostgreSQL errors of a read', () => {
  for (const c of POSTGRES_CASES) test(c.name, () => expectError(srv, c));

  test('PostgreSQL hints are passed through', async () => {
    const r = await request(srv.url, '/items?select=nmae');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), pgError('42703', 'column items.nmae does not exist', null, 'Perhaps you meant to reference the column "items.name".'));
  });

  test('an anonymous permission error is 401 with WWW-Authenticate', async () => {
    const r = await request(srv.url, '/secret');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), pgError('42501', 'permission denied for table secret'));
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  });

  test('an authenticated permission error is 403', async () => {
    const r = await request(srv.url, '/items', { headers: { Authorization: `Bearer ${roleToken('Postgrest_Test_MixedCase')}` } });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), pgError('42501', 'permission denied for schema test'));
    assert.equal(r.headers.get('www-authenticate'), null);
  });

  test('an authenticated role that may read the table', async () => {
    const r = await request(srv.url, '/secret', { headers: { Authorization: `Bearer ${roleToken('postgrest_test_user')}` } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 1, value: 'hidden' }]);
  });
});

describe('SQLSTATE → HTTP status', () => {
  for (const [code, status] of SQLSTATE_STATUS) {
    test(`${code} → ${status}`, async () => {
      const r = await request(srv.url, `/failures?select=boom&code=eq.${code}`);
      assert.equal(r.status, status, r.text);
      const raised = RAISED_AS[code] ?? code;
      const body = r.json() as { code: string; message: string; details: unknown; hint: unknown };
      assert.equal(body.code, raised);
      assert.equal(body.message, messages.get(code));
      assert.equal(body.details, `detail ${code}`);
      assert.equal(body.hint, `hint ${code}`);
      assert.equal(r.headers.get('proxy-status'), `PostgREST; error=${raised}`);
      assert.equal(r.headers.get('www-authenticate'), status === 401 ? 'Bearer' : null);
    });
  }

  test('the server still serves after every error', async () => {
    const r = await request(srv.url, '/items?select=id&id=eq.1');
    assert.equal(r.status, 200);
    assert.equal(r.text, '[{"id":1}]');
  });
});

describe('client-error-verbosity=minimal', () => {
  test('only code and message', async () => {
    const r = await request(minimal.url, '/itemsx');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { code: 'PGRST205', message: "Could not find the table 'test.itemsx' in the schema cache" });
  });

  test('PostgreSQL errors too', async () => {
    const r = await request(minimal.url, '/failures?select=boom&code=eq.P0001');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), { code: 'P0001', message: 'raise exception' });
  });
});
