// JSON form of a SchemaCache for `--dump-schema` and the admin `/schema_cache` endpoint, plus the one-line
// summary PostgREST logs after a load. Presentation only: it never queries or mutates the cache.
//
// Shape (every list deterministically ordered):
//   dbTables:          [{schema, name, kind, description, isView, insertable, updatable, deletable, pkCols,
//                        columns: [Column…] (attribute order), computedFields: [ComputedField…]}]
//                      by schema, name
//   dbRelationships:   [Relationship…] (kind "fk" with cardinality {kind: M2O|O2M|O2O|M2M, …}, or "computed")
//                      by table schema, table name, target schema, then PostgREST's relationship order
//   dbRoutines:        [Routine…] by schema, name, then overload order (fewest parameters first)
//   dbRepresentations: [{sourceType, targetType, function}] by source type, target type
//   dbMediaHandlers:   [{target: {kind: "rel", qi} | {kind: "anyelement"}, mediaType, handler, resolvedMediaType}]
//                      anyelement first, then by target schema, name, media type
//   dbTimezones:       [name…] sorted

import { compareCodePoints } from '../text/compare.js';
import type { MediaHandlerEntry, SchemaCache } from './types.js';

/** A JSON-serialisable view of the cache. */
export function schemaCacheToJson(cache: SchemaCache): Record<string, unknown> {
  const dbTables: unknown[] = [];
  for (const schema of sortedKeys(cache.tables)) {
    const bySchema = cache.tables.get(schema);
    for (const name of sortedKeys(bySchema)) {
      const t = bySchema?.get(name);
      if (t === undefined) continue;
      const { columnsByName: _byName, userCodeAfterInsert: _after, userCodeOnInsert: _on, userCodeOnRead: _read, ...plain } = t;
      const computedFields = [...(cache.computedFields.get(schema)?.get(name) ?? [])].sort(
        (a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.function.schema, b.function.schema),
      );
      dbTables.push({ ...plain, computedFields });
    }
  }

  const dbRelationships: unknown[] = [];
  for (const schema of sortedKeys(cache.relationships)) {
    const bySchema = cache.relationships.get(schema);
    for (const table of sortedKeys(bySchema)) {
      const byTarget = bySchema?.get(table);
      for (const target of sortedKeys(byTarget)) dbRelationships.push(...(byTarget?.get(target) ?? []));
    }
  }

  const dbRoutines: unknown[] = [];
  for (const schema of sortedKeys(cache.routines)) {
    const bySchema = cache.routines.get(schema);
    for (const name of sortedKeys(bySchema)) dbRoutines.push(...(bySchema?.get(name) ?? []));
  }

  const dbRepresentations = [...cache.representations.values()].sort(
    (a, b) => compareCodePoints(a.sourceType, b.sourceType) || compareCodePoints(a.targetType, b.targetType),
  );
  const dbMediaHandlers = [...cache.mediaHandlers.values()].sort(compareHandlers);
  const dbTimezones = [...cache.timezones].sort(compareCodePoints);

  return { dbTables, dbRelationships, dbRoutines, dbRepresentations, dbMediaHandlers, dbTimezones };
}

/** "N Relations, N Relationships, N RPCs, N Domain Representations, N Media Type Handlers", counted as PostgREST does. */
export function schemaCacheSummary(cache: SchemaCache): string {
  let relations = 0;
  for (const m of cache.tables.values()) relations += m.size;
  // PostgREST counts keys of its relationship map: (table, target schema) pairs
  let relationshipKeys = 0;
  for (const bySchema of cache.relationships.values()) for (const byTarget of bySchema.values()) relationshipKeys += byTarget.size;
  let rpcs = 0;
  for (const m of cache.routines.values()) rpcs += m.size;
  return [
    `${relations} Relations`,
    `${relationshipKeys} Relationships`,
    `${rpcs} RPCs`,
    `${cache.representations.size} Domain Representations`,
    `${cache.mediaHandlers.size} Media Type Handlers`,
  ].join(', ');
}

function sortedKeys(map: ReadonlyMap<string, unknown> | undefined): string[] {
  return map === undefined ? [] : [...map.keys()].sort(compareCodePoints);
}

function compareHandlers(a: MediaHandlerEntry, b: MediaHandlerEntry): number {
  if (a.target.kind !== b.target.kind) return a.target.kind === 'anyelement' ? -1 : 1;
  if (a.target.kind === 'rel' && b.target.kind === 'rel') {
    const c = compareCodePoints(a.target.qi.schema, b.target.qi.schema) || compareCodePoints(a.target.qi.name, b.target.qi.name);
    if (c !== 0) return c;
  }
  return compareCodePoints(a.mediaType, b.mediaType);
}
