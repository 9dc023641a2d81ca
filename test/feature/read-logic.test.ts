// Feature tests of logic trees: `or=()`, `and=()`, `not.or`, `not.and`, nesting to any depth with every operator inside,
// quoting inside trees, and PostgREST's PGRST100 errors for malformed trees.
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

/** `[path, ids]`: a GET of `path` (plus `select=id&order=id`) answers 200 with exactly these ids, in order. */
type IdCase = readonly [string, readonly number[]];

async function expectIds(path: string, ids: readonly number[]): Promise<void> {
  const r = await request(srv.url, `${path}&select=id&order=id`);
  assert.equal(r.status, 200, `${path} → ${r.text}`);
  assert.deepEqual(
    (r.json() as { id: number }[]).map((x) => x.id),
    ids,
    path,
  );
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
}

/**
 * A tree `depth` levels deep that keeps exactly the rows of `id.eq.1`: `and(X,id.gt.0)` and `or(X,id.lt.0)` alternate,
 * and every fourth level is the double negation `not.and(not.or(X,id.lt.0),id.gt.0)`.
 */
function deepTree(depth: number): string {
  let tree = 'id.eq.1';
  for (let i = 0; i < depth; i++) {
    if (i % 4 === 3) tree = `not.and(not.or(${tree},id.lt.0),id.gt.0)`;
    else tree = i % 2 === 0 ? `and(${tree},id.gt.0)` : `or(${tree},id.lt.0)`;
  }
  return tree;
}

idTable('or, and and their negations', [
  ['/items?or=(id.eq.1,id.eq.2)', [1, 2]],
  ['/items?not.or=(id.eq.1,id.eq.2)', [3, 4, 5]],
  ['/items?and=(id.gt.1,id.lt.4)', [2, 3]],
  ['/items?not.and=(id.gt.1,id.lt.4)', [1, 4, 5]],
  ['/items?or=(id.eq.1)', [1]],
  ['/items?and=(id.eq.1)', [1]],
  ['/items?or=(id.eq.1,id.eq.2)&name=eq.apple', [1]],
  ['/items?and=(id.gt.1,qty.gt.1)&or=(id.eq.2,id.eq.5)', [2, 5]],
  ['/items?or=(id.eq.1,id.eq.3,id.eq.5)', [1, 3, 5]],
  // PostgREST drops every `not` of a logic key but one.
  ['/items?not.not.or=(id.eq.1)', [2, 3, 4, 5]],
]);

idTable('nesting', [
  ['/items?or=(and(name.eq.apple,id.eq.1),and(name.eq.banana,id.eq.2),not.or(id.lt.5,active.is.null))', [1, 2, 5]],
  ['/items?or=(active.is.null,and(qty.gte.10,not.and(tags.cs.{red},price.lt.1)))', [1, 2, 4]],
  ['/items?or=(and(or(and(or(id.eq.1,id.eq.2),id.lt.3),id.eq.5),id.gt.4),id.eq.3)', [3, 5]],
  ['/items?or=(not.and(name.eq.banana,id.eq.2),not.and(name.eq.apple,id.eq.1))', [1, 2, 3, 4, 5]],
  ['/items?and=(%20and%20(%20id.in.(%201,%202,%203%20)%20,%20id.eq.3%20)%20,%20or%20(%20id.eq.2%20,%20id.eq.3%20)%20)', [3]],
  [`/items?or=(${deepTree(10)})`, [1]],
  [`/big?and=(${deepTree(60)})`, [1]],
]);

idTable('every operator inside a tree', [
  ['/items?or=(price.gte.12,qty.lte.0)', [3, 4]],
  ['/items?or=(id.lt.2,id.gt.4)', [1, 5]],
  ['/items?and=(id.neq.2,id.lte.3)', [1, 3]],
  ['/items?or=(created.lt.2024-02-01,created.gt.2024-04-01)', [1, 5]],
  ['/items?and=(name.not.like.*a*,or(id.in.(3,4,5),meta->>color.eq.red))', [5]],
  ['/items?or=(name.ilike.*RR*,name.match.^d,name.imatch.^B)', [2, 3, 4, 5]],
  ['/items?or=(name.like.*an*,name.ilike.E*)', [2, 4, 5]],
  ['/items?or=(tags.ov.{vegetable},nums.cs.{5},mood.eq.ok)', [2, 3, 5]],
  ['/items?or=(nums.eq.{2,3},tags.cd.{vegetable})', [2, 3]],
  ['/items?or=(id.eq(any).{1,2},id.gt(all).{3,4})', [1, 2, 5]],
  ['/items?or=(name.like(any).{a*,c*},name.imatch(all).{^e,y$})', [1, 3, 5]],
  ['/items?or=(active.isdistinct.true,id.not.isdistinct.1)', [1, 3, 4]],
  ['/items?and=(active.is.true,mood.is.not_null,tags.not.is.null)', [1, 2, 5]],
  ['/items?or=(active.is.unknown,active.is.false)', [3, 4]],
  ['/items?and=(id.not.in.(1,3),and(name.not.is.null,tags.not.cs.{vegetable}))', [2, 5]],
  ['/items?and=(id.not.eq.2,id.not.lt.2,id.not.gt.4,id.not.gte.5,id.not.lte.2)', [3, 4]],
  ['/items?or=(id.in.(),id.eq.4)', [4]],
  ['/items?or=(meta->size->>w.eq.1,meta->>color.eq.orange)', [2, 3]],
  ['/items?or=(pos->x.gte.5,nums->0.eq.1)', [1, 3, 5]],
  ['/spans?or=(r.sl."[5,5]",r.adj."[6,8]",r.ov."[12,20]")', [1, 4]],
  ['/spans?and=(r.nxr."[0,10]",r.nxl."[3,3]")', [2, 3]],
  ['/spans?or=(r.cs."[10,11]",r.cd."[0,5]",r.sr."[13,14]")', [1, 4]],
  ['/spans?or=(r.eq."[1,3]",r.isdistinct."[1,3]")', [1, 2, 3, 4, 5]],
  ['/texts?or=(body.fts(french).chien,vec.fts(german).katze,doc.wfts(english).fast%20cars,body.phfts(english).slow%20cats)', [1, 2, 3, 4]],
  ['/texts?or=(body.plfts(english).ignore,body.fts.chase)', [1, 2]],
  ['/texts?and=(body.not.plfts(german).katze,body.not.fts(english).dog)', [3]],
  ['/texts?or=(vec.not.wfts(english).dogs,doc.phfts(english).fast%20cars)', [1, 3, 4]],
]);

idTable('quoting and values inside trees', [
  ['/people?or=(name.eq."Lovelace, Ada",name.like."*(007)",name.in.("Turing, Alan","x*y"))', [1, 3, 6, 13]],
  ['/people?or=(name.eq."Agent (007)",name.eq.dot.ted)', [6, 11]],
  ['/people?or=(name.eq."Say \\"hi\\" now\\"",name.eq."\\\\")', [7, 8]],
  ['/people?or=(name.eq.,name.eq.Alan+Kay)', [4, 12]],
  ['/people?or=(name.in.(%22Hopper,%20Grace%22,Alan%20Kay),name.eq.semi%3Bcolon%26amp%3Deq)', [2, 4, 14]],
  ['/gates?or=(and_x.eq.a,or_y.eq.d)', [1, 2]],
  ['/gates?and_x=eq.c', [2]],
  ['/gates?or_y=eq.b', [1]],
  ['/gates?or=(not.eq.n2)', [2]],
]);

describe('logic tree errors', () => {
  test('an empty tree', () =>
    expectError(
      '/items?or=()',
      400,
      pgError(
        'PGRST100',
        '"failed to parse logic tree (())" (line 1, column 4)',
        'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
      ),
    ));
  test('an unparenthesised in list', () =>
    expectError('/items?or=(id.in.1,2)', 400, pgError('PGRST100', '"failed to parse logic tree ((id.in.1,2))" (line 1, column 10)', 'unexpected "1" expecting "("')));
  test('an unbalanced parenthesis', () =>
    expectError('/items?or=(id.eq.1,id.eq.2', 400, pgError('PGRST100', '"failed to parse logic tree ((id.eq.1,id.eq.2)" (line 1, column 19)', 'unexpected end of input expecting "," or ")"')));
  test('an empty condition', () =>
    expectError(
      '/items?or=(id.eq.1,,id.eq.2)',
      400,
      pgError(
        'PGRST100',
        '"failed to parse logic tree ((id.eq.1,,id.eq.2))" (line 1, column 12)',
        'unexpected "," expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
      ),
    ));
  test('only opening parentheses', async () => {
    const r = await request(srv.url, '/items?and=(((((');
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, 'PGRST100');
  });
  test('an unknown operator inside', async () => {
    const r = await request(srv.url, '/items?or=(id.noop.1,id.eq.2)');
    assert.equal(r.status, 400);
    assert.equal((r.json() as { code: string }).code, 'PGRST100');
  });
  test('an unknown column inside is 42703', () => expectError('/items?or=(zzz.eq.1,id.eq.2)', 400, pgError('42703', 'column items.zzz does not exist')));
  test('an invalid value inside is 22P02', () => expectError('/items?and=(id.eq.x)', 400, pgError('22P02', 'invalid input syntax for type integer: "x"')));
  test('a tree on a resource that is not embedded is PGRST108', () =>
    expectError(
      '/items?clients.or=(id.eq.1)',
      400,
      pgError('PGRST108', "'clients' is not an embedded resource in this request", null, "Verify that 'clients' is included in the 'select' query parameter."),
    ));
});
