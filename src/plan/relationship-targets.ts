// Attaches each filter, order, limit/offset and logic tree of the query string to the select-tree node its embed path
// names (`rel.col=...`), with PostgREST's rules for aliases and url-use-legacy-target-names, raising PGRST108 for
// paths that name no embedded resource. Works on the parsed select only: no schema cache, no SQL.
import { pgrst108NotEmbedded } from '../errors/catalogue.js';
import type {
  EmbedPath,
  Filter,
  LogicTree,
  OrderTerm,
  QueryParams,
  QueryRange,
  SelectItem,
  SelectRelation,
  SelectSpread,
} from '../request/query-types.js';

/** A node of the select tree with what the query string addresses to it. Mutable while targets are attached. */
export interface TargetNode {
  /** The embed item (null at the root). */
  readonly item: SelectRelation | SelectSpread | null;
  readonly name: string;
  readonly alias: string | null;
  /** Fields and stars of this node, in select order. */
  readonly fields: readonly SelectItem[];
  /** Embedded children in select order (never reordered). */
  readonly children: readonly TargetNode[];
  filters: Filter[];
  logic: LogicTree[];
  order: readonly OrderTerm[];
  range: QueryRange | undefined;
  legacyTargetMatch: boolean;
}

/** Which query-string parts a read takes: a read or call takes all; a mutation's representation no root filters and no ranges. */
export type ReadPurpose = 'read' | 'mutation' | 'call';

function buildNode(item: SelectRelation | SelectSpread | null, items: readonly SelectItem[]): TargetNode {
  const fields: SelectItem[] = [];
  const children: TargetNode[] = [];
  for (const it of items) {
    if (it.kind === 'relation' || it.kind === 'spread') children.push(buildNode(it, it.children));
    else fields.push(it);
  }
  return {
    item,
    name: item?.name ?? '',
    alias: item?.kind === 'relation' ? item.alias : null,
    fields,
    children,
    filters: [],
    logic: [],
    order: [],
    range: undefined,
    legacyTargetMatch: false,
  };
}

/**
 * Builds the select tree and attaches the query's filters, orders, ranges and logic trees, in PostgREST's order
 * (each kind from its last parameter to its first). Throws PGRST108 for a path that names no embed.
 */
export function attachTargets(query: QueryParams, purpose: ReadPurpose, legacyNames: boolean): TargetNode {
  const root = buildNode(null, query.select);
  // the order siblings are searched in: a match moves to the front, as PostgREST's tree update does
  const searchOrder = new Map<TargetNode, TargetNode[]>();
  const resolve = (path: EmbedPath): TargetNode => {
    let node = root;
    for (const name of path) {
      const siblings = searchOrder.get(node) ?? [...node.children];
      searchOrder.set(node, siblings);
      const found = siblings.find((c) => (legacyNames ? c.name === name || c.alias === name : (c.alias ?? c.name) === name));
      if (found === undefined) {
        const legacy = legacyNames ? undefined : siblings.find((c) => c.name === name && c.alias !== null && c.alias !== name);
        throw legacy?.alias ? pgrst108NotEmbedded(name, { name, alias: legacy.alias }) : pgrst108NotEmbedded(name);
      }
      siblings.splice(siblings.indexOf(found), 1);
      siblings.unshift(found);
      if (found.name === name && found.alias !== null && found.alias !== name) found.legacyTargetMatch = true;
      node = found;
    }
    return node;
  };
  const withoutRoot = purpose === 'mutation';
  for (const f of [...query.filters].reverse()) {
    if (withoutRoot && f.embedPath.length === 0) continue;
    resolve(f.embedPath).filters.unshift(f.filter);
  }
  for (const o of [...query.order].reverse()) resolve(o.embedPath).order = o.terms;
  if (purpose !== 'mutation') {
    for (const r of [...query.ranges].reverse()) {
      if (r.embedPath.length > 0) resolve(r.embedPath).range = r;
    }
  }
  for (const l of [...query.logic].reverse()) {
    if (withoutRoot && l.embedPath.length === 0) continue;
    resolve(l.embedPath).logic.unshift(l.tree);
  }
  return root;
}
