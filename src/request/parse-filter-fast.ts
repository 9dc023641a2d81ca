// Fast paths for parameter keys, filter values and `order=` on plain input, giving exactly what the Parsec
// grammar gives; anything unusual is left to the exact grammar (which also words the errors).

import { BAIL, bail, isIdentCode, needName, readJsonPath, type Scan, tryFast } from './fast-scan.js';
import type { OpExpr } from './parse-filter.js';
import type {
  EmbedPath,
  Field,
  FtsOperator,
  IsValue,
  Operation,
  OrderDirection,
  OrderNulls,
  OrderTerm,
  QuantOperator,
  SimpleOperator,
} from './query-types.js';

const QUANT: ReadonlySet<string> = new Set<QuantOperator>(['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch']);
const SIMPLE: ReadonlySet<string> = new Set<SimpleOperator>(['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj']);
const FTS: ReadonlySet<string> = new Set<FtsOperator>(['fts', 'plfts', 'phfts', 'wfts']);
const IS_VALUES: readonly IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown'];

const isQuant = (op: string): op is QuantOperator => QUANT.has(op);
const isSimple = (op: string): op is SimpleOperator => SIMPLE.has(op);
const isFts = (op: string): op is FtsOperator => FTS.has(op);

/** `embed.path.column[->json]` when the key is simple, else undefined. */
export function fastParseTreePath(key: string): { readonly embedPath: EmbedPath; readonly field: Field } | undefined {
  return tryFast(key, (sc) => {
    const names = [needName(sc)];
    while (sc.s[sc.i] === '.') {
      sc.i++;
      names.push(needName(sc));
    }
    const jsonPath = readJsonPath(sc);
    if (sc.i !== key.length) bail();
    return { embedPath: names.slice(0, -1), field: { name: names[names.length - 1]!, jsonPath } };
  });
}

// `is` values match case-insensitively per character (lower or upper), as prefixes; returns the value and its end
export function isValueAt(s: string, i: number): readonly [IsValue, number] {
  for (const v of IS_VALUES) {
    let k = 0;
    while (k < v.length && (s[i + k] === v[k] || s[i + k] === v[k]!.toUpperCase())) k++;
    if (k === v.length) return [v, i + k];
  }
  return bail();
}

// `(a,b,c)`: items are kept verbatim; a leading space (eaten by the grammar) or a quoted item is left to it.
// Returns the items and the index after `)`.
export function listAt(s: string, i: number): readonly [string[], number] {
  if (s[i] !== '(' || s[i + 1] === ' ' || s[i + 1] === '\t') bail();
  const values: string[] = [];
  let start = i + 1;
  for (let j = start; ; j++) {
    const c = s[j];
    if (c === undefined || (j === start && c === '"')) return bail();
    if (c === ',' || c === ')') {
      values.push(s.slice(start, j));
      if (c === ')') return [values, j + 1];
      start = j + 1;
    }
  }
}

/** The part of a filter value before its value: `[not.]op[(any|all|language)].`. */
export interface OpHead {
  readonly negated: boolean;
  readonly op: string;
  readonly modifier: string | null;
  /** Index of the value, just after the `.`. */
  readonly valueAt: number;
}

/** Reads `[not.]op[(mod)].` at `i` when the operator and modifier are ones the grammar accepts, else bails. */
export function readOpHead(s: string, i: number): OpHead {
  let negated = false;
  if (s.startsWith('not.', i)) {
    negated = true;
    i += 4;
  }
  let j = i;
  while (j < s.length && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
  const op = s.slice(i, j);
  if (s[j] === '.') {
    const known = op === 'in' || op === 'is' || op === 'isdistinct' || isFts(op) || isSimple(op) || isQuant(op);
    return known ? { negated, op, modifier: null, valueAt: j + 1 } : bail();
  }
  if (s[j] !== '(') return bail();
  const close = s.indexOf(').', j);
  const modifier = close < 0 ? '' : s.slice(j + 1, close);
  const quant = isQuant(op) && (modifier === 'any' || modifier === 'all');
  const language = isFts(op) && modifier.length > 0 && [...modifier].every((c) => isIdentCode(c.charCodeAt(0)));
  return quant || language ? { negated, op, modifier, valueAt: close + 2 } : bail();
}

/** The operation for a head whose operator takes a single value. */
export function singleValueOperation(head: OpHead, value: string): Operation {
  const { op, modifier } = head;
  if (op === 'isdistinct') return { kind: 'isDistinct', value };
  if (isFts(op)) return { kind: 'fts', operator: op, language: modifier, value };
  if (isSimple(op)) return { kind: 'simple', operator: op, value };
  if (isQuant(op)) return { kind: 'quant', operator: op, quantifier: modifier === 'any' || modifier === 'all' ? modifier : null, value };
  return bail();
}

/** A filter value `[not.]op[(mod)].value` when its operator part is simple, else undefined. */
export function fastParseOpExpr(value: string): OpExpr | undefined {
  try {
    const head = readOpHead(value, 0);
    const { negated, op, valueAt } = head;
    // trailing input after a list or an `is` value is ignored, as in PostgREST
    if (op === 'in') return { negated, operation: { kind: 'in', values: listAt(value, valueAt)[0] } };
    if (op === 'is') return { negated, operation: { kind: 'is', value: isValueAt(value, valueAt)[0] } };
    return { negated, operation: singleValueOperation(head, value.slice(valueAt)) };
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

function readDirection(sc: Scan): OrderDirection | null {
  if (sc.s.startsWith('.asc', sc.i)) {
    sc.i += 4;
    return 'asc';
  }
  if (sc.s.startsWith('.desc', sc.i)) {
    sc.i += 5;
    return 'desc';
  }
  return null;
}

function readNulls(sc: Scan): OrderNulls | null {
  if (sc.s.startsWith('.nullsfirst', sc.i)) {
    sc.i += 11;
    return 'first';
  }
  if (sc.s.startsWith('.nullslast', sc.i)) {
    sc.i += 10;
    return 'last';
  }
  return null;
}

function readOrderTerm(sc: Scan): OrderTerm {
  const name = needName(sc);
  let relation: string | null = null;
  let field: Field;
  if (sc.s[sc.i] === '(') {
    sc.i++;
    relation = name;
    field = { name: needName(sc), jsonPath: readJsonPath(sc) };
    if (sc.s[sc.i] !== ')') bail();
    sc.i++;
  } else {
    field = { name, jsonPath: readJsonPath(sc) };
  }
  const direction = readDirection(sc);
  const nulls = readNulls(sc);
  if (sc.i !== sc.s.length && sc.s[sc.i] !== ',') bail();
  return relation === null
    ? { kind: 'field', field, direction, nulls }
    : { kind: 'related', relation, field, direction, nulls };
}

/** The order terms when `value` is simple, else undefined. */
export function fastParseOrder(value: string): OrderTerm[] | undefined {
  return tryFast(value, (sc) => {
    const terms = [readOrderTerm(sc)];
    while (sc.s[sc.i] === ',') {
      sc.i++;
      terms.push(readOrderTerm(sc));
    }
    return terms;
  });
}
