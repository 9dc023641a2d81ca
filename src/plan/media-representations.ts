// Domain representations per column: the `domain → json` formatter a read applies and the `text → domain` parser a
// filter value goes through, indexed once per schema cache by Table; plus the read-plan pass expanding `*` into columns
// where a relation has formatters (PostgREST's expandStars). No SQL text.
import { findRepresentation } from '../schema-cache/lookup.js';
import type { QualifiedIdentifier, SchemaCache, Table } from '../schema-cache/types.js';
import type { EmbedPlan, PlannedSelect, ReadPlan } from './types.js';

/** The representation functions of one column (only those the catalog declares). */
export interface ColumnRepresentation {
  /** `domain → json`: how the column is written into a response. */
  readonly format: QualifiedIdentifier | undefined;
  /** `text → domain`: how a query-string value compared with the column is read. */
  readonly parseText: QualifiedIdentifier | undefined;
}

// Table objects belong to one snapshot, so entries never go stale: a reload builds new tables (and a new index).
const byTable = new WeakMap<Table, ReadonlyMap<string, ColumnRepresentation>>();
const indexed = new WeakSet<SchemaCache>();

/** Indexes the representations of every cached column once per snapshot (a no-op when the cache has none). */
export function indexRepresentations(cache: SchemaCache): void {
  if (indexed.has(cache)) return;
  indexed.add(cache);
  if (cache.representations.size === 0) return;
  for (const tables of cache.tables.values()) {
    for (const table of tables.values()) {
      const columns = new Map<string, ColumnRepresentation>();
      for (const c of table.columns) {
        const format = findRepresentation(cache, c.nominalType, 'json')?.function;
        const parseText = findRepresentation(cache, 'text', c.nominalType)?.function;
        if (format !== undefined || parseText !== undefined) columns.set(c.name, { format, parseText });
      }
      if (columns.size > 0) byTable.set(table, columns);
    }
  }
}

/** The representation functions of `table.column`, if it has any (see {@link indexRepresentations}). */
export function columnRepresentation(table: Table, column: string): ColumnRepresentation | undefined {
  return byTable.get(table)?.get(column);
}

function hasFormatter(table: Table): boolean {
  const columns = byTable.get(table);
  if (columns === undefined) return false;
  for (const c of columns.values()) if (c.format !== undefined) return true;
  return false;
}

const columnField = (name: string): PlannedSelect => ({
  kind: 'field',
  item: { kind: 'field', field: { name, jsonPath: [] }, alias: null, cast: null, aggregate: null, aggregateCast: null },
  computed: undefined,
});

const isStar = (s: PlannedSelect): boolean =>
  s.kind === 'star' || (s.kind === 'field' && s.item.field.name === '*' && s.item.field.jsonPath.length === 0 && s.item.aggregate === null);

/**
 * `*` becomes the relation's columns (each then formatted by its representation) in every node whose relation has a
 * `domain → json` formatter; other nodes are returned as they are.
 */
export function expandRepresentationStars(node: ReadPlan, cache: SchemaCache): ReadPlan {
  indexRepresentations(cache);
  if (cache.representations.size === 0) return node;
  return expandNode(node);
}

function expandNode(node: ReadPlan): ReadPlan {
  const embeds = node.embeds.map((e): EmbedPlan => {
    const read = expandNode(e.read);
    return read === e.read ? e : { ...e, read };
  });
  const expand = hasFormatter(node.table) && node.select.some(isStar);
  const select = expand ? node.select.flatMap((s) => (isStar(s) ? node.table.columns.map((c) => columnField(c.name)) : [s])) : node.select;
  const changed = expand || embeds.some((e, i) => e !== node.embeds[i]);
  return changed ? { ...node, select, embeds } : node;
}
