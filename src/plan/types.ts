// The plans the SQL stage compiles: plain data resolved against the schema cache (tables found, names checked where
// PostgREST checks them, embeds resolved to relationships). Types only.
import type { Preferences } from '../request/preferences.js';
import type { MediaType } from '../request/media-type.js';
import type { AggregateFunction, Field, Filter, LogicTree, OrderTerm, SelectField } from '../request/query-types.js';
import type { NonnegRange } from '../request/range.js';
import type { Relationship, Table } from '../schema-cache/types.js';
import type { CallPlan } from './call-types.js';
import type { CustomHandler } from './media.js';
import type { MutatePlan } from './mutate-types.js';

/** A relation read: what to select, which rows, in which order, which window; embeds as children. */
export interface ReadPlan {
  readonly table: Table;
  /** SQL alias of this relation in the statement (the table name at the root, `<table>_<depth>` below). */
  readonly alias: string;
  readonly select: readonly PlannedSelect[];
  /** The filters addressed to this node, as written (including `rel=is.null` tests on embeds). */
  readonly filters: readonly Filter[];
  /** The logic trees addressed to this node, as written. */
  readonly logic: readonly LogicTree[];
  /** The order terms addressed to this node, as written. */
  readonly order: readonly OrderTerm[];
  readonly range: NonnegRange;
  readonly embeds: readonly EmbedPlan[];
  /** Computed fields usable on this relation, by name (resolved in search-path order). */
  readonly computed: ReadonlyMap<string, ComputedRef>;
  /** `filters` and `logic` resolved (embed null tests found): the WHERE conditions, ANDed, logic trees first. */
  readonly where: readonly Condition[];
  /** `order` resolved: related terms point at the joined embed. */
  readonly orderBy: readonly PlannedOrder[];
}

/** One output column of a read. */
export type PlannedSelect =
  | { readonly kind: 'star' }
  | { readonly kind: 'field'; readonly item: SelectField; readonly computed: ComputedRef | undefined }
  /** The whole row of the relation under `alias` (what a to-one spread hands to a hoisted `count()`). */
  | { readonly kind: 'row'; readonly alias: string };

/** A computed field call `schema.fn(row)`. */
export interface ComputedRef {
  readonly schema: string;
  readonly name: string;
  readonly returnType: string;
}

/** A WHERE condition: a column filter, a null test on an embedded resource, or an and/or tree of those. */
export type Condition =
  | { readonly kind: 'filter'; readonly filter: Filter }
  /** `rel=is.null` (`isNull`) or `rel=not.is.null`: whether the embed joined under `joinAlias` found rows. */
  | { readonly kind: 'embed-null'; readonly joinAlias: string; readonly isNull: boolean }
  | {
      readonly kind: 'expr';
      readonly negated: boolean;
      readonly operator: 'and' | 'or';
      readonly children: readonly Condition[];
    };

/** An ORDER BY term of a node. */
export type PlannedOrder =
  | { readonly kind: 'field'; readonly term: Extract<OrderTerm, { kind: 'field' }> }
  /** `order=rel(col)`: a column of the to-one embed joined under `joinAlias` (whose relation is `table`). */
  | {
      readonly kind: 'related';
      readonly joinAlias: string;
      readonly table: Table;
      readonly term: Extract<OrderTerm, { kind: 'related' }>;
    };

/** A column a spread lifts into its parent, possibly aggregated there (aggregates hoisted from to-one spreads). */
export interface SpreadField {
  /** Column of the spread's subquery (`*` for all of them). */
  readonly name: string;
  readonly aggregate: AggregateFunction | null;
  readonly aggregateCast: string | null;
  readonly alias: string | null;
}

/** An embedded resource: the relationship used and the child read. */
export interface EmbedPlan {
  /** The target as written (relation, constraint, column or computed relationship name). */
  readonly name: string;
  /** Key in the parent's JSON object (alias or relation name); null for a spread. */
  readonly outputName: string | null;
  readonly relationship: Relationship;
  readonly joinType: 'inner' | 'left';
  readonly toOne: boolean;
  readonly read: ReadPlan;
  /** The alias written in `select` (`alias:rel(...)`), if any. */
  readonly alias: string | null;
  /** The `!hint` written in `select`, if any. */
  readonly hint: string | null;
  readonly spread: boolean;
  /** SQL alias of the lateral subquery joined into the parent (PostgREST's `<parent>_<name>_<depth>`). */
  readonly joinAlias: string;
  /** For a spread: the columns it lifts into the parent, in order; empty otherwise. */
  readonly spreadFields: readonly SpreadField[];
  /** A non-spread embed selecting nothing at any depth (`rel()`): joined for filtering, absent from the output. */
  readonly empty: boolean;
  /** A filter/order/limit found this aliased embed by its relation name (legacy target names: Warning header). */
  readonly legacyTargetMatch: boolean;
}

export type CountMethod = 'exact' | 'planned' | 'estimated';

/** A GET/HEAD of a table or view. */
export interface ReadRequestPlan {
  readonly kind: 'read';
  readonly read: ReadPlan;
  readonly media: MediaType;
  /** The database-defined handler building the body, when negotiation chose one (built-ins follow `media`). */
  readonly handler?: CustomHandler | undefined;
  readonly count: CountMethod | undefined;
  readonly headOnly: boolean;
  readonly maxRows: number | undefined;
  readonly preferences: Preferences;
  /** Whether anything of the user's may run while the rows are read (user-code.ts); the handler is not counted here. */
  readonly runsUserCode: boolean;
}

export type Plan = ReadRequestPlan | MutatePlan | CallPlan;

/** Helper for fields used by filters and order terms. */
export type { Field };
