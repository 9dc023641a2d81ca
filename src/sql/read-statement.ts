// The statements of a table/view read: the main statement returning body, page count, total and response GUCs in one
// row (PostgREST's single-statement shape), plus an EXPLAIN for planned/estimated counts. No I/O.
import type { Statement, TxScript } from '../db/execute.js';
import { bodyMedia, type CustomHandler } from '../plan/media.js';
import type { CountMethod, ReadPlan, ReadRequestPlan } from '../plan/types.js';
import type { MediaType } from '../request/media-type.js';
import { allRange, rangeEquals } from '../request/range.js';
import { bodyExpr, handlerBodyExpr } from './body.js';
import { explainStatement } from './explain.js';
import { compile, type Fragment, keyword, param, sql } from './fragment.js';
import { readSelect } from './read.js';

/** `response.headers` and `response.status` as the last two columns of every main statement. */
export const RESPONSE_GUCS = keyword(
  "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status",
);

/** The transaction of a GET/HEAD on a table or view. */
export function readScript(plan: ReadRequestPlan, settings: Statement): TxScript {
  const media = plan.media;
  const output = { media: bodyMedia(media), handler: plan.handler, count: plan.count, headOnly: plan.headOnly, maxRows: plan.maxRows };
  const { main, count } = readMain(plan.read, output);
  if (media.kind === 'plan') {
    // the plan of the main statement alone: a planned/estimated count's own EXPLAIN is not part of it
    return { begin: 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY', before: [settings], main: explainStatement(media, main), end: 'commit' };
  }
  return {
    begin: 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY',
    before: count ? [settings, count] : [settings],
    main: { ...compile(main), prepare: true },
    end: 'commit',
  };
}

/** How the rows of a read become the response row. */
export interface ReadOutput {
  readonly media: MediaType;
  /** A database-defined handler building the body instead of the built-in one of `media`. */
  readonly handler?: CustomHandler | undefined;
  readonly count: CountMethod | undefined;
  readonly headOnly: boolean;
  readonly maxRows: number | undefined;
}

/**
 * `WITH pgrst_source AS (<read>) SELECT total, page_total, body, response GUCs FROM pgrst_source`, and the EXPLAIN
 * statement when the count is planned/estimated. `source` replaces the relation read (function call, mutation CTE).
 */
export function readMain(node: ReadPlan, out: ReadOutput, source?: Fragment, prelude?: Fragment): { main: Fragment; count?: Statement } {
  const { select, countFrom } = readSelect(node, source);
  // Without a window (limit, offset, Range) or db-max-rows the page holds every row, so its count is the total.
  const windowed = !rangeEquals(node.range, allRange) || out.maxRows !== undefined;
  let total: Fragment = keyword('NULL::bigint');
  let count: Statement | undefined;
  if (out.count === 'exact') {
    total = windowed ? sql`(SELECT pg_catalog.count(*) ${countFrom})` : keyword('pg_catalog.count(_postgrest_t)');
  } else if (out.count === 'planned' || out.count === 'estimated') {
    count = { ...compile(sql`EXPLAIN (FORMAT JSON) SELECT 1 ${countFrom}`), prepare: false };
    if (out.count === 'estimated') {
      total =
        out.maxRows === undefined
          ? sql`(SELECT pg_catalog.count(*) ${countFrom})`
          : sql`(SELECT pg_catalog.count(*) FROM (SELECT 1 ${countFrom} LIMIT ${param(out.maxRows + 1)}) _pgrst_capped)`;
    }
  }
  const body = out.headOnly ? keyword('NULL::text') : out.handler ? handlerBodyExpr(out.handler, false) : bodyExpr(out.media);
  const ctes = prelude ? sql`WITH ${prelude}, pgrst_source AS (${select})` : sql`WITH pgrst_source AS (${select})`;
  const main = sql`${ctes} SELECT ${total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body, ${RESPONSE_GUCS} FROM pgrst_source AS _postgrest_t`;
  return count ? { main, count } : { main };
}
