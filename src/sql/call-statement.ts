// The transaction of a function call: its access mode (its isolation level is settled by withRequestHooks), the request settings (with the
// function's hoisted settings), then one statement that calls the function once in a CTE and reads its result like a
// relation (select, filters, order, window, count, body). No I/O.
import type pg from 'pg';
import type { Statement, TxScript } from '../db/execute.js';
import { callPageTotal, returnsSingle } from '../plan/call-plan.js';
import type { CallPlan } from '../plan/call-types.js';
import { bodyMedia } from '../plan/media.js';
import { failedCheck, hasResultChecks } from '../plan/mutate-checks.js';
import { allRange, rangeEquals } from '../request/range.js';
import { bodyExpr, bodyRunsUserCode, handlerBodyExpr, handlerIsScalarCast } from './body.js';
import { callSource } from './call-source.js';
import { explainStatement } from './explain.js';
import { compile, type Fragment, keyword, sql } from './fragment.js';
import { readSelect } from './read.js';
import { mainRow, NULL_BIGINT, rowCount, settingsRead } from './read-statement.js';
import { CONSTRAINTS_IMMEDIATE, requestSettings, type ScriptContext } from './statement.js';

/** The transaction of a call; `compiled`: its main statement compiled before, with this request's values (shape cache). */
export function callScript(plan: CallPlan, ctx: ScriptContext, compiled?: Statement): TxScript {
  const settings: Statement =
    plan.hoistedSettings.length > 0 ? requestSettings(ctx.req, ctx.auth, ctx.config, plan.hoistedSettings, plan.readOnly) : ctx.settings;
  const media = plan.media;
  // A plan ends as the preferences say: no singular or max-affected check applies to it.
  const end = media.kind === 'plan' ? preferredEnd(ctx) : callEnd(plan, ctx);
  // A rollback would hide deferred constraint violations; checking constraints at once still reports them.
  const before = end === 'rollback' ? [settings, CONSTRAINTS_IMMEDIATE] : [settings];
  return {
    readOnly: plan.readOnly,
    before,
    // Only a read-only call's body may stream: a writing one can still fail at COMMIT (deferred constraints), after
    // the body had begun.
    main:
      media.kind === 'plan'
        ? explainStatement(media, callMain(plan))
        : (compiled ?? { ...compile(callMain(plan)), prepare: true, streamBody: plan.readOnly }),
    end,
  };
}

/** `Prefer: tx=rollback` (when db-tx-end allows overrides) or a rollback db-tx-end: ROLLBACK; else COMMIT. */
function preferredEnd(ctx: ScriptContext): 'commit' | 'rollback' {
  const tx = ctx.req.preferences.tx;
  return tx === 'rollback' || (ctx.config.dbTxEnd.startsWith('rollback') && tx !== 'commit') ? 'rollback' : 'commit';
}


/**
 * `Prefer: tx=rollback` (when db-tx-end allows overrides) or a rollback db-tx-end ends in ROLLBACK; a singular media
 * type or an enforced max-affected decides after the call (their violations are answered with an error, rolled back).
 */
function callEnd(plan: CallPlan, ctx: ScriptContext): TxScript['end'] {
  if (preferredEnd(ctx) === 'rollback') return 'rollback';
  const { checks } = plan;
  if (!hasResultChecks(checks)) return 'commit';
  return (result: pg.QueryResult) => {
    const found = Number((result.rows[0] as Record<string, unknown> | undefined)?.['page_total'] ?? 0);
    return failedCheck(checks, callPageTotal(plan, found)) ? 'rollback' : 'commit';
  };
}

/**
 * `WITH pgrst_call AS (<call>), pgrst_source AS (<read over pgrst_call>) SELECT total, page_total, body, GUCs FROM
 * pgrst_source`: the function runs once even when the total is counted separately.
 */
export function callMain(plan: CallPlan): Fragment {
  const { select, countFrom } = readSelect(plan.read, keyword('pgrst_call'));
  let total: Fragment = NULL_BIGINT;
  if (plan.count === 'exact' || plan.count === 'estimated') {
    const windowed = !rangeEquals(plan.topRange, allRange) || plan.maxRows !== undefined;
    if (windowed) total = sql`(SELECT pg_catalog.count(*) ${countFrom()})`;
    else total = returnsSingle(plan) ? keyword('1::bigint') : rowCount(true);
  }
  const noBody = plan.headOnly || plan.returns === 'void';
  const body = noBody ? keyword('NULL::text') : callBody(plan);
  // A function handler's body is its result itself, one value per row: no aggregate may sit beside it.
  const pageTotal = handlerIsScalarCast(plan.handler) ? keyword('1') : rowCount(!noBody);
  const columns = [
    [total, 'total_result_set'],
    [pageTotal, 'page_total'],
  ] as const;
  const from = keyword('FROM pgrst_source AS _postgrest_t');
  const row = mainRow(columns, body, from, plan.media.kind === 'plan', settingsRead(true, !noBody && bodyRunsUserCode(bodyMedia(plan.media), plan.handler)));
  return sql`WITH pgrst_call AS (${callSource(plan)}), pgrst_source AS (${select}) ${row}`;
}

const SCALAR = keyword("coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null')::text");
const SCALAR_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t.pgrst_scalar)->0), 'null')::text");
const SCALARS = keyword("coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')::text");
const SCALARS_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t.pgrst_scalar)), '[]')::text");
const FIRST_ROW = keyword("coalesce(json_agg(_postgrest_t)->0, 'null')::text");
const FIRST_ROW_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t)->0), 'null')::text");

/**
 * The body: a single result is one JSON value (not an array), a set is an array; CSV and sets of composites are built
 * like a read. As in PostgREST, a singular request on a set of scalars answers the first row as an object.
 */
function callBody(plan: CallPlan): Fragment {
  if (plan.handler !== undefined) return handlerBodyExpr(plan.handler, plan.returns === 'scalar');
  const media = bodyMedia(plan.media);
  if (media.kind === 'csv' || media.kind === 'geo-json') return bodyExpr(media);
  const stripped = media.kind === 'array-stripped' || (media.kind === 'object' && media.nullsStripped);
  if (plan.returns === 'scalar') return stripped ? SCALAR_STRIPPED : SCALAR;
  if (media.kind === 'object') return bodyExpr(media);
  if (plan.returns === 'setof-scalar') return stripped ? SCALARS_STRIPPED : SCALARS;
  if (plan.returns === 'single-composite') return stripped ? FIRST_ROW_STRIPPED : FIRST_ROW;
  return bodyExpr(media);
}
