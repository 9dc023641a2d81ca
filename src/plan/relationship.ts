// Finds the relationship an embed names (`target!hint`), as PostgREST's findRel does: by relation, FK constraint, FK
// column or computed-relationship name, with PGRST200 (none, fuzzy hint) and PGRST201 (ambiguous). Map lookups only.
import type { ApiError } from '../errors/api-error.js';
import {
  type AmbiguousRelationship,
  type NoRelSuggestion,
  pgrst200NoRelBetween,
  pgrst201AmbiguousRelBetween,
} from '../errors/catalogue-schema-cache.js';
import { type FuzzySet, fuzzyGet, fuzzyGetOne, fuzzySetFrom } from '../schema-cache/fuzzy.js';
import { findRelationships } from '../schema-cache/lookup.js';
import type { Cardinality, FkRelationship, Relationship, SchemaCache } from '../schema-cache/types.js';

/** Whether an embed through `rel` yields one row (object) rather than many (array). */
export function relIsToOne(rel: Relationship): boolean {
  if (rel.kind === 'computed') return rel.toOne;
  return rel.cardinality.kind === 'M2O' || rel.cardinality.kind === 'O2O';
}

const singleColumn = (card: Cardinality): readonly [string, string] | undefined =>
  card.kind !== 'M2M' && card.columns.length === 1 ? card.columns[0] : undefined;
// the FK column of the origin, and the referenced column, of a single-column relationship
const matchesOriginColumn = (name: string, card: Cardinality): boolean => singleColumn(card)?.[0] === name;
const matchesTargetColumn = (name: string, card: Cardinality): boolean => singleColumn(card)?.[1] === name;
const matchesConstraint = (name: string, card: Cardinality): boolean => card.kind !== 'M2M' && card.constraint === name;
const matchesJunction = (name: string, card: Cardinality): boolean => card.kind === 'M2M' && card.junction.table.name === name;

/** Whether `rel` is one `target!hint` can mean (PostgREST's findRel filter). */
function matches(rel: Relationship, target: string, hint: string | null): boolean {
  if (rel.kind === 'computed') return rel.function.name === target;
  const card = rel.cardinality;
  const foreign = rel.foreignTable.name;
  if (rel.isSelf) {
    // one self-referencing FK gives an O2M (target = table name) and an M2O (target = FK column)
    if (hint === null) return (target === foreign && card.kind === 'O2M') || (matchesOriginColumn(target, card) && card.kind === 'M2O');
    return target === foreign && card.kind === 'O2M' && matchesTargetColumn(hint, card);
  }
  if (hint === null) {
    // constraint and column targets only work when the target is a table (not a view)
    return (
      target === foreign ||
      (matchesConstraint(target, card) && !rel.foreignTableIsView) ||
      (matchesOriginColumn(target, card) && !rel.foreignTableIsView)
    );
  }
  return (
    target === foreign &&
    (matchesConstraint(hint, card) || matchesOriginColumn(hint, card) || matchesTargetColumn(hint, card) || matchesJunction(hint, card))
  );
}

/**
 * The one relationship from `origin` (a relation of `schema`) that `target!hint` names, looking in `schema` only.
 * Throws PGRST200 when none matches and PGRST201 when several do.
 */
export function findRel(cache: SchemaCache, schema: string, origin: string, target: string, hint: string | null): Relationship {
  const found = findRelationships(cache, schema, origin, schema).filter((r) => matches(r, target, hint));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw noRelBetween(cache, schema, origin, target, hint);
  throw pgrst201AmbiguousRelBetween(
    origin,
    target,
    found.filter((r): r is FkRelationship => r.kind === 'fk').map(ambiguous),
  );
}

function ambiguous(rel: FkRelationship): AmbiguousRelationship {
  const table = rel.table.name;
  const foreignTable = rel.foreignTable.name;
  const card = rel.cardinality;
  switch (card.kind) {
    case 'M2M': {
      const j = card.junction;
      return {
        cardinality: 'many-to-many',
        table,
        foreignTable,
        junction: {
          table: j.table.name,
          constraint1: j.constraint1,
          constraint2: j.constraint2,
          sourceColumns: j.sourceColumns.map((c) => c[1]),
          targetColumns: j.targetColumns.map((c) => c[1]),
        },
      };
    }
    case 'M2O':
      return { cardinality: 'many-to-one', table, foreignTable, constraint: card.constraint, columns: card.columns };
    case 'O2M':
      return { cardinality: 'one-to-many', table, foreignTable, constraint: card.constraint, columns: card.columns };
    case 'O2O':
      return { cardinality: 'one-to-one', table, foreignTable, constraint: card.constraint, columns: card.columns };
  }
}

// Fuzzy index of the relations that have relationships into a schema, built on first use per snapshot.
const parentIndexes = new WeakMap<SchemaCache, Map<string, FuzzySet>>();

function parentIndex(cache: SchemaCache, schema: string): FuzzySet {
  const perSchema = parentIndexes.get(cache) ?? new Map<string, FuzzySet>();
  parentIndexes.set(cache, perSchema);
  let index = perSchema.get(schema);
  if (index === undefined) {
    const names: string[] = [];
    for (const byTable of cache.relationships.values()) {
      for (const [table, byTarget] of byTable) if (byTarget.has(schema)) names.push(table);
    }
    index = fuzzySetFrom(names);
    perSchema.set(schema, index);
  }
  return index;
}

/**
 * PGRST200 with PostgREST's hint: when `origin` has relationships into the schema, the closest other target
 * relation; otherwise the closest relation that has some. No suggestion when the target itself exists.
 */
function noRelBetween(cache: SchemaCache, schema: string, origin: string, target: string, hint: string | null): ApiError {
  const rels = cache.relationships.get(schema)?.get(origin)?.get(schema);
  let suggestion: NoRelSuggestion | undefined;
  if (rels !== undefined) {
    const children = fuzzySetFrom(rels.map((r) => r.foreignTable.name));
    const best = fuzzyGet(children, target).find(([score]) => score < 1);
    if (best !== undefined) suggestion = { kind: 'child', name: best[1] };
  } else {
    const parent = fuzzyGetOne(parentIndex(cache, schema), origin);
    if (parent !== undefined) suggestion = { kind: 'parent', name: parent };
  }
  return pgrst200NoRelBetween(origin, target, hint ?? undefined, schema, suggestion);
}
