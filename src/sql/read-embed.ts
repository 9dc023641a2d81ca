// SQL for the embeds of a read node: each embed is a LATERAL subquery joined into its parent (to-one as a row, to-many
// through json_agg, to-many spreads as one json array per column), plus the parent's select items for them and the
// FROM/join conditions of an embedded relation. A plain to-many embed (nothing filters on it, not inner, not spread,
// the parent not grouped) is a subquery in the select list instead: one row either way, but PostgreSQL evaluates a
// select-list subquery after the parent's ORDER BY and LIMIT, so `orders(items(*))&orders.limit=10` aggregates the
// items of ten orders, not of every order it sorts. No I/O.
import type { Condition, EmbedPlan, PlannedOrder, ReadPlan } from '../plan/types.js';
import { fieldExpr, orderSuffix, type Scope } from './expressions.js';
import { type Fragment, ident, join, keyword, qualified, sql } from './fragment.js';
import { nodeAggregates, spreadFieldExpr } from './aggregate.js';

/** Compiles a child node to its SELECT, given its FROM, its join conditions, extra columns and whether to keep ORDER BY. */
export type ChildQuery = (
  child: ReadPlan,
  from: Fragment,
  joinConds: readonly Fragment[],
  extraSelects: readonly Fragment[],
  ordered: boolean,
) => Fragment;

const column = (alias: string, name: string): Fragment => sql`${ident(alias)}.${ident(name)}`;

/**
 * `FROM` of an embedded relation (aliased `e.read.alias`, with the junction of a many-to-many, or the call of a computed
 * relationship on the parent row) and the conditions joining it to the parent aliased `parent`.
 */
export function embedSource(e: EmbedPlan, parent: string): { from: Fragment; conds: Fragment[] } {
  const child = e.read.alias;
  const rel = e.relationship;
  if (rel.kind === 'computed') {
    // the cast picks the overload for the parent's row type (also when the parent is a CTE)
    const call = sql`${qualified(rel.function.schema, rel.function.name)}(${ident(parent)}::${qualified(rel.table.schema, rel.table.name)})`;
    return { from: sql`FROM ${call} AS ${ident(child)}`, conds: [] };
  }
  const target = sql`FROM ${qualified(e.read.table.schema, e.read.table.name)} AS ${ident(child)}`;
  const card = rel.cardinality;
  if (card.kind !== 'M2M') {
    return { from: target, conds: card.columns.map(([own, foreign]) => sql`${column(child, foreign)} = ${column(parent, own)}`) };
  }
  const j = card.junction;
  const junction = `${child}_junction`;
  return {
    from: sql`${target}, ${qualified(j.table.schema, j.table.name)} AS ${ident(junction)}`,
    conds: [
      ...j.targetColumns.map(([tc, jc]) => sql`${column(junction, jc)} = ${column(child, tc)}`),
      ...j.sourceColumns.map(([oc, jc]) => sql`${column(junction, jc)} = ${column(parent, oc)}`),
    ],
  };
}

/**
 * Embedded JSON stays `json` (cheap, keys in select order); only a parent that aggregates, and so groups by its embeds,
 * needs `jsonb`, which has the equality operator GROUP BY requires.
 */
function groupable(expr: Fragment, grouped: boolean): Fragment {
  return grouped ? sql`${expr}::jsonb` : expr;
}

/** The parent's select items for its embeds: objects, arrays (never null), spread columns; nothing for empty embeds. */
export function embedSelects(node: ReadPlan, childQuery: ChildQuery): Fragment[] {
  const grouped = nodeAggregates(node);
  const items: Fragment[] = [];
  for (const e of node.embeds) {
    const j = ident(e.joinAlias);
    if (e.spread) items.push(...e.spreadFields.map((f) => spreadFieldExpr(e.joinAlias, f)));
    else if (e.empty || e.outputName === null) continue;
    else if (e.toOne) items.push(sql`${groupable(sql`row_to_json(${j}.*)`, grouped)} AS ${ident(e.outputName)}`);
    else if (inSelectList(node, e, grouped)) {
      const { from, conds } = embedSource(e, node.alias);
      items.push(sql`COALESCE((SELECT json_agg(${j}) FROM (${childQuery(e.read, from, conds, [], true)}) AS ${j}), '[]') AS ${ident(e.outputName)}`);
    } else items.push(sql`COALESCE(${j}.${j}, '[]') AS ${ident(e.outputName)}`);
  }
  return items;
}

/** A to-many embed that is only output: it becomes a select-list subquery instead of a lateral join. */
function inSelectList(node: ReadPlan, e: EmbedPlan, grouped: boolean): boolean {
  return !e.toOne && !e.spread && !e.empty && e.outputName !== null && e.joinType === 'left' && !grouped && !testedIn(node.where, e.joinAlias);
}

/** Whether a condition tests the embed joined under `joinAlias` (`rel=is.null`, `rel=not.is.null`, in logic trees too). */
function testedIn(conds: readonly Condition[], joinAlias: string): boolean {
  return conds.some((c) => (c.kind === 'embed-null' ? c.joinAlias === joinAlias : c.kind === 'expr' && testedIn(c.children, joinAlias)));
}

/** An ORDER BY on a column of a joined to-one embed: the column of its subquery (named as it outputs it). */
export function relatedOrderExpr(o: Extract<PlannedOrder, { kind: 'related' }>): Fragment {
  const scope: Scope = { alias: o.joinAlias, table: o.table, computed: () => undefined };
  return sql`${fieldExpr(scope, o.term.field)}${orderSuffix(o.term)}`;
}

/** ` LEFT|INNER JOIN LATERAL (...) AS "join" ON ...` for every embed of the node. */
export function embedJoins(node: ReadPlan, childQuery: ChildQuery): Fragment {
  const grouped = nodeAggregates(node);
  const joins = node.embeds.filter((e) => !inSelectList(node, e, grouped)).map((e) => {
    const j = ident(e.joinAlias);
    const { from, conds } = embedSource(e, node.alias);
    const inner = e.joinType === 'inner';
    let sub: Fragment;
    let on: Fragment = keyword('TRUE');
    if (e.toOne) sub = childQuery(e.read, from, conds, [], true);
    else {
      const rows = e.spread ? toManySpreadRows(e, from, conds, childQuery, grouped) : { query: childQuery(e.read, from, conds, [], true), columns: [] };
      const columns = [sql`${groupable(sql`json_agg(${j})`, grouped)} AS ${j}`, ...rows.columns];
      sub = sql`SELECT ${join(columns, ', ')} FROM (${rows.query}) AS ${j}`;
      if (inner) on = sql`${j} IS NOT NULL`;
    }
    return sql` ${keyword(inner ? 'INNER' : 'LEFT')} JOIN LATERAL (${sub}) AS ${j} ON ${on}`;
  });
  return join(joins, '');
}

/**
 * The rows of a to-many spread and its per-column arrays: the spread's order moves into each `json_agg(... ORDER BY)`,
 * through extra columns the rows select (so unselected and related columns can order too).
 */
function toManySpreadRows(
  e: EmbedPlan,
  from: Fragment,
  conds: readonly Fragment[],
  childQuery: ChildQuery,
  grouped: boolean,
): { query: Fragment; columns: Fragment[] } {
  const j = ident(e.joinAlias);
  const child = e.read;
  const scope: Scope = { alias: child.alias, table: child.table, computed: (n) => child.computed.get(n) };
  const extras: Fragment[] = [];
  const order: Fragment[] = [];
  child.orderBy.forEach((o, i) => {
    const name = `${e.joinAlias}_${o.term.field.name}_${i + 1}`;
    const value =
      o.kind === 'field'
        ? fieldExpr(scope, o.term.field)
        : fieldExpr({ alias: o.joinAlias, table: o.table, computed: () => undefined }, o.term.field);
    extras.push(sql`${value} AS ${ident(name)}`);
    order.push(sql`${j}.${ident(name)}${orderSuffix(o.term)}`);
  });
  const orderBy = order.length === 0 ? keyword('') : sql` ORDER BY ${join(order, ', ')}`;
  const columns = e.spreadFields.map((f) => sql`${groupable(sql`COALESCE(json_agg(${j}.${ident(f.name)}${orderBy}), '[]')`, grouped)} AS ${ident(f.name)}`);
  return { query: childQuery(child, from, conds, extras, false), columns };
}
