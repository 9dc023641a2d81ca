// Aggregate passes over a draft read tree, as PostgREST's planner runs them: PGRST123 when aggregates are disabled,
// `*` expanded where aggregates (or to-many spreads) need explicit columns, spread fields listed, aggregates of to-one
// spreads hoisted to the nearest non-spread ancestor, and PGRST127 for aggregates in to-many spreads. No SQL text.
import { pgrst123AggregatesNotAllowed, pgrst127NotImplemented } from '../errors/catalogue.js';
import type { AggregateFunction, SelectField } from '../request/query-types.js';
import type { DraftEmbed, DraftNode } from './embed-plan.js';
import type { PlannedSelect } from './types.js';

const hasAggregate = (s: PlannedSelect): boolean => s.kind === 'field' && s.item.aggregate !== null;

/** PGRST123 when any node selects an aggregate while db-aggregates-enabled is off (root first, then embeds). */
export function checkAggregatesAllowed(node: DraftNode, enabled: boolean): void {
  if (enabled) return;
  if (node.select.some(hasAggregate)) throw pgrst123AggregatesNotAllowed();
  for (const e of node.embeds) checkAggregatesAllowed(e.child, enabled);
}

/** Runs the aggregate passes in PostgREST's order: stars, spread aliases, spread fields, hoisting, to-many check. */
export function shapeAggregates(root: DraftNode): void {
  expandStars(root, false);
  aliasSpreadAggregates(root);
  listSpreadFields(root);
  hoist(root, undefined);
  checkToManySpreads(root);
}

const plainField = (name: string): SelectField => ({
  kind: 'field',
  field: { name, jsonPath: [] },
  alias: null,
  cast: null,
  aggregate: null,
  aggregateCast: null,
});

const isStar = (s: PlannedSelect): boolean =>
  s.kind === 'star' || (s.kind === 'field' && s.item.field.name === '*' && s.item.field.jsonPath.length === 0 && s.item.aggregate === null);

/** Whether aggregates of `e`'s subtree are hoisted into the node `e` hangs from. */
function hoistsAggregates(e: DraftEmbed): boolean {
  return e.child.spread === 'to-one' && (e.child.select.some(hasAggregate) || e.child.embeds.some(hoistsAggregates));
}

/**
 * `*` → the relation's columns in a node with aggregates (its own, hoisted into it, or an ancestor's) or in a to-many
 * spread and below it, where each column must be known by name.
 */
function expandStars(node: DraftNode, inherited: boolean): void {
  const needed = inherited || node.spread === 'to-many' || node.select.some(hasAggregate) || node.embeds.some(hoistsAggregates);
  if (needed && node.select.some(isStar)) {
    node.select = node.select.flatMap((s): PlannedSelect[] =>
      isStar(s) ? node.table.columns.map((c) => ({ kind: 'field', item: plainField(c.name), computed: undefined })) : [s],
    );
  }
  for (const e of node.embeds) expandStars(e.child, needed);
}

/** In spreads an unaliased aggregate is named after its function, so the parent can select it by that name. */
function aliasSpreadAggregates(node: DraftNode): void {
  if (node.spread !== null) {
    node.select = node.select.map((s) =>
      s.kind === 'field' && s.item.aggregate !== null && s.item.alias === null ? { ...s, item: { ...s.item, alias: s.item.aggregate } } : s,
    );
  }
  for (const e of node.embeds) aliasSpreadAggregates(e.child);
}

/** The key a selected field gets: its alias, else the last JSON key of its path, else its name (as the SQL stage names it). */
export function fieldOutputName(item: SelectField): string {
  if (item.alias !== null) return item.alias;
  const path = item.field.jsonPath;
  for (let i = path.length - 1; i >= 0; i--) if (path[i]!.kind === 'key') return path[i]!.value;
  return item.field.name;
}

/** The name a selected item has in its node's subquery. */
function selectedName(s: PlannedSelect): string {
  if (s.kind === 'star') return '*';
  if (s.kind === 'row') return s.alias;
  return fieldOutputName(s.item);
}

/** Whether a node selects nothing, nor does anything below it (an embed that only filters). */
export function selectsNothing(node: DraftNode): boolean {
  return node.select.length === 0 && node.embeds.every((e) => selectsNothing(e.child));
}

/** For each spread, bottom up: its own columns, its plain embeds, then what its nested spreads lift. */
function listSpreadFields(node: DraftNode): void {
  for (const e of node.embeds) {
    listSpreadFields(e.child);
    if (e.child.spread === null) continue;
    const names = e.child.select.map(selectedName);
    for (const g of e.child.embeds) {
      if (g.child.spread !== null) names.push(...g.spreadFields.map((f) => f.name));
      else if (!selectsNothing(g.child)) names.push(g.target.alias ?? g.target.name);
    }
    e.spreadFields = names.map((name) => ({ name, aggregate: null, aggregateCast: null, alias: null }));
  }
}

/** An aggregate lifted out of a to-one spread: the spread column it applies to, under the embed's join alias. */
interface Hoisted {
  readonly joinAlias: string;
  readonly name: string;
  readonly aggregate: AggregateFunction;
  readonly aggregateCast: string | null;
  readonly alias: string | null;
}

/**
 * Moves aggregates out of to-one spreads: the spread keeps the plain column (a whole-row reference for `count()`), and
 * the nearest non-spread ancestor aggregates it through the spread's columns.
 */
function hoist(node: DraftNode, embed: DraftEmbed | undefined): Hoisted[] {
  const fromChildren = node.embeds.map((e) => hoist(e.child, e));
  if (embed === undefined || node.spread !== 'to-one') {
    node.embeds.forEach((e, i) => {
      const lifted = fromChildren[i] ?? [];
      if (lifted.length === 0) return;
      e.spreadFields = e.spreadFields.map((f) => {
        const h = lifted.find((x) => x.joinAlias === e.joinAlias && x.name === f.name);
        return h === undefined ? f : { name: f.name, aggregate: h.aggregate, aggregateCast: h.aggregateCast, alias: h.alias };
      });
    });
    return [];
  }
  const own: Hoisted[] = [];
  node.select = node.select.map((s): PlannedSelect => {
    if (s.kind !== 'field' || s.item.aggregate === null) return s;
    const name = s.item.alias ?? s.item.field.name;
    own.push({ joinAlias: embed.joinAlias, name, aggregate: s.item.aggregate, aggregateCast: s.item.aggregateCast, alias: s.item.alias });
    if (s.item.field.name === '*' && s.item.field.jsonPath.length === 0) return { kind: 'row', alias: name };
    return { ...s, item: { ...s.item, aggregate: null, aggregateCast: null } };
  });
  return [...own, ...fromChildren.flat().map((h) => ({ ...h, joinAlias: embed.joinAlias }))];
}

/** PGRST127 for an aggregate inside a to-many spread (own, or hoisted from a to-one spread below it). */
function checkToManySpreads(node: DraftNode): void {
  if (node.spread === 'to-many') {
    const aggregated = node.select.some(hasAggregate) || node.embeds.some((e) => e.spreadFields.some((f) => f.aggregate !== null));
    if (aggregated) throw pgrst127NotImplemented('Aggregates are not implemented for one-to-many or many-to-many spreads.');
  }
  for (const e of node.embeds) checkToManySpreads(e.child);
}
