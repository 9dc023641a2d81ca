// Traces view columns back to base-table columns (through views of views) and finds which primary and
// foreign keys a view fully exposes (PostgREST's ViewKeyDependency). Pure: it works on loaded rows only.

import { pushAt } from './maps.js';
import { viewColumnOrigins } from './node-tree.js';
import type { LoadedConstraint } from './queries/constraints.js';
import type { LoadedView } from './queries/views.js';
import type { QualifiedIdentifier } from './types.js';

/** PK of the base table, FK columns of the referencing table, or referenced columns of an FK. */
export type KeyDepType = 'pk' | 'fk' | 'fk-ref';

/** A key of a base table whose every column appears in a view. */
export interface ViewKeyDependency {
  readonly view: QualifiedIdentifier;
  readonly constraintOid: number;
  readonly constraintName: string;
  readonly type: KeyDepType;
  /** For each key column in key order: the base column and every view column showing it (attnum order). */
  readonly columns: readonly (readonly [string, readonly string[]])[];
}

interface KeyUse {
  readonly constraint: LoadedConstraint;
  readonly type: KeyDepType;
  readonly attnums: readonly number[];
  readonly names: readonly string[];
}

/**
 * Key dependencies of the views of `exposedSchemas`. `views` must also hold the views of the extra search
 * path, so chains through them resolve; a chain stops at a view outside both, as in PostgREST.
 */
export function viewKeyDependencies(
  views: readonly LoadedView[],
  constraints: readonly LoadedConstraint[],
  exposedSchemas: readonly string[],
): ViewKeyDependency[] {
  const exposed = new Set(exposedSchemas);
  // view oid → resno → origin column
  const origins = new Map<number, Map<number, { relid: number; attnum: number }>>();
  for (const v of views) {
    const byResno = new Map<number, { relid: number; attnum: number }>();
    for (const o of viewColumnOrigins(v.definition)) byResno.set(o.resno, { relid: o.relid, attnum: o.attnum });
    origins.set(v.oid, byResno);
  }
  const keysByRel = indexKeys(constraints);

  const deps: ViewKeyDependency[] = [];
  for (const v of views) {
    if (!exposed.has(v.schema)) continue;
    const viewOrigins = origins.get(v.oid);
    if (viewOrigins === undefined || viewOrigins.size === 0) continue;
    // "relid:attnum" of every column reachable from a view column → view column names
    const refs = new Map<string, string[]>();
    const relids = new Set<number>();
    const resnos = [...viewOrigins.keys()].sort((a, b) => a - b);
    for (const resno of resnos) {
      const viewCol = v.columnNames.get(resno);
      if (viewCol === undefined) continue;
      let cur = viewOrigins.get(resno);
      const path = new Set<number>([v.oid]);
      while (cur !== undefined && cur.relid !== 0) {
        const key = `${cur.relid}:${cur.attnum}`;
        const list = refs.get(key);
        if (list === undefined) refs.set(key, [viewCol]);
        else if (!list.includes(viewCol)) list.push(viewCol);
        relids.add(cur.relid);
        if (path.has(cur.relid)) break;
        path.add(cur.relid);
        cur = origins.get(cur.relid)?.get(cur.attnum);
      }
    }
    for (const relid of relids) {
      for (const use of keysByRel.get(relid) ?? []) {
        const cols: (readonly [string, readonly string[]])[] = [];
        for (let k = 0; k < use.attnums.length; k++) {
          const viewCols = refs.get(`${relid}:${use.attnums[k]}`);
          const name = use.names[k];
          if (viewCols === undefined || name === undefined) break;
          cols.push([name, viewCols]);
        }
        // only keys whose every column is in the view: no partial PKs or FKs
        if (cols.length !== use.attnums.length || cols.length === 0) continue;
        deps.push({
          view: { schema: v.schema, name: v.name },
          constraintOid: use.constraint.oid,
          constraintName: use.constraint.name,
          type: use.type,
          columns: cols,
        });
      }
    }
  }
  return deps;
}

function indexKeys(constraints: readonly LoadedConstraint[]): Map<number, KeyUse[]> {
  const byRel = new Map<number, KeyUse[]>();
  const add = (relid: number, use: KeyUse): void => pushAt(byRel, relid, use);
  for (const con of constraints) {
    if (con.type === 'p') {
      add(con.relid, { constraint: con, type: 'pk', attnums: con.keyAttnums, names: con.keyNames });
    } else if (con.type === 'f') {
      add(con.relid, { constraint: con, type: 'fk', attnums: con.keyAttnums, names: con.keyNames });
      add(con.frelid, { constraint: con, type: 'fk-ref', attnums: con.fkeyAttnums, names: con.fkeyNames });
    }
  }
  return byRel;
}

/** Cartesian expansion: each key column may show up as several view columns; every combination is a relationship. */
export function expandKeyColumns(
  columns: readonly (readonly [string, readonly string[]])[],
): (readonly [string, string])[][] {
  let acc: (readonly [string, string])[][] = [[]];
  for (const [baseCol, viewCols] of columns) {
    const next: (readonly [string, string])[][] = [];
    for (const prefix of acc) for (const vc of viewCols) next.push([...prefix, [baseCol, vc]]);
    acc = next;
  }
  return acc;
}
