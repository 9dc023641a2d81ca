// Derives every relationship from loaded constraints, view key dependencies and computed-relationship
// functions: M2O/O2O from FKs, their view variants, M2M through junctions, inverses, computed overrides.
// Pure and set-based (maps, no nested scans over all relationships); it does no catalog I/O.

import { getOrCreate, pushAt } from './maps.js';
import type { LoadedConstraint } from './queries/constraints.js';
import type {
  Cardinality,
  ColumnPair,
  ComputedRelationship,
  FkRelationship,
  QualifiedIdentifier,
  Relationship,
  Table,
} from './types.js';
import { expandKeyColumns, type ViewKeyDependency } from './view-keys.js';
import { compareCodePoints } from '../text/compare.js';

/** An FK relationship plus the oid of the constraint it came from (to find its view variants). */
interface SourcedRel {
  readonly rel: FkRelationship;
  readonly constraintOid: number;
}

const qk = (qi: QualifiedIdentifier): string => `${qi.schema}\u0000${qi.name}`;
const sameQi = (a: QualifiedIdentifier, b: QualifiedIdentifier): boolean =>
  a.schema === b.schema && a.name === b.name;

/** M2O, or O2O when the FK columns are exactly a PK/unique key of the referencing table (any column order). */
export function foreignKeyRelationships(constraints: readonly LoadedConstraint[]): SourcedRel[] {
  const uniqueKeys = new Map<number, Set<string>>();
  for (const con of constraints) {
    if (con.type === 'f') continue;
    const set = uniqueKeys.get(con.relid) ?? new Set<string>();
    set.add(sortedKey(con.keyAttnums));
    uniqueKeys.set(con.relid, set);
  }
  const out: SourcedRel[] = [];
  for (const con of constraints) {
    if (con.type !== 'f' || con.foreignTable === null) continue;
    const columns = con.keyNames.map((c, i): ColumnPair => [c, con.fkeyNames[i] ?? '']);
    const oneToOne = uniqueKeys.get(con.relid)?.has(sortedKey(con.keyAttnums)) ?? false;
    const cardinality: Cardinality = oneToOne
      ? { kind: 'O2O', constraint: con.name, columns, isParent: false }
      : { kind: 'M2O', constraint: con.name, columns };
    out.push({
      constraintOid: con.oid,
      rel: {
        kind: 'fk',
        table: con.table,
        foreignTable: con.foreignTable,
        isSelf: con.relid === con.frelid,
        cardinality,
        tableIsView: false,
        foreignTableIsView: false,
      },
    });
  }
  return out;
}

function sortedKey(attnums: readonly number[]): string {
  return [...attnums].sort((a, b) => a - b).join(',');
}

/** The view → table, table → view and view → view variants of each M2O/O2O relationship. */
export function viewRelationships(base: readonly SourcedRel[], deps: readonly ViewKeyDependency[]): FkRelationship[] {
  const fkDeps = new Map<number, ViewKeyDependency[]>();
  const refDeps = new Map<number, ViewKeyDependency[]>();
  for (const d of deps) {
    const index = d.type === 'fk' ? fkDeps : d.type === 'fk-ref' ? refDeps : null;
    if (index === null) continue;
    pushAt(index, d.constraintOid, d);
  }
  const out: FkRelationship[] = [];
  for (const { rel, constraintOid } of base) {
    const card = rel.cardinality;
    if (card.kind !== 'M2O' && card.kind !== 'O2O') continue;
    const build = (columns: ColumnPair[]): Cardinality =>
      card.kind === 'M2O'
        ? { kind: 'M2O', constraint: card.constraint, columns }
        : { kind: 'O2O', constraint: card.constraint, columns, isParent: false };
    const froms = (fkDeps.get(constraintOid) ?? []).flatMap((d) =>
      expandKeyColumns(d.columns).map((cols) => ({ view: d.view, cols })),
    );
    const tos = (refDeps.get(constraintOid) ?? []).flatMap((d) =>
      expandKeyColumns(d.columns).map((cols) => ({ view: d.view, cols })),
    );
    for (const f of froms) {
      out.push({
        ...rel,
        table: f.view,
        isSelf: false,
        cardinality: build(f.cols.map(([, vc], i): ColumnPair => [vc, card.columns[i]?.[1] ?? ''])),
        tableIsView: true,
        foreignTableIsView: false,
      });
    }
    for (const t of tos) {
      out.push({
        ...rel,
        foreignTable: t.view,
        isSelf: false,
        cardinality: build(card.columns.map(([tc], i): ColumnPair => [tc, t.cols[i]?.[1] ?? ''])),
        tableIsView: false,
        foreignTableIsView: true,
      });
    }
    for (const f of froms) {
      for (const t of tos) {
        out.push({
          ...rel,
          table: f.view,
          foreignTable: t.view,
          isSelf: sameQi(f.view, t.view),
          cardinality: build(f.cols.map(([, vc], i): ColumnPair => [vc, t.cols[i]?.[1] ?? ''])),
          tableIsView: true,
          foreignTableIsView: true,
        });
      }
    }
  }
  return out;
}

/** M2M through a junction whose two distinct FKs (to origin and target) only use its PK columns. */
export function manyToManyRelationships(
  rels: readonly FkRelationship[],
  pkOf: (qi: QualifiedIdentifier) => readonly string[] | undefined,
): FkRelationship[] {
  const m2oByTable = new Map<string, FkRelationship[]>();
  for (const r of rels) {
    if (r.cardinality.kind !== 'M2O') continue;
    pushAt(m2oByTable, qk(r.table), r);
  }
  const out: FkRelationship[] = [];
  for (const fromJunction of m2oByTable.values()) {
    const first = fromJunction[0];
    if (first === undefined || fromJunction.length < 2) continue;
    const pk = new Set(pkOf(first.table) ?? []);
    if (pk.size === 0) continue;
    for (const r1 of fromJunction) {
      for (const r2 of fromJunction) {
        if (r1.cardinality.kind !== 'M2O' || r2.cardinality.kind !== 'M2O') continue;
        const c1 = r1.cardinality;
        const c2 = r2.cardinality;
        if (c1.constraint === c2.constraint) continue;
        if (!c1.columns.every(([jc]) => pk.has(jc)) || !c2.columns.every(([jc]) => pk.has(jc))) continue;
        out.push({
          kind: 'fk',
          table: r1.foreignTable,
          foreignTable: r2.foreignTable,
          isSelf: sameQi(r1.foreignTable, r2.foreignTable),
          cardinality: {
            kind: 'M2M',
            junction: {
              table: r1.table,
              constraint1: c1.constraint,
              constraint2: c2.constraint,
              sourceColumns: c1.columns.map(([jc, tc]): ColumnPair => [tc, jc]),
              targetColumns: c2.columns.map(([jc, tc]): ColumnPair => [tc, jc]),
            },
          },
          tableIsView: r1.foreignTableIsView,
          foreignTableIsView: r2.foreignTableIsView,
        });
      }
    }
  }
  return out;
}

/** O2M for every M2O and the parent-side O2O for every child-side O2O. */
export function inverseRelationships(rels: readonly FkRelationship[]): FkRelationship[] {
  const out: FkRelationship[] = [];
  for (const r of rels) {
    const c = r.cardinality;
    if (c.kind !== 'M2O' && c.kind !== 'O2O') continue;
    const columns = c.columns.map(([a, b]): ColumnPair => [b, a]);
    out.push({
      kind: 'fk',
      table: r.foreignTable,
      foreignTable: r.table,
      isSelf: r.isSelf,
      cardinality:
        c.kind === 'M2O'
          ? { kind: 'O2M', constraint: c.constraint, columns }
          : { kind: 'O2O', constraint: c.constraint, columns, isParent: !c.isParent },
      tableIsView: r.foreignTableIsView,
      foreignTableIsView: r.tableIsView,
    });
  }
  return out;
}

/**
 * Keeps relationships whose both ends are relations of the cache (exposed schemas, partitions hidden) and
 * whose junction is exposed; a computed relationship replaces the detected ones from the same table to
 * the relation named like its function. Groups them by table and target schema, sorted like PostgREST.
 */
export function finalizeRelationships(
  detected: readonly FkRelationship[],
  computed: readonly ComputedRelationship[],
  tables: (qi: QualifiedIdentifier) => Table | undefined,
  exposedSchemas: readonly string[],
): Map<string, Map<string, Map<string, Relationship[]>>> {
  const exposed = new Set(exposedSchemas);
  const overridden = new Set(computed.map((c) => `${qk(c.table)}\u0000${qk(c.function)}`));
  const out = new Map<string, Map<string, Map<string, Relationship[]>>>();
  const add = (r: Relationship, targetSchema: string): void => {
    const bySchema = getOrCreate(out, r.table.schema, () => new Map<string, Map<string, Relationship[]>>());
    pushAt(getOrCreate(bySchema, r.table.name, () => new Map<string, Relationship[]>()), targetSchema, r);
  };
  for (const r of detected) {
    if (tables(r.table) === undefined || tables(r.foreignTable) === undefined) continue;
    if (r.cardinality.kind === 'M2M' && !exposed.has(r.cardinality.junction.table.schema)) continue;
    if (overridden.has(`${qk(r.table)}\u0000${qk(r.foreignTable)}`)) continue;
    add(r, r.foreignTable.schema);
  }
  // one computed relationship per (table, function): the last one wins, as a map insert would
  const uniqueComputed = new Map(computed.map((c) => [`${qk(c.table)}\u0000${qk(c.function)}`, c]));
  for (const c of uniqueComputed.values()) {
    if (tables(c.table) === undefined || tables(c.foreignTable) === undefined) continue;
    add(c, c.function.schema);
  }
  for (const bySchema of out.values())
    for (const byTable of bySchema.values()) for (const list of byTable.values()) list.sort(compareRelationships);
  return out;
}

// --- ordering: the derived Ord of PostgREST's Relationship type, so ambiguity details list in the same order

const cmpBool = (a: boolean, b: boolean): number => (a === b ? 0 : a ? 1 : -1);
const cmpQi = (a: QualifiedIdentifier, b: QualifiedIdentifier): number =>
  compareCodePoints(a.schema, b.schema) || compareCodePoints(a.name, b.name);

function cmpPairs(a: readonly ColumnPair[], b: readonly ColumnPair[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) break;
    const c = compareCodePoints(x[0], y[0]) || compareCodePoints(x[1], y[1]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const CARDINALITY_ORDER = { O2M: 0, M2O: 1, O2O: 2, M2M: 3 } as const;

function cmpCardinality(a: Cardinality, b: Cardinality): number {
  if (a.kind !== b.kind) return CARDINALITY_ORDER[a.kind] - CARDINALITY_ORDER[b.kind];
  if (a.kind === 'M2M' && b.kind === 'M2M') {
    const x = a.junction;
    const y = b.junction;
    return (
      cmpQi(x.table, y.table) ||
      compareCodePoints(x.constraint1, y.constraint1) ||
      compareCodePoints(x.constraint2, y.constraint2) ||
      cmpPairs(x.sourceColumns, y.sourceColumns) ||
      cmpPairs(x.targetColumns, y.targetColumns)
    );
  }
  if (a.kind === 'M2M' || b.kind === 'M2M') return 0;
  const c = compareCodePoints(a.constraint, b.constraint) || cmpPairs(a.columns, b.columns);
  if (c !== 0 || a.kind !== 'O2O' || b.kind !== 'O2O') return c;
  return cmpBool(a.isParent, b.isParent);
}

/** Orders relationships: detected before computed, then field by field. */
export function compareRelationships(a: Relationship, b: Relationship): number {
  if (a.kind !== b.kind) return a.kind === 'fk' ? -1 : 1;
  if (a.kind === 'fk' && b.kind === 'fk') {
    return (
      cmpQi(a.table, b.table) ||
      cmpQi(a.foreignTable, b.foreignTable) ||
      cmpBool(a.isSelf, b.isSelf) ||
      cmpCardinality(a.cardinality, b.cardinality) ||
      cmpBool(a.tableIsView, b.tableIsView) ||
      cmpBool(a.foreignTableIsView, b.foreignTableIsView)
    );
  }
  if (a.kind === 'computed' && b.kind === 'computed') {
    return (
      cmpQi(a.function, b.function) ||
      cmpQi(a.table, b.table) ||
      cmpQi(a.foreignTable, b.foreignTable) ||
      cmpBool(a.toOne, b.toOne) ||
      cmpBool(a.isSelf, b.isSelf)
    );
  }
  return 0;
}
