// The immutable SchemaCache snapshot and its parts (tables, relationships, routines, representations, handlers).
// Plain readonly data with prebuilt lookup maps; no I/O and no behaviour beyond tiny key helpers live here.
// Names follow PostgREST's SchemaCache modules (Table, Column, Relationship, Cardinality, Junction, Routine, ...).

/** A schema-qualified name, e.g. `{schema: 'api', name: 'films'}` (PostgREST's QualifiedIdentifier). */
export interface QualifiedIdentifier {
  readonly schema: string;
  readonly name: string;
}

/** Which kind of relation a Table is (pg_class.relkind r, v, m, f, p). Partitions are never in the cache. */
export type TableKind = 'table' | 'view' | 'materialized-view' | 'foreign-table' | 'partitioned-table';

/** A column of a table or view, in attribute order. */
export interface Column {
  readonly name: string;
  readonly description: string | null;
  readonly nullable: boolean;
  /** PostgREST's colType: `format_type` text, qualified when not in pg_catalog; domains over pg_catalog types give the base type; no typmod for pg_catalog types. */
  readonly type: string;
  /** PostgREST's colNominalType: `format_type(atttypid, atttypmod)`, qualified when not in pg_catalog. */
  readonly nominalType: string;
  readonly maxLength: number | null;
  /** The default expression (deparsed with an empty search_path), the domain default, or `nextval('seq')` for identity BY DEFAULT. */
  readonly default: string | null;
  /** Labels of the (base) enum type, in sort order; empty otherwise. */
  readonly enumValues: readonly string[];
  /** True when the (base) type is an array. */
  readonly isArray: boolean;
  /** For domain columns: the final base type (`format_type`, qualified when not in pg_catalog); null otherwise. */
  readonly baseType: string | null;
  readonly identity: 'always' | 'by-default' | null;
  readonly generated: 'stored' | 'virtual' | null;
}

/** A table, view, materialized view, foreign table or partitioned table of an exposed schema. */
export interface Table {
  readonly kind: TableKind;
  readonly schema: string;
  readonly name: string;
  readonly description: string | null;
  /** PostgREST's tableIsView: true for views and materialized views. */
  readonly isView: boolean;
  readonly insertable: boolean;
  readonly updatable: boolean;
  readonly deletable: boolean;
  /** Primary key columns sorted by name, as PostgREST does; for views inferred from the base table's key. */
  readonly pkCols: readonly string[];
  readonly columns: readonly Column[];
  readonly columnsByName: ReadonlyMap<string, Column>;
  /**
   * False for an ordinary table without rules or AFTER INSERT triggers of its own (foreign-key checks are PostgreSQL's):
   * nothing of the user's runs once an INSERT into it has written its rows, so what the INSERT set is all there is to
   * read after it. True for every other relation.
   */
  readonly userCodeAfterInsert: boolean;
  /**
   * False when nothing of the user's can run while a row is inserted into this relation: an ordinary table without
   * row-level security, rules, INSERT triggers, domain or composite columns, and whose defaults, generated columns,
   * CHECK constraints and index expressions call only PostgreSQL's built-in functions and operators. Nothing can then
   * set the response settings during such an INSERT. True for every other relation.
   */
  readonly userCodeOnInsert: boolean;
  /**
   * False when nothing of the user's can run while a SELECT reads this relation's rows: an ordinary or partitioned
   * table or a materialized view, without row-level security, whose columns are all of built-in types or of enums
   * without casts of their own (or arrays of those). True for every other relation (views, foreign tables).
   */
  readonly userCodeOnRead: boolean;
}

/** `[origin column, target column]` of a relationship, in key order. */
export type ColumnPair = readonly [string, string];

/** The junction table of a many-to-many relationship. */
export interface Junction {
  readonly table: QualifiedIdentifier;
  /** FK of the junction pointing to the relationship's origin table. */
  readonly constraint1: string;
  /** FK of the junction pointing to the relationship's target table. */
  readonly constraint2: string;
  /** `[origin column, junction column]` pairs. */
  readonly sourceColumns: readonly ColumnPair[];
  /** `[target column, junction column]` pairs. */
  readonly targetColumns: readonly ColumnPair[];
}

/** Relationship cardinality; O2O.isParent is true on the side referenced by the FK. */
export type Cardinality =
  | { readonly kind: 'O2M'; readonly constraint: string; readonly columns: readonly ColumnPair[] }
  | { readonly kind: 'M2O'; readonly constraint: string; readonly columns: readonly ColumnPair[] }
  | {
      readonly kind: 'O2O';
      readonly constraint: string;
      readonly columns: readonly ColumnPair[];
      readonly isParent: boolean;
    }
  | { readonly kind: 'M2M'; readonly junction: Junction };

/** A relationship detected from foreign keys (possibly through views). */
export interface FkRelationship {
  readonly kind: 'fk';
  readonly table: QualifiedIdentifier;
  readonly foreignTable: QualifiedIdentifier;
  readonly isSelf: boolean;
  readonly cardinality: Cardinality;
  /** True when the origin side was inferred through a view. */
  readonly tableIsView: boolean;
  /** True when the target side was inferred through a view. */
  readonly foreignTableIsView: boolean;
}

/** A computed relationship: `function(<table row>) RETURNS [SETOF] <foreign table>`. */
export interface ComputedRelationship {
  readonly kind: 'computed';
  readonly function: QualifiedIdentifier;
  readonly table: QualifiedIdentifier;
  readonly foreignTable: QualifiedIdentifier;
  readonly toOne: boolean;
  readonly isSelf: boolean;
}

export type Relationship = FkRelationship | ComputedRelationship;

/** A function parameter (input parameters only, in order). */
export interface RoutineParam {
  /** Empty string for an unnamed parameter. */
  readonly name: string;
  readonly type: string;
  /** `type` with `bit`/`character` widened to `bit varying`/`character varying` (no truncation of arguments). */
  readonly typeMaxLength: string;
  readonly required: boolean;
  readonly variadic: boolean;
}

/** The (domain-resolved) type a routine returns. */
export type PgType =
  | { readonly kind: 'scalar'; readonly type: QualifiedIdentifier }
  | {
      readonly kind: 'composite';
      readonly type: QualifiedIdentifier;
      /** The declared return type is a domain over the composite. */
      readonly isAlias: boolean;
      /** The composite is the row type of a relation in this cache. */
      readonly isTable: boolean;
    };

export type RetType = { readonly kind: 'single' | 'setof'; readonly type: PgType };

export type FuncVolatility = 'volatile' | 'stable' | 'immutable';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** A function of an exposed schema callable through /rpc (PostgREST's Routine). */
export interface Routine {
  readonly kind: 'function';
  readonly schema: string;
  readonly name: string;
  readonly description: string | null;
  readonly params: readonly RoutineParam[];
  readonly returnType: RetType;
  readonly volatility: FuncVolatility;
  readonly hasVariadic: boolean;
  /** From `SET default_transaction_isolation` on the function. */
  readonly isolationLevel: IsolationLevel | null;
  /** Every `SET name = value` of the function (proconfig), in declaration order; filter by db-hoisted-tx-settings when planning. */
  readonly settings: readonly (readonly [string, string])[];
}

/** A function usable as a virtual column of a table: `f(<table row>)` returning a non-relation type. */
export interface ComputedField {
  readonly name: string;
  readonly function: QualifiedIdentifier;
  readonly table: QualifiedIdentifier;
  readonly returnType: string;
  readonly returnsSet: boolean;
  readonly volatility: FuncVolatility;
  readonly description: string | null;
}

/** An implicit cast involving a domain and json/text (domain representations). */
export interface DataRepresentation {
  readonly sourceType: string;
  readonly targetType: string;
  readonly function: QualifiedIdentifier;
}

/** The relation a media handler applies to: a table/view, a routine, or every relation (anyelement). */
export type RelIdentifier =
  | { readonly kind: 'rel'; readonly qi: QualifiedIdentifier }
  | { readonly kind: 'anyelement' };

/** How a media type is produced. */
export type MediaHandler =
  | { readonly kind: 'builtin'; readonly name: 'json' | 'csv' | 'geojson' }
  /** A user aggregate over the target relation's row type, returning the media-type domain. */
  | { readonly kind: 'aggregate'; readonly function: QualifiedIdentifier }
  /** A function (the target) returning the media-type domain: its value is the raw body. */
  | { readonly kind: 'function'; readonly domain: QualifiedIdentifier };

/** One entry of the media handler map, keyed by (target, media type). */
export interface MediaHandlerEntry {
  readonly target: RelIdentifier;
  /** Lower-cased media type the handler answers (the wildcard type included). */
  readonly mediaType: string;
  readonly handler: MediaHandler;
  /** The Content-Type to answer with (the wildcard type resolves to application/octet-stream). */
  readonly resolvedMediaType: string;
}

/** PostgreSQL server version. */
export interface PgVersion {
  /** `server_version_num`, e.g. 180004. */
  readonly num: number;
  /** `server_version`, e.g. "18.4". */
  readonly version: string;
  /** `version()`, the full string. */
  readonly full: string;
}

/** The `ALTER ROLE r SET k = v` settings a request impersonating `r` re-applies (only those a request may set). */
export interface RoleSettings {
  /** `[name, value]` in the order of the role's configuration, default_transaction_isolation excluded. */
  readonly settings: readonly (readonly [string, string])[];
  /** The role's default_transaction_isolation, used for BEGIN; null when the role does not set it. */
  readonly isolationLevel: IsolationLevel | null;
}

/** Wall time of each catalog query of a load, in milliseconds (for the debug log and metrics). */
export interface QueryTiming {
  readonly query: string;
  readonly ms: number;
}

export interface LoadTimings {
  readonly queries: readonly QueryTiming[];
  /** Time spent in the database (sum of the queries). */
  readonly queriedMs: number;
  /** Time spent building the snapshot in Node. */
  readonly buildMs: number;
  readonly totalMs: number;
}

/** schema → name → value. */
export type BySchema<T> = ReadonlyMap<string, ReadonlyMap<string, T>>;

/** The immutable schema cache snapshot. Use the functions of lookup.ts rather than reading maps directly. */
export interface SchemaCache {
  readonly schemas: readonly string[];
  readonly extraSearchPath: readonly string[];
  readonly pgVersion: PgVersion;
  /** schema → relation name → Table, for the exposed schemas (partitions hidden). */
  readonly tables: BySchema<Table>;
  /** schema → table → schema of the target (foreign table, or function for computed ones) → sorted relationships. */
  readonly relationships: ReadonlyMap<string, BySchema<readonly Relationship[]>>;
  /** schema → function name → overloads, fewest parameters first. */
  readonly routines: BySchema<readonly Routine[]>;
  /** table schema → table name → computed fields (functions of exposed and extra-search-path schemas). */
  readonly computedFields: BySchema<readonly ComputedField[]>;
  /** `representationKey(source, target)` → cast. */
  readonly representations: ReadonlyMap<string, DataRepresentation>;
  /** `mediaHandlerKey(target, mediaType)` → handler; includes the built-in json/csv/geojson handlers. */
  readonly mediaHandlers: ReadonlyMap<string, MediaHandlerEntry>;
  readonly timezones: ReadonlySet<string>;
  /** role → its settings, for the roles the authenticator is a member of; absent when not loaded (db-config off). */
  readonly roleSettings?: ReadonlyMap<string, RoleSettings> | undefined;
  /**
   * The authenticator session's default isolation level (ALTER DATABASE/ROLE or postgresql.conf); absent when not
   * known, which counts as PostgreSQL's own default, read committed.
   */
  readonly defaultIsolation?: IsolationLevel | undefined;
  /**
   * The authenticator session starts with `response.headers` or `response.status` set (ALTER DATABASE/ROLE ... SET, or
   * postgresql.conf): every response then carries them, as PostgREST reads them in every transaction.
   */
  readonly responseSettingsPreset?: boolean | undefined;
  readonly timings: LoadTimings;
}

/** Key of the representations map. */
export function representationKey(sourceType: string, targetType: string): string {
  return `${sourceType}\u0000${targetType}`;
}

/** Key of the media handlers map; names cannot contain NUL, so keys are unambiguous. */
export function mediaHandlerKey(target: RelIdentifier, mediaType: string): string {
  const t = target.kind === 'anyelement' ? '\u0001anyelement' : `${target.qi.schema}\u0000${target.qi.name}`;
  return `${t}\u0000${mediaType}`;
}
