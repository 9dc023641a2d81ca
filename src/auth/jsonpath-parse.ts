// Parses an RFC 9535 JSONPath query (the grammar PostgREST's JSONPath library accepts, with only the
// search() function) into the AST of jsonpath-ast.ts. Ordered choice with backtracking; no evaluation.
import type {
  AndExpr, BasicExpr, Comparable, ComparisonOp, FunctionArg, JsonPathQuery, JsonPathSegment,
  JsonPathSelector, OrExpr, SearchCall,
} from './jsonpath-ast.js';
import { Cursor, numberLiteral, quoted, shorthandName, signedInt } from './jsonpath-lex.js';

/** A parse failure; `position` is the furthest offset the parser reached. */
export class JsonPathSyntaxError extends Error {
  readonly position: number;
  constructor(position: number) {
    super(`invalid JSONPath near position ${position}`);
    this.name = 'JsonPathSyntaxError';
    this.position = position;
  }
}

const COMPARISON_OPS: readonly ComparisonOp[] = ['>=', '<=', '>', '<', '!=', '=='];

type Literal = null | boolean | number | string;

function literal(c: Cursor): { value: Literal } | null {
  const s = quoted(c);
  if (s !== null) return { value: s };
  const n = numberLiteral(c);
  if (n !== null) return { value: n };
  if (c.eat('true')) return { value: true };
  if (c.eat('false')) return { value: false };
  if (c.eat('null')) return { value: null };
  return null;
}

function singularStep(c: Cursor): string | number | null {
  const bracketedName = c.attempt(() => {
    if (!c.eat('[')) return null;
    const name = quoted(c);
    return name !== null && c.eat(']') ? name : null;
  });
  if (bracketedName !== null) return bracketedName;
  const dottedName = c.attempt(() => (c.eat('.') ? shorthandName(c) : null));
  if (dottedName !== null) return dottedName;
  return c.attempt(() => {
    if (!c.eat('[')) return null;
    const index = signedInt(c);
    return index !== null && c.eat(']') ? index : null;
  });
}

function comparable(c: Cursor): Comparable | null {
  const lit = c.attempt(() => literal(c));
  if (lit !== null) return { kind: 'literal', value: lit.value };
  return c.attempt(() => {
    const root = c.peek();
    if (root !== '$' && root !== '@') return null;
    c.pos++;
    const steps: (string | number)[] = [];
    for (;;) {
      const step = c.attempt(() => {
        c.spaces();
        return singularStep(c);
      });
      if (step === null) break;
      steps.push(step);
    }
    return { kind: 'singular', root, steps };
  });
}

function comparison(c: Cursor): BasicExpr | null {
  return c.attempt(() => {
    const left = comparable(c);
    if (left === null) return null;
    c.spaces();
    const op = COMPARISON_OPS.find((o) => c.eat(o));
    if (op === undefined) return null;
    c.spaces();
    const right = comparable(c);
    return right === null ? null : { kind: 'comparison', left, op, right };
  });
}

function functionArg(c: Cursor): FunctionArg | null {
  const lit = c.attempt(() => literal(c));
  if (lit !== null) return { kind: 'literal', value: lit.value };
  const query = anyQuery(c);
  if (query !== null) return { kind: 'query', query };
  const expr = c.attempt(() => orExpr(c));
  if (expr !== null) return { kind: 'logical', expr };
  const call = searchCall(c);
  return call === null ? null : { kind: 'function', call };
}

function searchCall(c: Cursor): SearchCall | null {
  return c.attempt(() => {
    if (!c.eat('search') || !c.eat('(')) return null;
    c.spaces();
    const first = functionArg(c);
    if (first === null) return null;
    c.spaces();
    if (!c.eat(',')) return null;
    c.spaces();
    const second = functionArg(c);
    if (second === null) return null;
    c.spaces();
    return c.eat(')') ? { kind: 'search', args: [first, second] } : null;
  });
}

function basicExpr(c: Cursor): BasicExpr | null {
  const paren = c.attempt((): BasicExpr | null => {
    const negated = c.eat('!');
    if (negated) c.spaces();
    if (!c.eat('(')) return null;
    c.spaces();
    const expr = orExpr(c);
    if (expr === null) return null;
    c.spaces();
    return c.eat(')') ? { kind: 'paren', negated, expr } : null;
  });
  if (paren !== null) return paren;
  const cmp = comparison(c);
  if (cmp !== null) return cmp;
  return c.attempt((): BasicExpr | null => {
    const negated = c.eat('!');
    if (negated) c.spaces();
    const test = anyQuery(c) ?? searchCall(c);
    return test === null ? null : { kind: 'test', negated, test };
  });
}

// `first (sep first)*` where each repetition is all-or-nothing.
function separated<T>(c: Cursor, sep: string, item: (c: Cursor) => T | null): T[] | null {
  const first = item(c);
  if (first === null) return null;
  const items = [first];
  for (;;) {
    const next = c.attempt(() => {
      c.spaces();
      if (!c.eat(sep)) return null;
      c.spaces();
      return item(c);
    });
    if (next === null) return items;
    items.push(next);
  }
}

function andExpr(c: Cursor): AndExpr | null {
  const terms = separated(c, '&&', basicExpr);
  return terms === null ? null : { kind: 'and', terms };
}

function orExpr(c: Cursor): OrExpr | null {
  return c.attempt(() => {
    const terms = separated(c, '||', andExpr);
    return terms === null ? null : { kind: 'or', terms };
  });
}

function slice(c: Cursor): JsonPathSelector | null {
  return c.attempt(() => {
    const start = c.attempt(() => {
      const n = signedInt(c);
      if (n !== null) c.spaces();
      return n;
    });
    if (!c.eat(':')) return null;
    c.spaces();
    const end = c.attempt(() => {
      const n = signedInt(c);
      if (n !== null) c.spaces();
      return n;
    });
    let step = 1;
    if (c.eat(':')) {
      const spaced = c.spaces();
      const n = signedInt(c);
      if (n !== null) step = n;
      else if (spaced) return null;
    }
    return { kind: 'slice', start, end, step };
  });
}

function selector(c: Cursor): JsonPathSelector | null {
  const name = quoted(c);
  if (name !== null) return { kind: 'name', name };
  const sl = slice(c);
  if (sl !== null) return sl;
  const index = signedInt(c);
  if (index !== null) return { kind: 'index', index };
  if (c.eat('*')) return { kind: 'wildcard' };
  return c.attempt(() => {
    if (!c.eat('?')) return null;
    c.spaces();
    const expr = orExpr(c);
    return expr === null ? null : { kind: 'filter', expr };
  });
}

function segment(c: Cursor): JsonPathSegment | null {
  return c.attempt(() => {
    const descendant = c.eat('..');
    const bracketed = c.attempt(() => {
      if (!c.eat('[')) return null;
      c.spaces();
      const selectors = separated(c, ',', selector);
      if (selectors === null) return null;
      c.spaces();
      return c.eat(']') ? selectors : null;
    });
    if (bracketed !== null) return { kind: 'segment', descendant, form: 'bracket', selectors: bracketed };
    const name = c.attempt(() => (descendant || c.eat('.') ? shorthandName(c) : null));
    if (name !== null) return { kind: 'segment', descendant, form: 'name', selectors: [{ kind: 'name', name }] };
    const star = c.attempt(() => ((descendant || c.eat('.')) && c.eat('*') ? true : null));
    if (star !== null) return { kind: 'segment', descendant, form: 'wildcard', selectors: [{ kind: 'wildcard' }] };
    return null;
  });
}

function query(c: Cursor, root: '$' | '@'): JsonPathQuery | null {
  return c.attempt(() => {
    if (!c.eat(root)) return null;
    const segments: JsonPathSegment[] = [];
    for (;;) {
      const seg = c.attempt(() => {
        c.spaces();
        return segment(c);
      });
      if (seg === null) return { kind: 'query', root, segments };
      segments.push(seg);
    }
  });
}

function anyQuery(c: Cursor): JsonPathQuery | null {
  return query(c, '$') ?? query(c, '@');
}

/** Parses a whole query starting with `$`; throws JsonPathSyntaxError. */
export function parseJsonPath(text: string): JsonPathQuery {
  const c = new Cursor(text);
  const q = query(c, '$');
  if (q === null || c.pos !== text.length) throw new JsonPathSyntaxError(Math.max(c.furthest, c.pos));
  return q;
}

/** Whether `name` can be written as `.name` (otherwise it needs `['name']`). */
export function isShorthandName(name: string): boolean {
  const c = new Cursor(name);
  return shorthandName(c) !== null && c.pos === name.length;
}
