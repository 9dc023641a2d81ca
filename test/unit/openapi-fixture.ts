// A small hand-built SchemaCache for the OpenAPI document tests, plus structural checks shared by them
// ($ref resolution, parameter uniqueness). Test-only: no database, no document logic of its own.
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue, OpenApiInput } from '../../src/openapi/input.js';
import type {
  Column,
  FkRelationship,
  Relationship,
  Routine,
  RoutineParam,
  SchemaCache,
  Table,
} from '../../src/schema-cache/types.js';

export const SCHEMA = 'api';

export function col(name: string, type: string, extra: Partial<Column> = {}): Column {
  return {
    name,
    description: null,
    nullable: true,
    type,
    nominalType: type,
    maxLength: null,
    default: null,
    enumValues: [],
    isArray: type.endsWith('[]'),
    baseType: null,
    identity: null,
    generated: null,
    ...extra,
  };
}

export function table(name: string, columns: readonly Column[], extra: Partial<Table> = {}): Table {
  return {
    kind: 'table',
    schema: SCHEMA,
    name,
    description: null,
    isView: false,
    insertable: true,
    updatable: true,
    deletable: true,
    pkCols: [],
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    userCodeAfterInsert: false,
    userCodeOnInsert: false, userCodeOnRead: false,
    ...extra,
  };
}

export function param(name: string, type: string, extra: Partial<RoutineParam> = {}): RoutineParam {
  return { name, type, typeMaxLength: type, required: true, variadic: false, ...extra };
}

export function routine(name: string, params: readonly RoutineParam[], extra: Partial<Routine> = {}): Routine {
  return {
    kind: 'function',
    schema: SCHEMA,
    name,
    description: null,
    params,
    returnType: { kind: 'single', type: { kind: 'scalar', type: { schema: 'pg_catalog', name: 'text' } } },
    volatility: 'volatile',
    hasVariadic: params.some((p) => p.variadic),
    isolationLevel: null,
    settings: [],
    ...extra,
  };
}

const qi = (name: string) => ({ schema: SCHEMA, name });

function m2o(from: string, to: string, pairs: readonly (readonly [string, string])[], toView = false): FkRelationship {
  return {
    kind: 'fk',
    table: qi(from),
    foreignTable: qi(to),
    isSelf: from === to,
    cardinality: { kind: 'M2O', constraint: `${from}_fk`, columns: pairs },
    tableIsView: false,
    foreignTableIsView: toView,
  };
}

export const entities = table('entities', [col('id', 'integer', { nullable: false }), col('name', 'text')], {
  pkCols: ['id'],
});

export const childEntities = table(
  'child_entities',
  [
    col('id', 'integer', { nullable: false, description: 'child_entities id comment' }),
    col('name', 'text', { description: 'child_entities name comment' }),
    col('parent_id', 'integer'),
  ],
  { pkCols: ['id'], description: 'child_entities comment' },
);

export const items = table(
  'items',
  [
    col('id', 'bigint', { nullable: false, default: "nextval('api.items_id_seq'::regclass)", identity: 'by-default' }),
    col('title', 'character varying', { nullable: false, maxLength: 100, description: 'The title' }),
    col('status', 'api.item_status', { nullable: false, default: "'draft'::api.item_status", enumValues: ['draft', 'published'] }),
    col('tags', 'text[]'),
    col('scores', 'bigint[]', { default: "'{}'::bigint[]" }),
    col('data', 'jsonb', { default: "'{}'::jsonb" }),
    col('extra', 'json[]'),
    col('price', 'numeric', { default: '42.2' }),
    col('active', 'boolean', { nullable: false, default: 'false' }),
    col('quantity', 'smallint', { default: '7' }),
    col('created', 'date', { default: "'1900-01-01'::date" }),
    col('stamp', 'timestamp with time zone', { default: 'now()' }),
    col('code', 'character', { maxLength: 1, default: "'x'::bpchar" }),
    col('weight', 'double precision'),
    col('total', 'integer', { generated: 'stored' }),
    col('child_id', 'integer', { description: 'Links a child' }),
  ],
  { pkCols: ['id'], description: 'Items' },
);

export const itemsView = table('items_view', [col('id', 'bigint'), col('title', 'character varying')], {
  kind: 'view',
  isView: true,
  insertable: false,
  updatable: false,
  deletable: false,
  description: 'Items view summary\n\n\nItems view description\nover two lines',
});

/** Only deletable: PostgREST still lists POST and PATCH for it. */
export const logs = table('logs', [col('line', 'text')], { insertable: false, updatable: false, deletable: true });

const relationships: Relationship[] = [
  // A view over entities is listed first; the FK note must still name the table.
  m2o('child_entities', 'entities_view', [['parent_id', 'id']], true),
  m2o('child_entities', 'entities', [['parent_id', 'id']]),
  {
    kind: 'fk',
    table: qi('entities'),
    foreignTable: qi('child_entities'),
    isSelf: false,
    cardinality: { kind: 'O2M', constraint: 'child_entities_fk', columns: [['id', 'parent_id']] },
    tableIsView: false,
    foreignTableIsView: false,
  },
  {
    kind: 'fk',
    table: qi('items'),
    foreignTable: qi('child_entities'),
    isSelf: false,
    cardinality: { kind: 'O2O', constraint: 'items_child_fk', columns: [['child_id', 'id']], isParent: false },
    tableIsView: false,
    foreignTableIsView: false,
  },
  {
    kind: 'fk',
    table: qi('child_entities'),
    foreignTable: qi('items'),
    isSelf: false,
    cardinality: { kind: 'O2O', constraint: 'items_child_fk', columns: [['id', 'child_id']], isParent: true },
    tableIsView: false,
    foreignTableIsView: false,
  },
];

export const routines: readonly Routine[] = [
  routine('reset_items', [], {
    returnType: { kind: 'single', type: { kind: 'scalar', type: { schema: 'pg_catalog', name: 'void' } } },
  }),
  routine('search_items', [param('q', 'text'), param('lim', 'integer', { required: false })], {
    volatility: 'stable',
    description: 'Search items\n\nFull text search',
    returnType: { kind: 'setof', type: { kind: 'composite', type: qi('items'), isAlias: false, isTable: true } },
  }),
  routine('echo_json', [param('', 'json')], {
    volatility: 'immutable',
    returnType: { kind: 'single', type: { kind: 'scalar', type: { schema: 'pg_catalog', name: 'json' } } },
  }),
  routine('tagged', [param('v', 'text[]', { variadic: true, required: false })], {
    volatility: 'stable',
    returnType: { kind: 'setof', type: { kind: 'scalar', type: { schema: 'pg_catalog', name: 'int4' } } },
  }),
  routine('add', [param('a', 'integer')], { volatility: 'immutable' }),
  routine('add', [param('a', 'integer'), param('b', 'integer', { required: false })], { volatility: 'immutable' }),
];

export const tables: readonly Table[] = [entities, childEntities, items, itemsView, logs];

/** A SchemaCache holding `tableList`, the fixture's relationships and `routineList`. */
export function cacheOf(tableList: readonly Table[], routineList: readonly Routine[] = []): SchemaCache {
  const rels = new Map<string, Map<string, Relationship[]>>();
  for (const r of relationships) {
    const byTarget = rels.get(r.table.name) ?? new Map<string, Relationship[]>();
    byTarget.set(SCHEMA, [...(byTarget.get(SCHEMA) ?? []), r]);
    rels.set(r.table.name, byTarget);
  }
  const byName = new Map<string, Routine[]>();
  for (const r of routineList) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return {
    schemas: [SCHEMA],
    extraSearchPath: [],
    pgVersion: { num: 180004, version: '18.4', full: 'PostgreSQL 18.4' },
    tables: new Map([[SCHEMA, new Map(tableList.map((t) => [t.name, t]))]]),
    relationships: new Map([[SCHEMA, rels]]),
    routines: new Map([[SCHEMA, byName]]),
    computedFields: new Map(),
    representations: new Map(),
    mediaHandlers: new Map(),
    timezones: new Set(),
    timings: { queries: [], queriedMs: 0, buildMs: 0, totalMs: 0 },
  };
}

/** The fixture as a document input; `over` replaces any field. */
export function fixtureInput(over: Partial<OpenApiInput> = {}): OpenApiInput {
  return {
    cache: cacheOf(tables, routines),
    schema: SCHEMA,
    tables,
    routines,
    config: { serverHost: 'localhost', serverPort: 3000, securityActive: false },
    version: '16.2',
    ...over,
  };
}

/** Reads `obj.a.b.c` for tests, failing when a step is missing. */
export function at(doc: JsonValue, ...keys: readonly (string | number)[]): JsonValue {
  let cur: JsonValue = doc;
  for (const k of keys) {
    assert.ok(cur !== null && typeof cur === 'object', `no object at ${keys.join('.')} (${String(k)})`);
    assert.ok(Object.hasOwn(cur, k), `missing ${String(k)} in ${keys.join('.')}`);
    cur = (cur as Record<string | number, JsonValue>)[k] as JsonValue;
  }
  return cur;
}

/** True when `obj.a.b.c` exists. */
export function has(doc: JsonValue, ...keys: readonly string[]): boolean {
  let cur: JsonValue = doc;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return false;
    cur = (cur as Record<string, JsonValue>)[k] as JsonValue;
  }
  return true;
}

/** Every `$ref` value in the document, with where it was found. */
export function collectRefs(doc: JsonValue, path = '#'): [string, string][] {
  if (doc === null || typeof doc !== 'object') return [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (k === '$ref' && typeof v === 'string') out.push([path, v]);
    else out.push(...collectRefs(v as JsonValue, `${path}/${k}`));
  }
  return out;
}

/** Asserts that every local `$ref` (a JSON Pointer) resolves inside `doc`, and that there is at least one. */
export function assertRefsResolve(doc: JsonObject): number {
  const refs = collectRefs(doc);
  assert.ok(refs.length > 0, 'the document has no $ref');
  for (const [where, ref] of refs) {
    assert.ok(ref.startsWith('#/'), `non-local $ref ${ref} at ${where}`);
    const tokens = ref
      .slice(2)
      .split('/')
      .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    let cur: JsonValue = doc;
    for (const t of tokens) {
      const ok = cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, t);
      assert.ok(ok, `$ref ${ref} at ${where} does not resolve (at ${t})`);
      cur = (cur as Record<string, JsonValue>)[t] as JsonValue;
    }
  }
  return refs.length;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** [path, method, operation] for every operation of the document. */
export function operations(doc: JsonObject): [string, string, JsonObject][] {
  const out: [string, string, JsonObject][] = [];
  for (const [path, item] of Object.entries(at(doc, 'paths') as JsonObject)) {
    for (const [method, op] of Object.entries(item as JsonObject)) out.push([path, method, op as JsonObject]);
  }
  return out;
}
