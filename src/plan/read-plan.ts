// Builds the ReadPlan tree of a read: select items resolved (columns, computed fields), filters/logic/order/range
// attached to the node they address by embed path, embeds resolved through the relationship planner.
import type { AppConfig } from '../config/types.js';
import { pgrst108NotEmbedded, pgrst123AggregatesNotAllowed } from '../errors/catalogue.js';
import { embedRange } from '../request/api-request.js';
import type { EmbedPath, QueryParams, SelectItem } from '../request/query-types.js';
import { type NonnegRange, restrictRange } from '../request/range.js';
import { findComputedField } from '../schema-cache/lookup.js';
import type { SchemaCache, Table } from '../schema-cache/types.js';
import { planEmbed } from './embed-plan.js';
import type { ComputedRef, EmbedPlan, PlannedSelect, ReadPlan } from './types.js';

/** Shared inputs of one read tree. */
export interface ReadContext {
  readonly cache: SchemaCache;
  readonly schema: string;
  readonly query: QueryParams;
  readonly config: AppConfig;
  /** Counter for unique SQL aliases of embedded relations. */
  next: number;
}

const samePath = (a: EmbedPath, b: EmbedPath): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Plans a read of `table` with the query's root window `top` (already capped by db-max-rows). */
export function planRead(table: Table, query: QueryParams, top: NonnegRange, cache: SchemaCache, schema: string, config: AppConfig): ReadPlan {
  const ctx: ReadContext = { cache, schema, query, config, next: 0 };
  const plan = planNode(ctx, table, query.select, [], top, table.name);
  checkEmbedPaths(ctx, plan);
  return plan;
}

/** Plans one node of the tree: the relation at `path` with the given select items. */
export function planNode(ctx: ReadContext, table: Table, items: readonly SelectItem[], path: EmbedPath, range: NonnegRange, alias: string): ReadPlan {
  const select: PlannedSelect[] = [];
  const embeds: EmbedPlan[] = [];
  const computed = computedFieldsOf(ctx, table);
  for (const item of items.length === 0 ? [{ kind: 'star' } as const] : items) {
    switch (item.kind) {
      case 'star':
        select.push({ kind: 'star' });
        break;
      case 'field': {
        if (item.aggregate !== null && !ctx.config.dbAggregatesEnabled) throw pgrst123AggregatesNotAllowed();
        const name = item.field.name;
        select.push({ kind: 'field', item, computed: table.columnsByName.has(name) ? undefined : computed.get(name) });
        break;
      }
      case 'relation':
      case 'spread':
        embeds.push(planEmbed(ctx, table, item, path));
        break;
    }
  }
  return {
    table,
    alias,
    select,
    filters: ctx.query.filters.filter((f) => samePath(f.embedPath, path)).map((f) => f.filter),
    logic: ctx.query.logic.filter((l) => samePath(l.embedPath, path)).map((l) => l.tree),
    order: ctx.query.order.filter((o) => samePath(o.embedPath, path)).flatMap((o) => o.terms),
    range,
    embeds,
    computed,
  };
}

/** The computed fields of a relation, each name resolved as the request's search path would (schema, then extra). */
export function computedFieldsOf(ctx: ReadContext, table: Table): ReadonlyMap<string, ComputedRef> {
  const out = new Map<string, ComputedRef>();
  const fields = ctx.cache.computedFields.get(table.schema)?.get(table.name);
  if (!fields) return out;
  for (const f of fields) {
    if (out.has(f.name)) continue;
    const hit = findComputedField(ctx.cache, ctx.schema, table.name, f.name);
    if (hit) out.set(f.name, { schema: hit.function.schema, name: hit.function.name, returnType: hit.returnType });
  }
  return out;
}

/** The window of an embedded node: its `rel.limit`/`rel.offset`, capped by db-max-rows. */
export function childRange(ctx: ReadContext, path: EmbedPath): NonnegRange {
  return restrictRange(ctx.config.dbMaxRows, embedRange(ctx.query, path));
}

/** Filters, order, logic and ranges on embed paths that name no embedded resource → PGRST108. */
function checkEmbedPaths(ctx: ReadContext, root: ReadPlan): void {
  const known = new Set<string>(['']);
  const walk = (node: ReadPlan, prefix: readonly string[]) => {
    for (const e of node.embeds) {
      const key = [...prefix, e.outputName ?? e.name];
      known.add(key.join('\u0000'));
      if (e.outputName !== e.name) known.add([...prefix, e.name].join('\u0000'));
      walk(e.read, key);
    }
  };
  walk(root, []);
  const paths: EmbedPath[] = [
    ...ctx.query.filters.map((f) => f.embedPath),
    ...ctx.query.logic.map((l) => l.embedPath),
    ...ctx.query.order.map((o) => o.embedPath),
    ...ctx.query.ranges.map((r) => r.embedPath),
  ];
  for (const p of paths) {
    if (!known.has(p.join('\u0000'))) throw pgrst108NotEmbedded(p.join('.'));
  }
}
