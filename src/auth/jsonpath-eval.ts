// Evaluates a parsed JSONPath query against JSON claims, returning nodes in PostgREST's order (object
// members visited in code-point order of their keys, as its JSON library keeps them). No parsing here.
import type {
  BasicExpr, Comparable, ComparisonOp, FunctionArg, JsonPathQuery, JsonPathSegment, JsonPathSelector,
  JsonValue, OrExpr, SearchCall,
} from './jsonpath-ast.js';
import { compareCodePoints } from '../text/compare.js';

type JsonObject = { readonly [k: string]: JsonValue };

interface State {
  readonly root: JsonValue;
  readonly current: JsonValue;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function memberValues(obj: JsonObject): JsonValue[] {
  return Object.keys(obj)
    .sort(compareCodePoints)
    .map((k) => obj[k]!);
}

function children(v: JsonValue): readonly JsonValue[] {
  if (Array.isArray(v)) return v as readonly JsonValue[];
  return isObject(v) ? memberValues(v) : [];
}

// The node itself, then its descendants depth-first; scalars contribute nothing.
function descendants(v: JsonValue, out: JsonValue[]): JsonValue[] {
  if (typeof v !== 'object' || v === null) return out;
  out.push(v);
  for (const c of children(v)) descendants(c, out);
  return out;
}

function sliceArray(arr: readonly JsonValue[], start: number | null, end: number | null, step: number): JsonValue[] {
  const len = arr.length;
  const norm = (i: number): number => (i >= 0 ? i : len + i);
  const out: JsonValue[] = [];
  if (step > 0) {
    const lower = Math.min(Math.max(start === null ? 0 : norm(start), 0), len);
    const upper = Math.min(Math.max(end === null ? len : norm(end), 0), len);
    for (let i = lower; i < upper; i += step) out.push(arr[i]!);
  } else if (step < 0) {
    const upper = Math.min(Math.max(start === null ? len - 1 : norm(start), -1), len - 1);
    const lower = Math.min(Math.max(end === null ? -1 : norm(end), -1), len - 1);
    for (let i = upper; lower < i; i += step) out.push(arr[i]!);
  }
  return out;
}

function select(sel: JsonPathSelector, node: JsonValue, state: State): readonly JsonValue[] {
  switch (sel.kind) {
    case 'name':
      return isObject(node) && Object.hasOwn(node, sel.name) ? [node[sel.name]!] : [];
    case 'index': {
      if (!Array.isArray(node)) return [];
      const arr = node as readonly JsonValue[];
      const i = sel.index >= 0 ? sel.index : sel.index + arr.length;
      return i >= 0 && i < arr.length ? [arr[i]!] : [];
    }
    case 'slice':
      return Array.isArray(node) ? sliceArray(node as readonly JsonValue[], sel.start, sel.end, sel.step) : [];
    case 'wildcard':
      return children(node);
    case 'filter':
      if (typeof node !== 'object' || node === null) return [];
      return children(node).filter((c) => evalOr(sel.expr, { root: state.root, current: c }));
  }
}

function applySegment(seg: JsonPathSegment, node: JsonValue, state: State): JsonValue[] {
  const inputs = seg.descendant ? descendants(node, []) : [node];
  const out: JsonValue[] = [];
  for (const input of inputs) {
    for (const sel of seg.selectors) out.push(...select(sel, input, state));
  }
  return out;
}

function runQuery(q: JsonPathQuery, state: State): JsonValue[] {
  let nodes: JsonValue[] = [q.root === '$' ? state.root : state.current];
  for (const seg of q.segments) nodes = nodes.flatMap((n) => applySegment(seg, n, state));
  return nodes;
}

/** Deep equality of JSON values; object member order does not matter. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const bb = b as readonly JsonValue[];
    return (a as readonly JsonValue[]).every((v, i) => jsonEqual(v, bb[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

function comparableValue(c: Comparable, state: State): JsonValue | undefined {
  if (c.kind === 'literal') return c.value;
  let v: JsonValue | undefined = c.root === '$' ? state.root : state.current;
  for (const step of c.steps) {
    if (typeof step === 'string') v = isObject(v) && Object.hasOwn(v, step) ? v[step] : undefined;
    // Negative indexes select nothing in singular queries, as in PostgREST's library.
    else v = Array.isArray(v) && step >= 0 && step < v.length ? (v as readonly JsonValue[])[step] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

function less(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b) < 0;
  return typeof a === 'number' && typeof b === 'number' && a < b;
}

function compare(op: ComparisonOp, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  switch (op) {
    case '==':
      return jsonEqual(a, b);
    case '!=':
      return !jsonEqual(a, b);
    case '<':
      return less(a, b);
    case '<=':
      return less(a, b) || jsonEqual(a, b);
    case '>':
      return less(b, a);
    case '>=':
      return less(b, a) || jsonEqual(a, b);
  }
}

// Patterns written in the role-claim key are compiled once; patterns read from claims are not kept.
const literalPatterns = new Map<string, RegExp | null>();

function compileRegex(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'mu');
  } catch {
    try {
      return new RegExp(pattern, 'm');
    } catch {
      return null;
    }
  }
}

function regexTest(text: string, pattern: string, fromLiteral: boolean): boolean {
  let re = fromLiteral ? literalPatterns.get(pattern) : undefined;
  if (re === undefined) {
    re = compileRegex(pattern);
    if (fromLiteral && literalPatterns.size < 256) literalPatterns.set(pattern, re);
  }
  return re?.test(text) === true;
}

// search() takes string literals or queries yielding exactly one string; anything else is false.
function searchOperand(arg: FunctionArg, state: State): string | undefined {
  if (arg.kind === 'literal') return typeof arg.value === 'string' ? arg.value : undefined;
  if (arg.kind !== 'query') return undefined;
  const nodes = runQuery(arg.query, state);
  return nodes.length === 1 && typeof nodes[0] === 'string' ? nodes[0] : undefined;
}

function evalSearch(call: SearchCall, state: State): boolean {
  const text = searchOperand(call.args[0], state);
  const pattern = text === undefined ? undefined : searchOperand(call.args[1], state);
  return text !== undefined && pattern !== undefined && regexTest(text, pattern, call.args[1].kind === 'literal');
}

function evalBasic(e: BasicExpr, state: State): boolean {
  switch (e.kind) {
    case 'paren':
      return evalOr(e.expr, state) !== e.negated;
    case 'test': {
      const result = e.test.kind === 'search' ? evalSearch(e.test, state) : runQuery(e.test, state).length > 0;
      return result !== e.negated;
    }
    case 'comparison':
      return compare(e.op, comparableValue(e.left, state), comparableValue(e.right, state));
  }
}

function evalOr(e: OrExpr, state: State): boolean {
  return e.terms.some((and) => and.terms.every((b) => evalBasic(b, state)));
}

/** All nodes the query selects from `root`, in PostgREST's order. */
export function evaluateJsonPath(q: JsonPathQuery, root: JsonValue): JsonValue[] {
  return runQuery(q, { root, current: root });
}
