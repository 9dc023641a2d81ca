// Fast path for `select=` on plain input: one left-to-right pass producing exactly what parse-select's grammar
// produces. Anything outside the simple subset (spaces, quotes, odd endings) is left to the exact grammar.

import { bail, needName, readCast, readJsonPath, readName, type Scan, tryFast } from './fast-scan.js';
import type { AggregateFunction, JoinType, SelectItem } from './query-types.js';

const AGGREGATES: readonly string[] = ['sum', 'avg', 'count', 'max', 'min'];

// an item ends at `,`, at `)` inside an embed, or at the end of the input
const atItemEnd = (sc: Scan, nested: boolean): boolean =>
  sc.i === sc.s.length || sc.s[sc.i] === ',' || (nested && sc.s[sc.i] === ')');

function readEmbedParams(sc: Scan): { hint: string | null; joinType: JoinType | null } {
  let hint: string | null = null;
  let joinType: JoinType | null = null;
  for (let k = 0; k < 2 && sc.s[sc.i] === '!'; k++) {
    sc.i++;
    const name = needName(sc);
    if (name === 'left' || name === 'inner') joinType ??= name;
    else if (name.startsWith('left') || name.startsWith('inner')) bail();
    else hint ??= name;
  }
  if (sc.s[sc.i] !== '(') bail();
  return { hint, joinType };
}

function readChildren(sc: Scan): SelectItem[] {
  sc.i++; // (
  const children = readForest(sc, true);
  if (sc.s[sc.i] !== ')') bail();
  sc.i++;
  return children;
}

function readAggregate(sc: Scan): AggregateFunction | null {
  const { s } = sc;
  if (s[sc.i] !== '.') return null;
  const end = s.indexOf('()', sc.i + 1);
  const name = end < 0 ? '' : s.slice(sc.i + 1, end);
  if (!AGGREGATES.includes(name)) bail();
  sc.i = end + 2;
  return name as AggregateFunction;
}

function readItem(sc: Scan, nested: boolean): SelectItem {
  const { s } = sc;
  if (s.startsWith('...', sc.i)) {
    sc.i += 3;
    const name = needName(sc);
    const { hint, joinType } = readEmbedParams(sc);
    const children = readChildren(sc);
    if (!atItemEnd(sc, nested)) bail();
    return { kind: 'spread', name, hint, joinType, children };
  }
  if (s[sc.i] === '*') {
    sc.i++;
    if (!atItemEnd(sc, nested)) bail();
    return { kind: 'star' };
  }
  let alias: string | null = null;
  let name = readName(sc);
  if (name !== null && s[sc.i] === ':' && s[sc.i + 1] !== ':') {
    alias = name;
    sc.i++;
    name = readName(sc);
  }
  if (name === null) return bail();
  if (name === 'count' && s.startsWith('()', sc.i)) {
    sc.i += 2;
    const aggregateCast = readCast(sc);
    if (!atItemEnd(sc, nested)) bail();
    return { kind: 'field', field: { name: '*', jsonPath: [] }, alias, cast: null, aggregate: 'count', aggregateCast };
  }
  if (s[sc.i] === '!' || s[sc.i] === '(') {
    if (name === 'count') bail();
    const { hint, joinType } = readEmbedParams(sc);
    const children = readChildren(sc);
    if (!atItemEnd(sc, nested)) bail();
    return { kind: 'relation', name, alias, hint, joinType, children };
  }
  const jsonPath = readJsonPath(sc);
  const cast = readCast(sc);
  const aggregate = readAggregate(sc);
  const aggregateCast = readCast(sc);
  if (!atItemEnd(sc, nested)) bail();
  return { kind: 'field', field: { name, jsonPath }, alias, cast, aggregate, aggregateCast };
}

function readForest(sc: Scan, nested: boolean): SelectItem[] {
  const items: SelectItem[] = [];
  if (sc.i === sc.s.length || sc.s[sc.i] === ')') return items;
  for (;;) {
    items.push(readItem(sc, nested));
    if (sc.s[sc.i] !== ',') return items;
    sc.i++;
  }
}

/** The select list when `value` is in the simple subset, else undefined. */
export function fastParseSelect(value: string): SelectItem[] | undefined {
  return tryFast(value, (sc) => {
    const items = readForest(sc, false);
    if (sc.i !== value.length) bail();
    return items;
  });
}
