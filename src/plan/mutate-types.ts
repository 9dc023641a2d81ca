// The plan of a write (POST insert/upsert, PUT, PATCH, DELETE on a table or view). Types only.
import type { Table } from '../schema-cache/types.js';

/** A mutation of `table`. TODO(issue 5): the full shape (payload, columns, on_conflict, returning, representation). */
export interface MutatePlan {
  readonly kind: 'mutate';
  readonly table: Table;
}
