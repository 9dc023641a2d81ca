// SQL for the expressions of a read: columns with JSON paths, casts, computed fields, filters, logic trees, order terms.
// Operators come from closed tables; names go through ident(); values are bind parameters. No I/O.
import { pgrst100ParseError } from '../errors/catalogue.js';
import type { Field, Filter, LogicTree, Operation, OrderTerm, SelectField } from '../request/query-types.js';
import { columnRepresentation } from '../plan/media-representations.js';
import type { ComputedRef } from '../plan/types.js';
import type { QualifiedIdentifier, Table } from '../schema-cache/types.js';
import { type Fragment, ident, join, keyword, param, qualified, sql } from './fragment.js';

/** Where an expression's columns live: the relation's SQL alias and its cached definition. */
export interface Scope {
  readonly alias: string;
  readonly table: Table;
  /** Resolves a computed field of the scope's table (undefined when the name is not one). */
  readonly computed: (name: string) => ComputedRef | undefined;
}

const OPERATORS: Readonly<Record<string, string>> = {
  eq: '=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  neq: '<>',
  like: 'LIKE',
  ilike: 'ILIKE',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
};

const FTS: Readonly<Record<string, string>> = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
};

const IS: Readonly<Record<string, string>> = {
  null: 'IS NULL',
  not_null: 'IS NOT NULL',
  true: 'IS TRUE',
  false: 'IS FALSE',
  unknown: 'IS UNKNOWN',
};

const JSON_TYPES = new Set(['json', 'jsonb']);

/** The text before the first NUL: PostgREST's values reach PostgreSQL as C strings (libpq text parameters). */
export function untilNul(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** A query-string value as a bind parameter, as PostgREST sends it (untyped, cut at a NUL). */
function value(text: string): Fragment {
  return param(untilNul(text));
}

/** The column (or computed field) itself, without JSON path. */
function baseColumn(scope: Scope, name: string): Fragment {
  const computed = scope.table.columnsByName.has(name) ? undefined : scope.computed(name);
  if (computed) return sql`${qualified(computed.schema, computed.name)}(${ident(scope.alias)})`;
  return sql`${ident(scope.alias)}.${ident(name)}`;
}

/** `col`, or `col->'a'->>'b'` (on `to_jsonb(col)` unless the column is json/jsonb). */
export function fieldExpr(scope: Scope, field: Field): Fragment {
  let expr = baseColumn(scope, field.name);
  if (field.jsonPath.length === 0) return expr;
  const column = scope.table.columnsByName.get(field.name);
  const type = column?.baseType ?? column?.type;
  if (!type || !JSON_TYPES.has(type)) expr = sql`to_jsonb(${expr})`;
  for (const op of field.jsonPath) {
    const arrow = keyword(op.arrow);
    // Keys stay untyped like every value (so `->>` followed by `->` fails as in PostgREST: `text -> unknown`).
    expr = op.kind === 'key' ? sql`${expr}${arrow}${value(op.value)}` : sql`${expr}${arrow}${value(op.value)}::int`;
  }
  return expr;
}

/** The key a selected field gets in the JSON output. */
export function outputName(item: SelectField): string {
  if (item.alias !== null) return item.alias;
  const path = item.field.jsonPath;
  if (path.length === 0) return item.field.name;
  for (let i = path.length - 1; i >= 0; i--) if (path[i]!.kind === 'key') return path[i]!.value;
  return item.field.name;
}

// Type names in casts: letters, digits, `_`, `$`, spaces, optional `[]` suffixes and a (n[,m]) modifier.
const CAST_TYPE = /^[\p{L}_][\p{L}\p{N}_$ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])*$/u;

/** `CAST(expr AS type)`; the type name is checked against a strict shape since it cannot be a parameter. */
export function castExpr(expr: Fragment, type: string): Fragment {
  const t = type.trim();
  if (!CAST_TYPE.test(t)) throw pgrst100ParseError(`failed to parse cast type (${type})`, 'invalid type name');
  return sql`CAST(${expr} AS ${keyword(t)})`;
}

/** A column's domain representation function of the given direction, when the scope's relation declares one. */
function representation(scope: Scope, name: string, kind: 'format' | 'parseText'): QualifiedIdentifier | undefined {
  return columnRepresentation(scope.table, name)?.[kind];
}

/** `fn(expr)` for a representation function. */
function applied(fn: QualifiedIdentifier, expr: Fragment): Fragment {
  return sql`${qualified(fn.schema, fn.name)}(${expr})`;
}

/** One selected field: expression (through its `domain → json` formatter, then the cast) and its output key. */
export function selectFieldExpr(scope: Scope, item: SelectField): Fragment {
  let expr = fieldExpr(scope, item.field);
  const format = representation(scope, item.field.name, 'format');
  if (format !== undefined) expr = applied(format, expr);
  if (item.cast !== null) expr = castExpr(expr, item.cast);
  return sql`${expr} AS ${ident(outputName(item))}`;
}

/** A PostgreSQL array literal of the given text items (each quoted). */
export function pgArrayLiteral(items: readonly string[]): string {
  return `{${items.map((v) => `"${untilNul(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

function isTsvector(scope: Scope, field: Field): boolean {
  if (field.jsonPath.length > 0) return false;
  const column = scope.table.columnsByName.get(field.name);
  if (column) return column.type === 'tsvector' || column.baseType === 'tsvector';
  return scope.computed(field.name)?.returnType === 'tsvector';
}

function operationExpr(scope: Scope, lhs: Fragment, field: Field, op: Operation): Fragment {
  // A `text → domain` parser reads the values of comparisons, quantified comparisons (not like/ilike) and `in`.
  const parse = representation(scope, field.name, 'parseText');
  const parsed = (text: string): Fragment => (parse === undefined ? value(text) : applied(parse, value(text)));
  switch (op.kind) {
    case 'simple':
      return sql`${lhs} ${keyword(OPERATORS[op.operator]!)} ${parsed(op.value)}`;
    case 'quant': {
      const pattern = op.operator === 'like' || op.operator === 'ilike';
      const rhs = pattern ? value(op.value.replaceAll('*', '%')) : parsed(op.value);
      const operator = keyword(OPERATORS[op.operator]!);
      if (op.quantifier === null) return sql`${lhs} ${operator} ${rhs}`;
      return sql`${lhs} ${operator} ${keyword(op.quantifier === 'any' ? 'ANY' : 'ALL')}(${rhs})`;
    }
    case 'in': {
      const values = op.values.length === 1 && op.values[0] === '' ? [] : op.values;
      if (values.length > 0 && parse !== undefined) {
        // each item through the parser, as a set: one parameter whatever the number of values
        return sql`${lhs} = ANY((SELECT ${applied(parse, sql`pg_catalog.unnest(${param(pgArrayLiteral(values))}::text[])`)}))`;
      }
      return sql`${lhs} = ANY(${param(pgArrayLiteral(values))})`;
    }
    case 'is':
      return sql`${lhs} ${keyword(IS[op.value]!)}`;
    case 'isDistinct':
      return sql`${lhs} IS DISTINCT FROM ${value(op.value)}`;
    case 'fts': {
      const fn = keyword(FTS[op.operator]!);
      const lang = op.language;
      const vector = isTsvector(scope, field) ? lhs : lang === null ? sql`to_tsvector(${lhs})` : sql`to_tsvector(${value(lang)}::regconfig, ${lhs})`;
      const query = lang === null ? sql`${fn}(${value(op.value)})` : sql`${fn}(${value(lang)}::regconfig, ${value(op.value)})`;
      return sql`${vector} @@ ${query}`;
    }
  }
}

/** A filter as a boolean SQL expression. */
export function filterExpr(scope: Scope, filter: Filter): Fragment {
  const expr = operationExpr(scope, fieldExpr(scope, filter.field), filter.field, filter.operation);
  return filter.negated ? sql`NOT (${expr})` : expr;
}

/** A logic tree as a boolean SQL expression; `leaf` renders filters (so embed null-filters can be handled by the caller). */
export function logicExpr(tree: LogicTree, leaf: (f: Filter) => Fragment): Fragment {
  if (tree.kind === 'filter') return leaf(tree.filter);
  const inner = join(
    tree.children.map((c) => logicExpr(c, leaf)),
    tree.operator === 'and' ? ' AND ' : ' OR ',
  );
  return tree.negated ? sql`NOT (${inner})` : sql`(${inner})`;
}

/** One ORDER BY term for a field of the scope. */
export function orderExpr(scope: Scope, term: Extract<OrderTerm, { kind: 'field' }>): Fragment {
  return sql`${fieldExpr(scope, term.field)}${orderSuffix(term)}`;
}

/** ` DESC NULLS LAST` etc. */
export function orderSuffix(term: OrderTerm): Fragment {
  const dir = term.direction === null ? '' : term.direction === 'asc' ? ' ASC' : ' DESC';
  const nulls = term.nulls === null ? '' : term.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
  return keyword(dir + nulls);
}
