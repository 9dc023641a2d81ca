// The statements of a table/view read: the main statement returning body, page count, total and response GUCs in one
// row (PostgREST's single-statement shape), plus an EXPLAIN for planned/estimated counts. No I/O.
import type { Statement, TxScript } from '../db/execute.js';
import { bodyMedia, type CustomHandler } from '../plan/media.js';
import type { CountMethod, ReadPlan, ReadRequestPlan } from '../plan/types.js';
import type { Column } from '../schema-cache/types.js';
import type { MediaType } from '../request/media-type.js';
import { allRange, rangeEquals } from '../request/range.js';
import { bodyExpr, bodyRunsUserCode, handlerBodyExpr, unquotedCsvExpr } from './body.js';
import { explainStatement } from './explain.js';
import { compile, type Fragment, join, keyword, sql } from './fragment.js';
import { outputName } from './expressions.js';
import { integer, readSelect } from './read.js';
import type { ScriptContext } from './statement.js';

// An empty setting means none, as an unset one (PostgREST's nullif): response/guc-headers.ts reads both as absent.
const RESPONSE_GUCS_TEXT =
  "current_setting('response.headers', true) AS response_headers, current_setting('response.status', true) AS response_status";
const RESPONSE_GUCS = keyword(RESPONSE_GUCS_TEXT);
// PostgREST's own wording, kept where the statement is shown (EXPLAIN)
const RESPONSE_GUCS_EXPLAINED = keyword(
  "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status",
);

/** A statement of its own reading `response.headers`/`response.status` (after a write run alone). */
export const RESPONSE_SETTINGS: Statement = { text: `SELECT ${RESPONSE_GUCS_TEXT}`, values: [], prepare: true };

/**
 * A column of PostgREST's row that is NULL in this statement: left out of the row (its reader takes a missing column
 * for null), except under EXPLAIN. Every column of the row costs PostgreSQL ~4k instructions per execution, whatever
 * its value.
 */
export const NULL_BIGINT = keyword('NULL::bigint');
export const NULL_TEXT = keyword('NULL::text');

const COUNT_ROWS = keyword('pg_catalog.count(*)');
const COUNT_ROW_VALUES = keyword('pg_catalog.count(_postgrest_t)');

/**
 * The count of the source's rows for a body that reads them (`bodyReadsRows`) or not. A source PostgreSQL inlines
 * computes its columns once per whole-row reference of `_postgrest_t`, so a body that reads the rows is counted by
 * `count(*)` (an embed's or a function's select-list subquery would otherwise run twice per row); without such a body
 * the count is the reference that still makes every column be computed (a function setting response headers runs for
 * a HEAD, or a void call, as it does for a GET).
 */
export function rowCount(bodyReadsRows: boolean): Fragment {
  return bodyReadsRows ? COUNT_ROWS : COUNT_ROW_VALUES;
}

/**
 * Where the main row reads the response settings: `none` when nothing of the user's runs before the row is sent and
 * nothing else could have set them (no column of theirs: ~10k fewer instructions of PostgreSQL's per request);
 * `beside` the body when only built-in aggregates build it (they are finished with every other aggregate before
 * PostgreSQL computes any column of the row); `above` it when building the body runs user code (a handler, or CSV's
 * header, a subquery reading the source once more).
 */
export type SettingsRead = 'none' | 'beside' | 'above';

/** The settings read of a row that `reads` the settings at all, its body running user code or not (body.ts). */
export function settingsRead(reads: boolean, bodyRunsUserCode: boolean): SettingsRead {
  return !reads ? 'none' : bodyRunsUserCode ? 'above' : 'beside';
}

/**
 * The one row of a main statement from `from` (`FROM ... AS _postgrest_t`): `columns` (expression, name), then
 * `response.headers`/`response.status` as `settings` says, read after everything of the user's that builds the row
 * has run, and the body as the LAST column, so that a large one can stream (db/wire-tap.ts). Read `above` the body,
 * the settings come from a level over the fenced row (OFFSET 0 keeps PostgreSQL from merging the two levels), which
 * costs ~5k instructions more than `beside`. Under EXPLAIN (`explained`) the row keeps PostgREST's one-level shape,
 * every column included, so the plan shown is the one PostgREST shows (the aggregate on top).
 */
export function mainRow(
  columns: readonly (readonly [Fragment, string])[],
  body: Fragment,
  from: Fragment,
  explained: boolean,
  settings: SettingsRead,
): Fragment {
  const item = ([e, name]: readonly [Fragment, string]) => sql`${e} AS ${keyword(name)}`;
  if (explained) return sql`SELECT ${join([...columns.map(item), sql`${body} AS body`], ', ')}, ${RESPONSE_GUCS_EXPLAINED} ${from}`;
  const kept = columns.filter(([e]) => e !== NULL_BIGINT && e !== NULL_TEXT);
  if (settings === 'none') return sql`SELECT ${join([...kept.map(item), sql`${body} AS body`], ', ')} ${from}`;
  const listed = kept.map(([, name]) => `pgrst_r.${name}, `).join('');
  if (settings === 'above') {
    const inner = join([...kept.map(item), sql`${body} AS body`], ', ');
    return sql`SELECT ${keyword(listed)}${RESPONSE_GUCS}, pgrst_r.body FROM (SELECT ${inner} ${from} OFFSET 0) AS pgrst_r`;
  }
  const inner = join([...kept.map(item), RESPONSE_GUCS, sql`${body} AS body`], ', ');
  return sql`SELECT ${keyword(listed)}pgrst_r.response_headers, pgrst_r.response_status, pgrst_r.body FROM (SELECT ${inner} ${from} OFFSET 0) AS pgrst_r`;
}

/**
 * The transaction of a GET/HEAD on a table or view. `compiled` is this plan's main statement compiled before (by the
 * shape cache, with this request's values in place); it is used as it is when the plan has no count statement.
 */
export function readScript(plan: ReadRequestPlan, ctx: ScriptContext, compiled?: Statement): TxScript {
  const settings = ctx.settings;
  if (compiled && plan.media.kind !== 'plan' && !separateCount(plan.count)) {
    return { readOnly: true, before: [settings], main: compiled, end: 'commit' };
  }
  const media = plan.media;
  const output: ReadOutput = {
    media: bodyMedia(media),
    handler: plan.handler,
    count: plan.count,
    headOnly: plan.headOnly,
    maxRows: plan.maxRows,
    explained: media.kind === 'plan',
    readsSettings: plan.runsUserCode || plan.handler !== undefined || ctx.alwaysReadResponseSettings,
  };
  const { main, count } = readMain(plan.read, output);
  if (media.kind === 'plan') {
    // the plan of the main statement alone: a planned/estimated count's own EXPLAIN is not part of it
    return { readOnly: true, before: [settings], main: explainStatement(media, main), end: 'commit' };
  }
  return {
    readOnly: true,
    before: count ? [settings, count] : [settings],
    main: { ...compile(main), prepare: true, streamBody: true },
    end: 'commit',
  };
}

/** Whether a count runs as a statement of its own (an EXPLAIN before the main statement). */
function separateCount(count: CountMethod | undefined): boolean {
  return count === 'planned' || count === 'estimated';
}

/** How the rows of a read become the response row. */
export interface ReadOutput {
  readonly media: MediaType;
  /** A database-defined handler building the body instead of the built-in one of `media`. */
  readonly handler?: CustomHandler | undefined;
  readonly count: CountMethod | undefined;
  readonly headOnly: boolean;
  readonly maxRows: number | undefined;
  /** The statement is shown under EXPLAIN (vnd.pgrst.plan), not run for its row. */
  readonly explained?: boolean;
  /** Something may have set the response settings: the row reads them. */
  readonly readsSettings: boolean;
}

/**
 * `WITH pgrst_source AS (<read>) SELECT total, page_total, body, response GUCs FROM pgrst_source`, and the EXPLAIN
 * statement when the count is planned/estimated.
 */
function readMain(node: ReadPlan, out: ReadOutput): { main: Fragment; count?: Statement } {
  const { select, countFrom } = readSelect(node);
  // Without a window (limit, offset, Range) or db-max-rows the page holds every row, so its count is the total.
  const windowed = !rangeEquals(node.range, allRange) || out.maxRows !== undefined;
  let total: Fragment = NULL_BIGINT;
  let count: Statement | undefined;
  if (out.count === 'exact') {
    total = windowed ? sql`(SELECT pg_catalog.count(*) ${countFrom()})` : COUNT_ROWS;
  } else if (separateCount(out.count)) {
    count = { ...compile(sql`EXPLAIN (FORMAT JSON) SELECT 1 ${countFrom()}`), prepare: false };
    if (out.count === 'estimated') {
      total =
        out.maxRows === undefined
          ? sql`(SELECT pg_catalog.count(*) ${countFrom()})`
          : sql`(SELECT pg_catalog.count(*) FROM (SELECT 1 ${countFrom()} LIMIT ${integer(out.maxRows + 1)}) _pgrst_capped)`;
    }
  }
  const unquoted = out.media.kind === 'csv' && !out.handler ? unquotedCsvColumns(node) : undefined;
  const body = out.headOnly
    ? keyword('NULL::text')
    : out.handler
      ? handlerBodyExpr(out.handler, false)
      : unquoted
        ? unquotedCsvExpr(unquoted)
        : bodyExpr(out.media);
  // CSV reads the rows twice (the header from the first); reading a table or view again is cheaper than PostgreSQL
  // materialising every row of a referenced-twice CTE (csv100k: ~20% less database time).
  const cte = out.media.kind === 'csv' && !out.handler ? keyword('NOT MATERIALIZED ') : keyword('');
  const ctes = sql`WITH pgrst_source AS ${cte}(${select})`;
  const columns = [
    [total, 'total_result_set'],
    [rowCount(!out.headOnly), 'page_total'],
  ] as const;
  const from = keyword('FROM pgrst_source AS _postgrest_t');
  const settings = settingsRead(out.readsSettings, !out.headOnly && bodyRunsUserCode(out.media, out.handler));
  const main = sql`${ctes} ${mainRow(columns, body, from, out.explained ?? false, settings)}`;
  return count ? { main, count } : { main };
}

// Base types whose text form a record never quotes: digits, sign, point, exponent, NaN/Infinity, t/f.
const UNQUOTED_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'boolean', 'oid']);

const unquotedColumn = (c: Column | undefined): c is Column =>
  c !== undefined && !c.nullable && !c.isArray && c.baseType === null && UNQUOTED_TYPES.has(c.type);

/**
 * The output names of a read whose every column is a NOT NULL column of such a type read straight from a table (no
 * embeds, casts, JSON paths, computed fields or aggregates; no repeated name), so each CSV row is the values joined
 * with commas; undefined otherwise. A view's or foreign table's NOT NULL promises nothing, so only tables qualify.
 */
function unquotedCsvColumns(node: ReadPlan): string[] | undefined {
  const table = node.table;
  if (node.embeds.length > 0 || (table.kind !== 'table' && table.kind !== 'partitioned-table')) return undefined;
  const names: string[] = [];
  for (const s of node.select) {
    if (s.kind === 'star') {
      for (const c of table.columns) {
        if (!unquotedColumn(c)) return undefined;
        names.push(c.name);
      }
    } else if (s.kind === 'row') {
      return undefined;
    } else {
      const item = s.item;
      if (s.computed || item.aggregate !== null || item.cast !== null || item.field.jsonPath.length > 0) return undefined;
      if (!unquotedColumn(table.columnsByName.get(item.field.name))) return undefined;
      names.push(outputName(item));
    }
  }
  return names.length > 0 && new Set(names).size === names.length ? names : undefined;
}
