// The plain-data AST of PostgREST's query-string grammar (select, filters, logic trees, order, ranges).
// Types only: no parsing, no SQL, no schema knowledge; names are resolved later by the planner.

/** Path of embed names before a key, e.g. `clients.projects.name=eq.x` → ['clients', 'projects']; root = []. */
export type EmbedPath = readonly string[];

/** One `->`/`->>` step. An index keeps its sign as text (`'+1'`, `'-2'`) like PostgREST, for `'…'::int`. */
export interface JsonOperation {
  readonly kind: 'key' | 'index';
  readonly arrow: '->' | '->>';
  readonly value: string;
}

export type JsonPath = readonly JsonOperation[];

/** A column (or computed field, or embed name) with an optional JSON path. */
export interface Field {
  readonly name: string;
  readonly jsonPath: JsonPath;
}

export type AggregateFunction = 'sum' | 'avg' | 'max' | 'min' | 'count';

export type JoinType = 'inner' | 'left';

/** `*` on its own. */
export interface SelectStar {
  readonly kind: 'star';
}

/**
 * `alias:col->path::cast.agg()::aggCast`. `count()` is a field named `*` with aggregate `count`, as in PostgREST.
 * A quoted `"*"` also yields a field named `*`, which PostgREST treats like the star.
 */
export interface SelectField {
  readonly kind: 'field';
  readonly field: Field;
  readonly alias: string | null;
  readonly cast: string | null;
  readonly aggregate: AggregateFunction | null;
  readonly aggregateCast: string | null;
}

/** `alias:rel!hint!inner(children)`. */
export interface SelectRelation {
  readonly kind: 'relation';
  readonly name: string;
  readonly alias: string | null;
  readonly hint: string | null;
  readonly joinType: JoinType | null;
  readonly children: readonly SelectItem[];
}

/** `...rel!hint!inner(children)` (a spread cannot be aliased). */
export interface SelectSpread {
  readonly kind: 'spread';
  readonly name: string;
  readonly hint: string | null;
  readonly joinType: JoinType | null;
  readonly children: readonly SelectItem[];
}

export type SelectItem = SelectStar | SelectField | SelectRelation | SelectSpread;

/** Operators that take `(any)`/`(all)`. */
export type QuantOperator = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'match' | 'imatch';

/** Operators without quantifiers. */
export type SimpleOperator = 'neq' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj';

export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts';

export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';

/**
 * The operation of a filter. `in.()` gives values `['']`, as in PostgREST, which the SQL stage turns into
 * `= ANY('{}')`; items are kept verbatim (no trimming), so `in.(1, 2)` gives `['1', ' 2']`.
 */
export type Operation =
  | { readonly kind: 'simple'; readonly operator: SimpleOperator; readonly value: string }
  | {
      readonly kind: 'quant';
      readonly operator: QuantOperator;
      readonly quantifier: 'any' | 'all' | null;
      readonly value: string;
    }
  | { readonly kind: 'in'; readonly values: readonly string[] }
  | { readonly kind: 'is'; readonly value: IsValue }
  | { readonly kind: 'isDistinct'; readonly value: string }
  | {
      readonly kind: 'fts';
      readonly operator: FtsOperator;
      readonly language: string | null;
      readonly value: string;
    };

/** `field=[not.]operation`. */
export interface Filter {
  readonly field: Field;
  readonly negated: boolean;
  readonly operation: Operation;
}

/** `[not.]and(...)` / `[not.]or(...)` with filters as leaves. */
export type LogicTree =
  | {
      readonly kind: 'expr';
      readonly negated: boolean;
      readonly operator: 'and' | 'or';
      readonly children: readonly LogicTree[];
    }
  | { readonly kind: 'filter'; readonly filter: Filter };

export type OrderDirection = 'asc' | 'desc';

export type OrderNulls = 'first' | 'last';

/** `col->path.desc.nullslast`, or a related order `rel(col).desc` on a to-one embed. */
export type OrderTerm =
  | {
      readonly kind: 'field';
      readonly field: Field;
      readonly direction: OrderDirection | null;
      readonly nulls: OrderNulls | null;
    }
  | {
      readonly kind: 'related';
      readonly relation: string;
      readonly field: Field;
      readonly direction: OrderDirection | null;
      readonly nulls: OrderNulls | null;
    };

export interface EmbeddedFilter {
  readonly embedPath: EmbedPath;
  readonly filter: Filter;
}

export interface EmbeddedLogic {
  readonly embedPath: EmbedPath;
  readonly tree: LogicTree;
}

export interface EmbeddedOrder {
  readonly embedPath: EmbedPath;
  readonly terms: readonly OrderTerm[];
}

/**
 * Rows `offset … offset+limit-1` from `[path.]limit` / `[path.]offset` (as PostgREST's Range). `limit` is null
 * when no usable limit was given. Quirks kept: a non-numeric limit next to an offset counts as 0; a negative or
 * zero limit is recorded as is (the request stage rejects negatives and special-cases `limit=0`).
 */
export interface QueryRange {
  readonly embedPath: EmbedPath;
  readonly offset: number;
  readonly limit: number | null;
}

/** Everything the query string says, parsed; the counterpart of PostgREST's `QueryParams`. */
export interface QueryParams {
  /** Parameters sorted by key and URL-encoded, for `Content-Location` (empty string when there are none). */
  readonly canonical: string;
  /** GET/HEAD RPC arguments: values that did not parse as filters, by the filter's column name. */
  readonly rpcParams: readonly (readonly [string, string])[];
  readonly ranges: readonly QueryRange[];
  readonly order: readonly EmbeddedOrder[];
  readonly logic: readonly EmbeddedLogic[];
  /** `columns=`, deduplicated and sorted by code point (PostgREST keeps a Set); null when absent. */
  readonly columns: readonly string[] | null;
  /** `select=` (default `*`); an empty `select=` gives []. */
  readonly select: readonly SelectItem[];
  /** Every filter in query-string order. */
  readonly filters: readonly EmbeddedFilter[];
  /** The filters with an empty embed path (used by UPDATE/DELETE). */
  readonly filtersRoot: readonly Filter[];
  /** Raw keys of all filter parameters (incl. RPC arguments), deduplicated and sorted by code point. */
  readonly filterFields: readonly string[];
  /** `on_conflict=` columns in order; null when absent. */
  readonly onConflict: readonly string[] | null;
}
