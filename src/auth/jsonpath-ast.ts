// The plain-object AST of an RFC 9535 JSONPath query as jwt-role-claim-key accepts it.
// Types only; parsing, evaluation and printing live in jsonpath-parse/-eval/-dump.

/** A JSON value as JSON.parse returns it. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** `$…` (root) or `@…` (current node, inside filters). */
export interface JsonPathQuery {
  readonly kind: 'query';
  readonly root: '$' | '@';
  readonly segments: readonly JsonPathSegment[];
}

/** One segment; `descendant` for `..`. `form` only records how it was written, for printing. */
export interface JsonPathSegment {
  readonly kind: 'segment';
  readonly descendant: boolean;
  readonly form: 'bracket' | 'name' | 'wildcard';
  readonly selectors: readonly JsonPathSelector[];
}

export type JsonPathSelector =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'slice'; readonly start: number | null; readonly end: number | null; readonly step: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'filter'; readonly expr: OrExpr };

/** `a || b || …` */
export interface OrExpr {
  readonly kind: 'or';
  readonly terms: readonly AndExpr[];
}

/** `a && b && …` */
export interface AndExpr {
  readonly kind: 'and';
  readonly terms: readonly BasicExpr[];
}

export type BasicExpr =
  | { readonly kind: 'paren'; readonly negated: boolean; readonly expr: OrExpr }
  | { readonly kind: 'test'; readonly negated: boolean; readonly test: JsonPathQuery | SearchCall }
  | { readonly kind: 'comparison'; readonly left: Comparable; readonly op: ComparisonOp; readonly right: Comparable };

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A literal, or a singular query (`@.a[0]`) that yields at most one node. */
export type Comparable =
  | { readonly kind: 'literal'; readonly value: null | boolean | number | string }
  | { readonly kind: 'singular'; readonly root: '$' | '@'; readonly steps: readonly (string | number)[] };

/** `search(a, b)`: the only function extension PostgREST enables. */
export interface SearchCall {
  readonly kind: 'search';
  readonly args: readonly [FunctionArg, FunctionArg];
}

export type FunctionArg =
  | { readonly kind: 'literal'; readonly value: null | boolean | number | string }
  | { readonly kind: 'query'; readonly query: JsonPathQuery }
  | { readonly kind: 'logical'; readonly expr: OrExpr }
  | { readonly kind: 'function'; readonly call: SearchCall };
