// The plan of a write (POST insert/upsert, PUT, PATCH, DELETE on a table or view): what to write, which rows, what
// comes back, and what the response must check. Types only.
import type { MediaType } from '../request/media-type.js';
import type { JsonText } from '../request/payload.js';
import type { Filter, LogicTree } from '../request/query-types.js';
import type { QualifiedIdentifier, Table } from '../schema-cache/types.js';
import type { CustomHandler } from './media.js';
import type { ReadPlan } from './types.js';

/** PostgREST's Mutation: POST, PATCH, DELETE, and PUT (a single-row upsert on the primary key). */
export type MutationKind = 'create' | 'update' | 'delete' | 'single-upsert';

/** A column the body writes: its name, the type its JSON value is read as, and how it becomes the column's value. */
export interface PayloadColumn {
  readonly name: string;
  /** The column's type as `format_type` prints it (typmod included); `json` when a representation parses it. */
  readonly readType: string;
  /** The `json → domain` cast function applied to the value, if the schema cache has one. */
  readonly transform: QualifiedIdentifier | undefined;
  /** The column's default expression as the catalog deparses it, for `Prefer: missing=default`. */
  readonly default: string | null;
}

/** The request body as one JSON bind parameter. */
export interface MutateBody {
  /** The JSON text sent as the single parameter (the body's own bytes when it came as JSON). */
  readonly json: JsonText;
  /** Whether the JSON is (expected to be) an array of rows rather than one object. */
  readonly isArray: boolean;
  /** The payload's key set (or `columns=`), resolved to columns, in code-point order. */
  readonly columns: readonly PayloadColumn[];
  /** `Prefer: missing=default`: keys absent from a row take the column default instead of NULL. */
  readonly applyDefaults: boolean;
  /**
   * An inserted lone object's values, one text parameter per column (in `columns` order), when each is what
   * json_to_record would hand the column's input function (mutate-columns.ts `scalarFields`); else undefined and the
   * body travels as the one JSON parameter.
   */
  readonly fields?: readonly BodyField[] | undefined;
}

/** A body value as text, and the type (no typmod) it is read as when the statement runs. */
export interface BodyField {
  /** The column it is written to. */
  readonly name: string;
  readonly text: string | null;
  /** `format_type` text from the schema cache: the column's domain or enum, else its pg_catalog type. */
  readonly type: string;
}

/** What the mutation's RETURNING clause yields: nothing useful (`1`), every column, or the named columns. */
export type Returning =
  | { readonly kind: 'none' }
  | { readonly kind: 'star' }
  | { readonly kind: 'columns'; readonly names: readonly string[] };

/** `ON CONFLICT (...) DO UPDATE|NOTHING` of an insert. */
export interface OnConflict {
  readonly resolution: 'merge-duplicates' | 'ignore-duplicates';
  readonly columns: readonly string[];
}

/** The conditions selecting the rows an UPDATE/DELETE touches (root filters ANDed with root logic trees). */
export interface MutateWhere {
  readonly filters: readonly Filter[];
  readonly logic: readonly LogicTree[];
}

/** The write statement itself. */
export type Mutation =
  | {
      readonly kind: 'insert';
      readonly body: MutateBody;
      readonly onConflict: OnConflict | undefined;
      /** PUT: the URL's primary-key filters, applied to the body rows so that a mismatching payload inserts nothing. */
      readonly putConditions: readonly Filter[];
    }
  | { readonly kind: 'update'; readonly body: MutateBody; readonly where: MutateWhere }
  | { readonly kind: 'delete'; readonly where: MutateWhere };

/** Checks on the number of returned rows that roll the transaction back and fail the request. */
export interface MutateChecks {
  /** `Accept: application/vnd.pgrst.object+json`: exactly one row (PGRST116). */
  readonly singular: boolean;
  /** PUT: exactly one row, or the payload did not match the URL (PGRST115). */
  readonly put: boolean;
  /** `Prefer: max-affected=N` with `handling=strict` on PATCH/DELETE: at most N rows (PGRST124). */
  readonly maxAffected: number | undefined;
}

/** A write on `table` and how its response is built. */
export interface MutatePlan {
  readonly kind: 'mutate';
  readonly mutation: MutationKind;
  readonly table: Table;
  readonly statement: Mutation;
  readonly returning: Returning;
  /** `Prefer: return=representation`: the returned rows read through `read` (select, embeds, order) into the body. */
  readonly representation: boolean;
  /** The representation's read of the returned rows (root filters and ranges already removed). */
  readonly read: ReadPlan;
  readonly media: MediaType;
  /** The database-defined handler building the representation, when negotiation chose one (built-ins follow `media`). */
  readonly handler?: CustomHandler | undefined;
  /** `Prefer: return=headers-only` on a POST to a relation with a primary key: build `Location`. */
  readonly location: boolean;
  /** Whether 201 vs 200 depends on how many rows were inserted (merge-duplicates upsert, PUT). */
  readonly countInserted: boolean;
  /**
   * The write runs as a statement of its own: its row count is the command's and the response settings are read by a
   * statement after it, instead of by the CTE around it (which costs PostgreSQL more). Only for an INSERT that returns
   * nothing, builds no Location and counts no inserts, into a table where nothing of the user's runs after the rows
   * are written: a CTE reads the settings before AFTER triggers fire, so what those set never reaches the response.
   */
  readonly standalone: boolean;
  /** Any `Prefer: count=`: Content-Range carries the number of affected rows as the total. */
  readonly count: boolean;
  readonly checks: MutateChecks;
  /** How the transaction ends when every check passes. */
  readonly txEnd: 'commit' | 'rollback';
}
