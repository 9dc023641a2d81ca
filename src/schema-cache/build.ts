// Assembles the immutable SchemaCache from decoded catalog rows: view primary keys, relationships,
// routine/computed-field/representation/handler maps. Pure: no I/O, no SQL.

import { getOrCreate, pushAt } from './maps.js';
import type { LoadedComputed } from './queries/computed.js';
import type { LoadedConstraint } from './queries/constraints.js';
import type { ServerFacts } from './queries/server.js';
import type { LoadedTable } from './queries/tables.js';
import type { LoadedView } from './queries/views.js';
import { compareCodePoints } from '../text/compare.js';
import {
  finalizeRelationships,
  foreignKeyRelationships,
  inverseRelationships,
  manyToManyRelationships,
  viewRelationships,
} from './relationships.js';
import {
  type ComputedField,
  type DataRepresentation,
  type LoadTimings,
  type MediaHandlerEntry,
  mediaHandlerKey,
  type QualifiedIdentifier,
  type RoleSettings,
  type Routine,
  representationKey,
  type SchemaCache,
  type Table,
} from './types.js';
import { type ViewKeyDependency, viewKeyDependencies } from './view-keys.js';

/** Everything the catalog queries returned. */
export interface CatalogRows {
  readonly tables: readonly LoadedTable[];
  readonly constraints: readonly LoadedConstraint[];
  readonly views: readonly LoadedView[];
  readonly routines: readonly Routine[];
  readonly computed: LoadedComputed;
  readonly representations: readonly DataRepresentation[];
  readonly mediaHandlers: readonly MediaHandlerEntry[];
  readonly server: ServerFacts;
  /** Absent when role settings were not read. */
  readonly roleSettings?: ReadonlyMap<string, RoleSettings> | undefined;
}

export interface BuildOptions {
  readonly schemas: readonly string[];
  readonly extraSearchPath: readonly string[];
}

/** The handlers PostgREST always has; custom handlers for the same (target, media type) replace them. */
const BUILTIN_HANDLERS: readonly MediaHandlerEntry[] = [
  builtin('*/*', 'json', 'application/json'),
  builtin('application/json', 'json', 'application/json'),
  builtin('text/csv', 'csv', 'text/csv'),
  builtin('application/geo+json', 'geojson', 'application/geo+json'),
];

function builtin(mediaType: string, name: 'json' | 'csv' | 'geojson', resolved: string): MediaHandlerEntry {
  return { target: { kind: 'anyelement' }, mediaType, handler: { kind: 'builtin', name }, resolvedMediaType: resolved };
}

/** Builds the snapshot; `timings` is stored as given. */
export function buildSchemaCache(rows: CatalogRows, opts: BuildOptions, timings: LoadTimings): SchemaCache {
  const keyDeps = viewKeyDependencies(rows.views, rows.constraints, opts.schemas);
  const tables = buildTables(rows.tables, keyDeps);
  const findTable = (qi: QualifiedIdentifier): Table | undefined => tables.get(qi.schema)?.get(qi.name);

  const base = foreignKeyRelationships(rows.constraints);
  const withViews = [...base.map((b) => b.rel), ...viewRelationships(base, keyDeps)];
  const m2m = manyToManyRelationships(withViews, (qi) => findTable(qi)?.pkCols);
  const detected = [...withViews, ...m2m, ...inverseRelationships(withViews)];
  const relationships = finalizeRelationships(detected, rows.computed.relationships, findTable, opts.schemas);

  return {
    schemas: opts.schemas,
    extraSearchPath: opts.extraSearchPath,
    pgVersion: rows.server.pgVersion,
    tables,
    relationships,
    routines: buildRoutines(rows.routines),
    computedFields: buildComputedFields(rows.computed.fields, findTable),
    representations: new Map(rows.representations.map((r) => [representationKey(r.sourceType, r.targetType), r])),
    mediaHandlers: new Map(
      [...BUILTIN_HANDLERS, ...rows.mediaHandlers].map((h) => [mediaHandlerKey(h.target, h.mediaType), h]),
    ),
    timezones: new Set(rows.server.timezones),
    roleSettings: rows.roleSettings,
    defaultIsolation: rows.server.defaultIsolation,
    responseSettingsPreset: rows.server.responseSettingsPreset,
    timings,
  };
}

/** schema → name → Table, with view primary keys inferred from the base tables' keys. */
function buildTables(loaded: readonly LoadedTable[], deps: readonly ViewKeyDependency[]): Map<string, Map<string, Table>> {
  const viewPks = new Map<string, string[]>();
  for (const d of deps) {
    if (d.type !== 'pk') continue;
    const key = `${d.view.schema}\u0000${d.view.name}`;
    const cols = viewPks.get(key) ?? [];
    // a key column shown several times: any one of the view columns identifies the row; take the first
    for (const [, viewCols] of d.columns) if (viewCols[0] !== undefined) cols.push(viewCols[0]);
    viewPks.set(key, cols);
  }
  const out = new Map<string, Map<string, Table>>();
  for (const t of loaded) {
    const { oid: _oid, ...table } = t;
    const pkCols = table.isView ? (viewPks.get(`${table.schema}\u0000${table.name}`) ?? []) : table.pkCols;
    getOrCreate(out, table.schema, () => new Map<string, Table>()).set(table.name, { ...table, pkCols });
  }
  return out;
}

/** schema → name → overloads, fewest parameters first (then by signature, for a stable order). */
function buildRoutines(routines: readonly Routine[]): Map<string, Map<string, Routine[]>> {
  const out = new Map<string, Map<string, Routine[]>>();
  for (const r of routines) {
    pushAt(getOrCreate(out, r.schema, () => new Map<string, Routine[]>()), r.name, r);
  }
  for (const bySchema of out.values()) {
    for (const list of bySchema.values()) {
      list.sort((a, b) => a.params.length - b.params.length || compareCodePoints(signature(a), signature(b)));
    }
  }
  return out;
}

/** `name type, name type` of a routine's parameters. */
export function signature(r: Routine): string {
  return r.params.map((p) => `${p.name} ${p.type}`).join(', ');
}

/** table schema → table name → computed fields of that table (only tables of the cache). */
function buildComputedFields(
  fields: readonly ComputedField[],
  findTable: (qi: QualifiedIdentifier) => Table | undefined,
): Map<string, Map<string, ComputedField[]>> {
  const out = new Map<string, Map<string, ComputedField[]>>();
  for (const f of fields) {
    if (findTable(f.table) === undefined) continue;
    pushAt(getOrCreate(out, f.table.schema, () => new Map<string, ComputedField[]>()), f.table.name, f);
  }
  return out;
}
