// Tables for parseQueryParams: tokenising, canonical form, key classification, ranges, columns/on_conflict,
// RPC arguments, which error wins, the spec-pinned PGRST100 bodies, and properties over arbitrary input.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../src/errors/api-error.js';
import { parseQueryParams } from '../../src/request/query-params.js';
import { canonicalQueryString, readHaskellInteger, splitQueryString } from '../../src/request/query-string.js';
import type { QueryParams } from '../../src/request/query-types.js';
import { errorOf } from './parse-test-helpers.js';

const parse = (qs: string, isRpcRead = false): QueryParams => parseQueryParams(qs, { isRpcRead });

const eq = (name: string, value: string) => ({
  field: { name, jsonPath: [] },
  negated: false,
  operation: { kind: 'quant', operator: 'eq', quantifier: null, value },
});

const canonical: readonly (readonly [string, string])[] = [
  ['a=1&c=3&b=2&d', 'a=1&b=2&c=3&d='],
  ['', ''],
  ['?', ''],
  ['?select=id', 'select=id'],
  ['select=id,name&id=eq.1', 'id=eq.1&select=id%2Cname'],
  ['b=2&a=1&b=1', 'a=1&b=2,1'],
  ['x=a+b&y=a%20b', 'x=a%20b&y=a%20b'],
  ['x=%41%2c', 'x=A%2C'],
  ['k=%zz&j=%4', 'j=%254&k=%25zz'],
  ['a=x=y', 'a=x%3Dy'],
  ['a=1;b=2', 'a=1&b=2'],
  ['a=1&&b=2', '=&a=1&b=2'],
  ['a=1&', 'a=1'],
  ['b=1&B=2&_=3&~=4&-=5', '-=5&B=2&_=3&b=1&~=4'],
  ['t=-_.~!*()', 't=-_.~%21%2A%28%29'],
  // non-ASCII bytes are encoded twice, as HTTP's urlEncode does on a ByteString
  ['name=eq.%C3%A9', 'name=eq.%C3%83%C2%A9'],
  ['name=eq.é', 'name=eq.%C3%83%C2%A9'],
  ['x=%FF', 'x=%C3%BF'],
];

describe('canonical query string', () => {
  for (const [qs, expected] of canonical) {
    it(JSON.stringify(qs), () => assert.equal(canonicalQueryString(splitQueryString(qs)), expected));
  }
  it('is part of the parse result', () => assert.equal(parse('a=1&c=3&b=2&d', true).canonical, 'a=1&b=2&c=3&d='));
});

describe('key classification', () => {
  it('defaults select to * and ignores keys without =', () => {
    const q = parse('id&order');
    assert.deepEqual(q.select, [{ kind: 'star' }]);
    assert.deepEqual([q.filters, q.order, q.logic, q.ranges], [[], [], [], []]);
    assert.equal(q.canonical, 'id=&order=');
  });
  it('an empty select selects nothing explicitly', () => assert.deepEqual(parse('select=').select, []));
  it('the first select decides, even without a value', () => assert.deepEqual(parse('select&select=id').select, [{ kind: 'star' }]));
  it('sorts filters, orders, logic and ranges by their last key segment', () => {
    const q = parse(
      'select=a,actors(b)&actors.order=b.desc&order=a&or=(a.eq.1)&actors.not.and=(b.eq.2)&limit=1&actors.offset=2&a=eq.x&actors.b=eq.y&or_col=eq.z&a.select=eq.s',
    );
    assert.deepEqual(q.order, [
      { embedPath: ['actors'], terms: [{ kind: 'field', field: { name: 'b', jsonPath: [] }, direction: 'desc', nulls: null }] },
      { embedPath: [], terms: [{ kind: 'field', field: { name: 'a', jsonPath: [] }, direction: null, nulls: null }] },
    ]);
    assert.deepEqual(q.logic, [
      { embedPath: [], tree: { kind: 'expr', negated: false, operator: 'or', children: [{ kind: 'filter', filter: eq('a', '1') }] } },
      { embedPath: ['actors'], tree: { kind: 'expr', negated: true, operator: 'and', children: [{ kind: 'filter', filter: eq('b', '2') }] } },
    ]);
    assert.deepEqual(q.ranges, [
      { embedPath: [], offset: 0, limit: 1 },
      { embedPath: ['actors'], offset: 2, limit: null },
    ]);
    assert.deepEqual(q.filters, [
      { embedPath: [], filter: eq('a', 'x') },
      { embedPath: ['actors'], filter: eq('b', 'y') },
      { embedPath: [], filter: eq('or_col', 'z') },
      { embedPath: ['a'], filter: eq('select', 's') },
    ]);
    assert.deepEqual(q.filtersRoot, [eq('a', 'x'), eq('or_col', 'z')]);
    assert.deepEqual(q.filterFields, ['a', 'a.select', 'actors.b', 'or_col']);
  });
  it('decodes keys and values (+ is a space) before classifying', () => {
    const q = parse('na%6De=eq.a+b%2Bc&%73elect=id');
    assert.deepEqual(q.filters, [{ embedPath: [], filter: eq('name', 'a b+c') }]);
    assert.deepEqual(q.select, [{ kind: 'field', field: { name: 'id', jsonPath: [] }, alias: null, cast: null, aggregate: null, aggregateCast: null }]);
  });
  it('keeps repeated filters on the same column', () => {
    assert.deepEqual(parse('a=gt.1&a=lt.5').filtersRoot.length, 2);
  });
  it('reads unicode and space-containing names', () => {
    assert.deepEqual(parse('%D9%85%D9%88%D8%A7%D8%AF=eq.1&Order%20Items.x=eq.2').filters, [
      { embedPath: [], filter: eq('مواد', '1') },
      { embedPath: ['Order Items'], filter: eq('x', '2') },
    ]);
  });
});

describe('columns and on_conflict', () => {
  it('columns are a set', () => assert.deepEqual(parse('columns=b,a,b, c').columns, ['a', 'b', 'c']));
  it('on_conflict keeps its order', () => assert.deepEqual(parse('on_conflict=b,a').onConflict, ['b', 'a']));
  it('absent means null', () => assert.deepEqual([parse('').columns, parse('').onConflict], [null, null]));
  it('blank columns is an error', () => {
    assert.deepEqual(errorOf(() => parse('columns=')), {
      message: '"failed to parse columns parameter ()" (line 1, column 1)',
      details: 'unexpected end of input expecting field name (* or [a..z0..9_$])',
    });
  });
  it('blank on_conflict is an error', () => {
    assert.deepEqual(errorOf(() => parse('on_conflict=')), {
      message: '"failed to parse on_conflict parameter ()" (line 1, column 1)',
      details: 'unexpected end of input expecting field name (* or [a..z0..9_$])',
    });
  });
});

const ranges: readonly (readonly [string, QueryParams['ranges']])[] = [
  ['limit=10', [{ embedPath: [], offset: 0, limit: 10 }]],
  ['limit=10&offset=20', [{ embedPath: [], offset: 20, limit: 10 }]],
  ['offset=5', [{ embedPath: [], offset: 5, limit: null }]],
  ['offset=-4', [{ embedPath: [], offset: -4, limit: null }]],
  ['limit=0', [{ embedPath: [], offset: 0, limit: 0 }]],
  ['limit=-1', [{ embedPath: [], offset: 0, limit: -1 }]],
  ['limit=abc', [{ embedPath: [], offset: 0, limit: null }]],
  ['limit=abc&offset=5', [{ embedPath: [], offset: 5, limit: 0 }]],
  ['limit=3&offset=abc', [{ embedPath: [], offset: 0, limit: 3 }]],
  ['limit=5&limit=7', [{ embedPath: [], offset: 0, limit: 7 }]],
  ['limit=', [{ embedPath: [], offset: 0, limit: null }]],
  ['projects.limit=2&projects.tasks.limit=1&projects.tasks.offset=3', [
    { embedPath: ['projects'], offset: 0, limit: 2 },
    { embedPath: ['projects', 'tasks'], offset: 3, limit: 1 },
  ]],
];

describe('limit and offset', () => {
  for (const [qs, expected] of ranges) {
    it(JSON.stringify(qs), () => assert.deepEqual(parse(qs).ranges, expected));
  }
  it('reports an unreadable embed path under its limit key', () => {
    assert.deepEqual(errorOf(() => parse('(.offset=1')), {
      message: '"failed to parse tree path ((.limit)" (line 1, column 1)',
      details: 'unexpected "(" expecting field name (* or [a..z0..9_$])',
    });
  });
});

const integers: readonly (readonly [string, number | null])[] = [
  ['5', 5], [' 5 ', 5], ['007', 7], ['-5', -5], ['- 5', -5], ['(5)', 5], ['( (-5) )', -5], ['0x1F', 31], ['0o17', 15],
  ['-0', 0], ['\t3\n', 3], ['+5', null], ['1.5', null], ['1e3', null], ['5abc', null], ['', null], ['-', null],
  ['--5', null], ['-(5)', null], ['(5', null], ['0x', null], ['0b1', null], ['٣', null],
];

describe('Haskell integer reading for limit/offset', () => {
  for (const [text, expected] of integers) {
    it(JSON.stringify(text), () => assert.equal(readHaskellInteger(text), expected));
  }
});

describe('GET/HEAD RPC arguments', () => {
  it('values without operators become arguments, in order', () => {
    const q = parse('a=1&b=eq.2&c=x.y&select=id', true);
    assert.deepEqual(q.rpcParams, [['a', '1'], ['c', 'x.y']]);
    assert.deepEqual(q.filters, [{ embedPath: [], filter: eq('b', '2') }]);
    assert.deepEqual(q.filterFields, ['a', 'b', 'c']);
  });
  it('outside RPC reads they are errors', () => {
    assert.deepEqual(errorOf(() => parse('a=1')), {
      message: '"failed to parse filter (1)" (line 1, column 1)',
      details: 'unexpected "1" expecting "not" or operator (eq, gt, ...)',
    });
  });
});

const specErrors: readonly (readonly [string, string, string])[] = [
  ['id=0', '"failed to parse filter (0)" (line 1, column 1)', 'unexpected "0" expecting "not" or operator (eq, gt, ...)'],
  ['a.b=noop.0', '"failed to parse filter (noop.0)" (line 1, column 1)', 'unexpected "o" expecting "not" or operator (eq, gt, ...)'],
  ['or=()', '"failed to parse logic tree (())" (line 1, column 4)', 'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)'],
  ['order=id.asc.nullslasttt', '"failed to parse order (id.asc.nullslasttt)" (line 1, column 17)', `unexpected 't' expecting "," or end of input`],
  ['select=data->>--34', '"failed to parse select parameter (data->>--34)" (line 1, column 9)', 'unexpected "-" expecting digit'],
  [
    'id=eq.10&select=data->(!@#$%^%26*_d->>!@#$%^%26*_e::integer',
    '"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)" (line 1, column 7)',
    'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()',
  ],
  ['done=is.nil', '"failed to parse filter (is.nil)" (line 1, column 5)', 'unexpected "i" expecting isVal: (null, not_null, true, false, unknown)'],
  ['int_data=fts().x', '"failed to parse filter (fts().x)" (line 1, column 5)', 'unexpected ")" expecting operator (eq, gt, ...)'],
  // Parsec positions: a tab advances to the next column 8n+1, a newline starts line 2
  ['select=a,%09,', '"failed to parse select parameter (a,\t,)" (line 1, column 9)', 'unexpected "," expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"'],
  ['select=a,%0A', '"failed to parse select parameter (a,\n)" (line 1, column 3)', 'unexpected "\\n" expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"'],
  ['select=%22a%0Ab', '"failed to parse select parameter ("a\nb)" (line 2, column 2)', 'unexpected end of input expecting "\\\\" or "\\""'],
];

describe('PGRST100 bodies pinned by the specs', () => {
  for (const [qs, message, details] of specErrors) {
    it(JSON.stringify(qs), () => assert.deepEqual(errorOf(() => parse(qs)), { message, details }));
  }
  it('reports order, then logic, columns, select, filters and on_conflict, as PostgREST does', () => {
    const all = 'on_conflict=&id=nope&select=a,,x&columns=&or=()&order=id.ac';
    assert.match(errorOf(() => parse(all)).message, /failed to parse order/);
    assert.match(errorOf(() => parse(all.replace('&order=id.ac', ''))).message, /failed to parse logic tree/);
    assert.match(errorOf(() => parse(all.replace('&or=()&order=id.ac', ''))).message, /failed to parse columns/);
    assert.match(errorOf(() => parse('on_conflict=&id=nope&select=a,,x')).message, /failed to parse select/);
    assert.match(errorOf(() => parse('on_conflict=&id=nope')).message, /failed to parse filter/);
    assert.match(errorOf(() => parse('on_conflict=')).message, /failed to parse on_conflict/);
  });
  it('turns absurd nesting into PGRST100 instead of a crash', () => {
    const deep = `select=${'a('.repeat(20000)}${')'.repeat(20000)}`;
    assert.deepEqual(errorOf(() => parse(deep)).details, 'input is nested too deeply');
  });
});

const queryToken = fc.constantFrom(
  'select', 'order', 'limit', 'offset', 'or', 'and', 'not', 'columns', 'on_conflict', 'id', 'a', 'rel', '=', '&', ';',
  '.', ',', '(', ')', '!', ':', '::', '->', '->>', '-', '*', '"', '\\', ' ', '+', '%', '%2', '%20', '%C3%A9', '%FF',
  'eq', 'in', 'is', 'null', 'fts', 'any', '{', '}', 'é', '\t', '\n', '0', '-1', '...',
);

describe('properties', () => {
  const check = (qs: string, isRpcRead: boolean): void => {
    try {
      parse(qs, isRpcRead);
    } catch (e) {
      assert.ok(e instanceof ApiError, `${JSON.stringify(qs)} threw ${String(e)}`);
      assert.equal(e.code, 'PGRST100');
      assert.equal(e.status, 400);
      assert.equal(typeof e.details, 'string');
    }
  };
  it('arbitrary strings only ever give PGRST100', { timeout: 120_000 }, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.boolean(), check), { numRuns: 3000 });
  });
  it('grammar-shaped query strings only ever give PGRST100', { timeout: 120_000 }, () => {
    const arb = fc.array(queryToken, { maxLength: 30 }).map((ts) => ts.join(''));
    fc.assert(fc.property(arb, fc.boolean(), check), { numRuns: 5000 });
  });
  it('long hostile values finish quickly', { timeout: 120_000 }, () => {
    for (const v of ['a,'.repeat(3000), 'a ,'.repeat(2000), '"'.repeat(6000), '->'.repeat(3000), 'é,'.repeat(3000)]) {
      const t = performance.now();
      for (const k of ['select', 'order', 'or', 'id']) check(`${k}=${encodeURIComponent(k === 'or' ? `(${v})` : v)}`, false);
      assert.ok(performance.now() - t < 5000, 'too slow');
    }
  });
});
