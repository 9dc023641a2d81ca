// Compiles a ReadPlan node into `SELECT <fields> FROM <relation> WHERE ... ORDER BY ... LIMIT ... OFFSET ...`.
// Embeds are compiled by read-embed.ts and joined in here. No I/O.
import type { ReadPlan } from '../plan/types.js';
import { rangeLimit, rangeOffset } from '../request/range.js';
import { filterExpr, logicExpr, orderExpr, type Scope, selectFieldExpr } from './expressions.js';
import { type Fragment, ident, join, keyword, param, qualified, sql } from './fragment.js';

/** The scope of a plan node, for expressions. */
export function scopeOf(node: ReadPlan): Scope {
  return { alias: node.alias, table: node.table, computed: (name) => node.computed.get(name) };
}

/** WHERE conditions of a node: its filters and logic trees, ANDed. */
export function whereConditions(node: ReadPlan, scope: Scope): Fragment[] {
  const conds = node.filters.map((f) => filterExpr(scope, f));
  for (const tree of node.logic) conds.push(logicExpr(tree, (f) => filterExpr(scope, f)));
  return conds;
}

/** ` WHERE a AND b`, or nothing. */
export function whereClause(conds: readonly Fragment[]): Fragment {
  return conds.length === 0 ? keyword('') : sql` WHERE ${join(conds, ' AND ')}`;
}

/** The select list of a node (without embeds). */
export function selectList(node: ReadPlan, scope: Scope): Fragment[] {
  const items: Fragment[] = [];
  for (const s of node.select) {
    if (s.kind === 'star') items.push(sql`${ident(node.alias)}.*`);
    else items.push(selectFieldExpr(scope, s.item));
  }
  return items;
}

/** ` ORDER BY ...`, or nothing. */
export function orderClause(node: ReadPlan, scope: Scope): Fragment {
  const terms = node.order.flatMap((t) => (t.kind === 'field' ? [orderExpr(scope, t)] : []));
  return terms.length === 0 ? keyword('') : sql` ORDER BY ${join(terms, ', ')}`;
}

/** ` LIMIT $n OFFSET $m` for the node's window. */
export function limitClause(node: ReadPlan): Fragment {
  const limit = rangeLimit(node.range);
  const offset = rangeOffset(node.range);
  const l = limit === undefined ? keyword('') : sql` LIMIT ${param(Math.max(0, limit))}`;
  const o = offset > 0 ? sql` OFFSET ${param(offset)}` : keyword('');
  return sql`${l}${o}`;
}

/** `FROM "schema"."table" AS "alias"`, or `FROM <source> AS "alias"` (mutation results, function calls). */
export function fromClause(node: ReadPlan, source?: Fragment): Fragment {
  return sql`FROM ${source ?? qualified(node.table.schema, node.table.name)} AS ${ident(node.alias)}`;
}

/**
 * The full SELECT of a top-level read node and, separately, its FROM + WHERE (reused by counts). `source` replaces the
 * relation (e.g. a mutation's RETURNING CTE or a function call), keeping the node's alias and columns.
 */
export function readSelect(node: ReadPlan, source?: Fragment): { select: Fragment; countFrom: Fragment } {
  const scope = scopeOf(node);
  const conditions = whereConditions(node, scope);
  const list = selectList(node, scope);
  const from = fromClause(node, source);
  const select = sql`SELECT ${join(list, ', ')} ${from}${whereClause(conditions)}${orderClause(node, scope)}${limitClause(node)}`;
  return { select, countFrom: sql`${from}${whereClause(conditions)}` };
}
