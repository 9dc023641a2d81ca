// Turns a raw query string into QueryParams: classifies keys (select, columns, on_conflict, order, limit, offset,
// and/or, filters) and runs each grammar. Pure: no schema lookups, no SQL; errors are PGRST100 ApiErrors.

import { pColumns } from './parse-field.js';
import { type ParsedFilterParam, parseFilterParam, parseTreePath } from './parse-filter.js';
import { parseLogicParam } from './parse-logic.js';
import { parseOrderParam } from './parse-order.js';
import { parseSelect } from './parse-select.js';
import { runParser } from './parser-core.js';
import { compareCodePoints } from '../text/compare.js';
import { canonicalQueryString, readHaskellInteger, splitQueryString } from './query-string.js';
import type { EmbeddedFilter, Filter, QueryParams, QueryRange } from './query-types.js';

const RESERVED = new Set(['select', 'columns', 'on_conflict']);
const RESERVED_EMBEDDABLE = new Set(['order', 'limit', 'offset', 'and', 'or']);

const lastSegment = (key: string): string => key.slice(key.lastIndexOf('.') + 1);

const replaceLastSegment = (key: string, segment: string): string => key.slice(0, key.lastIndexOf('.') + 1) + segment;

const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort(compareCodePoints);

function parseColumnList(kind: string, value: string): string[] {
  return runParser(pColumns, `failed to parse ${kind} parameter (${value})`, value);
}

/** limit/offset values per raw key (offset keys renamed to `….limit`), combined as PostgREST's ranges map. */
function parseRanges(params: readonly (readonly [string, string])[]): QueryRange[] {
  const limits = new Map<string, string>();
  const offsets = new Map<string, string>();
  for (const [key, value] of params) {
    const last = lastSegment(key);
    if (last === 'limit') limits.set(key, value);
    else if (last === 'offset') offsets.set(replaceLastSegment(key, 'limit'), value);
  }
  const keys = new Set([...limits.keys(), ...offsets.keys()]);
  const ranges: QueryRange[] = [];
  for (const key of keys) {
    const { embedPath } = parseTreePath(key);
    const limitText = limits.get(key);
    const offsetText = offsets.get(key);
    const limit = limitText === undefined ? null : readHaskellInteger(limitText);
    const offset = offsetText === undefined ? 0 : (readHaskellInteger(offsetText) ?? 0);
    // with both present, an unreadable limit counts as 0 (PostgREST's `fromMaybe 0 (rangeLimit …)`)
    const both = limitText !== undefined && offsetText !== undefined;
    ranges.push({ embedPath, offset, limit: both ? (limit ?? 0) : limit });
  }
  return ranges;
}

/**
 * Parses the raw query string (with or without its leading `?`). With `isRpcRead` (GET/HEAD on /rpc), a
 * parameter whose value has no operator becomes an RPC argument instead of a PGRST100 error.
 */
export function parseQueryParams(rawQueryString: string, opts: { readonly isRpcRead: boolean }): QueryParams {
  const pairs = splitQueryString(rawQueryString);
  const canonical = canonicalQueryString(pairs);
  const params: (readonly [string, string])[] = [];
  for (const p of pairs) if (p.value !== null) params.push([p.key, p.value]);
  // the first occurrence of the key decides, even when it has no value
  const lookupParam = (name: string): string | null => pairs.find((p) => p.key === name)?.value ?? null;

  // the order of these steps decides which error is reported first, as in PostgREST
  const order = params.filter(([k]) => lastSegment(k) === 'order').map(([k, v]) => parseOrderParam(k, v));
  const logic = params
    .filter(([k]) => {
      const last = lastSegment(k);
      return last === 'and' || last === 'or';
    })
    .map(([k, v]) => parseLogicParam(k, v));
  const columnsText = lookupParam('columns');
  const columns = columnsText === null ? null : sortedUnique(parseColumnList('columns', columnsText));
  const select = parseSelect(lookupParam('select') ?? '*');
  const filterParams = params.filter(([k]) => !RESERVED_EMBEDDABLE.has(lastSegment(k)) && !RESERVED.has(k));
  const parsed: ParsedFilterParam[] = filterParams.map(([k, v]) => parseFilterParam(k, v, opts.isRpcRead));
  const onConflictText = lookupParam('on_conflict');
  const onConflict = onConflictText === null ? null : parseColumnList('on_conflict', onConflictText);
  const ranges = parseRanges(params);

  const filters: EmbeddedFilter[] = [];
  const rpcParams: (readonly [string, string])[] = [];
  for (const p of parsed) {
    if (p.kind === 'filter') filters.push({ embedPath: p.embedPath, filter: p.filter });
    else rpcParams.push([p.name, p.value]);
  }
  const filtersRoot: Filter[] = filters.filter((f) => f.embedPath.length === 0).map((f) => f.filter);

  return {
    canonical,
    rpcParams,
    ranges,
    order,
    logic,
    columns,
    select,
    filters,
    filtersRoot,
    filterFields: sortedUnique(filterParams.map(([k]) => k)),
    onConflict,
  };
}
