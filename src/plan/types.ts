// The plans the SQL stage compiles: plain data resolved against the schema cache (tables found, names checked where
// PostgREST checks them). Types only.
import type { Preferences } from '../request/preferences.js';
import type { MediaType } from '../request/media-type.js';
import type { Field, Filter, LogicTree, OrderTerm, SelectField } from '../request/query-types.js';
import type { NonnegRange } from '../request/range.js';
import type { Relationship, Table } from '../schema-cache/types.js';
import type { CallPlan } from './call-types.js';
import type { MutatePlan } from './mutate-types.js';

/** A relation read: what to select, which rows, in which order, which window; embeds as children. */
export interface ReadPlan {
  readonly table: Table;
  /** SQL alias of this relation in the statement. */
  readonly alias: string;
  readonly select: readonly PlannedSelect[];
  readonly filters: readonly Filter[];
  readonly logic: readonly LogicTree[];
  readonly order: readonly OrderTerm[];
  readonly range: NonnegRange;
  readonly embeds: readonly EmbedPlan[];
  /** Computed fields usable on this relation, by name (resolved in search-path order). */
  readonly computed: ReadonlyMap<string, ComputedRef>;
}

/** One output column of a read. */
export type PlannedSelect =
  | { readonly kind: 'star' }
  | { readonly kind: 'field'; readonly item: SelectField; readonly computed: ComputedRef | undefined };

/** A computed field call `schema.fn(row)`. */
export interface ComputedRef {
  readonly schema: string;
  readonly name: string;
  readonly returnType: string;
}

/** An embedded resource: the relationship used and the child read. */
export interface EmbedPlan {
  readonly name: string;
  /** Key in the parent's JSON object (alias or relation name); null for a spread. */
  readonly outputName: string | null;
  readonly relationship: Relationship;
  readonly joinType: 'inner' | 'left';
  readonly toOne: boolean;
  readonly read: ReadPlan;
}

export type CountMethod = 'exact' | 'planned' | 'estimated';

/** A GET/HEAD of a table or view. */
export interface ReadRequestPlan {
  readonly kind: 'read';
  readonly read: ReadPlan;
  readonly media: MediaType;
  readonly count: CountMethod | undefined;
  readonly headOnly: boolean;
  readonly maxRows: number | undefined;
  readonly preferences: Preferences;
}

export type Plan = ReadRequestPlan | MutatePlan | CallPlan;

/** Helper for fields used by filters and order terms. */
export type { Field };
