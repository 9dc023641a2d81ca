// Reads the column origins (resno → resorigtbl.resorigcol) of a view's top-level target list from its
// pg_node_tree text, tokenised the way PostgreSQL's pg_strtok does. Pure; it never resolves names.

/** A view column (resno) that PostgreSQL traced back to a column of another relation. */
export interface ColumnOrigin {
  readonly resno: number;
  readonly relid: number;
  readonly attnum: number;
}

const SPACE = 32;
const NEWLINE = 10;
const TAB = 9;
const BACKSLASH = 92;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isDelimiter(c: number): boolean {
  return (
    c === SPACE ||
    c === NEWLINE ||
    c === TAB ||
    c === OPEN_PAREN ||
    c === CLOSE_PAREN ||
    c === OPEN_BRACE ||
    c === CLOSE_BRACE
  );
}

/**
 * Origins of the top-level query's target entries (`ev_action` is `({QUERY ... :targetList (...) ...})`).
 * Entries without an origin (expressions, resjunk sort columns) are skipped; UNION views have none.
 */
export function viewColumnOrigins(tree: string): ColumnOrigin[] {
  const out: ColumnOrigin[] = [];
  const n = tree.length;
  let i = 0;
  let depth = 0;
  // 0: looking for :targetList at depth 2 (inside `({QUERY`); 1: inside the list; 2: done
  let state = 0;
  let pendingKey = '';
  let resno = 0;
  let relid = 0;
  let attnum = 0;
  let junk = false;

  while (i < n && state < 2) {
    const c = tree.charCodeAt(i);
    if (c === SPACE || c === NEWLINE || c === TAB) {
      i++;
      continue;
    }
    if (c === OPEN_PAREN || c === OPEN_BRACE) {
      depth++;
      i++;
      if (state === 1 && depth === 4 && c === OPEN_BRACE) {
        resno = 0;
        relid = 0;
        attnum = 0;
        junk = false;
      }
      pendingKey = '';
      continue;
    }
    if (c === CLOSE_PAREN || c === CLOSE_BRACE) {
      if (state === 1 && depth === 4 && c === CLOSE_BRACE && !junk && relid !== 0 && resno > 0) {
        out.push({ resno, relid, attnum });
      }
      depth--;
      i++;
      if (state === 1 && depth === 2) state = 2;
      pendingKey = '';
      continue;
    }
    // a plain token, with backslash escapes
    const start = i;
    while (i < n) {
      const d = tree.charCodeAt(i);
      if (d === BACKSLASH && i + 1 < n) {
        i += 2;
        continue;
      }
      if (isDelimiter(d)) break;
      i++;
    }
    if (depth === 2) {
      // a token right after :targetList at this level is `<>`: an empty target list
      if (state === 1) return out;
      if (i - start === 11 && tree.startsWith(':targetList', start)) state = 1;
    } else if (state === 1 && depth === 4) {
      if (pendingKey !== '') {
        const value = tree.slice(start, i);
        if (pendingKey === ':resno') resno = Number(value);
        else if (pendingKey === ':resorigtbl') relid = Number(value);
        else if (pendingKey === ':resorigcol') attnum = Number(value);
        else if (pendingKey === ':resjunk') junk = value === 'true';
        pendingKey = '';
      } else if (tree.charCodeAt(start) === 58 /* : */) {
        pendingKey = tree.slice(start, i);
      }
    }
  }
  return out;
}
