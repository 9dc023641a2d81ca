// Compiles a ReadPlan node into `SELECT <fields, embeds> FROM <relation> <lateral joins> WHERE ... GROUP BY ... ORDER BY
// ... LIMIT ... OFFSET ...`, embeds nested in the same statement, and the FROM + WHERE its counts use. No I/O.
import type { Condition, EmbedPlan, ReadPlan } from '../plan/types.js';
import { rangeLimit, rangeOffset } from '../request/range.js';
import { aggregateFieldExpr, groupByClause } from './aggregate.js';
import { filterExpr, orderExpr, type Scope, selectFieldExpr } from './expressions.js';
import { type Fragment, ident, join, keyword, param, qualified, sql } from './fragment.js';
import { embedJoins, embedSelects, embedSource, relatedOrderExpr } from './read-embed.js';

/** The scope of a plan node, for expressions. */
export function scopeOf(node: ReadPlan): Scope {
  return { alias: node.alias, table: node.table, computed: (name) => node.computed.get(name) };
}

/** Renders a test on an embed: in the main query on its joined row, in counts as an EXISTS. */
type EmbedNullTest = (joinAlias: string, isNull: boolean) => Fragment;

function conditionExpr(c: Condition, scope: Scope, embedNull: EmbedNullTest): Fragment {
  switch (c.kind) {
    case 'filter':
      return filterExpr(scope, c.filter);
    case 'embed-null':
      return embedNull(c.joinAlias, c.isNull);
    case 'expr': {
      const inner = join(
        c.children.map((x) => conditionExpr(x, scope, embedNull)),
        c.operator === 'and' ? ' AND ' : ' OR ',
      );
      return c.negated ? sql`NOT (${inner})` : sql`(${inner})`;
    }
  }
}

// `IS DISTINCT FROM NULL` rather than `IS NOT NULL`: a joined row whose columns are all null still counts as found
const joinedRowTest: EmbedNullTest = (joinAlias, isNull) =>
  sql`${ident(joinAlias)} ${keyword(isNull ? 'IS NOT DISTINCT FROM NULL' : 'IS DISTINCT FROM NULL')}`;

/** WHERE conditions of a node (logic trees, then filters), ANDed by the caller. */
export function whereConditions(node: ReadPlan, scope: Scope): Fragment[] {
  return node.where.map((c) => conditionExpr(c, scope, joinedRowTest));
}

/** ` WHERE a AND b`, or nothing. */
export function whereClause(conds: readonly Fragment[]): Fragment {
  return conds.length === 0 ? keyword('') : sql` WHERE ${join(conds, ' AND ')}`;
}

/** The select list of a node (without embeds): columns, computed fields, casts and aggregates. */
export function selectList(node: ReadPlan, scope: Scope): Fragment[] {
  const items: Fragment[] = [];
  for (const s of node.select) {
    if (s.kind === 'star') items.push(sql`${ident(node.alias)}.*`);
    else if (s.kind === 'row') items.push(sql`${ident(node.alias)} AS ${ident(s.alias)}`);
    else if (s.item.aggregate !== null) items.push(aggregateFieldExpr(scope, s.item, s.item.aggregate));
    else items.push(selectFieldExpr(scope, s.item));
  }
  return items;
}

/** ` ORDER BY ...`, or nothing; related terms order by a column of a joined to-one embed. */
export function orderClause(node: ReadPlan, scope: Scope): Fragment {
  const terms = node.orderBy.map((o) => (o.kind === 'field' ? orderExpr(scope, o.term) : relatedOrderExpr(o)));
  return terms.length === 0 ? keyword('') : sql` ORDER BY ${join(terms, ', ')}`;
}

/**
 * ` LIMIT n OFFSET $1` for the node's window. The limit is written into the statement (PostgREST binds it): with a
 * bound limit PostgreSQL can never estimate a generic plan as cheap as a custom one, so it plans the prepared
 * statement anew on every run (`filter50`: a quarter of the database's instructions per request). The limit is part
 * of the shape cache's key, so this makes no more statements than there are shapes. The offset stays a parameter, so
 * that paging through a table is one statement; an offset alone still has PostgreSQL plan each run.
 */
export function limitClause(node: ReadPlan): Fragment {
  const limit = rangeLimit(node.range);
  const offset = rangeOffset(node.range);
  const l = limit === undefined ? keyword('') : sql` LIMIT ${integer(Math.max(0, limit))}`;
  const o = offset > 0 ? sql` OFFSET ${param(offset)}` : keyword('');
  return sql`${l}${o}`;
}

/** A non-negative integer written into the statement, or bound when it is not a safe integer. */
export function integer(n: number): Fragment {
  return Number.isSafeInteger(n) && n >= 0 ? keyword(String(n)) : param(n);
}

/** `FROM "schema"."table" AS "alias"`, or `FROM <source> AS "alias"` (mutation results, function calls). */
export function fromClause(node: ReadPlan, source?: Fragment): Fragment {
  return sql`FROM ${source ?? qualified(node.table.schema, node.table.name)} AS ${ident(node.alias)}`;
}

/**
 * The SELECT of a node with everything below it: its columns (every column when it selects nothing at all), `extra`
 * columns, its embeds' columns, `from` with the embeds' lateral joins, its conditions plus `joinConds`, GROUP BY,
 * ORDER BY (unless `ordered` is false) and its window.
 */
export function nodeQuery(node: ReadPlan, from: Fragment, joinConds: readonly Fragment[] = [], extra: readonly Fragment[] = [], ordered = true): Fragment {
  const scope = scopeOf(node);
  const own = node.select.length === 0 && node.embeds.length === 0 ? [sql`${ident(node.alias)}.*`] : selectList(node, scope);
  const items = [...own, ...extra, ...embedSelects(node, nodeQuery)];
  const conds = [...whereConditions(node, scope), ...joinConds];
  const order = ordered ? orderClause(node, scope) : keyword('');
  return sql`SELECT ${join(items, ', ')} ${from}${embedJoins(node, nodeQuery)}${whereClause(conds)}${groupByClause(node, scope)}${order}${limitClause(node)}`;
}

/**
 * The conditions a count of `node`'s rows needs: its own (tests on embeds become [NOT] EXISTS of the embed's count),
 * `joinConds`, and an EXISTS for every inner-joined embed. Embeds that neither filter nor inner-join are left out.
 */
function countConditions(node: ReadPlan, joinConds: readonly Fragment[]): Fragment[] {
  const scope = scopeOf(node);
  const exists = (e: EmbedPlan): Fragment => {
    const { from, conds } = embedSource(e, node.alias);
    return sql`EXISTS (SELECT 1 ${from}${whereClause(countConditions(e.read, conds))})`;
  };
  const embedNull: EmbedNullTest = (joinAlias, isNull) => {
    const e = node.embeds.find((x) => x.joinAlias === joinAlias);
    if (e === undefined) return keyword('TRUE');
    return isNull ? sql`NOT ${exists(e)}` : exists(e);
  };
  return [
    ...node.where.map((c) => conditionExpr(c, scope, embedNull)),
    ...joinConds,
    ...node.embeds.filter((e) => e.joinType === 'inner').map(exists),
  ];
}

/**
 * The full SELECT of a top-level read node and, separately (on demand), its FROM + WHERE for counts (which honour `!inner` and
 * null tests on embeds without joining them). `source` replaces the relation (e.g. a mutation's RETURNING CTE or a
 * function call), keeping the node's alias and columns; embeds join to it as they would to the relation.
 */
export function readSelect(node: ReadPlan, source?: Fragment): { select: Fragment; countFrom: () => Fragment } {
  const from = fromClause(node, source);
  // Built only when a count asks for it: most reads have none.
  return { select: nodeQuery(node, from), countFrom: () => sql`${from}${whereClause(countConditions(node, []))}` };
}
