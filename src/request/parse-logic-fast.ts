// Fast path for logic trees `[not.]and|or(...)` on plain structure (values may hold anything but `,` and `)`),
// giving exactly what parse-logic's grammar gives; anything unusual is left to that grammar.

import { BAIL, bail, readJsonPath, readName, type Scan } from './fast-scan.js';
import { isValueAt, listAt, readOpHead, singleValueOperation } from './parse-filter-fast.js';
import type { EmbedPath, LogicTree, Operation } from './query-types.js';

// a value inside a tree: `{...}` kept whole, else text up to `,` or `)`; quoted values are left to the grammar
function readValue(sc: Scan): string {
  const { s } = sc;
  const start = sc.i;
  if (s[start] === '"') bail();
  if (s[start] === '{') {
    let j = start + 1;
    while (j < s.length && s[j] !== '{' && s[j] !== '}') j++;
    if (s[j] !== '}') bail();
    sc.i = j + 1;
    return s.slice(start, sc.i);
  }
  while (sc.i < s.length && s[sc.i] !== ',' && s[sc.i] !== ')') sc.i++;
  return s.slice(start, sc.i);
}

// `field.[not.]op.value`, or null when this is not a filter (then it may be a nested and/or)
function readFilter(sc: Scan): LogicTree | null {
  const start = sc.i;
  const name = readName(sc);
  if (name === null) return bail();
  const jsonPath = readJsonPath(sc);
  if (sc.s[sc.i] !== '.') {
    sc.i = start;
    return null;
  }
  let head: ReturnType<typeof readOpHead>;
  try {
    head = readOpHead(sc.s, sc.i + 1);
  } catch (e) {
    if (e !== BAIL) throw e;
    sc.i = start;
    return null;
  }
  let operation: Operation;
  if (head.op === 'in') {
    const [values, end] = listAt(sc.s, head.valueAt);
    operation = { kind: 'in', values };
    sc.i = end;
  } else if (head.op === 'is') {
    const [value, end] = isValueAt(sc.s, head.valueAt);
    operation = { kind: 'is', value };
    sc.i = end;
  } else {
    sc.i = head.valueAt;
    operation = singleValueOperation(head, readValue(sc));
  }
  return { kind: 'filter', filter: { field: { name, jsonPath }, negated: head.negated, operation } };
}

function readTree(sc: Scan): LogicTree {
  const filter = readFilter(sc);
  if (filter !== null) return filter;
  const { s } = sc;
  let negated = false;
  if (s.startsWith('not.', sc.i)) {
    negated = true;
    sc.i += 4;
  }
  let operator: 'and' | 'or';
  if (s.startsWith('and(', sc.i)) {
    operator = 'and';
    sc.i += 4;
  } else if (s.startsWith('or(', sc.i)) {
    operator = 'or';
    sc.i += 3;
  } else {
    return bail();
  }
  const children = [readTree(sc)];
  while (s[sc.i] === ',') {
    sc.i++;
    children.push(readTree(sc));
  }
  if (s[sc.i] !== ')') bail();
  sc.i++;
  return { kind: 'expr', negated, operator, children };
}

function isWholeName(p: string): boolean {
  try {
    return readName({ s: p, i: 0 }) === p;
  } catch (e) {
    if (e === BAIL) return false;
    throw e;
  }
}

/** The key's embed path and operator (`or`, `not.and`, …) when the key is plain names, else undefined. */
export function fastParseLogicPath(key: string): { readonly embedPath: EmbedPath; readonly op: string } | undefined {
  const parts = key.split('.');
  if (!parts.every((p) => isWholeName(p))) return undefined;
  const op = parts[parts.length - 1]!;
  return {
    embedPath: parts.slice(0, -1).filter((p) => p !== 'not'),
    op: parts.includes('not') ? `not.${op}` : op,
  };
}

/** The tree for `op + value` when its structure is plain, else undefined. */
export function fastParseLogicTree(text: string): LogicTree | undefined {
  const sc: Scan = { s: text, i: 0 };
  try {
    const tree = readTree(sc);
    return sc.i === text.length ? tree : undefined;
  } catch (e) {
    // a stack overflow on absurd nesting is left to the grammar, which reports it as PGRST100
    if (e === BAIL || e instanceof RangeError) return undefined;
    throw e;
  }
}
