// Our extension: the same API as PostgREST's Swagger document, described as OpenAPI 3.1.0 with JSON Schema 2020-12
// types, shaped so code generators (openapi-typescript) derive accurate client types. Pure, like swagger2.ts.

import type { Routine, Table } from '../schema-cache/types.js';
import {
  compact,
  externalDocs,
  infoTexts,
  type JsonObject,
  type JsonValue,
  MIME_CSV,
  MIME_JSON,
  MIME_OBJECT,
  MIME_OPENAPI,
  nonEmpty,
  type OpenApiInput,
  operationTexts,
  routinesByName,
  serverLocation,
} from './input.js';
import {
  ANY_OBJECT,
  argsSchema,
  componentNamer,
  insertSchema,
  queryParameter,
  rawBodyContent,
  rawBodyParam,
  returnsVoid,
  returnValueSchema,
  rowSchema,
  schemaRef,
  updateSchema,
} from './openapi31-schemas.js';

const SECURITY_NAME = 'bearerAuth';
/** Query parameters PostgREST reads itself; a column of the same name cannot be filtered through the query string. */
const RESERVED_QUERY = new Set(['select', 'columns', 'order', 'limit', 'offset', 'on_conflict', 'and', 'or']);

const parameterRef = (name: string): JsonObject => ({ $ref: `#/components/parameters/${name}` });
const csvContent: JsonObject = { [MIME_CSV]: { schema: { type: 'string' } } };

/** Component names of one table. */
interface TableNames {
  readonly row: string;
  readonly insert: string;
  readonly update: string;
  /** column → rowFilter parameter; reserved query names are left out. */
  readonly rowFilters: ReadonlyMap<string, string>;
}

/** The OpenAPI 3.1.0 description of `input.schema`. */
export function openapi31Document(input: OpenApiInput): JsonObject {
  const { title, description } = infoTexts(input.description);
  const names = tableNames(input.tables);
  const rowNames = new Map(input.tables.map((t) => [t.name, names.get(t)?.row ?? t.name]));
  const schemas: [string, JsonValue][] = [];
  for (const t of input.tables) {
    const n = names.get(t);
    if (n === undefined) continue;
    schemas.push([n.row, rowSchema(input, t)]);
    if (t.insertable) schemas.push([n.insert, insertSchema(input, t)]);
    if (t.updatable) schemas.push([n.update, updateSchema(input, t)]);
  }
  const paths: [string, JsonValue][] = [['/', rootPathItem()]];
  for (const t of input.tables) {
    const n = names.get(t);
    if (n !== undefined) paths.push([`/${t.name}`, tablePathItem(t, n)]);
  }
  for (const r of routinesByName(input.routines)) {
    paths.push([`/rpc/${r.name}`, routinePathItem(r, returnValueSchema(r, rowNames, input.schema))]);
  }
  return compact([
    ['openapi', '3.1.0'],
    ['info', { title, description, version: input.version }],
    ['externalDocs', externalDocs(input)],
    ['servers', [{ url: serverUrl(input) }]],
    ['security', input.config.securityActive ? [{ [SECURITY_NAME]: [] }] : undefined],
    ['paths', Object.fromEntries(paths)],
    [
      'components',
      {
        schemas: Object.fromEntries(schemas),
        parameters: Object.fromEntries(parameters(input.tables, names)),
        securitySchemes: {
          [SECURITY_NAME]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A JWT whose role claim selects the database role; without it requests run as the anonymous role',
          },
        },
      },
    ],
  ]);
}

/** The server URL: proxy URI (or server host and port), without a trailing slash so paths append cleanly. */
export function serverUrl(input: OpenApiInput): string {
  const loc = serverLocation(input.config);
  const host = loc.host.includes(':') && !loc.host.startsWith('[') ? `[${loc.host}]` : loc.host;
  return `${loc.scheme}://${host}:${loc.port}${loc.basePath.replace(/\/+$/, '')}`;
}

function tableNames(tables: readonly Table[]): Map<Table, TableNames> {
  const schemaName = componentNamer();
  const paramName = componentNamer(STATIC_PARAMETERS.map(([name]) => name));
  const names = new Map<Table, TableNames>();
  // Row schemas first, so plain table names keep their own name whenever possible.
  for (const t of tables) schemaName(t.name);
  for (const t of tables) {
    const rowFilters = new Map<string, string>();
    for (const c of t.columns) {
      if (!RESERVED_QUERY.has(c.name)) rowFilters.set(c.name, paramName(`rowFilter.${t.name}.${c.name}`));
    }
    names.set(t, {
      row: schemaName(t.name),
      insert: schemaName(`${t.name}.insert`),
      update: schemaName(`${t.name}.update`),
      rowFilters,
    });
  }
  return names;
}

function rootPathItem(): JsonObject {
  const document = { schema: ANY_OBJECT };
  return {
    get: {
      tags: ['Introspection'],
      summary: 'OpenAPI description (this document)',
      responses: { 200: { description: 'OK', content: { [MIME_OPENAPI]: document, [MIME_JSON]: document } } },
    },
  };
}

// --- tables -------------------------------------------------------------------------------------------------

/** Rows as answered: a JSON array, a single object (vnd.pgrst.object+json) or CSV. */
function rowsContent(row: string): JsonObject {
  return {
    [MIME_JSON]: { schema: { type: 'array', items: schemaRef(row) } },
    [MIME_OBJECT]: { schema: schemaRef(row) },
    ...csvContent,
  };
}

function writeBody(schema: string, many: boolean): JsonObject {
  const one = schemaRef(schema);
  const json = many ? { oneOf: [one, { type: 'array', items: one }] } : one;
  return { required: true, content: { [MIME_JSON]: { schema: json }, ...csvContent } };
}

/** GET always; POST/PATCH/DELETE as the relation allows them; PUT when it is insertable, updatable and keyed. */
function tablePathItem(t: Table, n: TableNames): JsonObject {
  const filters = [...n.rowFilters.values()].map(parameterRef);
  const refs = (list: readonly string[]): JsonObject[] => list.map(parameterRef);
  const rows = rowsContent(n.row);
  const changed: JsonObject = {
    200: { description: 'OK', content: rows },
    204: { description: 'No Content' },
  };
  const operation = (parameters: readonly JsonObject[], rest: readonly [string, JsonValue][]): JsonObject =>
    compact([['tags', [t.name]], ...Object.entries(operationTexts(t.description)), ['parameters', parameters], ...rest]);
  const get = operation(
    [...filters, ...refs(['select', 'order', 'range', 'rangeUnit', 'offset', 'limit', 'preferCount'])],
    [['responses', { 200: { description: 'OK', content: rows }, 206: { description: 'Partial Content', content: rows } }]],
  );
  return compact([
    ['get', get],
    [
      'post',
      t.insertable
        ? operation(refs(['select', 'columns', 'on_conflict', 'preferPost']), [
            ['requestBody', writeBody(n.insert, true)],
            ['responses', { 201: { description: 'Created', content: rows } }],
          ])
        : undefined,
    ],
    [
      'put',
      t.insertable && t.updatable && t.pkCols.length > 0
        ? operation([...filters, ...refs(['select', 'preferReturn'])], [
            ['requestBody', writeBody(n.insert, false)],
            ['responses', changed],
          ])
        : undefined,
    ],
    [
      'patch',
      t.updatable
        ? operation([...filters, ...refs(['select', 'columns', 'preferReturn'])], [
            ['requestBody', writeBody(n.update, false)],
            ['responses', changed],
          ])
        : undefined,
    ],
    [
      'delete',
      t.deletable ? operation([...filters, ...refs(['select', 'preferReturn'])], [['responses', changed]]) : undefined,
    ],
  ]);
}

// --- shared parameters --------------------------------------------------------------------------------------

function headerParam(name: string, description: string, examples: readonly string[] = []): JsonObject {
  const schema: JsonObject = examples.length === 0 ? { type: 'string' } : { type: 'string', examples: [...examples] };
  return { name, in: 'header', required: false, description, schema };
}

function queryParam(name: string, description: string, type: 'string' | 'integer' = 'string'): JsonObject {
  const schema: JsonObject = type === 'integer' ? { type, minimum: 0 } : { type };
  return { name, in: 'query', required: false, description, schema };
}

const RETURNS = ['return=representation', 'return=minimal', 'return=headers-only'];
const COUNTS = ['count=exact', 'count=planned', 'count=estimated'];

// Prefer values are listed as examples, not an enum: one header may combine several (`return=minimal, count=exact`).
const STATIC_PARAMETERS: readonly (readonly [string, JsonObject])[] = [
  ['preferParams', headerParam('Prefer', 'Preference', ['tx=commit', 'tx=rollback', ...COUNTS])],
  ['preferReturn', headerParam('Prefer', 'Preference', RETURNS)],
  ['preferCount', headerParam('Prefer', 'Preference', COUNTS)],
  [
    'preferPost',
    headerParam('Prefer', 'Preference', [
      ...RETURNS,
      'resolution=ignore-duplicates',
      'resolution=merge-duplicates',
      'missing=default',
    ]),
  ],
  ['select', queryParam('select', 'Filtering Columns')],
  ['columns', queryParam('columns', 'Columns of the body to use')],
  ['on_conflict', queryParam('on_conflict', 'On Conflict')],
  ['order', queryParam('order', 'Ordering')],
  ['range', headerParam('Range', 'Limiting and Pagination')],
  ['rangeUnit', { ...headerParam('Range-Unit', 'Limiting and Pagination'), schema: { type: 'string', default: 'items' } }],
  ['offset', queryParam('offset', 'Limiting and Pagination', 'integer')],
  ['limit', queryParam('limit', 'Limiting and Pagination', 'integer')],
];

function parameters(tables: readonly Table[], names: ReadonlyMap<Table, TableNames>): [string, JsonValue][] {
  const defs: [string, JsonValue][] = STATIC_PARAMETERS.map(([k, v]) => [k, v]);
  for (const t of tables) {
    const n = names.get(t);
    for (const c of t.columns) {
      const key = n?.rowFilters.get(c.name);
      if (key === undefined) continue;
      const param = compact([
        ['name', c.name],
        ['in', 'query'],
        ['required', false],
        ['description', c.description ?? undefined],
        ['schema', { type: 'string' }],
      ]);
      defs.push([key, param]);
    }
  }
  return defs;
}

// --- functions ----------------------------------------------------------------------------------------------

/** POST always (JSON arguments, or the raw body of a single unnamed parameter); GET unless volatile. */
function routinePathItem(r: Routine, value: JsonObject): JsonObject {
  const setof = r.returnType.kind === 'setof';
  const responses: JsonObject = returnsVoid(r)
    ? { 204: { description: 'No Content' } }
    : {
        200: {
          description: 'OK',
          content: {
            [MIME_JSON]: { schema: setof ? { type: 'array', items: value } : value },
            [MIME_OBJECT]: { schema: value },
            ...csvContent,
          },
        },
      };
  const operation = (rest: readonly [string, JsonValue | undefined][]): JsonObject =>
    compact([
      ...Object.entries(operationTexts(r.description)),
      ['tags', [`(rpc) ${r.name}`]],
      ...rest,
      ['responses', responses],
    ]);
  const raw = rawBodyParam(r);
  const args = argsSchema(r);
  const body: JsonObject =
    raw === undefined
      ? { required: r.params.some((p) => p.required), content: { [MIME_JSON]: { schema: args } } }
      : { required: raw.required, content: rawBodyContent(raw) };
  const post = operation([
    ['parameters', [parameterRef('preferParams')]],
    ['requestBody', body],
  ]);
  if (r.volatility === 'volatile') return { post };
  const query = r.params.filter((p) => p.name !== '').map(queryParameter);
  return { get: operation([['parameters', nonEmpty(query)]]), post };
}
