// Differential checks: whenever a fast path accepts an input, the exact Parsec-style grammar must accept it with
// the same result. Also pins which common shapes take the fast path (a performance guard).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pTreePath } from '../../src/request/parse-field.js';
import { pOpExpr, pSingleVal } from '../../src/request/parse-filter.js';
import { fastParseOpExpr, fastParseOrder, fastParseTreePath } from '../../src/request/parse-filter-fast.js';
import { pLogicTree } from '../../src/request/parse-logic.js';
import { fastParseLogicPath, fastParseLogicTree } from '../../src/request/parse-logic-fast.js';
import { pOrder } from '../../src/request/parse-order.js';
import { pFieldForest } from '../../src/request/parse-select.js';
import { fastParseSelect } from '../../src/request/parse-select-fast.js';
import { type Parser, runParser } from '../../src/request/parser-core.js';

const COMMON = [
  'a', 'id', 'count', 'left', 'inner', 'lefty', 'x-y', '1', '0', '-1', '$', '_', 'é', ' ', '\t', '"', '\\', ',', '(', ')',
  '.', ':', '::', '->', '->>', '-', '>', '*', '!', '{', '}', '12',
];

const tokens = (extra: string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...COMMON, ...extra), { maxLength: 14 }).map((ts) => ts.join(''));

const SELECT = tokens(['...', 'sum()', '.sum()', 'count()', '::int', 'avg', '.max()', 'rel(', 'a:b', '!inner', '!left', '!hint', 'data->0', 'x->>k']);
const OPS = tokens(['not.', 'eq.', 'in.', 'is.', 'null', 'NULL', 'Not_Null', 'isdistinct.', 'fts', '(english)', '(any)', '(all)', 'gte.', 'like.', 'cs.', 'neq.', 'eq', 'in.(1,2)', '()', 'wfts(', ').']);
const ORDER = tokens(['.asc', '.desc', '.nullsfirst', '.nullslast', 'rel(', 'asc', 'desc']);
const LOGIC = tokens(['or(', 'and(', 'not.', 'not.or(', 'a.eq.1', 'b.in.(1,2)', 'c.is.null', '.eq.', '.in.(', '.is.', 'cs.{1,2}', 'eq(any).', 'fts(en).', 'x y']);

function agree(arb: fc.Arbitrary<string>, fast: (s: string) => unknown, exact: Parser<unknown>): void {
  fc.assert(
    fc.property(arb, (s) => {
      const f = fast(s);
      if (f === undefined) return;
      assert.deepEqual(f, runParser(exact, 'differential', s), JSON.stringify(s));
    }),
    { numRuns: 20000 },
  );
}

describe('fast paths agree with the grammar', () => {
  it('select', { timeout: 120_000 }, () => agree(SELECT, fastParseSelect, pFieldForest));
  it('filter values', { timeout: 120_000 }, () => agree(OPS, fastParseOpExpr, pOpExpr(pSingleVal)));
  it('order', { timeout: 120_000 }, () => agree(ORDER, fastParseOrder, pOrder));
  it('keys', { timeout: 120_000 }, () => agree(ORDER, fastParseTreePath, pTreePath));
  it('logic trees', { timeout: 120_000 }, () => {
    agree(LOGIC.map((s) => `or(${s})`), fastParseLogicTree, pLogicTree);
    agree(LOGIC, fastParseLogicTree, pLogicTree);
  });
});

describe('common shapes take the fast path', () => {
  const covered: readonly (readonly [string, (s: string) => unknown, string])[] = [
    ['select', fastParseSelect, 'id,name,alias:col::text,data->a->>0,clients!fk!inner(id,...tasks(*)),amount.sum()::int,count()'],
    ['filter', fastParseOpExpr, 'not.eq(any).{a,b}'],
    ['filter', fastParseOpExpr, 'in.(1,2,3)'],
    ['filter', fastParseOpExpr, 'is.not_null'],
    ['filter', fastParseOpExpr, 'fts(english).the cat'],
    ['filter', fastParseOpExpr, 'ilike.*ü*'],
    ['order', fastParseOrder, 'id.desc.nullslast,clients(name).asc,data->>k'],
    ['key', fastParseTreePath, 'clients.projects.data->>k'],
    ['logic key', fastParseLogicPath, 'rel.not.or'],
    ['logic', fastParseLogicTree, 'or(a.eq.1,b.in.(1,2),not.and(c.is.null,d.cs.{1,2}),e.ilike.*john smith*)'],
  ];
  for (const [what, fast, input] of covered) {
    it(`${what}: ${input}`, () => assert.notEqual(fast(input), undefined));
  }
});
