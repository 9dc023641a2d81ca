// Tables for the `select=` grammar: accepted forms and their AST, and PGRST100 texts for malformed forms
// (the cases pinned by PostgREST's QueryParams doctests and specs, restated as our own tables).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pFieldName, pJsonPath } from '../../src/request/parse-field.js';
import { pFieldSelect, pRelationSelect, pSpreadRelationSelect, parseSelect } from '../../src/request/parse-select.js';
import { type Parser, runParser } from '../../src/request/parser-core.js';
import type { JsonOperation, SelectItem } from '../../src/request/query-types.js';
import { errorOf } from './parse-test-helpers.js';

const key = (value: string, arrow: '->' | '->>' = '->'): JsonOperation => ({ kind: 'key', arrow, value });
const idx = (value: string, arrow: '->' | '->>' = '->'): JsonOperation => ({ kind: 'index', arrow, value });

interface FieldOpts {
  readonly path?: JsonOperation[];
  readonly alias?: string;
  readonly cast?: string;
  readonly aggregate?: 'sum' | 'avg' | 'max' | 'min' | 'count';
  readonly aggregateCast?: string;
}

const col = (name: string, o: FieldOpts = {}): SelectItem => ({
  kind: 'field',
  field: { name, jsonPath: o.path ?? [] },
  alias: o.alias ?? null,
  cast: o.cast ?? null,
  aggregate: o.aggregate ?? null,
  aggregateCast: o.aggregateCast ?? null,
});

const star: SelectItem = { kind: 'star' };

const rel = (
  name: string,
  children: SelectItem[],
  o: { alias?: string; hint?: string; joinType?: 'inner' | 'left' } = {},
): SelectItem => ({
  kind: 'relation',
  name,
  alias: o.alias ?? null,
  hint: o.hint ?? null,
  joinType: o.joinType ?? null,
  children,
});

const spread = (name: string, children: SelectItem[], o: { hint?: string; joinType?: 'inner' | 'left' } = {}): SelectItem => ({
  kind: 'spread',
  name,
  hint: o.hint ?? null,
  joinType: o.joinType ?? null,
  children,
});

const accepted: readonly (readonly [string, SelectItem[]])[] = [
  ['id', [col('id')]],
  ['', []],
  ['*', [star]],
  ['name,location', [col('name'), col('location')]],
  ['client(id)', [rel('client', [col('id')])]],
  ['*,client(*,nested(*))', [star, rel('client', [star, rel('nested', [star])])]],
  ['*,...client(*),other(*)', [star, spread('client', [star]), rel('other', [star])]],
  ['rel()', [rel('rel', [])]],
  ['...rel()', [spread('rel', [])]],
  ['alias:rel!hint!inner(a,b)', [rel('rel', [col('a'), col('b')], { alias: 'alias', hint: 'hint', joinType: 'inner' })]],
  ['rel!inner!hint(*)', [rel('rel', [star], { hint: 'hint', joinType: 'inner' })]],
  ['rel!left(*)', [rel('rel', [star], { joinType: 'left' })]],
  ['rel!a!b(*)', [rel('rel', [star], { hint: 'a' })]],
  ['rel!inner!left(*)', [rel('rel', [star], { joinType: 'inner' })]],
  ['...rel!fk_a!inner(x)', [spread('rel', [col('x')], { hint: 'fk_a', joinType: 'inner' })]],
  ['a(b(c(d(e(f)))))', [rel('a', [rel('b', [rel('c', [rel('d', [rel('e', [col('f')])])])])])]],
  ['alias:col', [col('col', { alias: 'alias' })]],
  ['col::text', [col('col', { cast: 'text' })]],
  ['alias:col::text', [col('col', { alias: 'alias', cast: 'text' })]],
  ['x::double precision', [col('x', { cast: 'double precision' })]],
  [' a : b :: double precision ', [col('b', { alias: 'a', cast: 'double precision' })]],
  ['id , name', [col('id'), col('name')]],
  ['identifier with spaces', [col('identifier with spaces')]],
  ['field-with-dash', [col('field-with-dash')]],
  ['"information.cpe"', [col('information.cpe')]],
  ['"a\\"b\\\\c"', [col('a"b\\c')]],
  ['"*"', [col('*')]],
  ['ñandú,日本', [col('ñandú'), col('日本')]],
  ['$_1', [col('$_1')]],
  ['data->a->>b', [col('data', { path: [key('a'), key('b', '->>')] })]],
  ['data->0', [col('data', { path: [idx('+0')] })]],
  ['data->-1->>b', [col('data', { path: [idx('-1'), key('b', '->>')] })]],
  ['data->>-78', [col('data', { path: [idx('-78', '->>')] })]],
  ['myInt:settings->foo->>int::integer', [col('settings', { alias: 'myInt', cast: 'integer', path: [key('foo'), key('int', '->>')] })]],
  ['data->!@#$%^&*_d->>!@#$%^&*_e::integer', [col('data', { cast: 'integer', path: [key('!@#$%^&*_d'), key('!@#$%^&*_e', '->>')] })]],
  ['data->1a', [col('data', { path: [key('1a')] })]],
  ['data->a-b', [col('data', { path: [key('a-b')] })]],
  ['data->"k.y"', [col('data', { path: [key('k.y')] })]],
  // inside an embed an index before `)` is read as a key, as in PostgREST
  ['rel(data->0)', [rel('rel', [col('data', { path: [key('0')] })])]],
  ['rel(data->0,x)', [rel('rel', [col('data', { path: [idx('+0')] }), col('x')])]],
  ['amount.sum()', [col('amount', { aggregate: 'sum' })]],
  ['amount.avg(),amount.max(),amount.min()', [col('amount', { aggregate: 'avg' }), col('amount', { aggregate: 'max' }), col('amount', { aggregate: 'min' })]],
  ['total:amount.sum()', [col('amount', { alias: 'total', aggregate: 'sum' })]],
  ['amount.avg()::int', [col('amount', { aggregate: 'avg', aggregateCast: 'int' })]],
  ['amount::numeric.sum()::text', [col('amount', { cast: 'numeric', aggregate: 'sum', aggregateCast: 'text' })]],
  ['order_details->tax_amount::numeric.sum()', [col('order_details', { cast: 'numeric', aggregate: 'sum', path: [key('tax_amount')] })]],
  ['observation.count()', [col('observation', { aggregate: 'count' })]],
  ['count()', [col('*', { aggregate: 'count' })]],
  ['count()::text', [col('*', { aggregate: 'count', aggregateCast: 'text' })]],
  ['cnt:count()', [col('*', { alias: 'cnt', aggregate: 'count' })]],
  ['count', [col('count')]],
  ['rel(count)', [rel('rel', [col('count')])]],
  ['rel(count())', [rel('rel', [col('*', { aggregate: 'count' })])]],
  ['...rel(amount.sum(),name)', [spread('rel', [col('amount', { aggregate: 'sum' }), col('name')])]],
  ['id,clients(name,projects(id,tasks!inner(*)))', [col('id'), rel('clients', [col('name'), rel('projects', [col('id'), rel('tasks', [star], { joinType: 'inner' })])])]],
  // trailing input after a complete list is ignored, as Parsec does
  ['id)', [col('id')]],
  ['*!hint', []],
];

describe('select: accepted forms', () => {
  for (const [input, expected] of accepted) {
    it(JSON.stringify(input), () => assert.deepEqual(parseSelect(input), expected));
  }
});

const selectErrors: readonly (readonly [string, number, string])[] = [
  ['id,clients(name[])', 16, `unexpected '[' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input`],
  ['data->>-78xy', 11, `unexpected 'x' expecting digit, "->", "::", ".", "," or end of input`],
  ['data->>--34', 9, 'unexpected "-" expecting digit'],
  ['data->(!@#$%^&*_d->>!@#$%^&*_e::integer', 7, 'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()'],
  ['id,', 4, 'unexpected end of input expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"'],
  ['name::', 7, 'unexpected end of input expecting letter or digit'],
  ['a,name!hint', 7, `unexpected '!' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input`],
  // a spread cannot be aliased
  ['alias:...rel(*)', 7, 'unexpected "." expecting ":" or field name (* or [a..z0..9_$])'],
  ['"unterminated', 14, 'unexpected end of input expecting "\\\\" or "\\""'],
  ['rel(a', 6, `unexpected end of input expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input`],
];

describe('select: PGRST100 errors', () => {
  for (const [input, column, details] of selectErrors) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(errorOf(() => parseSelect(input)), {
        message: `"failed to parse select parameter (${input})" (line 1, column ${column})`,
        details,
      });
    });
  }
});

// doctest-style checks of single productions (Parsec shows no source name when it is empty)
const productions: readonly (readonly [string, Parser<unknown>, string, unknown])[] = [
  ['pFieldName', pFieldName, 'identifier', 'identifier'],
  ['pFieldName', pFieldName, 'identifier with spaces', 'identifier with spaces'],
  ['pFieldName', pFieldName, 'identifier-with-dashes', 'identifier-with-dashes'],
  ['pFieldName', pFieldName, '123', '123'],
  ['pFieldName', pFieldName, '_', '_'],
  ['pFieldName', pFieldName, '$', '$'],
  ['pFieldName', pFieldName, '":"', ':'],
  ['pFieldName', pFieldName, ' no leading or trailing spaces ', 'no leading or trailing spaces'],
  ['pFieldName', pFieldName, '" leading and trailing spaces "', ' leading and trailing spaces '],
  ['pJsonPath', pJsonPath, '->text', [key('text')]],
  ['pJsonPath', pJsonPath, '->!@#$%^&*_a', [key('!@#$%^&*_a')]],
  ['pJsonPath', pJsonPath, '->1', [idx('+1')]],
  ['pJsonPath', pJsonPath, '->>text', [key('text', '->>')]],
  ['pJsonPath', pJsonPath, '->>!@#$%^&*_a', [key('!@#$%^&*_a', '->>')]],
  ['pJsonPath', pJsonPath, '->>1', [idx('+1', '->>')]],
  ['pJsonPath', pJsonPath, '->0,other', [idx('+0')]],
  ['pJsonPath', pJsonPath, '->0.desc', [idx('+0')]],
  ['pRelationSelect', pRelationSelect, 'rel(*)', { kind: 'relation', name: 'rel', alias: null, hint: null, joinType: null }],
  ['pRelationSelect', pRelationSelect, 'alias:rel(*)', { kind: 'relation', name: 'rel', alias: 'alias', hint: null, joinType: null }],
  ['pRelationSelect', pRelationSelect, 'rel!hint(*)', { kind: 'relation', name: 'rel', alias: null, hint: 'hint', joinType: null }],
  ['pRelationSelect', pRelationSelect, 'rel!inner(*)', { kind: 'relation', name: 'rel', alias: null, hint: null, joinType: 'inner' }],
  ['pRelationSelect', pRelationSelect, 'rel!hint!inner(*)', { kind: 'relation', name: 'rel', alias: null, hint: 'hint', joinType: 'inner' }],
  ['pRelationSelect', pRelationSelect, 'alias:rel!inner!hint(*)', { kind: 'relation', name: 'rel', alias: 'alias', hint: 'hint', joinType: 'inner' }],
  ['pSpreadRelationSelect', pSpreadRelationSelect, '...rel(*)', { kind: 'spread', name: 'rel', hint: null, joinType: null }],
  ['pSpreadRelationSelect', pSpreadRelationSelect, '...rel!hint!inner(*)', { kind: 'spread', name: 'rel', hint: 'hint', joinType: 'inner' }],
  ['pFieldSelect', pFieldSelect, 'name', col('name')],
  ['pFieldSelect', pFieldSelect, 'name->jsonpath', col('name', { path: [key('jsonpath')] })],
  ['pFieldSelect', pFieldSelect, 'name::cast', col('name', { cast: 'cast' })],
  ['pFieldSelect', pFieldSelect, 'alias:name', col('name', { alias: 'alias' })],
  ['pFieldSelect', pFieldSelect, 'alias:name->jsonpath::cast', col('name', { alias: 'alias', cast: 'cast', path: [key('jsonpath')] })],
  ['pFieldSelect', pFieldSelect, 'alias:name->!@#$%^&*_a::cast', col('name', { alias: 'alias', cast: 'cast', path: [key('!@#$%^&*_a')] })],
  ['pFieldSelect', pFieldSelect, '*', star],
];

describe('select: single productions', () => {
  for (const [name, p, input, expected] of productions) {
    it(`${name} ${JSON.stringify(input)}`, () => assert.deepEqual(runParser(p, '', input), expected));
  }
});

const productionErrors: readonly (readonly [string, Parser<unknown>, string, string, string])[] = [
  ['pFieldName', pFieldName, ':', '(line 1, column 1)', 'unexpected ":" expecting field name (* or [a..z0..9_$])'],
  ['pJsonPath', pJsonPath, '->>-78xy', '(line 1, column 7)', `unexpected 'x' expecting digit, "->", "::", ".", "," or end of input`],
  ['pJsonPath', pJsonPath, '->>--34', '(line 1, column 5)', 'unexpected "-" expecting digit'],
  ['pJsonPath', pJsonPath, '->>-xy-4', '(line 1, column 5)', 'unexpected "x" expecting digit'],
  ['pRelationSelect', pRelationSelect, 'rel->jsonpath(*)', '(line 1, column 6)', `unexpected '>'`],
  ['pRelationSelect', pRelationSelect, 'rel->jsonpath!hint(*)', '(line 1, column 6)', `unexpected '>'`],
  ['pFieldSelect', pFieldSelect, 'name!hint', '(line 1, column 5)', `unexpected '!' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input`],
  ['pFieldSelect', pFieldSelect, '*!hint', '(line 1, column 2)', `unexpected '!' expecting ")", "," or end of input`],
  ['pFieldSelect', pFieldSelect, 'name::', '(line 1, column 7)', 'unexpected end of input expecting letter or digit'],
  ['pSpreadRelationSelect', pSpreadRelationSelect, 'rel(*)', '(line 1, column 1)', 'unexpected "r" expecting "..."'],
  ['pSpreadRelationSelect', pSpreadRelationSelect, 'alias:...rel(*)', '(line 1, column 1)', 'unexpected "a" expecting "..."'],
  ['pSpreadRelationSelect', pSpreadRelationSelect, '...rel->jsonpath(*)', '(line 1, column 9)', `unexpected '>'`],
];

describe('select: single production errors', () => {
  for (const [name, p, input, message, details] of productionErrors) {
    it(`${name} ${JSON.stringify(input)}`, () => {
      assert.deepEqual(errorOf(() => runParser(p, '', input)), { message, details });
    });
  }
});
