// SQL for aggregates: `SUM(CAST(col AS t))::cast AS "sum"`-style select items, spread columns aggregated in the parent,
// and the implicit GROUP BY of everything else a node selects. Function names come from a closed table. No I/O.
import type { EmbedPlan, PlannedSelect, ReadPlan, SpreadField } from '../plan/types.js';
import type { AggregateFunction, SelectField } from '../request/query-types.js';
import { castExpr, fieldExpr, outputName, type Scope } from './expressions.js';
import { type Fragment, ident, join, keyword, sql } from './fragment.js';

const FUNCTIONS: Readonly<Record<AggregateFunction, string>> = {
  sum: 'SUM',
  avg: 'AVG',
  max: 'MAX',
  min: 'MIN',
  count: 'COUNT',
};

/** `FN(arg)` with the optional result cast; `arg` null is `COUNT(*)`. */
export function aggregateExpr(fn: AggregateFunction, arg: Fragment | null, cast: string | null): Fragment {
  const call = sql`${keyword(FUNCTIONS[fn])}(${arg ?? keyword('*')})`;
  return cast === null ? call : castExpr(call, cast);
}

/** A selected field with an aggregate: `count()` counts rows, `col::t.sum()::u` casts before and after. */
export function aggregateFieldExpr(scope: Scope, item: SelectField, fn: AggregateFunction): Fragment {
  const bare = item.field.name === '*' && item.field.jsonPath.length === 0;
  let arg: Fragment | null = null;
  if (!bare) {
    arg = fieldExpr(scope, item.field);
    if (item.cast !== null) arg = castExpr(arg, item.cast);
  }
  // an unaliased aggregate is labelled with its function name, as PostgreSQL labels it
  return sql`${aggregateExpr(fn, arg, item.aggregateCast)} AS ${ident(item.alias ?? fn)}`;
}

/** A column a spread lifts into its parent: `"join"."col"`, or aggregated here when hoisted from the spread. */
export function spreadFieldExpr(joinAlias: string, f: SpreadField): Fragment {
  const column = f.name === '*' ? sql`${ident(joinAlias)}.*` : sql`${ident(joinAlias)}.${ident(f.name)}`;
  if (f.aggregate === null) return f.alias === null ? column : sql`${column} AS ${ident(f.alias)}`;
  return sql`${aggregateExpr(f.aggregate, column, f.aggregateCast)} AS ${ident(f.alias ?? f.aggregate)}`;
}

const isAggregated = (s: PlannedSelect): boolean => s.kind === 'field' && s.item.aggregate !== null;

/** Whether a node aggregates: an aggregate among its columns or among the spread columns it selects. */
export function nodeAggregates(node: ReadPlan): boolean {
  return node.select.some(isAggregated) || node.embeds.some((e) => e.spread && e.spreadFields.some((f) => f.aggregate !== null));
}

/** ` GROUP BY` every non-aggregated column, embed and spread column of an aggregating node; nothing otherwise. */
export function groupByClause(node: ReadPlan, scope: Scope): Fragment {
  if (!nodeAggregates(node)) return keyword('');
  const terms: Fragment[] = [];
  for (const s of node.select) {
    if (s.kind !== 'field' || s.item.aggregate !== null) continue;
    // aliased and JSON-path columns are grouped by their output name, plain ones by the column itself
    const named = s.item.alias !== null || s.item.field.jsonPath.length > 0;
    terms.push(named ? ident(outputName(s.item)) : fieldExpr(scope, s.item.field));
  }
  for (const e of node.embeds) terms.push(...embedGroupTerms(e));
  return terms.length === 0 ? keyword('') : sql` GROUP BY ${join(terms, ', ')}`;
}

function embedGroupTerms(e: EmbedPlan): Fragment[] {
  if (!e.spread) return e.empty || e.outputName === null ? [] : [ident(e.outputName)];
  return e.spreadFields
    .filter((f) => f.aggregate === null && f.name !== '*')
    .map((f) => sql`${ident(e.joinAlias)}.${ident(f.alias ?? f.name)}`);
}
