// The Swagger 2.0 document PostgREST serves at `GET /`: paths, definitions and shared parameters of the tables and
// functions it is given. Pure: privilege filtering, content negotiation and encoding belong to the caller.

import type { Routine, RoutineParam, Table } from '../schema-cache/types.js';
import { columnDefault, columnDescription } from './columns.js';
import {
  compact,
  externalDocs,
  infoTexts,
  type JsonObject,
  type JsonValue,
  MIME_CSV,
  MIME_JSON,
  MIME_OBJECT,
  MIME_OBJECT_STRIPPED,
  MIME_OPENAPI,
  nonEmpty,
  type OpenApiInput,
  operationTexts,
  pointerToken,
  routinesByName,
  serverLocation,
} from './input.js';
import { arrayElementType, swaggerElementType, swaggerFormat, swaggerType } from './types-map.js';

const MIME_LIST = [MIME_JSON, MIME_OBJECT_STRIPPED, MIME_OBJECT, MIME_CSV];
const RPC_PRODUCES = [MIME_JSON, MIME_OBJECT_STRIPPED, MIME_OBJECT];
const SECURITY_NAME = 'JWT';

const parameterRef = (name: string): JsonObject => ({ $ref: `#/parameters/${pointerToken(name)}` });
const definitionRef = (name: string): JsonObject => ({ $ref: `#/definitions/${pointerToken(name)}` });
const rowFilterName = (table: string, column: string): string => `rowFilter.${table}.${column}`;

/** The Swagger 2.0 description of `input.schema`, structured as PostgREST v16 structures it. */
export function swagger2Document(input: OpenApiInput): JsonObject {
  const loc = serverLocation(input.config);
  const { title, description } = infoTexts(input.description);
  const security = input.config.securityActive;
  const definitions = input.tables.map((t) => [t.name, tableDefinition(input, t)] as const);
  return compact([
    ['swagger', '2.0'],
    ['info', { version: input.version, title, description }],
    ['externalDocs', externalDocs(input)],
    ['host', `${loc.host}:${loc.port}`],
    ['basePath', loc.basePath],
    ['schemes', [loc.scheme]],
    ['consumes', MIME_LIST],
    ['produces', MIME_LIST],
    ['paths', paths(input.tables, input.routines)],
    ['definitions', definitions.length === 0 ? undefined : Object.fromEntries(definitions)],
    ['parameters', Object.fromEntries(parameterDefinitions(input.tables))],
    ['securityDefinitions', security ? { [SECURITY_NAME]: securityScheme() } : undefined],
    ['security', security ? [{ [SECURITY_NAME]: [] }] : undefined],
  ]);
}

function securityScheme(): JsonObject {
  return {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'Add the token prepending "Bearer " (without quotes) to it',
  };
}

function paths(tables: readonly Table[], routines: readonly Routine[]): JsonObject {
  const entries: [string, JsonValue][] = [['/', rootPathItem()]];
  for (const t of tables) entries.push([`/${t.name}`, tablePathItem(t)]);
  for (const r of routinesByName(routines)) entries.push([`/rpc/${r.name}`, routinePathItem(r)]);
  return Object.fromEntries(entries);
}

function rootPathItem(): JsonObject {
  return {
    get: {
      tags: ['Introspection'],
      summary: 'OpenAPI description (this document)',
      produces: [MIME_OPENAPI, MIME_JSON],
      responses: { 200: { description: 'OK' } },
    },
  };
}

// --- tables -------------------------------------------------------------------------------------------------

/** GET always; POST, PATCH and DELETE together as soon as the relation is insertable, updatable or deletable. */
function tablePathItem(t: Table): JsonObject {
  const rowFilters = t.columns.map((c) => parameterRef(rowFilterName(t.name, c.name)));
  const body = parameterRef(`body.${t.name}`);
  const refs = (names: readonly string[]): JsonObject[] => names.map(parameterRef);
  const operation = (parameters: readonly JsonObject[], responses: JsonObject): JsonObject =>
    compact([
      ['tags', [t.name]],
      ...Object.entries(operationTexts(t.description)),
      ['parameters', nonEmpty(parameters)],
      ['responses', responses],
    ]);
  const get = operation(
    [...rowFilters, ...refs(['select', 'order', 'range', 'rangeUnit', 'offset', 'limit', 'preferCount'])],
    {
      200: { description: 'OK', schema: { type: 'array', items: definitionRef(t.name) } },
      206: { description: 'Partial Content' },
    },
  );
  if (!(t.insertable || t.updatable || t.deletable)) return { get };
  return {
    get,
    post: operation([body, ...refs(['select', 'preferPost'])], { 201: { description: 'Created' } }),
    delete: operation([...rowFilters, parameterRef('preferReturn')], { 204: { description: 'No Content' } }),
    patch: operation([...rowFilters, body, parameterRef('preferReturn')], { 204: { description: 'No Content' } }),
  };
}

function tableDefinition(input: OpenApiInput, t: Table): JsonObject {
  const properties = t.columns.map((c) => {
    const property = compact([
      ['description', columnDescription(input.cache, t, c) ?? undefined],
      ['default', columnDefault(c)],
      ['enum', nonEmpty(c.enumValues)],
      ['format', swaggerFormat(c.type)],
      ['maxLength', c.maxLength ?? undefined],
      ...typeAndItems(c.type),
    ]);
    return [c.name, property] as const;
  });
  return compact([
    ['description', t.description ?? undefined],
    ['type', 'object'],
    ['properties', properties.length === 0 ? undefined : Object.fromEntries(properties)],
    ['required', nonEmpty(t.columns.filter((c) => !c.nullable).map((c) => c.name))],
  ]);
}

/** `type` (absent for json/jsonb) and, for arrays, `items` with the element's type (`{}` for json/jsonb elements). */
function typeAndItems(pgType: string): [string, JsonValue | undefined][] {
  const type = swaggerType(pgType);
  const items = type === 'array' ? compact([['type', swaggerElementType(pgType)]]) : undefined;
  return [
    ['type', type],
    ['items', items],
  ];
}

// --- shared parameters --------------------------------------------------------------------------------------

function preferParam(values: readonly string[]): JsonObject {
  return compact([
    ['name', 'Prefer'],
    ['description', 'Preference'],
    ['required', false],
    ['in', 'header'],
    ['type', 'string'],
    ['enum', nonEmpty(values)],
  ]);
}

function simpleParam(name: string, description: string, location: 'query' | 'header'): JsonObject {
  return { name, description, required: false, in: location, type: 'string' };
}

function parameterDefinitions(tables: readonly Table[]): [string, JsonValue][] {
  const returnValues = ['return=representation', 'return=minimal', 'return=none'];
  const defs: [string, JsonValue][] = [
    ['preferParams', preferParam([])],
    ['preferReturn', preferParam(returnValues)],
    ['preferCount', preferParam(['count=none'])],
    ['preferPost', preferParam([...returnValues, 'resolution=ignore-duplicates', 'resolution=merge-duplicates'])],
    ['select', simpleParam('select', 'Filtering Columns', 'query')],
    ['on_conflict', simpleParam('on_conflict', 'On Conflict', 'query')],
    ['order', simpleParam('order', 'Ordering', 'query')],
    ['range', simpleParam('Range', 'Limiting and Pagination', 'header')],
    ['rangeUnit', { ...simpleParam('Range-Unit', 'Limiting and Pagination', 'header'), default: 'items' }],
    ['offset', simpleParam('offset', 'Limiting and Pagination', 'query')],
    ['limit', simpleParam('limit', 'Limiting and Pagination', 'query')],
  ];
  for (const t of tables) {
    defs.push([
      `body.${t.name}`,
      { name: t.name, description: t.name, required: false, in: 'body', schema: definitionRef(t.name) },
    ]);
    for (const c of t.columns) {
      const param = compact([
        ['name', c.name],
        ['description', c.description ?? undefined],
        ['required', false],
        ['in', 'query'],
        ['type', 'string'],
      ]);
      defs.push([rowFilterName(t.name, c.name), param]);
    }
  }
  return defs;
}

// --- functions ----------------------------------------------------------------------------------------------

/** POST always; GET too unless the function is volatile. */
function routinePathItem(r: Routine): JsonObject {
  const operation = (parameters: readonly JsonValue[]): JsonObject =>
    compact([
      ...Object.entries(operationTexts(r.description)),
      ['tags', [`(rpc) ${r.name}`]],
      ['produces', RPC_PRODUCES],
      ['parameters', nonEmpty(parameters)],
      ['responses', { 200: { description: 'OK' } }],
    ]);
  const post = operation([
    { name: 'args', required: true, in: 'body', schema: argsSchema(r) },
    parameterRef('preferParams'),
  ]);
  if (r.volatility === 'volatile') return { post };
  return { get: operation(r.params.map(queryParam)), post };
}

/** The POST body: an object with one property per input parameter, the ones without a default required. */
function argsSchema(r: Routine): JsonObject {
  const properties = r.params.map((p) => [p.name, compact([['format', swaggerFormat(p.type)], ...typeAndItems(p.type)])]);
  return compact([
    ['description', r.description ?? undefined],
    ['type', 'object'],
    ['properties', properties.length === 0 ? undefined : Object.fromEntries(properties)],
    ['required', nonEmpty(r.params.filter((p) => p.required).map((p) => p.name))],
  ]);
}

/**
 * A GET query parameter: arrays and json travel as strings (`{1,2}`), so they are typed string with the
 * PostgreSQL type as format; a VARIADIC parameter is a repeated (`collectionFormat: multi`) array.
 */
function queryParam(p: RoutineParam): JsonObject {
  const base: [string, JsonValue | undefined][] = [
    ['name', p.name],
    ['required', p.required],
    ['in', 'query'],
  ];
  if (p.variadic) {
    const element = arrayElementType(p.type);
    return compact([
      ...base,
      ['type', swaggerType(p.type) ?? 'string'],
      ['collectionFormat', 'multi'],
      ['items', compact([['type', swaggerType(element)], ['format', swaggerFormat(element)]])],
    ]);
  }
  const type = swaggerType(p.type);
  const scalar = type === undefined || type === 'array' ? 'string' : type;
  return compact([...base, ['format', swaggerFormat(p.type)], ['type', scalar]]);
}
