// Builds the draft read tree: each select-tree node becomes a relation read, each embed (`rel!hint!inner(...)`,
// `...rel(...)`) is resolved to a relationship of the schema cache, with SQL aliases and row windows. No SQL text.
import type { AppConfig } from '../config/types.js';
import { rangeOf } from '../request/api-request.js';
import type { QueryParams } from '../request/query-types.js';
import { allRange, capRange, type NonnegRange } from '../request/range.js';
import { findComputedField, findTable } from '../schema-cache/lookup.js';
import type { Relationship, SchemaCache, Table } from '../schema-cache/types.js';
import { findRel, relIsToOne } from './relationship.js';
import type { ReadPurpose, TargetNode } from './relationship-targets.js';
import type { ComputedRef, PlannedSelect, SpreadField } from './types.js';

/** Shared inputs of one read tree. */
export interface ReadContext {
  readonly cache: SchemaCache;
  readonly schema: string;
  readonly query: QueryParams;
  readonly config: AppConfig;
  readonly purpose: ReadPurpose;
  /** Counter for fallback SQL aliases. */
  next: number;
}

/** A relation read while the passes of read-plan.ts shape it; `select` and spread fields change in place. */
export interface DraftNode {
  readonly table: Table;
  readonly alias: string;
  readonly depth: number;
  readonly target: TargetNode;
  readonly range: NonnegRange;
  readonly computed: ReadonlyMap<string, ComputedRef>;
  /** How this node hangs under its parent: null at the root and for plain embeds. */
  readonly spread: 'to-one' | 'to-many' | null;
  select: PlannedSelect[];
  readonly embeds: DraftEmbed[];
}

/** An embed of a draft node. */
export interface DraftEmbed {
  readonly target: TargetNode;
  readonly relationship: Relationship;
  readonly toOne: boolean;
  readonly joinAlias: string;
  readonly child: DraftNode;
  spreadFields: SpreadField[];
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

/**
 * Drafts the read of `table` for a select-tree node and, depth first in select order, its embeds (so the first
 * unresolvable embed is the one reported, as in PostgREST).
 */
export function draftNode(
  ctx: ReadContext,
  target: TargetNode,
  table: Table,
  depth: number,
  alias: string,
  range: NonnegRange,
  spread: DraftNode['spread'],
): DraftNode {
  const computed = computedFieldsOf(ctx, table);
  const select: PlannedSelect[] = [];
  for (const item of target.fields) {
    if (item.kind === 'star') select.push({ kind: 'star' });
    else if (item.kind === 'field') {
      const name = item.field.name;
      select.push({ kind: 'field', item, computed: table.columnsByName.has(name) ? undefined : computed.get(name) });
    }
  }
  // `select=` (nothing at all) reads every column at the root; an embedded `rel()` stays empty
  if (depth === 0 && select.length === 0 && target.children.length === 0) select.push({ kind: 'star' });
  const node: DraftNode = { table, alias, depth, target, range, computed, spread, select, embeds: [] };
  const used = new Set<string>([alias]);
  for (const child of target.children) node.embeds.push(draftEmbed(ctx, node, child, used));
  return node;
}

function draftEmbed(ctx: ReadContext, parent: DraftNode, target: TargetNode, used: Set<string>): DraftEmbed {
  const item = target.item!;
  const relationship = findRel(ctx.cache, ctx.schema, parent.table.name, item.name, item.hint);
  const foreign = findTable(ctx.cache, relationship.foreignTable.schema, relationship.foreignTable.name);
  // finalizeRelationships keeps only relationships whose both ends are cached
  if (foreign === undefined) throw new Error(`relationship target ${relationship.foreignTable.name} is not cached`);
  const toOne = relIsToOne(relationship);
  const depth = parent.depth + 1;
  const joinAlias = uniqueAlias(ctx, `${parent.table.name}_${target.alias ?? target.name}_${depth}`, used);
  const spread = item.kind === 'spread' ? (toOne ? 'to-one' : 'to-many') : null;
  const child = draftNode(ctx, target, foreign, depth, `${foreign.name}_${depth}`, childRange(ctx, target), spread);
  return { target, relationship, toOne, joinAlias, child, spreadFields: [] };
}

/** The window of an embedded node: its `rel.limit`/`rel.offset`, capped by db-max-rows (neither for mutations). */
function childRange(ctx: ReadContext, target: TargetNode): NonnegRange {
  if (ctx.purpose === 'mutation') return allRange;
  const r = target.range === undefined ? allRange : rangeOf(target.range);
  return capRange(r, ctx.config.dbMaxRows);
}

// PostgreSQL truncates identifiers to 63 bytes; longer or repeated names fall back to a numbered alias.
const MAX_ALIAS_BYTES = 63;

function uniqueAlias(ctx: ReadContext, wanted: string, used: Set<string>): string {
  let alias = wanted;
  if (used.has(alias) || Buffer.byteLength(alias) > MAX_ALIAS_BYTES) alias = `pgrst_embed_${++ctx.next}`;
  used.add(alias);
  return alias;
}
