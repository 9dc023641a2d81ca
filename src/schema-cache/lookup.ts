// Map lookups into a SchemaCache for the planner (tables, routines, relationships, computed fields,
// representations, media handlers) and the PGRST205 error with its fuzzy hint. Never scans the catalog.

import type { ApiError } from '../errors/api-error.js';
import { pgrst205TableNotFound } from '../errors/catalogue-schema-cache.js';
import { type FuzzySet, fuzzyGetOne, fuzzySetFrom } from './fuzzy.js';
import {
  type ComputedField,
  type DataRepresentation,
  type MediaHandlerEntry,
  mediaHandlerKey,
  type RelIdentifier,
  type Relationship,
  type Routine,
  representationKey,
  type SchemaCache,
  type Table,
} from './types.js';

/** PostgREST builds the table-name fuzzy index only for schemas with fewer tables than this. */
export const MAX_TABLES_FOR_FUZZY_SEARCH = 500;
/** Minimum similarity for table and function name hints (PostgREST does not reveal weaker matches). */
export const FUZZY_HINT_MIN_SCORE = 0.75;

/** The relation `schema.name`, if cached. */
export function findTable(cache: SchemaCache, schema: string, name: string): Table | undefined {
  return cache.tables.get(schema)?.get(name);
}

/** Overloads of `schema.name`, fewest parameters first; empty when there is no such function. */
export function findRoutines(cache: SchemaCache, schema: string, name: string): readonly Routine[] {
  return cache.routines.get(schema)?.get(name) ?? [];
}

/**
 * Relationships from `schema.table` whose target lives in `targetSchema` (default: the same schema, which
 * is how PostgREST's findRel looks them up); computed ones count as living in their function's schema.
 */
export function findRelationships(
  cache: SchemaCache,
  schema: string,
  table: string,
  targetSchema: string = schema,
): readonly Relationship[] {
  return cache.relationships.get(schema)?.get(table)?.get(targetSchema) ?? [];
}

/**
 * The computed field `name` of `schema.table`: a function of the request schema first, then of the extra
 * search path in order (the search path a request runs with).
 */
export function findComputedField(
  cache: SchemaCache,
  schema: string,
  table: string,
  name: string,
): ComputedField | undefined {
  const fields = cache.computedFields.get(schema)?.get(table);
  if (fields === undefined) return undefined;
  for (const fnSchema of [schema, ...cache.extraSearchPath]) {
    const hit = fields.find((f) => f.name === name && f.function.schema === fnSchema);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The cast of a domain to/from json or text, if any (`sourceType`/`targetType` as format_type text). */
export function findRepresentation(
  cache: SchemaCache,
  sourceType: string,
  targetType: string,
): DataRepresentation | undefined {
  return cache.representations.get(representationKey(sourceType, targetType));
}

/** The handler of `mediaType` (lower case) for a relation/routine, or for every relation (anyelement). */
export function findMediaHandler(
  cache: SchemaCache,
  target: RelIdentifier,
  mediaType: string,
): MediaHandlerEntry | undefined {
  return cache.mediaHandlers.get(mediaHandlerKey(target, mediaType));
}

/** 404 PGRST205 for an unknown relation, with PostgREST's "Perhaps you meant the table" hint. */
export function tableNotFound(cache: SchemaCache, schema: string, name: string): ApiError {
  return pgrst205TableNotFound(schema, name, suggestTable(cache, schema, name));
}

// Built on first use per snapshot and schema: most snapshots never need one.
const tableIndexes = new WeakMap<SchemaCache, Map<string, FuzzySet | null>>();

/** The closest table name of `schema` (similarity ≥ 0.75), if the schema has fewer than 500 tables. */
export function suggestTable(cache: SchemaCache, schema: string, name: string): string | undefined {
  const perSchema = tableIndexes.get(cache) ?? new Map<string, FuzzySet | null>();
  tableIndexes.set(cache, perSchema);
  let index = perSchema.get(schema);
  if (index === undefined) {
    const names = [...(cache.tables.get(schema)?.keys() ?? [])];
    index = names.length > 0 && names.length < MAX_TABLES_FOR_FUZZY_SEARCH ? fuzzySetFrom(names) : null;
    perSchema.set(schema, index);
  }
  return index === null ? undefined : fuzzyGetOne(index, name, FUZZY_HINT_MIN_SCORE);
}
