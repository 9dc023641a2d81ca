// Range header, limit/offset windows, their intersection and errors (PGRST103/114), Content-Range and 200/206/416.
// Tables only; windows are compared as (offset, limit) pairs where that is what the planner reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import { rangeOf } from '../../src/request/api-request.js';
import { parseQueryParams } from '../../src/request/query-params.js';
import {
  type NonnegRange,
  allRange,
  contentRangeHeader,
  emptyRange,
  hasLimitZero,
  limitZeroRange,
  outOfBoundsError,
  parseRangeHeader,
  rangeEquals,
  rangeGeq,
  rangeIntersection,
  rangeIsEmpty,
  rangeLeq,
  rangeLimit,
  rangeOffset,
  rangeStatus,
  rangeStatusHeader,
  restrictRange,
  topLevelRange,
} from '../../src/request/range.js';
import { readHaskellInteger } from '../../src/text/haskell-integer.js';

const span = (from: number, to: number): NonnegRange => ({ lower: { kind: 'below', n: from }, upper: { kind: 'above', n: to } });

/** The top-level window of `limit`/`offset` query parameters, read as a request reads them; undefined when neither is given. */
function limitOffsetRange(limit: string | undefined, offset: string | undefined): NonnegRange | undefined {
  const items: string[] = [];
  if (limit !== undefined) items.push(`limit=${encodeURIComponent(limit)}`);
  if (offset !== undefined) items.push(`offset=${encodeURIComponent(offset)}`);
  const root = parseQueryParams(items.join('&'), { isRpcRead: false }).ranges.find((r) => r.embedPath.length === 0);
  return root ? rangeOf(root) : undefined;
}

describe('range algebra', () => {
  const empties: readonly (readonly [string, NonnegRange, boolean])[] = [
    ['all', allRange, false],
    ['empty', emptyRange, true],
    ['limit zero', limitZeroRange, true],
    ['one row', span(3, 3), false],
    ['reversed', span(1, 0), true],
    ['far reversed', span(5, 1), true],
    ['x <= 4', rangeLeq(4), false],
    ['x >= 9', rangeGeq(9), false],
  ];
  for (const [name, r, empty] of empties) it(`${name} empty=${empty}`, () => assert.equal(rangeIsEmpty(r), empty));

  const intersections: readonly (readonly [NonnegRange, NonnegRange, NonnegRange])[] = [
    [allRange, span(0, 1), span(0, 1)],
    [span(0, 1), span(0, 2), span(0, 1)],
    [rangeGeq(2), rangeLeq(4), span(2, 4)],
    [span(5, 10), span(0, 1), { lower: { kind: 'below', n: 5 }, upper: { kind: 'above', n: 1 } }],
    [limitZeroRange, allRange, emptyRange],
    [allRange, emptyRange, emptyRange],
  ];
  for (const [a, b, expected] of intersections) {
    it(`${JSON.stringify(a)} ∩ ${JSON.stringify(b)}`, () => assert.deepEqual(rangeIntersection(a, b), expected));
  }

  it('all empty ranges are equal', () => assert.ok(rangeEquals(limitZeroRange, emptyRange) && rangeEquals(span(4, 1), emptyRange)));
  it('adjacent boundaries are equal', () => assert.ok(rangeEquals(span(0, 4), { lower: { kind: 'above', n: -1 }, upper: { kind: 'below', n: 5 } })));
  it('different windows differ', () => assert.ok(!rangeEquals(span(0, 4), span(0, 5)) && !rangeEquals(allRange, span(0, 5))));
  it('limit zero detection', () => assert.deepEqual([hasLimitZero(limitZeroRange), hasLimitZero(span(3, -1)), hasLimitZero(span(0, 0)), hasLimitZero(allRange)], [true, true, false, false]));

  const windows: readonly (readonly [NonnegRange, number, number | undefined])[] = [
    [allRange, 0, undefined],
    [span(2, 4), 2, 3],
    [limitZeroRange, 0, 0],
    [rangeGeq(7), 7, undefined],
  ];
  for (const [r, offset, limit] of windows) {
    it(`offset/limit of ${JSON.stringify(r)}`, () => assert.deepEqual([rangeOffset(r), rangeLimit(r)], [offset, limit]));
  }
  it('offset of a range without lower bound is a bug', () => assert.throws(() => rangeOffset(rangeLeq(3))));

  const restricted: readonly (readonly [number | undefined, NonnegRange, NonnegRange])[] = [
    [undefined, span(0, 99), span(0, 99)],
    [10, allRange, span(0, 9)],
    [10, rangeGeq(5), span(5, 14)],
    [2, span(0, 9), span(0, 1)],
    [10, span(0, 1), span(0, 1)],
    [0, allRange, limitZeroRange],
    [5, limitZeroRange, emptyRange],
  ];
  for (const [limit, r, expected] of restricted) {
    it(`restrictRange ${limit} ${JSON.stringify(r)}`, () => assert.deepEqual(restrictRange(limit, r), expected));
  }
});

describe('readHaskellInteger (limit/offset, max-affected)', () => {
  const rows: readonly (readonly [string, bigint | undefined])[] = [
    ['10', 10n],
    ['007', 7n],
    ['-1', -1n],
    [' 5 ', 5n],
    ['- 5', -5n],
    ['(12)', 12n],
    ['( -3 )', -3n],
    ['0x1F', 31n],
    ['0o17', 15n],
    ['99999999999999999999', 99999999999999999999n],
    ['', undefined],
    ['abc', undefined],
    ['+5', undefined],
    ['1.0', undefined],
    ['1e3', undefined],
    ['5 6', undefined],
    ['-(5)', undefined],
  ];
  for (const [text, expected] of rows) it(JSON.stringify(text), () => assert.equal(readHaskellInteger(text), expected));
});

describe('parseRangeHeader', () => {
  const rows: readonly (readonly [string | undefined, NonnegRange])[] = [
    [undefined, allRange],
    ['0-1', span(0, 1)],
    ['0-0', span(0, 0)],
    ['10-100', span(10, 100)],
    ['0-', rangeGeq(0)],
    ['7-', rangeGeq(7)],
    ['0001-0002', span(1, 2)],
    ['1-0', span(1, 0)],
    ['bytes=0-1', allRange],
    ['items=0-1', allRange],
    ['0-1,2-3', allRange],
    ['-5', allRange],
    [' 0-1', allRange],
    ['0 - 1', allRange],
    ['', allRange],
  ];
  for (const [value, expected] of rows) it(JSON.stringify(value), () => assert.deepEqual(parseRangeHeader(value), expected));
});

describe('the window of limit/offset (parseQueryParams, rangeOf)', () => {
  const rows: readonly (readonly [string | undefined, string | undefined, NonnegRange | undefined])[] = [
    [undefined, undefined, undefined],
    ['3', undefined, span(0, 2)],
    [undefined, '2', rangeGeq(2)],
    ['3', '2', span(2, 4)],
    ['0', undefined, limitZeroRange],
    ['-1', undefined, span(0, -2)],
    ['abc', undefined, allRange],
    ['', undefined, allRange],
    ['+5', undefined, allRange],
    [' 5 ', undefined, span(0, 4)],
    [undefined, '-4', rangeGeq(-4)],
    [undefined, 'abc', allRange],
    ['abc', '5', span(5, 4)],
    ['2', '-3', span(-3, -2)],
  ];
  for (const [limit, offset, expected] of rows) {
    it(`limit=${limit} offset=${offset}`, () => assert.deepEqual(limitOffsetRange(limit, offset), expected));
  }
});

type Outcome = { readonly offset: number; readonly limit: number | undefined } | { readonly code: 'PGRST103' | 'PGRST114'; readonly details: string | null };
const NEGATIVE = 'Limit should be greater than or equal to zero.';
const REVERSED = 'The lower boundary must be lower than or equal to the upper boundary in the Range header.';

describe('topLevelRange', () => {
  // [method, Range header, limit, offset, outcome]
  const rows: readonly (readonly [string, string | undefined, string | undefined, string | undefined, Outcome])[] = [
    ['GET', undefined, undefined, undefined, { offset: 0, limit: undefined }],
    ['GET', '0-1', undefined, undefined, { offset: 0, limit: 2 }],
    ['GET', '0-', undefined, undefined, { offset: 0, limit: undefined }],
    ['GET', '0-0', undefined, undefined, { offset: 0, limit: 1 }],
    ['GET', '10-100', undefined, undefined, { offset: 10, limit: 91 }],
    ['GET', '0-1', '3', undefined, { offset: 0, limit: 2 }],
    ['GET', undefined, '3', '2', { offset: 2, limit: 3 }],
    ['GET', undefined, '0', undefined, { offset: 0, limit: 0 }],
    ['GET', '0-1', '0', undefined, { offset: 0, limit: 0 }],
    ['GET', undefined, undefined, '0', { offset: 0, limit: undefined }],
    ['GET', undefined, undefined, '-4', { offset: 0, limit: undefined }],
    ['GET', undefined, 'abc', undefined, { offset: 0, limit: undefined }],
    ['GET', undefined, undefined, 'abc', { offset: 0, limit: undefined }],
    ['GET', undefined, '5', '-3', { offset: 0, limit: 2 }],
    ['GET', undefined, '3', '-3', { offset: 0, limit: 0 }],
    ['GET', '1-0', undefined, undefined, { code: 'PGRST103', details: REVERSED }],
    ['GET', '1-0', '5', undefined, { code: 'PGRST103', details: REVERSED }],
    ['GET', undefined, '-1', undefined, { code: 'PGRST103', details: NEGATIVE }],
    ['GET', undefined, 'abc', '5', { code: 'PGRST103', details: NEGATIVE }],
    ['GET', undefined, '2', '-3', { code: 'PGRST103', details: NEGATIVE }],
    ['GET', '5-10', '2', undefined, { code: 'PGRST103', details: NEGATIVE }],
    ['HEAD', '1-0', undefined, undefined, { offset: 0, limit: undefined }],
    ['HEAD', '0-1', undefined, undefined, { offset: 0, limit: undefined }],
    ['POST', '0-1', undefined, undefined, { offset: 0, limit: undefined }],
    ['HEAD', undefined, '-1', undefined, { code: 'PGRST103', details: NEGATIVE }],
    ['PUT', undefined, undefined, undefined, { offset: 0, limit: undefined }],
    ['PUT', '0-1', undefined, undefined, { offset: 0, limit: undefined }],
    ['PUT', undefined, undefined, '-1', { offset: 0, limit: undefined }],
    ['PUT', undefined, '1', undefined, { code: 'PGRST114', details: null }],
    ['PUT', undefined, '0', undefined, { code: 'PGRST114', details: null }],
    ['PUT', undefined, undefined, '1', { code: 'PGRST114', details: null }],
    ['PUT', undefined, '-1', undefined, { code: 'PGRST103', details: NEGATIVE }],
  ];
  for (const [method, header, limit, offset, outcome] of rows) {
    it(`${method} Range=${header} limit=${limit} offset=${offset}`, () => {
      const run = (): NonnegRange => topLevelRange(method, header, limitOffsetRange(limit, offset));
      if ('code' in outcome) {
        assert.throws(run, (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.status, outcome.code === 'PGRST103' ? 416 : 400);
          assert.equal(e.code, outcome.code);
          assert.equal(e.details, outcome.details);
          return true;
        });
      } else {
        const top = run();
        assert.deepEqual({ offset: rangeOffset(top), limit: rangeLimit(top) }, outcome);
      }
    });
  }
});

describe('Content-Range and status', () => {
  // [from, rows returned, total, Content-Range, status]
  const rows: readonly (readonly [number, number, number | undefined, string, number])[] = [
    [0, 15, undefined, '0-14/*', 200],
    [0, 0, undefined, '*/*', 200],
    [0, 0, 0, '*/0', 200],
    [0, 1, 1, '0-0/1', 200],
    [0, 2, 15, '0-1/15', 206],
    [0, 7, 8, '0-6/8', 206],
    [0, 15, 15, '0-14/15', 200],
    [3, 2, 15, '3-4/15', 206],
    [10, 5, undefined, '10-14/*', 200],
    [0, 5, 2019, '0-4/2019', 206],
    [1, 0, 0, '*/0', 416],
    [100, 0, 15, '*/15', 416],
    [15, 0, 15, '*/15', 206],
    [0, 3, 0, '*/0', 200],
  ];
  for (const [from, count, total, header, status] of rows) {
    it(`from ${from}, ${count} rows, total ${total}`, () => {
      assert.equal(contentRangeHeader(from, count, total), header);
      assert.equal(rangeStatus(from, count, total), status);
    });
  }

  it('mutations report */total', () => assert.deepEqual([contentRangeHeader(1, 0, undefined), contentRangeHeader(1, 0, 4)], ['*/*', '*/4']));

  it('status and header for a top-level window', () =>
    assert.deepEqual(rangeStatusHeader(topLevelRange('GET', undefined, limitOffsetRange('2', '3')), 2, 15), { status: 206, contentRange: '3-4/15' }));
  it('limit=0 window', () => assert.deepEqual(rangeStatusHeader(limitZeroRange, 0, undefined), { status: 200, contentRange: '*/*' }));

  const bounds: readonly (readonly [NonnegRange, number | undefined, string])[] = [
    [rangeGeq(100), 15, 'An offset of 100 was requested, but there are only 15 rows.'],
    [rangeGeq(1), 0, 'An offset of 1 was requested, but there are only 0 rows.'],
    [span(1, 2), undefined, 'An offset of 1 was requested, but there are only 0 rows.'],
  ];
  for (const [top, total, details] of bounds) {
    it(`416 body: ${details}`, () => {
      const err = outOfBoundsError(top, total);
      assert.equal(err.status, 416);
      assert.deepEqual(err.body(), { code: 'PGRST103', message: 'Requested range not satisfiable', details, hint: null });
    });
  }
});
