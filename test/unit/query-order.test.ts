// Tables for `[path.]order=`: directions, nulls placement, JSON paths, related orders, embed paths, and the
// PGRST100 texts PostgREST gives for malformed orders.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOrderParam, pOrder } from '../../src/request/parse-order.js';
import { runParser } from '../../src/request/parser-core.js';
import type { JsonOperation, OrderDirection, OrderNulls, OrderTerm } from '../../src/request/query-types.js';
import { errorOf } from './parse-test-helpers.js';

const key = (value: string, arrow: '->' | '->>' = '->'): JsonOperation => ({ kind: 'key', arrow, value });
const term = (
  name: string,
  direction: OrderDirection | null = null,
  nulls: OrderNulls | null = null,
  jsonPath: JsonOperation[] = [],
): OrderTerm => ({ kind: 'field', field: { name, jsonPath }, direction, nulls });
const related = (
  relation: string,
  name: string,
  direction: OrderDirection | null = null,
  nulls: OrderNulls | null = null,
  jsonPath: JsonOperation[] = [],
): OrderTerm => ({ kind: 'related', relation, field: { name, jsonPath }, direction, nulls });

const orders: readonly (readonly [string, OrderTerm[]])[] = [
  ['id', [term('id')]],
  ['id.asc', [term('id', 'asc')]],
  ['id.desc', [term('id', 'desc')]],
  ['name.desc.nullsfirst', [term('name', 'desc', 'first')]],
  ['age.desc.nullslast', [term('age', 'desc', 'last')]],
  ['id.nullsfirst', [term('id', null, 'first')]],
  ['a.desc,b.asc,c', [term('a', 'desc'), term('b', 'asc'), term('c')]],
  ['json_col->key.asc.nullslast', [term('json_col', 'asc', 'last', [key('key')])]],
  ['json_col->!@#$%^&*_a.asc.nullslast', [term('json_col', 'asc', 'last', [key('!@#$%^&*_a')])]],
  ['location->>lat', [term('location', null, null, [key('lat', '->>')])]],
  ['data->0.desc', [term('data', 'desc', null, [{ kind: 'index', arrow: '->', value: '+0' }])]],
  ['clients(json_col->key).desc.nullsfirst', [related('clients', 'json_col', 'desc', 'first', [key('key')])]],
  ['clients(json_col->!@#$%^&*_a).desc.nullsfirst', [related('clients', 'json_col', 'desc', 'first', [key('!@#$%^&*_a')])]],
  ['name,clients(name),id', [term('name'), related('clients', 'name'), term('id')]],
  ['process_categories(category)', [related('process_categories', 'category')]],
  ['anti_id.desc', [term('anti_id', 'desc')]],
  [' id .desc, name ', [term('id', 'desc'), term('name')]],
  ['"a.b".asc', [term('a.b', 'asc')]],
  ['field-with-dash.desc', [term('field-with-dash', 'desc')]],
];

describe('order', () => {
  for (const [value, terms] of orders) {
    it(JSON.stringify(value), () => assert.deepEqual(parseOrderParam('order', value), { embedPath: [], terms }));
  }
  it('takes the embed path from the key', () => {
    assert.deepEqual(parseOrderParam('tasks.users.order', 'name.desc'), {
      embedPath: ['tasks', 'users'],
      terms: [term('name', 'desc')],
    });
  });
});

const errors: readonly (readonly [string, number, string])[] = [
  ['clients(name,id)', 8, `unexpected '(' expecting letter, digit, "-", "->>", "->", delimiter (.), "," or end of input`],
  ['id.ac', 4, 'unexpected "c" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
  ['id.descc', 8, `unexpected 'c' expecting delimiter (.), "," or end of input`],
  ['id.nulsfist', 4, 'unexpected "n" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
  ['id.nullslasttt', 13, `unexpected 't' expecting "," or end of input`],
  ['id.smth34', 4, 'unexpected "s" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
  ['id.asc.nlsfst', 8, 'unexpected "l" expecting "nullsfirst" or "nullslast"'],
  ['id.asc.nullslasttt', 17, `unexpected 't' expecting "," or end of input`],
  ['id.asc.smth34', 8, 'unexpected "s" expecting "nullsfirst" or "nullslast"'],
  ['', 1, 'unexpected end of input expecting field name (* or [a..z0..9_$])'],
  ['id,', 4, 'unexpected end of input expecting field name (* or [a..z0..9_$])'],
  // a term must end right at `,` or the end: no space before the comma
  ['id.desc ,name', 8, `unexpected ' ' expecting delimiter (.), "," or end of input`],
];

describe('order errors', () => {
  for (const [value, column, details] of errors) {
    it(JSON.stringify(value), () => {
      assert.deepEqual(errorOf(() => parseOrderParam('order', value)), {
        message: `"failed to parse order (${value})" (line 1, column ${column})`,
        details,
      });
    });
  }
  it('matches the doctest for the production itself', () => {
    assert.deepEqual(errorOf(() => runParser(pOrder, '', 'id.ac')), {
      message: '(line 1, column 4)',
      details: 'unexpected "c" expecting "asc", "desc", "nullsfirst" or "nullslast"',
    });
  });
});
