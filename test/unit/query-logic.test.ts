// Tables for logic trees `[path.][not.]and|or=(...)`: nesting, every operator inside, quoting, `{...}` values,
// whitespace, embed paths, and PostgREST's PGRST100 texts for malformed trees.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLogicParam, pLogicTree } from '../../src/request/parse-logic.js';
import { runParser } from '../../src/request/parser-core.js';
import type { JsonOperation, LogicTree, Operation } from '../../src/request/query-types.js';
import { errorOf } from './parse-test-helpers.js';

const leaf = (name: string, operation: Operation, negated = false, jsonPath: JsonOperation[] = []): LogicTree => ({
  kind: 'filter',
  filter: { field: { name, jsonPath }, negated, operation },
});
const eq = (name: string, value: string, negated = false): LogicTree =>
  leaf(name, { kind: 'quant', operator: 'eq', quantifier: null, value }, negated);
const inList = (name: string, values: string[], negated = false): LogicTree => leaf(name, { kind: 'in', values }, negated);
const and = (...children: LogicTree[]): LogicTree => ({ kind: 'expr', negated: false, operator: 'and', children });
const or = (...children: LogicTree[]): LogicTree => ({ kind: 'expr', negated: false, operator: 'or', children });
const not = (t: LogicTree): LogicTree => (t.kind === 'expr' ? { ...t, negated: true } : t);

const trees: readonly (readonly [string, string, string[], LogicTree])[] = [
  ['or', '(id.eq.1,id.eq.2)', [], or(eq('id', '1'), eq('id', '2'))],
  ['and', '(id.eq.1)', [], and(eq('id', '1'))],
  ['not.or', '(id.eq.1,id.eq.2)', [], not(or(eq('id', '1'), eq('id', '2')))],
  ['child_entities.or', '(id.eq.1,name.eq.child entity 2)', ['child_entities'], or(eq('id', '1'), eq('name', 'child entity 2'))],
  ['a.b.or', '(id.eq.1)', ['a', 'b'], or(eq('id', '1'))],
  ['rel.not.and', '(id.eq.1)', ['rel'], not(and(eq('id', '1')))],
  ['not.rel.or', '(id.eq.1)', ['rel'], not(or(eq('id', '1')))],
  ['or', '(and(name.eq.entity 2,id.eq.2),and(name.eq.entity 1,id.eq.1))', [], or(and(eq('name', 'entity 2'), eq('id', '2')), and(eq('name', 'entity 1'), eq('id', '1')))],
  ['or', '(not.and(a.eq.1,b.eq.2),not.or(c.eq.3))', [], or(not(and(eq('a', '1'), eq('b', '2'))), not(or(eq('c', '3'))))],
  ['and', '(id.eq.1,id.neq.2))', [], and(eq('id', '1'), leaf('id', { kind: 'simple', operator: 'neq', value: '2' }))],
  ['or', '(id.in.(1,2),id.in.(3,4))', [], or(inList('id', ['1', '2']), inList('id', ['3', '4']))],
  ['or', '(id.in.("1","2"),id.in.("3","4"))', [], or(inList('id', ['1', '2']), inList('id', ['3', '4']))],
  ['and', '(name.is.null,arr.is.NULL)', [], and(leaf('name', { kind: 'is', value: 'null' }), leaf('arr', { kind: 'is', value: 'null' }))],
  ['or', '(name.like.*1,name.ilike.*ENTITY 2)', [], or(leaf('name', { kind: 'quant', operator: 'like', quantifier: null, value: '*1' }), leaf('name', { kind: 'quant', operator: 'ilike', quantifier: null, value: '*ENTITY 2' }))],
  ['or', '(t.plfts(german).Art Spass, t.fts(english).impossible)', [], or(leaf('t', { kind: 'fts', operator: 'plfts', language: 'german', value: 'Art Spass' }), leaf('t', { kind: 'fts', operator: 'fts', language: 'english', value: 'impossible' }))],
  ['and', '(t.not.wfts(english).impossible)', [], and(leaf('t', { kind: 'fts', operator: 'wfts', language: 'english', value: 'impossible' }, true))],
  ['and', '(id.gte.2,arr.isdistinct.{1,2})', [], and(leaf('id', { kind: 'quant', operator: 'gte', quantifier: null, value: '2' }), leaf('arr', { kind: 'isDistinct', value: '{1,2}' }))],
  ['or', '(arr.cs.{1,2,3},arr.cd.{1})', [], or(leaf('arr', { kind: 'simple', operator: 'cs', value: '{1,2,3}' }), leaf('arr', { kind: 'simple', operator: 'cd', value: '{1}' }))],
  ['and', '(arr.not.cs.{1,2,3},and(id.not.eq.2,name.not.like.*3))', [], and(leaf('arr', { kind: 'simple', operator: 'cs', value: '{1,2,3}' }, true), and(eq('id', '2', true), leaf('name', { kind: 'quant', operator: 'like', quantifier: null, value: '*3' }, true)))],
  ['and', '(id.not.in.(1,3),name.not.is.null)', [], and(inList('id', ['1', '3'], true), leaf('name', { kind: 'is', value: 'null' }, true))],
  ['or', '(name.eq."(grandchild,entity,4)",name.eq."(grandchild,entity,5)")', [], or(eq('name', '(grandchild,entity,4)'), eq('name', '(grandchild,entity,5)'))],
  ['or', '(name.like."*ity,4*",name.ilike."*ITY,5)")', [], or(leaf('name', { kind: 'quant', operator: 'like', quantifier: null, value: '*ity,4*' }), leaf('name', { kind: 'quant', operator: 'ilike', quantifier: null, value: '*ITY,5)' }))],
  ['or', '(a.eq."x\\"y")', [], or(eq('a', 'x"y'))],
  ['or', '(a.eq.x"y)', [], or(eq('a', 'x"y'))],
  ['and', '( and ( id.in.( 1, 2, 3 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )', [], and(and(inList('id', ['1', ' 2', ' 3 ']), eq('id', '3 ')), or(eq('id', '2 '), eq('id', '3 ')))],
  ['or', '(id.eq.1, id.eq.2, id.eq.3)', [], or(eq('id', '1'), eq('id', '2'), eq('id', '3'))],
  ['or', '( id.eq.1, id.eq.2, and(id.in.(1,3), id.in.(2,3)), id.eq.4 )', [], or(eq('id', '1'), eq('id', '2'), and(inList('id', ['1', '3']), inList('id', ['2', '3'])), eq('id', '4 '))],
  ['and', '( id.eq.1, not.or(id.eq.2, id.eq.3), id.in.(1,4), or(id.eq.1, id.eq.4) )', [], and(eq('id', '1'), not(or(eq('id', '2'), eq('id', '3'))), inList('id', ['1', '4']), or(eq('id', '1'), eq('id', '4')))],
  ['or', '(and_starting_col.eq.smth, or_starting_col.eq.smth)', [], or(eq('and_starting_col', 'smth'), eq('or_starting_col', 'smth'))],
  ['or', '(not.eq.1,and.eq.2,or.is.null)', [], or(eq('not', '1'), eq('and', '2'), leaf('or', { kind: 'is', value: 'null' }))],
  ['or', '(clients.is.null,clients.not.is.null)', [], or(leaf('clients', { kind: 'is', value: 'null' }), leaf('clients', { kind: 'is', value: 'null' }, true))],
  ['or', '(data->>a.eq.1,data->0.eq.2)', [], or(leaf('data', { kind: 'quant', operator: 'eq', quantifier: null, value: '1' }, false, [{ kind: 'key', arrow: '->>', value: 'a' }]), leaf('data', { kind: 'quant', operator: 'eq', quantifier: null, value: '2' }, false, [{ kind: 'index', arrow: '->', value: '+0' }]))],
  ['or', '(a.eq(any).{1,2},b.like(all).{x*,y*})', [], or(leaf('a', { kind: 'quant', operator: 'eq', quantifier: 'any', value: '{1,2}' }), leaf('b', { kind: 'quant', operator: 'like', quantifier: 'all', value: '{x*,y*}' }))],
  ['or', '(a.eq.,b.eq.)', [], or(eq('a', ''), eq('b', ''))],
  ['or', '(a.cs.{1,2},b.eq.{x)', [], or(leaf('a', { kind: 'simple', operator: 'cs', value: '{1,2}' }), eq('b', '{x'))],
];

describe('logic trees', () => {
  for (const [key, value, embedPath, tree] of trees) {
    it(`${key}=${value}`, () => assert.deepEqual(parseLogicParam(key, value), { embedPath, tree }));
  }
  it('nests to any depth', () => {
    const depth = 60;
    const value = `(${'and('.repeat(depth)}a.eq.1${')'.repeat(depth)})`;
    let expected: LogicTree = eq('a', '1');
    for (let k = 0; k < depth; k++) expected = and(expected);
    assert.deepEqual(parseLogicParam('or', value), { embedPath: [], tree: or(expected) });
  });
});

const errors: readonly (readonly [string, string, string, string])[] = [
  ['or', '()', '(line 1, column 4)', 'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)'],
  ['or', '(id.in.1,2,id.eq.3)', '(line 1, column 10)', 'unexpected "1" expecting "("'],
  ['or', ')(', '(line 1, column 3)', 'unexpected ")" expecting "("'],
  ['and', '(ord(id.eq.1,id.eq.1),id.eq.2)', '(line 1, column 7)', 'unexpected "d" expecting "("'],
  ['or', '(id.eq.1,not.xor(id.eq.2,id.eq.3))', '(line 1, column 16)', 'unexpected "x" expecting logic operator (and, or)'],
  ['or', '', '(line 1, column 3)', 'unexpected end of input expecting "("'],
  ['or', '(a.eq.1', '(line 1, column 10)', 'unexpected end of input expecting "," or ")"'],
  ['or', '(a.is.nil)', '(line 1, column 10)', 'unexpected "i" expecting isVal: (null, not_null, true, false, unknown)'],
];

describe('logic tree errors', () => {
  for (const [key, value, position, details] of errors) {
    it(`${key}=${value}`, () => {
      assert.deepEqual(errorOf(() => parseLogicParam(key, value)), {
        message: `"failed to parse logic tree (${value})" ${position}`,
        details,
      });
    });
  }
  it('reports a bad key as a logic path error', () => {
    assert.deepEqual(errorOf(() => parseLogicParam('(.or', '(a.eq.1)')), {
      message: '"failed to parse logic path ((.or)" (line 1, column 1)',
      details: 'unexpected "(" expecting field name (* or [a..z0..9_$])',
    });
  });
  it('matches the doctest for a single production', () => {
    assert.deepEqual(errorOf(() => runParser(pLogicTree, '', 'or()')), {
      message: '(line 1, column 4)',
      details: 'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
    });
  });
});
