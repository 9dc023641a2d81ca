// Whether a read may run anything of the user's while PostgreSQL computes its rows: functions (computed fields and
// relationships, policies, views' queries, casts to the user's types). Where nothing can run, nothing can have set the
// response settings, and the SQL stage leaves their read out. Conservative: what it cannot tell is taken for user code.
import type { Field } from '../request/query-types.js';
import { findTable } from '../schema-cache/lookup.js';
import type { SchemaCache } from '../schema-cache/types.js';
import type { Condition, ReadPlan } from './types.js';

/**
 * True unless every relation the read touches (embedded ones and junctions included) is free of user code
 * (Table.userCodeOnRead), and the read selects no computed field or cast, embeds no computed relationship and filters
 * with no full-text search (its configurations may use the user's parsers and dictionaries).
 */
export function readRunsUserCode(read: ReadPlan, cache: SchemaCache): boolean {
  if (read.table.userCodeOnRead) return true;
  const computed = (f: Field) => isComputed(read, f);
  for (const s of read.select) {
    if (s.kind === 'field' && (s.computed !== undefined || s.item.cast !== null || s.item.aggregateCast !== null)) return true;
  }
  if (read.where.some((c) => conditionRunsUserCode(c, computed))) return true;
  for (const o of read.orderBy) {
    if (o.kind === 'field' && computed(o.term.field)) return true;
    if (o.kind === 'related') {
      const embed = read.embeds.find((e) => e.joinAlias === o.joinAlias);
      if (embed === undefined || isComputed(embed.read, o.term.field)) return true;
    }
  }
  for (const embed of read.embeds) {
    const rel = embed.relationship;
    if (rel.kind === 'computed') return true;
    if (rel.cardinality.kind === 'M2M') {
      const junction = findTable(cache, rel.cardinality.junction.table.schema, rel.cardinality.junction.table.name);
      if (junction === undefined || junction.userCodeOnRead) return true;
    }
    if (embed.spreadFields.some((f) => f.aggregateCast !== null)) return true;
    if (readRunsUserCode(embed.read, cache)) return true;
  }
  return false;
}

/** A field naming a computed field rather than a column (a column of the same name wins, as in the SQL). */
function isComputed(read: ReadPlan, f: Field): boolean {
  return !read.table.columnsByName.has(f.name) && read.computed.has(f.name);
}

function conditionRunsUserCode(c: Condition, computed: (f: Field) => boolean): boolean {
  switch (c.kind) {
    case 'filter':
      return c.filter.operation.kind === 'fts' || computed(c.filter.field);
    case 'embed-null':
      return false;
    case 'expr':
      return c.children.some((child) => conditionRunsUserCode(child, computed));
  }
}
