// Shared pieces of the fast paths: a cursor over plain ASCII input (no spaces, quotes or controls) that reads
// names and JSON paths exactly as the Parsec grammar would, and gives up (throws BAIL) on anything else.

import type { JsonOperation } from './query-types.js';

/** Thrown when the input leaves the simple subset; the caller then runs the exact grammar instead. */
export const BAIL: unique symbol = Symbol('bail');

/** A mutable position in the input. */
export interface Scan {
  readonly s: string;
  i: number;
}

export const bail = (): never => {
  throw BAIL;
};

/** True when every character is printable ASCII other than space and `"` (the only input fast paths accept). */
export function isPlainAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c <= 0x20 || c >= 0x7f || c === 0x22) return false;
  }
  return true;
}

/** `[A-Za-z0-9_$]`: identifier characters of the simple subset. */
export function isIdentCode(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36
  );
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** A name: identifier runs joined by `-` (a `-` before `>` ends it); null when none starts here. */
export function readName(sc: Scan): string | null {
  const { s } = sc;
  const start = sc.i;
  if (!isIdentCode(s.charCodeAt(sc.i))) return null;
  while (isIdentCode(s.charCodeAt(sc.i))) sc.i++;
  while (s.charCodeAt(sc.i) === 45 && s.charCodeAt(sc.i + 1) !== 62) {
    if (!isIdentCode(s.charCodeAt(sc.i + 1))) bail();
    sc.i++;
    while (isIdentCode(s.charCodeAt(sc.i))) sc.i++;
  }
  return s.slice(start, sc.i);
}

/** Like readName, but the name is required. */
export const needName = (sc: Scan): string => readName(sc) ?? bail();

const KEY_STOP = '(-:.,>)';

// an index is only an index when followed by `->`, `::`, `.`, `,` or the end
function indexEnds(s: string, j: number): boolean {
  if (j === s.length) return true;
  const c = s[j];
  return c === '.' || c === ',' || (c === ':' && s[j + 1] === ':') || (c === '-' && s[j + 1] === '>');
}

function readOperand(sc: Scan, arrow: '->' | '->>'): JsonOperation {
  const { s } = sc;
  const start = sc.i;
  let j = start;
  if (s[j] === '-') j++;
  const digits = j;
  while (isDigitCode(s.charCodeAt(j))) j++;
  if (j > digits && indexEnds(s, j)) {
    sc.i = j;
    const value = s[start] === '-' ? s.slice(start, j) : `+${s.slice(start, j)}`;
    return { kind: 'index', arrow, value };
  }
  if (s[start] === '-') bail();
  for (;;) {
    const seg = sc.i;
    while (sc.i < s.length && !KEY_STOP.includes(s[sc.i]!)) {
      // spaces would be stripped and quotes start a quoted key: leave those to the grammar
      const c = s.charCodeAt(sc.i);
      if (c <= 0x20 || c >= 0x7f || c === 0x22) bail();
      sc.i++;
    }
    if (sc.i === seg) bail();
    if (s[sc.i] === '-' && s[sc.i + 1] !== '>') sc.i++;
    else break;
  }
  return { kind: 'key', arrow, value: s.slice(start, sc.i) };
}

/** Zero or more `->`/`->>` steps. */
export function readJsonPath(sc: Scan): JsonOperation[] {
  const { s } = sc;
  const path: JsonOperation[] = [];
  while (s[sc.i] === '-' && s[sc.i + 1] === '>') {
    let arrow: '->' | '->>' = '->';
    sc.i += 2;
    if (s[sc.i] === '>') {
      arrow = '->>';
      sc.i++;
    }
    path.push(readOperand(sc, arrow));
  }
  return path;
}

/** `::type` (identifier characters only) or null when no `::` follows. */
export function readCast(sc: Scan): string | null {
  const { s } = sc;
  if (s[sc.i] !== ':' || s[sc.i + 1] !== ':') return null;
  sc.i += 2;
  const start = sc.i;
  while (isIdentCode(s.charCodeAt(sc.i))) sc.i++;
  if (sc.i === start) bail();
  return s.slice(start, sc.i);
}

/** Runs a fast path; undefined means "not in the simple subset, use the exact grammar". */
export function tryFast<A>(s: string, f: (sc: Scan) => A): A | undefined {
  if (!isPlainAscii(s)) return undefined;
  try {
    return f({ s, i: 0 });
  } catch (e) {
    // a stack overflow on absurd nesting is left to the grammar, which reports it as PGRST100
    if (e === BAIL || e instanceof RangeError) return undefined;
    throw e;
  }
}
