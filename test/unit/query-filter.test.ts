// Tables for filters `key=[not.]op[(mod)].value`: every operator and modifier, `in` lists, `is` values, keys
// with embed and JSON paths, RPC arguments, and the PGRST100 texts PostgREST gives for malformed filters.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilterParam, pOpExpr, pSingleVal } from '../../src/request/parse-filter.js';
import { runParser } from '../../src/request/parser-core.js';
import type { JsonOperation, Operation } from '../../src/request/query-types.js';
import { errorOf } from './parse-test-helpers.js';

const key = (value: string, arrow: '->' | '->>' = '->'): JsonOperation => ({ kind: 'key', arrow, value });
const idx = (value: string, arrow: '->' | '->>' = '->'): JsonOperation => ({ kind: 'index', arrow, value });
const quant = (operator: string, value: string, quantifier: 'any' | 'all' | null = null): Operation =>
  ({ kind: 'quant', operator, quantifier, value }) as Operation;
const simple = (operator: string, value: string): Operation => ({ kind: 'simple', operator, value }) as Operation;
const fts = (operator: string, value: string, language: string | null = null): Operation =>
  ({ kind: 'fts', operator, language, value }) as Operation;

const values: readonly (readonly [string, boolean, Operation])[] = [
  ['eq.1', false, quant('eq', '1')],
  ['eq.', false, quant('eq', '')],
  ['eq.a.b,c"d', false, quant('eq', 'a.b,c"d')],
  ['gt.5', false, quant('gt', '5')],
  ['gte.5', false, quant('gte', '5')],
  ['lt.5', false, quant('lt', '5')],
  ['lte.5', false, quant('lte', '5')],
  ['like.*foo*', false, quant('like', '*foo*')],
  ['ilike.*FOO*', false, quant('ilike', '*FOO*')],
  ['match.^a', false, quant('match', '^a')],
  ['imatch.^A', false, quant('imatch', '^A')],
  ['neq.1', false, simple('neq', '1')],
  ['cs.{1,2}', false, simple('cs', '{1,2}')],
  ['cd.{1,2}', false, simple('cd', '{1,2}')],
  ['ov.[1,3]', false, simple('ov', '[1,3]')],
  ['sl.(1,10)', false, simple('sl', '(1,10)')],
  ['sr.(1,10)', false, simple('sr', '(1,10)')],
  ['nxr.(1,10)', false, simple('nxr', '(1,10)')],
  ['nxl.(1,10)', false, simple('nxl', '(1,10)')],
  ['adj.(1,10)', false, simple('adj', '(1,10)')],
  ['isdistinct.x', false, { kind: 'isDistinct', value: 'x' }],
  ['eq(any).{1,2}', false, quant('eq', '{1,2}', 'any')],
  ['eq(all).value', false, quant('eq', 'value', 'all')],
  ['not.eq(all).value', true, quant('eq', 'value', 'all')],
  ['like(any).{O*,P*}', false, quant('like', '{O*,P*}', 'any')],
  ['gte(all).{1}', false, quant('gte', '{1}', 'all')],
  ['imatch(any).{a,b}', false, quant('imatch', '{a,b}', 'any')],
  ['fts.cat', false, fts('fts', 'cat')],
  ['plfts.the cat', false, fts('plfts', 'the cat')],
  ['phfts(english).the cat', false, fts('phfts', 'the cat', 'english')],
  ['wfts(simple).a or b', false, fts('wfts', 'a or b', 'simple')],
  ['fts( english ).x', false, fts('fts', 'x', 'english')],
  ['not.fts(english).x', true, fts('fts', 'x', 'english')],
  ['fts.a&b', false, fts('fts', 'a&b')],
  ['is.null', false, { kind: 'is', value: 'null' }],
  ['is.NULL', false, { kind: 'is', value: 'null' }],
  ['is.not_null', false, { kind: 'is', value: 'not_null' }],
  ['is.Not_Null', false, { kind: 'is', value: 'not_null' }],
  ['is.true', false, { kind: 'is', value: 'true' }],
  ['is.FALSE', false, { kind: 'is', value: 'false' }],
  ['is.UnKnOwN', false, { kind: 'is', value: 'unknown' }],
  ['not.is.not_null', true, { kind: 'is', value: 'not_null' }],
  ['is.nullx', false, { kind: 'is', value: 'null' }],
  ['in.(1,2,3)', false, { kind: 'in', values: ['1', '2', '3'] }],
  ['not.in.(1,2)', true, { kind: 'in', values: ['1', '2'] }],
  ['in.()', false, { kind: 'in', values: [''] }],
  ['in.( )', false, { kind: 'in', values: [''] }],
  ['in.( ,3,4)', false, { kind: 'in', values: ['', '3', '4'] }],
  ['in.( 1, 2, 3 )', false, { kind: 'in', values: ['1', ' 2', ' 3 '] }],
  ['in.("a,b","c)d")', false, { kind: 'in', values: ['a,b', 'c)d'] }],
  ['in.("a\\"b","c\\\\d","e\\xf")', false, { kind: 'in', values: ['a"b', 'c\\d', 'exf'] }],
  ['in.(a"b,c\\d)', false, { kind: 'in', values: ['a"b', 'c\\d'] }],
  ['in.("a"b)', false, { kind: 'in', values: ['"a"b'] }],
  ['in.(1,2)garbage', false, { kind: 'in', values: ['1', '2'] }],
  ['in.(á,日本)', false, { kind: 'in', values: ['á', '日本'] }],
];

describe('filter values', () => {
  for (const [value, negated, operation] of values) {
    it(JSON.stringify(value), () => {
      assert.deepEqual(parseFilterParam('c', value, false), {
        kind: 'filter',
        embedPath: [],
        filter: { field: { name: 'c', jsonPath: [] }, negated, operation },
      });
    });
  }
});

const keys: readonly (readonly [string, string[], string, JsonOperation[]])[] = [
  ['id', [], 'id', []],
  ['a.b', ['a'], 'b', []],
  ['clients.projects.name', ['clients', 'projects'], 'name', []],
  ['90_comps.year', ['90_comps'], 'year', []],
  ['data->>blood_type', [], 'data', [key('blood_type', '->>')]],
  ['data->age', [], 'data', [key('age')]],
  ['data->-1->>b', [], 'data', [idx('-1'), key('b', '->>')]],
  ['data->-1->b->>-1', [], 'data', [idx('-1'), key('b'), idx('-1', '->>')]],
  ['rel.data->0', ['rel'], 'data', [idx('+0')]],
  ['"a.b".c', ['a.b'], 'c', []],
  ['field-with-dash', [], 'field-with-dash', []],
  ['Order Items.name', ['Order Items'], 'name', []],
  ['ñ.é', ['ñ'], 'é', []],
  // trailing input after the key's grammar is ignored, as in PostgREST
  ['id)x', [], 'id', []],
];

describe('filter keys', () => {
  for (const [k, embedPath, name, jsonPath] of keys) {
    it(JSON.stringify(k), () => {
      assert.deepEqual(parseFilterParam(k, 'eq.1', false), {
        kind: 'filter',
        embedPath,
        filter: { field: { name, jsonPath }, negated: false, operation: quant('eq', '1') },
      });
    });
  }
});

const errors: readonly (readonly [string, string, string])[] = [
  ['val', '(line 1, column 1)', 'unexpected "v" expecting "not" or operator (eq, gt, ...)'],
  ['0', '(line 1, column 1)', 'unexpected "0" expecting "not" or operator (eq, gt, ...)'],
  ['noop.0', '(line 1, column 1)', 'unexpected "o" expecting "not" or operator (eq, gt, ...)'],
  ['', '(line 1, column 1)', 'unexpected end of input expecting "not" or operator (eq, gt, ...)'],
  ['fts().value', '(line 1, column 5)', 'unexpected ")" expecting operator (eq, gt, ...)'],
  ['eq().value', '(line 1, column 4)', 'unexpected ")" expecting operator (eq, gt, ...)'],
  ['is().value', '(line 1, column 3)', 'unexpected "(" expecting operator (eq, gt, ...)'],
  ['in().value', '(line 1, column 3)', 'unexpected "(" expecting operator (eq, gt, ...)'],
  ['is.nil', '(line 1, column 5)', 'unexpected "i" expecting isVal: (null, not_null, true, false, unknown)'],
  ['is.ok', '(line 1, column 4)', 'unexpected "o" expecting isVal: (null, not_null, true, false, unknown)'],
  ['in.1,2', '(line 1, column 4)', 'unexpected "1" expecting "("'],
  ['in.(1,2', '(line 1, column 8)', 'unexpected end of input expecting "," or ")"'],
  ['neq(any).1', '(line 1, column 4)', 'unexpected "(" expecting operator (eq, gt, ...)'],
  ['eq(some).1', '(line 1, column 4)', 'unexpected "s" expecting operator (eq, gt, ...)'],
  ['not.xyz', '(line 1, column 5)', 'unexpected "x" expecting operator (eq, gt, ...)'],
  ['NOT.eq.1', '(line 1, column 1)', 'unexpected "N" expecting "not" or operator (eq, gt, ...)'],
  ['eq', '(line 1, column 3)', 'unexpected end of input expecting operator (eq, gt, ...)'],
  ['ñ', '(line 1, column 1)', 'unexpected "\\241" expecting "not" or operator (eq, gt, ...)'],
];

describe('filter value errors', () => {
  for (const [value, position, details] of errors) {
    it(JSON.stringify(value), () => {
      assert.deepEqual(errorOf(() => parseFilterParam('c', value, false)), {
        message: `"failed to parse filter (${value})" ${position}`,
        details,
      });
    });
  }
  it('reports a bad key before a bad value', () => {
    assert.deepEqual(errorOf(() => parseFilterParam('a.', 'nope', false)), {
      message: '"failed to parse tree path (a.)" (line 1, column 3)',
      details: 'unexpected end of input expecting field name (* or [a..z0..9_$])',
    });
  });
});

describe('filters on GET/HEAD RPC', () => {
  it('a value without operator becomes an argument named by the column', () => {
    assert.deepEqual(parseFilterParam('id', 'val', true), { kind: 'rpcParam', name: 'id', value: 'val' });
    assert.deepEqual(parseFilterParam('a.b->c', '5', true), { kind: 'rpcParam', name: 'b', value: '5' });
    assert.deepEqual(parseFilterParam('x', '', true), { kind: 'rpcParam', name: 'x', value: '' });
    assert.deepEqual(parseFilterParam('x', 'eqx', true), { kind: 'rpcParam', name: 'x', value: 'eqx' });
  });
  it('a value with an operator stays a filter', () => {
    assert.deepEqual(parseFilterParam('id', 'eq.1', true), {
      kind: 'filter',
      embedPath: [],
      filter: { field: { name: 'id', jsonPath: [] }, negated: false, operation: quant('eq', '1') },
    });
  });
  it('a value that fails after consuming input is still an error', () => {
    for (const [value, position, details] of [
      ['not.x', '(line 1, column 5)', 'unexpected "x" expecting operator (eq, gt, ...)'],
      ['in.x', '(line 1, column 4)', 'unexpected "x" expecting "("'],
      ['is.x', '(line 1, column 4)', 'unexpected "x" expecting isVal: (null, not_null, true, false, unknown)'],
    ] as const) {
      assert.deepEqual(errorOf(() => parseFilterParam('arg', value, true)), {
        message: `"failed to parse filter (${value})" ${position}`,
        details,
      });
    }
  });
});

describe('operator expressions (doctests)', () => {
  const p = pOpExpr(pSingleVal);
  it('parses quantifiers', () => {
    assert.deepEqual(runParser(p, '', 'eq(any).value'), { negated: false, operation: quant('eq', 'value', 'any') });
    assert.deepEqual(runParser(p, '', 'eq(all).value'), { negated: false, operation: quant('eq', 'value', 'all') });
    assert.deepEqual(runParser(p, '', 'not.eq(all).value'), { negated: true, operation: quant('eq', 'value', 'all') });
  });
  it('rejects empty modifiers', () => {
    assert.deepEqual(errorOf(() => runParser(p, '', 'fts().value')), {
      message: '(line 1, column 5)',
      details: 'unexpected ")" expecting operator (eq, gt, ...)',
    });
  });
});
