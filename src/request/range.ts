// Row windows as PostgREST computes them: the `Range` header, limit/offset, their intersection, Content-Range and 200/206/416.
// Pure: ranges are integer intervals with PostgREST's boundary semantics (incl. the empty "limit=0" window); no SQL here.
import type { ApiError } from '../errors/api-error.js';
import { pgrst103LowerGtUpper, pgrst103NegativeLimit, pgrst103OutOfBounds, pgrst114PutLimitNotAllowed } from '../errors/catalogue.js';

/** One end of an integer interval: `below n` means x ≥ n, `above n` means x ≤ n. */
export type Boundary =
  | { readonly kind: 'below-all' }
  | { readonly kind: 'below'; readonly n: number }
  | { readonly kind: 'above'; readonly n: number }
  | { readonly kind: 'above-all' };

/** A window of row numbers (0-based). Empty when its upper boundary is not above its lower one. */
export interface NonnegRange {
  readonly lower: Boundary;
  readonly upper: Boundary;
}

// Boundaries sit between integers: `below n` at n-½ and `above n` at n+½, so `above n` equals `below n+1`.
function position(b: Boundary): number {
  switch (b.kind) {
    case 'below-all':
      return Number.NEGATIVE_INFINITY;
    case 'below':
      return 2 * b.n - 1;
    case 'above':
      return 2 * b.n + 1;
    case 'above-all':
      return Number.POSITIVE_INFINITY;
  }
}

function cmp(a: Boundary, b: Boundary): number {
  const pa = position(a);
  const pb = position(b);
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/** x ≥ n. */
export const rangeGeq = (n: number): NonnegRange => ({ lower: { kind: 'below', n }, upper: { kind: 'above-all' } });
/** x ≤ n. */
export const rangeLeq = (n: number): NonnegRange => ({ lower: { kind: 'below-all' }, upper: { kind: 'above', n } });
/** Every row: x ≥ 0. */
export const allRange: NonnegRange = rangeGeq(0);
/** The canonical empty range. */
export const emptyRange: NonnegRange = { lower: { kind: 'above-all' }, upper: { kind: 'below-all' } };
/** `limit=0`: 0 ≤ x ≤ -1, empty but allowed. */
export const limitZeroRange: NonnegRange = { lower: { kind: 'below', n: 0 }, upper: { kind: 'above', n: -1 } };

/** True when no integer lies in the range. */
export const rangeIsEmpty = (r: NonnegRange): boolean => cmp(r.upper, r.lower) <= 0;

/** Equal boundaries, or both empty. */
export function rangeEquals(a: NonnegRange, b: NonnegRange): boolean {
  return (rangeIsEmpty(a) && rangeIsEmpty(b)) || (cmp(a.lower, b.lower) === 0 && cmp(a.upper, b.upper) === 0);
}

/** The common part of two ranges (the canonical empty range when either is empty). */
export function rangeIntersection(a: NonnegRange, b: NonnegRange): NonnegRange {
  if (rangeIsEmpty(a) || rangeIsEmpty(b)) return emptyRange;
  return {
    lower: cmp(a.lower, b.lower) <= 0 ? b.lower : a.lower,
    upper: cmp(a.upper, b.upper) <= 0 ? a.upper : b.upper,
  };
}

/** Whether the range is the `limit=0` window (upper boundary just below 0). */
export const hasLimitZero = (r: NonnegRange): boolean => cmp(r.upper, limitZeroRange.upper) === 0;

/** `limitZeroRange` when `range` asks for limit 0, else `fallback`. */
export const convertToLimitZeroRange = (range: NonnegRange, fallback: NonnegRange): NonnegRange =>
  hasLimitZero(range) ? limitZeroRange : fallback;

/** The first row number (OFFSET); only defined for ranges with a finite lower bound. */
export function rangeOffset(r: NonnegRange): number {
  if (r.lower.kind !== 'below') throw new Error('range without lower bound');
  return r.lower.n;
}

/** The number of rows (LIMIT), or undefined for an open-ended range. */
export function rangeLimit(r: NonnegRange): number | undefined {
  return r.lower.kind === 'below' && r.upper.kind === 'above' ? 1 + r.upper.n - r.lower.n : undefined;
}

/** Caps a range at `limit` rows from its offset (db-max-rows, limit=); undefined leaves it unchanged. */
export function restrictRange(limit: number | undefined, r: NonnegRange): NonnegRange {
  if (limit === undefined) return r;
  if (rangeIsEmpty(r)) return emptyRange;
  return rangeIntersection(r, rangeLeq(rangeOffset(r) + limit - 1));
}

/** A window capped at db-max-rows, except that `limit=0` stays a limit of zero (top level, calls and embeds alike). */
export function capRange(r: NonnegRange, maxRows: number | undefined): NonnegRange {
  return convertToLimitZeroRange(r, restrictRange(maxRows, r));
}

/** The window a `Range: <from>-[<to>]` value asks for; any other shape means every row. */
export function parseRangeHeader(value: string | undefined): NonnegRange {
  if (value === undefined) return allRange;
  const m = /^([0-9]+)-([0-9]*)$/.exec(value);
  if (m === null) return allRange;
  const lower = rangeGeq(Number(m[1]));
  const upper = m[2] === undefined || m[2] === '' ? allRange : rangeLeq(Number(m[2]));
  return rangeIntersection(lower, upper);
}

/**
 * The top-level window: the `Range` header (GET only) intersected with the limit/offset window. Throws PGRST103 when
 * it is empty (other than limit=0) — "lower boundary" wording when the header itself is reversed — and PGRST114 for
 * a PUT with any window.
 */
export function topLevelRange(method: string, rangeHeader: string | undefined, limitRange: NonnegRange | undefined): NonnegRange {
  const headerRange = method === 'GET' ? parseRangeHeader(rangeHeader) : allRange;
  const limits = limitRange ?? allRange;
  const top = convertToLimitZeroRange(limits, rangeIntersection(headerRange, limits));
  if (rangeEquals(top, emptyRange) && !hasLimitZero(limits)) {
    throw rangeIsEmpty(headerRange) ? pgrst103LowerGtUpper() : pgrst103NegativeLimit();
  }
  if (method === 'PUT' && !rangeEquals(top, allRange)) throw pgrst114PutLimitNotAllowed();
  return top;
}

/** `Content-Range` value: `<from>-<last>/<total|*>`, or `*` + `/<total|*>` when no rows or the total is 0. */
export function contentRangeHeader(from: number, rowCount: number, total: number | undefined): string {
  const last = from + rowCount - 1;
  const range = total !== 0 && from <= last ? `${from}-${last}` : '*';
  return `${range}/${total === undefined ? '*' : String(total)}`;
}

/** Read status: 200 without a total; 416 when `from` is past the total; 206 when fewer rows than the total; else 200. */
export function rangeStatus(from: number, rowCount: number, total: number | undefined): 200 | 206 | 416 {
  if (total === undefined) return 200;
  if (from > total) return 416;
  if (rowCount < total) return 206;
  return 200;
}

/** Status and Content-Range of a read or RPC response for the top-level window. */
export function rangeStatusHeader(
  top: NonnegRange,
  rowCount: number,
  total: number | undefined,
): { readonly status: 200 | 206 | 416; readonly contentRange: string } {
  const from = rangeOffset(top);
  return { status: rangeStatus(from, rowCount, total), contentRange: contentRangeHeader(from, rowCount, total) };
}

/** The PGRST103 body PostgREST sends with a 416 from {@link rangeStatus}. */
export function outOfBoundsError(top: NonnegRange, total: number | undefined): ApiError {
  return pgrst103OutOfBounds(rangeOffset(top), total ?? 0);
}
