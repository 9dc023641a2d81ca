// PostgreSQL type text → Swagger 2.0 / JSON Schema (type, format), shared by both OpenAPI documents.
// Pure string tables keyed by the schema cache's type text (format_type / ::regtype); builds no documents.

/** The Swagger/JSON-Schema primitive a PostgreSQL type maps to. */
export type SwaggerType = 'string' | 'boolean' | 'integer' | 'number' | 'array';

const SCALAR_TYPES: ReadonlyMap<string, SwaggerType | undefined> = new Map<string, SwaggerType | undefined>([
  ['character varying', 'string'],
  ['character', 'string'],
  ['text', 'string'],
  ['boolean', 'boolean'],
  ['smallint', 'integer'],
  ['integer', 'integer'],
  ['bigint', 'integer'],
  ['numeric', 'number'],
  ['real', 'number'],
  ['double precision', 'number'],
  // json and jsonb hold any JSON value, so they get no type at all.
  ['json', undefined],
  ['jsonb', undefined],
]);

const INTEGER_FORMATS: ReadonlyMap<string, string> = new Map([
  ['smallint', 'int32'],
  ['integer', 'int32'],
  ['bigint', 'int64'],
]);

/** True when the type text names an array type (`integer[]`, `text[]`, ...). */
export function isArrayType(pgType: string): boolean {
  return pgType.endsWith('[]');
}

/** The element type of an array type text (`integer[]` → `integer`); other text is returned unchanged. */
export function arrayElementType(pgType: string): string {
  return isArrayType(pgType) ? pgType.slice(0, -2) : pgType;
}

/**
 * PostgREST's toSwaggerType: character/text types → string, boolean, integer types → integer, numeric/real/double
 * precision → number, json/jsonb → undefined (any value), `x[]` → array, every other type → string.
 */
export function swaggerType(pgType: string): SwaggerType | undefined {
  if (SCALAR_TYPES.has(pgType)) return SCALAR_TYPES.get(pgType);
  return isArrayType(pgType) ? 'array' : 'string';
}

/** PostgREST's toSwaggerFormat: int32/int64 for the integer types, the PostgreSQL type text for every other type. */
export function swaggerFormat(pgType: string): string {
  return INTEGER_FORMATS.get(pgType) ?? pgType;
}

/** The Swagger type of an array's elements (`integer[]` → integer); undefined for json/jsonb elements. */
export function swaggerElementType(pgType: string): SwaggerType | undefined {
  return swaggerType(arrayElementType(pgType));
}

// pg_type.typname of the built-in types whose format_type text differs from their internal name.
const TYPNAME_TO_FORMAT: ReadonlyMap<string, string> = new Map([
  ['int2', 'smallint'],
  ['int4', 'integer'],
  ['int8', 'bigint'],
  ['float4', 'real'],
  ['float8', 'double precision'],
  ['bool', 'boolean'],
  ['varchar', 'character varying'],
  ['bpchar', 'character'],
  ['varbit', 'bit varying'],
  ['timestamp', 'timestamp without time zone'],
  ['timestamptz', 'timestamp with time zone'],
  ['time', 'time without time zone'],
  ['timetz', 'time with time zone'],
]);

/**
 * The format_type-style text of a routine's return type, which the schema cache keeps as (namespace, typname):
 * `pg_catalog.int4` → `integer`, `pg_catalog._text` → `text[]`, `api._mood` → `api.mood[]`, `api.mood` → `api.mood`.
 */
export function typnameToPgType(schema: string, typname: string): string {
  const isArray = typname.startsWith('_') && typname.length > 1;
  const base = isArray ? typname.slice(1) : typname;
  const name = schema === 'pg_catalog' ? (TYPNAME_TO_FORMAT.get(base) ?? base) : `${schema}.${base}`;
  return isArray ? `${name}[]` : name;
}

/** Pseudo-types a function may return whose JSON shape is unknown: `record` and the polymorphic `any*` types. */
export function isPseudoAnyType(pgType: string): boolean {
  // Unqualified text only names pg_catalog types, and every pg_catalog type starting with "any" is polymorphic.
  return pgType === 'record' || pgType.startsWith('any');
}
