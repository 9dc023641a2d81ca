// Feature tests of horizontal filtering: every operator, `not.`, `(any)`/`(all)`, full-text search with languages,
// filters on JSON/composite/array paths, `in` lists with quoting, and how values are decoded from the query string.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let single: TestServer;
before(async () => {
  srv = await startTestServer();
  // One pooled connection: every request runs in the same session, whose prepared statements we can list.
  single = await startTestServer({ PGRST_DB_POOL: '1' });
});
after(async () => {
  await srv.stop();
  await single.stop();
});

/** `[path, ids]`: a GET of `path` (plus `select=id&order=id`) answers 200 with exactly these ids, in order. */
type IdCase = readonly [string, readonly number[]];

async function expectIds(path: string, ids: readonly number[]): Promise<void> {
  const sep = path.includes('?') ? '&' : '?';
  const r = await request(srv.url, `${path}${sep}select=id&order=id`);
  assert.equal(r.status, 200, `${path} → ${r.text}`);
  assert.deepEqual(
    (r.json() as { id: number }[]).map((x) => x.id),
    ids,
    path,
  );
  assert.equal(r.headers.get('content-range'), ids.length === 0 ? '*/*' : `0-${ids.length - 1}/*`, path);
}

function idTable(name: string, cases: readonly IdCase[]): void {
  describe(name, () => {
    for (const [path, ids] of cases) test(path, () => expectIds(path, ids));
  });
}

const pgError = (code: string, message: string, details: unknown = null, hint: string | null = null) => ({ code, message, details, hint });

async function expectError(path: string, status: number, body: unknown): Promise<void> {
  const r = await request(srv.url, path);
  assert.equal(r.status, status, `${path} → ${r.text}`);
  assert.deepEqual(r.json(), body);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.headers.get('proxy-status'), `PostgREST; error=${(body as { code: string }).code}`);
}

idTable('comparison operators', [
  ['/items?id=eq.5', [5]],
  ['/items?id=neq.5', [1, 2, 3, 4]],
  ['/items?id=not.eq.5', [1, 2, 3, 4]],
  ['/items?price=gt.1.5', [4, 5]],
  ['/items?price=gte.1.5', [1, 4, 5]],
  ['/items?qty=lt.5', [3, 4]],
  ['/items?qty=lte.5', [3, 4, 5]],
  ['/items?qty=not.lt.10', [1, 2]],
  ['/items?qty=not.gt.1', [3, 4]],
  ['/items?created=gte.2024-02-01', [2, 3, 5]],
  ['/items?mood=eq.happy', [1, 5]],
  ['/items?id=gt.1&id=lt.4', [2, 3]],
  ['/active_items?price=gt.1', [1, 5]],
]);

idTable('pattern operators', [
  ['/items?name=like.*an*', [2, 4]],
  ['/items?name=like.*e*', [1, 5]],
  ['/items?name=like.e*', []],
  ['/items?name=not.like.*an*', [1, 3, 5]],
  ['/items?name=ilike.e*', [5]],
  ['/items?name=ilike.*A*', [1, 2, 3, 4]],
  ['/items?name=not.ilike.*a*', [5]],
  ['/items?name=match.^[a-c]', [1, 2, 3]],
  ['/items?name=match.rr', [3, 5]],
  ['/items?name=not.match.rr', [1, 2, 4]],
  ['/items?name=imatch.^e', [5]],
  ['/items?name=imatch.^[A-C]', [1, 2, 3]],
  ['/items?name=not.imatch.^[A-C]', [4, 5]],
  ['/people?name=like.x*y', [13]],
  ['/people?name=eq.x*y', [13]],
]);

idTable('in', [
  ['/items?id=in.(1,3,5)', [1, 3, 5]],
  ['/items?id=not.in.(1,3,5)', [2, 4]],
  ['/items?id=in.()', []],
  ['/items?name=in.()', []],
  ['/items?active=in.()', []],
  ['/items?created=in.()', []],
  ['/items?price=in.()', []],
  ['/items?id=in.(%20%20%20)', []],
  ['/items?id=not.in.()', [1, 2, 3, 4, 5]],
  ['/items?mood=in.(ok,sad)', [2, 3]],
  ['/people?name=in.(%22Lovelace,%20Ada%22,%22Turing,%20Alan%22)', [1, 3]],
  ['/people?name=in.(Alan%20Kay,%22Hopper,%20Grace%22)', [2, 4]],
  ['/people?name=not.in.(%22Lovelace,%20Ada%22,Alan%20Kay,%22Hopper,%20Grace%22)&id=lt.7', [3, 5, 6]],
  ['/people?name=in.(%22Agent%20(007)%22)', [6]],
  ['/people?name=in.(%22dot.ted%22,x*y)', [11, 13]],
  ['/people?name=in.(%22Say%20\\%22hi\\%22%20now\\%22%22)', [7]],
  ['/people?name=in.(%22\\\\%22)', [8]],
  ['/people?name=in.(%22/\\\\path\\\\/%22)', [9]],
  ['/people?name=in.(%22Al\\an%20K\\ay%22)', [4]],
  ['/people?name=in.(%22)', [10]],
  ['/people?name=in.(Say%20%22hi%22%20now%22)', [7]],
  ['/people?name=in.(\\)', [8]],
  ['/people?name=in.(/\\path\\/)', [9]],
  // A list holding only the empty string is PostgREST's empty list: it matches nothing, even the empty name.
  ['/people?name=in.(%22%22)', []],
]);

idTable('is and isdistinct', [
  ['/items?active=is.null', [4]],
  ['/items?active=is.not_null', [1, 2, 3, 5]],
  ['/items?active=is.true', [1, 2, 5]],
  ['/items?active=is.false', [3]],
  ['/items?active=is.unknown', [4]],
  ['/items?active=is.NULL', [4]],
  ['/items?active=is.NoT_NuLl', [1, 2, 3, 5]],
  ['/items?active=is.TRUE', [1, 2, 5]],
  ['/items?active=is.FAlSe', [3]],
  ['/items?active=is.UnKnOwN', [4]],
  ['/items?active=not.is.not_null', [4]],
  ['/items?active=not.is.true', [3, 4]],
  ['/items?tags=is.null', [4]],
  ['/items?active=isdistinct.true', [3, 4]],
  ['/items?active=not.isdistinct.true', [1, 2, 5]],
  ['/spans?r=isdistinct.[1,3]', [2, 3, 4, 5]],
]);

idTable('array operators', [
  ['/items?tags=cs.{fruit}', [1, 2, 5]],
  ['/items?tags=cs.{fruit,red}', [1]],
  ['/items?tags=not.cs.{fruit}', [3]],
  ['/items?tags=cd.{fruit,red,yellow,vegetable}', [1, 2, 3]],
  ['/items?nums=cd.{1,2,3}', [1, 2, 3]],
  ['/items?nums=ov.{3,5}', [1, 2, 5]],
  ['/items?tags=ov.{vegetable,%22dark%20blue%22}', [3, 5]],
  ['/items?nums=eq.{2,3}', [2]],
  ['/items?nums=lt.{2}', [1, 3]],
]);

idTable('range operators', [
  ['/spans?r=eq.[1,3]', [1]],
  ['/spans?r=neq.[1,3]', [2, 3, 4]],
  ['/spans?r=lt.[6,9]', [1, 2]],
  ['/spans?r=lte.[6,9]', [1, 2, 3]],
  ['/spans?r=gt.[6,9]', [4]],
  ['/spans?r=gte.[6,9]', [3, 4]],
  ['/spans?r=cs.[2,3]', [1]],
  ['/spans?r=cs.[3,3]', [1, 2]],
  ['/spans?r=cd.[0,8]', [1, 2]],
  ['/spans?r=ov.[5,6]', [2, 3]],
  ['/spans?r=sl.[6,7]', [1]],
  ['/spans?r=sr.[6,7]', [4]],
  ['/spans?r=nxr.[4,7]', [1, 2]],
  ['/spans?r=nxl.[4,7]', [3, 4]],
  ['/spans?r=adj.(3,6)', [1, 3]],
  ['/spans?r=not.adj.(3,6)', [2, 4]],
]);

idTable('quantifiers (any)/(all)', [
  ['/items?id=eq(any).{1,3,9}', [1, 3]],
  ['/items?id=gt(all).{1,3}', [4, 5]],
  ['/items?id=gte(all).{4,3}', [4, 5]],
  ['/items?id=lt(any).{2,3}', [1, 2]],
  ['/items?id=lte(all).{4,3}', [1, 2, 3]],
  ['/items?name=like(any).{a*,*rot}', [1, 3]],
  ['/items?name=ilike(all).{*E*,*R*}', [5]],
  ['/items?name=match(any).{^a,^b}', [1, 2]],
  ['/items?name=imatch(all).{^e,y$}', [5]],
  ['/items?name=not.eq(any).{apple,banana}', [3, 4, 5]],
  ['/items?name=eq(all).{apple}', [1]],
]);

idTable('full-text search', [
  ['/texts?body=fts.dogs', [1, 2]],
  ['/texts?body=fts(english).dog%26car', [1]],
  ['/texts?body=fts(english).cats%7Cchase', [1, 2]],
  ['/texts?body=fts(english).dog%26!car', [2]],
  ['/texts?body=plfts(english).slow%20dogs', [2]],
  ['/texts?body=phfts(english).fast%20cars', [1]],
  ['/texts?body=phfts(english).cars%20fast', []],
  ['/texts?body=wfts(english).dogs%20-cars', [2]],
  ['/texts?body=wfts(english).cats%20or%20chase', [1, 2]],
  ['/texts?body=wfts(english).%22fast%20cars%22', [1]],
  ['/texts?body=fts(french).chien', [3]],
  ['/texts?body=plfts(german).katze', [4]],
  ['/texts?doc=fts(english).cats', [2]],
  ['/texts?doc=wfts(english).fast%20cars', [1]],
  ['/texts?vec=fts(german).katze', [4]],
  ['/texts?vec=fts(french).chien', [3]],
  ['/texts?body=not.fts(english).dog', [3, 4]],
  ['/texts?body=not.phfts(english).fast%20cars', [2, 3, 4]],
  ['/texts?vec=not.wfts(english).cats%20or%20cars', [3, 4]],
  ['/documents?ts=fts.quick%26fox', [1]],
  ['/documents?ts=plfts.fat%20rats', [2]],
]);

idTable('filters on JSON, composite and array paths', [
  ['/items?meta->>color=eq.red', [1]],
  ['/items?meta->>color=not.eq.red', [2, 3, 5]],
  ['/items?meta->color=eq.%22red%22', [1]],
  ['/items?meta->size->>w=gt.2', [1]],
  ['/items?meta->size->w=gt.2', [1]],
  ['/items?meta->>color=in.(red,purple)', [1, 5]],
  ['/items?meta->>color=like.*e*', [1, 2, 3, 5]],
  ['/items?meta->>color=like(any).{r*,p*}', [1, 5]],
  ['/items?meta->>color=not.in.(red,yellow)', [3, 5]],
  ['/items?meta->k=is.null', [2, 3, 4, 5]],
  ['/items?meta->>k=is.null', [1, 2, 3, 4, 5]],
  ['/items?meta->list->>0=eq.4', [2]],
  ['/items?data->>a=eq.2', [2]],
  ['/items?pos->x=gte.5', [3, 5]],
  ['/items?pos->>y=eq.4', [2]],
  ['/items?tags->>1=eq.red', [1]],
  ['/items?nums->0=eq.2', [2]],
  ['/items?nums->-1=eq.3', [1, 2]],
  ['/json_docs?doc->>0=eq.10', [1]],
  ['/json_docs?doc->-1->>-1=eq.6', [3]],
  ['/json_docs?doc->1->k->>1=eq.8', [4]],
  ['/json_docs?doc->!@%23$%25^%26*_x->>!@%23$%25^%26*_y=eq.42', [5]],
  ['/json_docs?doc=eq.[10,20,30]', [1]],
  ['/json_docs?doc->arr->0->deep=cs.[200]', [5]],
  ['/json_docs?doc->>s=eq.str&doc->b=eq.true', [6]],
]);

idTable('values: reserved characters, escaping, percent-encoding, + as space', [
  ['/people?name=eq.', [12]],
  ['/items?name=eq.', []],
  ['/people?name=eq.dot.ted', [11]],
  // Outside logic trees and in lists, double quotes are part of the value.
  ['/people?name=eq.%22dot.ted%22', []],
  ['/people?name=eq.semi%3Bcolon%26amp%3Deq', [14]],
  ['/people?name=eq.Alan+Kay', [4]],
  ['/people?name=eq.Alan%20Kay', [4]],
  ['/people?name=eq.Lovelace,%20Ada', [1]],
  ['/people?name=eq.Agent%20(007)', [6]],
  ['/people?name=eq.%22', [10]],
  ['/people?name=eq.\\', [8]],
  ['/people?name=eq.Say%20%22hi%22%20now%22', [7]],
  ['/items?%C3%BCn%C3%AFcode=eq.%C3%BC2', [2]],
  ['/items?spaced%20name=eq.e,f', [5]],
  ['/items?spaced+name=eq.c+d', [2]],
]);

describe('filter errors', () => {
  test('unknown column is 400 with PostgreSQL 42703', () => expectError('/items?zzz=eq.1', 400, pgError('42703', 'column items.zzz does not exist')));
  test('invalid integer is 400 22P02', () => expectError('/items?id=eq.abc', 400, pgError('22P02', 'invalid input syntax for type integer: "abc"')));
  test('an empty item among in values is 22P02', () => expectError('/items?id=in.(%20,3,4)', 400, pgError('22P02', 'invalid input syntax for type integer: ""')));
  test('invalid enum value is 22P02', () => expectError('/items?mood=eq.angry', 400, pgError('22P02', 'invalid input value for enum mood: "angry"')));
  test('invalid date is 22007', () => expectError('/items?created=gt.notadate', 400, pgError('22007', 'invalid input syntax for type date: "notadate"')));
  test('invalid range literal is 22P02', () =>
    expectError('/spans?r=cs.4', 400, pgError('22P02', 'malformed range literal: "4"', 'Missing left parenthesis or bracket.')));
  test('unknown text search configuration is 42704', () =>
    expectError('/texts?body=fts(klingon).x', 400, pgError('42704', 'text search configuration "klingon" does not exist')));
  test('is with an unknown value is PGRST100', () =>
    expectError(
      '/items?active=is.nil',
      400,
      pgError('PGRST100', '"failed to parse filter (is.nil)" (line 1, column 5)', 'unexpected "i" expecting isVal: (null, not_null, true, false, unknown)'),
    ));
  test('an unknown operator is PGRST100', () =>
    expectError('/items?id=noop.1', 400, pgError('PGRST100', '"failed to parse filter (noop.1)" (line 1, column 1)', 'unexpected "o" expecting "not" or operator (eq, gt, ...)')));
  test('a value without operator is PGRST100', () =>
    expectError('/items?id=0', 400, pgError('PGRST100', '"failed to parse filter (0)" (line 1, column 1)', 'unexpected "0" expecting "not" or operator (eq, gt, ...)')));
  test('fts with an empty language is PGRST100', () =>
    expectError('/texts?body=fts().dog', 400, pgError('PGRST100', '"failed to parse filter (fts().dog)" (line 1, column 5)', 'unexpected ")" expecting operator (eq, gt, ...)')));
  test('a quantifier on an operator without one is PGRST100', () =>
    expectError('/items?id=neq(any).{1}', 400, pgError('PGRST100', '"failed to parse filter (neq(any).{1})" (line 1, column 4)', 'unexpected "(" expecting operator (eq, gt, ...)')));
  test('comparing json (not jsonb) needs a cast: PostgreSQL 42883 → 404', async () => {
    const r = await request(srv.url, '/items?data->a=eq.2');
    assert.equal(r.status, 404);
    const body = r.json() as { code: string; message: string };
    assert.equal(body.code, '42883');
    assert.equal(body.message, 'operator does not exist: json = unknown');
  });
});

describe('one statement per shape: values are bind parameters, statements are prepared once and reused', () => {
  /** The session's prepared statements that read test.shapes, listed by a computed field of that table. */
  async function preparedShapes(): Promise<string[]> {
    const r = await request(single.url, '/shapes?select=prepared_statements&id=eq.1');
    assert.equal(r.status, 200, r.text);
    const [row] = r.json() as { prepared_statements: string[] }[];
    return row!.prepared_statements.filter((text) => text.includes('"shapes"'));
  }

  /** Runs the requests, then returns the statements prepared since `before`. */
  async function preparedBy(paths: readonly string[]): Promise<string[]> {
    const before = await preparedShapes();
    for (const path of paths) {
      const r = await request(single.url, path);
      assert.equal(r.status, 200, `${path} → ${r.text}`);
    }
    const now = await preparedShapes();
    return now.filter((text) => !before.includes(text) && !text.includes('prepared_statements'));
  }

  test('requests differing only in filter values share one prepared statement', async () => {
    const fresh = await preparedBy(['/shapes?select=id&id=eq.1', '/shapes?select=id&id=eq.2', '/shapes?select=id&id=eq.424242']);
    assert.equal(fresh.length, 1, fresh.join('\n---\n'));
    assert.match(fresh[0]!, /"id" = \$1/);
    assert.doesNotMatch(fresh[0]!, /424242/);
  });

  test('the probe itself is one shape whatever its value', async () => {
    const first = await preparedShapes();
    await request(single.url, '/shapes?select=prepared_statements&id=eq.2');
    await request(single.url, '/shapes?select=prepared_statements&id=eq.3');
    assert.deepEqual(await preparedShapes(), first);
  });

  for (const [name, paths] of [
    ['in lists of any length are one array parameter', ['/shapes?select=id&id=in.(1,2)', '/shapes?select=id&id=in.(3,424242,5,6,7)']],
    ['logic trees with other values', ['/shapes?select=id&or=(id.eq.1,id.gt.2)', '/shapes?select=id&or=(id.eq.424242,id.gt.0)']],
    ['quantifiers with other arrays', ['/shapes?select=id&id=gt(any).{1,2}', '/shapes?select=id&id=gt(any).{424242}']],
    ['windows with other offsets', ['/shapes?select=id&limit=1&offset=1', '/shapes?select=id&limit=1&offset=424242']],
  ] as const) {
    test(name, async () => {
      const fresh = await preparedBy(paths);
      assert.equal(fresh.length, 1, fresh.join('\n---\n'));
      assert.doesNotMatch(fresh[0]!, /424242/);
    });
  }

  test('a limit is written into the statement, so PostgreSQL plans it once (a bound limit is planned per run)', async () => {
    const fresh = await preparedBy(['/shapes?select=id&limit=2', '/shapes?select=id&limit=3', '/shapes?select=id&order=id&limit=2&offset=1']);
    assert.equal(fresh.length, 3, fresh.join('\n---\n'));
    assert.match(fresh[0]!, / LIMIT 2\)/);
    assert.match(fresh[1]!, / LIMIT 3\)/);
    assert.match(fresh[2]!, / LIMIT 2 OFFSET \$1\)/);
    for (let i = 0; i < 8; i++) assert.deepEqual((await request(single.url, '/shapes?select=id&order=id&limit=2')).json(), [{ id: 1 }, { id: 2 }]);
    const plans = await request(single.url, '/shapes?select=prepared_plans&id=eq.1');
    const [row] = plans.json() as { prepared_plans: { statement: string; generic: number; custom: number }[] }[];
    const limited = row!.prepared_plans.find((p) => p.statement.includes('"shapes"') && p.statement.includes('ORDER BY "shapes"."id" LIMIT 2)'));
    assert.ok(limited && limited.generic >= 3, JSON.stringify(limited) ?? 'no statement with the limit written in');
  });

  test('a limit beyond 2^53 stays a parameter, out of range for PostgreSQL (400)', async () => {
    const r = await request(single.url, '/shapes?select=id&limit=99999999999999999999');
    assert.equal(r.status, 400);
    assert.match((r.json() as { code: string }).code, /^22/);
  });

  test('a different shape is a different statement', async () => {
    const fresh = await preparedBy(['/shapes?select=id&id=lt.2', '/shapes?select=id&id=gt.2']);
    assert.equal(fresh.length, 2, fresh.join('\n---\n'));
  });
});
