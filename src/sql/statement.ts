// Plan → the request's transaction script: BEGIN with access mode, the request settings, an optional planned-count
// EXPLAIN, and the main statement returning body, page count, total and the response GUCs in one row. No I/O.
import type { AppConfig } from '../config/types.js';
import type { Statement, TxScript } from '../db/execute.js';
import type { AuthResult } from '../auth/authenticate.js';
import type { ApiRequest } from '../request/api-request.js';
import type { Plan, ReadRequestPlan } from '../plan/types.js';
import { rangeLimit } from '../request/range.js';
import { compile, type Fragment, keyword, param, sql } from './fragment.js';
import { readSelect, whereClause, fromClause } from './read.js';
import { bodyExpr } from './body.js';
import { txSettingsStatement } from './tx-settings.js';

const RESPONSE_GUCS = keyword(
  "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status",
);

/** Everything the transaction sends for this plan. */
export function buildStatement(plan: Plan, req: ApiRequest, auth: AuthResult, config: AppConfig): TxScript {
  const settings = txSettingsStatement({
    schema: req.schema,
    extraSearchPath: config.dbExtraSearchPath,
    role: auth.role,
    claims: auth.claims,
    method: req.method,
    path: req.path,
    headers: req.headers,
    cookies: req.cookies,
    appSettings: config.appSettings,
    extra: [],
    timezone: req.preferences.timezone,
  });
  const { main, countStatement } = readStatement(plan);
  const statements: Statement[] = [settings];
  if (countStatement) statements.push(countStatement);
  return {
    begin: 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY',
    before: statements,
    main: { ...compile(main), prepare: true },
    end: 'commit',
  };
}

function readStatement(plan: ReadRequestPlan): { main: Fragment; countStatement?: Statement } {
  const node = plan.read;
  const { select, conditions } = readSelect(node);
  const windowed = rangeLimit(node.range) !== undefined || plan.maxRows !== undefined;
  let total: Fragment = keyword('NULL::bigint');
  let countStatement: Statement | undefined;
  const countFrom = sql`${fromClause(node)}${whereClause(conditions)}`;
  if (plan.count === 'exact') {
    total = windowed ? sql`(SELECT pg_catalog.count(*) ${countFrom})` : keyword('pg_catalog.count(_postgrest_t)');
  } else if (plan.count === 'planned' || plan.count === 'estimated') {
    countStatement = { ...compile(sql`EXPLAIN (FORMAT JSON) SELECT 1 ${countFrom}`), prepare: false };
    if (plan.count === 'estimated') {
      total =
        plan.maxRows === undefined
          ? sql`(SELECT pg_catalog.count(*) ${countFrom})`
          : sql`(SELECT pg_catalog.count(*) FROM (SELECT 1 ${countFrom} LIMIT ${param(plan.maxRows + 1)}) _pgrst_capped)`;
    }
  }
  const body = plan.headOnly ? keyword('NULL::text') : bodyExpr(plan.media);
  const main = sql`WITH pgrst_source AS (${select}) SELECT ${total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body, ${RESPONSE_GUCS} FROM pgrst_source AS _postgrest_t`;
  return countStatement ? { main, countStatement } : { main };
}
