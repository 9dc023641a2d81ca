// JSON Schema 2020-12 pieces of the OpenAPI 3.1 document: safe component names, the row/insert/update schemas of a
// table, and the argument and result schemas of a function. Pure; the paths and the document live in openapi31.ts.

import type { Column, Routine, RoutineParam, Table } from '../schema-cache/types.js';
import { columnDefault, columnDescription } from './columns.js';
import { compact, type JsonObject, type JsonValue, nonEmpty, type OpenApiInput } from './input.js';
import {
  arrayElementType,
  isPseudoAnyType,
  swaggerElementType,
  swaggerFormat,
  swaggerType,
  typnameToPgType,
} from './types-map.js';

/**
 * Hands out component names: OpenAPI 3 requires keys matching `^[a-zA-Z0-9._-]+$`, so other characters become `_`,
 * and a name already handed out gets `_2`, `_3`, ... appended. The same request always gets the same answer.
 */
export function componentNamer(reserved: readonly string[] = []): (wanted: string) => string {
  const used = new Set(reserved);
  const given = new Map<string, string>();
  return (wanted) => {
    const known = given.get(wanted);
    if (known !== undefined) return known;
    const safe = wanted.replace(/[^A-Za-z0-9._-]/gu, '_') || '_';
    let name = safe;
    for (let n = 2; used.has(name); n++) name = `${safe}_${n}`;
    used.add(name);
    given.set(wanted, name);
    return name;
  };
}

/** An object of unknown shape (a bare `type: object` would read as an empty object to generators). */
export const ANY_OBJECT: JsonObject = { type: 'object', additionalProperties: true };

/** `{$ref}` to a schema component. */
export const schemaRef = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/**
 * The JSON Schema of a PostgreSQL type: the Swagger type and format of PostgREST's mapping (no type for json/jsonb,
 * which hold any value), `items` for arrays, and `null` added to the type when the value may be null.
 */
export function typeSchema(pgType: string, nullable: boolean): [string, JsonValue | undefined][] {
  const type = swaggerType(pgType);
  const element = arrayElementType(pgType);
  const items =
    type === 'array' ? compact([['type', swaggerElementType(pgType)], ['format', swaggerFormat(element)]]) : undefined;
  return [
    ['type', type === undefined ? undefined : nullable ? [type, 'null'] : type],
    ['format', swaggerFormat(pgType)],
    ['items', items],
  ];
}

/**
 * A column's schema. Write schemas leave `default` out: generators such as openapi-typescript treat a property with
 * a default as always present, which would make every defaulted column mandatory in request bodies.
 */
function columnSchema(input: OpenApiInput, t: Table, c: Column, withDefault: boolean): JsonObject {
  const enumValues: JsonValue[] | undefined = c.enumValues.length === 0 ? undefined : [...c.enumValues];
  if (enumValues !== undefined && c.nullable) enumValues.push(null);
  return compact([
    ['description', columnDescription(input.cache, t, c) ?? undefined],
    ...typeSchema(c.type, c.nullable),
    ['enum', enumValues],
    ['default', withDefault ? columnDefault(c) : undefined],
    ['maxLength', c.maxLength ?? undefined],
  ]);
}

type Property = readonly [string, JsonValue];

function objectSchema(description: string | null, properties: readonly Property[], required: readonly string[]): JsonObject {
  return compact([
    ['description', description ?? undefined],
    ['type', 'object'],
    ['properties', Object.fromEntries(properties)],
    ['required', nonEmpty(required)],
  ]);
}

/** A row as reads and `return=representation` answer it: every column present, nullable ones typed `[T, "null"]`. */
export function rowSchema(input: OpenApiInput, t: Table): JsonObject {
  const props = t.columns.map((c) => [c.name, columnSchema(input, t, c, true)] as const);
  return objectSchema(t.description, props, t.columns.map((c) => c.name));
}

/** Columns a request body may set: generated columns and GENERATED ALWAYS identities reject explicit values. */
function writableColumns(t: Table): Column[] {
  return t.columns.filter((c) => c.generated === null && c.identity !== 'always');
}

/** The POST/PUT body object: non-nullable columns without any default are required. */
export function insertSchema(input: OpenApiInput, t: Table): JsonObject {
  const cols = writableColumns(t);
  const required = cols.filter((c) => !c.nullable && c.default === null && c.identity === null).map((c) => c.name);
  return objectSchema(t.description, cols.map((c) => [c.name, columnSchema(input, t, c, false)] as const), required);
}

/** The PATCH body object: any subset of the writable columns. */
export function updateSchema(input: OpenApiInput, t: Table): JsonObject {
  return objectSchema(t.description, writableColumns(t).map((c) => [c.name, columnSchema(input, t, c, false)] as const), []);
}

// --- functions ----------------------------------------------------------------------------------------------

/** A function called with its raw body: a single unnamed bytea/json/jsonb/text/xml parameter. */
export function rawBodyParam(r: Routine): RoutineParam | undefined {
  const [only, ...more] = r.params;
  return only !== undefined && more.length === 0 && only.name === '' ? only : undefined;
}

/** Media type and schema of a raw-body parameter, by its type. */
export function rawBodyContent(p: RoutineParam): JsonObject {
  switch (p.type) {
    case 'json':
    case 'jsonb':
      return { 'application/json': { schema: {} } };
    case 'text':
      return { 'text/plain': { schema: { type: 'string' } } };
    case 'xml':
      return { 'text/xml': { schema: { type: 'string' } } };
    default:
      return { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
  }
}

/** The JSON POST body: one property per named parameter, the ones without a default required. */
export function argsSchema(r: Routine): JsonObject {
  const named = r.params.filter((p) => p.name !== '');
  const props = named.map((p) => [p.name, compact(typeSchema(p.type, false))] as const);
  return objectSchema(r.description, props, named.filter((p) => p.required).map((p) => p.name));
}

/**
 * A GET query parameter: arrays and json travel as their text form (`{1,2}`), so they are strings; a VARIADIC
 * parameter is repeated (`?v=a&v=b`), i.e. a form-exploded array.
 */
export function queryParameter(p: RoutineParam): JsonObject {
  const head: [string, JsonValue | undefined][] = [
    ['name', p.name],
    ['in', 'query'],
    ['required', p.required],
  ];
  if (p.variadic) {
    return compact([...head, ['style', 'form'], ['explode', true], ['schema', compact(typeSchema(p.type, false))]]);
  }
  const type = swaggerType(p.type);
  const scalar = type === undefined || type === 'array' ? 'string' : type;
  return compact([...head, ['schema', { type: scalar, format: swaggerFormat(p.type) }]]);
}

/** True when the function returns nothing (204 No Content). */
export function returnsVoid(r: Routine): boolean {
  const t = r.returnType.type;
  return t.kind === 'scalar' && t.type.schema === 'pg_catalog' && t.type.name === 'void';
}

/**
 * The schema of one returned value: the row schema when the function returns rows of a described table, any
 * object for other composites, any value for record/polymorphic types, else the scalar's type.
 */
export function returnValueSchema(r: Routine, rowNames: ReadonlyMap<string, string>, schema: string): JsonObject {
  const t = r.returnType.type;
  if (t.kind === 'composite') {
    const row = t.isTable && t.type.schema === schema ? rowNames.get(t.type.name) : undefined;
    return row === undefined ? ANY_OBJECT : schemaRef(row);
  }
  const pgType = typnameToPgType(t.type.schema, t.type.name);
  return isPseudoAnyType(pgType) ? {} : compact(typeSchema(pgType, false));
}
