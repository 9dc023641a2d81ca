// Builds the ReadPlan tree of a read as a chain of passes (PostgREST's readPlan order): query-string targets attached
// to embeds (PGRST108), relationships resolved (PGRST200/201), related orders checked (PGRST118/108), aggregates
// checked and shaped (PGRST123/127), then null tests on embeds resolved. No SQL text.
import type { AppConfig } from '../config/types.js';
import { pgrst108NotEmbedded, pgrst118RelatedOrderNotToOne } from '../errors/catalogue.js';
import type { Filter, LogicTree, QueryParams } from '../request/query-types.js';
import type { NonnegRange } from '../request/range.js';
import type { SchemaCache, Table } from '../schema-cache/types.js';
import { checkAggregatesAllowed, selectsNothing, shapeAggregates } from './aggregate-plan.js';
import { type DraftEmbed, type DraftNode, draftNode, type ReadContext } from './embed-plan.js';
import { attachTargets, type ReadPurpose } from './relationship-targets.js';
import type { Condition, EmbedPlan, PlannedOrder, ReadPlan } from './types.js';

export type { ReadContext } from './embed-plan.js';
export { computedFieldsOf } from './embed-plan.js';
export type { ReadPurpose } from './relationship-targets.js';

/**
 * Plans a read of `table` with the query's root window `top` (already capped by db-max-rows). `purpose` says whose read
 * it is: a mutation's representation skips root filters/logic (they filter the write) and every limit/offset.
 */
export function planRead(
  table: Table,
  query: QueryParams,
  top: NonnegRange,
  cache: SchemaCache,
  schema: string,
  config: AppConfig,
  purpose: ReadPurpose = 'read',
): ReadPlan {
  const targets = attachTargets(query, purpose, config.urlUseLegacyTargetNames);
  const ctx: ReadContext = { cache, schema, query, config, purpose, next: 0 };
  const draft = draftNode(ctx, targets, table, 0, table.name, top, null);
  checkRelatedOrders(draft, purpose);
  checkAggregatesAllowed(draft, config.dbAggregatesEnabled);
  shapeAggregates(draft);
  return finish(draft);
}

const embedKey = (e: DraftEmbed): string => e.target.alias ?? e.target.name;

/** `order=rel(col)` must name a to-one embed of the same node: PGRST108 / PGRST118 otherwise (root first). */
function checkRelatedOrders(node: DraftNode, purpose: ReadPurpose): void {
  for (const term of node.target.order) {
    if (term.kind !== 'related') continue;
    const embed = node.embeds.find((e) => embedKey(e) === term.relation);
    if (embed === undefined) throw pgrst108NotEmbedded(term.relation);
    // a mutation's or function's representation reads from the `pgrst_source` CTE, and PostgREST names it so
    const origin = node.depth === 0 && purpose !== 'read' ? 'pgrst_source' : node.table.name;
    if (!embed.toOne) throw pgrst118RelatedOrderNotToOne(origin, term.relation);
  }
  for (const e of node.embeds) checkRelatedOrders(e.child, purpose);
}

/** The draft as the immutable ReadPlan the SQL stage compiles. */
function finish(node: DraftNode): ReadPlan {
  const embeds = node.embeds.map(finishEmbed);
  const t = node.target;
  const where = [...t.logic.map((tree) => resolveTree(tree, node)), ...t.filters.map((f) => resolveFilter(f, node))];
  const orderBy = t.order.map((term): PlannedOrder => {
    if (term.kind === 'field') return { kind: 'field', term };
    const e = node.embeds.find((x) => embedKey(x) === term.relation)!;
    return { kind: 'related', joinAlias: e.joinAlias, table: e.child.table, term };
  });
  return {
    table: node.table,
    alias: node.alias,
    select: node.select,
    filters: t.filters,
    logic: t.logic,
    order: t.order,
    range: node.range,
    embeds,
    computed: node.computed,
    where,
    orderBy,
  };
}

function finishEmbed(e: DraftEmbed): EmbedPlan {
  const item = e.target.item!;
  const spread = item.kind === 'spread';
  return {
    name: item.name,
    outputName: spread ? null : (e.target.alias ?? item.name),
    relationship: e.relationship,
    joinType: item.joinType ?? 'left',
    toOne: e.toOne,
    read: finish(e.child),
    alias: e.target.alias,
    hint: item.hint,
    spread,
    joinAlias: e.joinAlias,
    spreadFields: e.spreadFields,
    empty: !spread && selectsNothing(e.child),
    legacyTargetMatch: e.target.legacyTargetMatch,
  };
}

/** `rel=is.null` / `rel=not.is.null` on an embed of the node is a test on the embed; anything else filters a column. */
function resolveFilter(filter: Filter, node: DraftNode): Condition {
  const op = filter.operation;
  if (filter.field.jsonPath.length === 0 && op.kind === 'is' && op.value === 'null') {
    const embed = node.embeds.find((e) => embedKey(e) === filter.field.name);
    if (embed !== undefined) return { kind: 'embed-null', joinAlias: embed.joinAlias, isNull: !filter.negated };
  }
  return { kind: 'filter', filter };
}

function resolveTree(tree: LogicTree, node: DraftNode): Condition {
  if (tree.kind === 'filter') return resolveFilter(tree.filter, node);
  return { kind: 'expr', negated: tree.negated, operator: tree.operator, children: tree.children.map((c) => resolveTree(c, node)) };
}

/** `[relation, alias]` for each aliased embed a filter/order/limit named by its relation (the v16 Warning header). */
export function legacyTargetWarnings(read: ReadPlan): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  const walk = (node: ReadPlan): void => {
    for (const e of node.embeds) {
      if (e.legacyTargetMatch && e.alias !== null) out.push([e.name, e.alias]);
      walk(e.read);
    }
  };
  walk(read);
  return out;
}

/** The text of the `Warning` header for legacy target names (after `299 PostgRESTv<version> `), if any. */
export function legacyTargetWarningText(read: ReadPlan): string | undefined {
  const warnings = legacyTargetWarnings(read);
  if (warnings.length === 0) return undefined;
  const hint = warnings.map(([name, alias]) => `\`${name}\` to \`${alias}\``).join(', ');
  return (
    'Embedded resource was referenced by relation name even though it has an alias. This is deprecated and will stop ' +
    `working in a future release. Update ${hint} in query string filters, orders or limits.`
  );
}
