// The transaction of a write: one statement whose CTE inserts/updates/deletes ... RETURNING, then builds the
// representation, `Location` and the upsert's inserted count from those rows in SQL; or, for a plan run alone
// (MutatePlan.standalone), the plain INSERT followed by a statement reading the response settings — left out when
// nothing could have set them (Table.userCodeOnInsert false, nothing set before: ScriptContext.alwaysReadResponseSettings;
// ~25k fewer instructions of PostgreSQL's per insert, callgrind). No I/O.
import type { Statement, TxScript } from '../db/execute.js';
import { bodyMedia } from '../plan/media.js';
import { failedCheck, hasResultChecks, writtenRows } from '../plan/mutate-checks.js';
import type { MutatePlan, Mutation, MutateWhere, OnConflict, Returning } from '../plan/mutate-types.js';
import type { Table } from '../schema-cache/types.js';
import { bodyExpr, bodyRunsUserCode, handlerBodyExpr } from './body.js';
import { explainStatement } from './explain.js';
import { filterExpr, logicExpr, type Scope } from './expressions.js';
import { compile, type Fragment, ident, join, keyword, qualified, sql } from './fragment.js';
import { bodySource, bodyValues, BODY_ALIAS, boundValues } from './mutate-body.js';
import { readSelect } from './read.js';
import { mainRow, NULL_BIGINT, NULL_TEXT, RESPONSE_SETTINGS, rowCount, settingsRead } from './read-statement.js';
import { CONSTRAINTS_IMMEDIATE, type ScriptContext } from './statement.js';

const MUTATION_CTE = keyword('pgrst_mutation');

// A transaction-local counter of rows an upsert updated instead of inserting (bumped by ON CONFLICT DO UPDATE's WHERE).
const UPDATES_SETTING = "'pgrst.upsert_updates'";
const BUMP_UPDATES = keyword(
  `pg_catalog.set_config(${UPDATES_SETTING}, (coalesce(nullif(pg_catalog.current_setting(${UPDATES_SETTING}, true), '')::bigint, 0) + 1)::text, true) IS NOT NULL`,
);
const INSERTED = keyword(
  `(SELECT pg_catalog.count(*) FROM pgrst_mutation) - coalesce(nullif(pg_catalog.current_setting(${UPDATES_SETTING}, true), '')::bigint, 0)`,
);
// `[["col","value"], ...]` of the single written row (json_each_text renders values as PostgREST's Location does).
const LOCATION = keyword(
  'CASE WHEN pg_catalog.count(*) = 1 THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(_pgrst_kv.key, _pgrst_kv.value) ORDER BY _pgrst_kv.n)::text' +
    ' FROM pgrst_mutation AS _pgrst_row CROSS JOIN LATERAL pg_catalog.json_each_text(pg_catalog.row_to_json(_pgrst_row)) WITH ORDINALITY AS _pgrst_kv(key, value, n)) END',
);

/** The transaction of a write; `compiled`: its main statement already compiled for this request (shape cache). */
export function mutateScript(plan: MutatePlan, ctx: ScriptContext, compiled?: Statement): TxScript {
  const before: Statement[] = [ctx.settings];
  // A rolled-back request still reports deferred constraint violations: make them fire within the statement.
  if (plan.txEnd === 'rollback') before.push(CONSTRAINTS_IMMEDIATE);
  const txEnd = plan.txEnd;
  const checks = plan.checks;
  if (plan.media.kind === 'plan') {
    // EXPLAIN ANALYZE runs the write, committed unless the preferences roll it back (as PostgREST does); no row checks.
    return { readOnly: false, before, main: explainStatement(plan.media, mutateMain(plan)), end: txEnd };
  }
  return {
    readOnly: false,
    before,
    // Never streamed: the write can still fail at COMMIT (deferred constraints) after the body had begun.
    main: compiled ?? mainStatement(plan),
    ...(plan.standalone && (plan.table.userCodeOnInsert || ctx.alwaysReadResponseSettings) ? { after: [RESPONSE_SETTINGS] } : {}),
    end: hasResultChecks(checks) ? (result) => (failedCheck(checks, writtenRows(plan, result)) ? 'rollback' : txEnd) : txEnd,
  };
}

/**
 * The main statement. An insert run alone of a lone object of scalars into a relation where nothing of the user's runs
 * during an insert (Table.userCodeOnInsert false) sends the values in a VALUES list, read at Bind: ~20k fewer
 * instructions of PostgreSQL's than the fenced text row (callgrind: 165k → 145k per transaction in a scratch harness).
 * Read at Bind, a bad value fails before the privilege check that the fenced form makes first, and a typmod may be
 * applied while planning: on a data exception the fenced form runs instead (Statement.retryText), so that errors are
 * the fenced form's, in its order.
 */
function mainStatement(plan: MutatePlan): Statement {
  const flags = { prepare: true, ...(plan.standalone ? { resultUnused: true } : {}) };
  const main = { ...compile(mutateMain(plan)), ...flags };
  if (!valuesAtBind(plan)) return main;
  return { ...compile(mutateMain(plan, true)), ...flags, retryText: main.text };
}

function valuesAtBind(plan: MutatePlan): boolean {
  const { statement } = plan;
  return (
    plan.standalone &&
    statement.kind === 'insert' &&
    statement.body.fields !== undefined &&
    statement.putConditions.length === 0 &&
    !plan.table.userCodeOnInsert
  );
}

/**
 * `WITH pgrst_mutation AS (<write> RETURNING ...)[, pgrst_source AS (<representation>)] SELECT page_total, body,
 * location, inserted, response GUCs`: one row, counted over the representation when there is one. A plan run alone is
 * its write itself; `atBind`: an insert's lone object as a VALUES list (mainStatement).
 */
export function mutateMain(plan: MutatePlan, atBind = false): Fragment {
  if (plan.standalone) return mutationSql(plan, atBind);
  const mutation = sql`WITH pgrst_mutation AS (${mutationSql(plan)})`;
  const body = !plan.representation ? keyword('NULL::text') : plan.handler ? handlerBodyExpr(plan.handler, false) : bodyExpr(bodyMedia(plan.media));
  const location = plan.location ? LOCATION : NULL_TEXT;
  const inserted = plan.countInserted ? INSERTED : NULL_BIGINT;
  const columns = [
    // a data-modifying CTE runs to completion whatever reads it: count(*) with or without a body
    [rowCount(true), 'page_total'],
    [location, 'location'],
    [inserted, 'inserted'],
  ] as const;
  const explained = plan.media.kind === 'plan';
  if (!plan.representation) return sql`${mutation} ${mainRow(columns, body, keyword('FROM pgrst_mutation AS _postgrest_t'), explained, 'beside')}`;
  const { select } = readSelect(plan.read, MUTATION_CTE);
  const settings = settingsRead(true, bodyRunsUserCode(bodyMedia(plan.media), plan.handler));
  return sql`${mutation}, pgrst_source AS (${select}) ${mainRow(columns, body, keyword('FROM pgrst_source AS _postgrest_t'), explained, settings)}`;
}

/** The INSERT/UPDATE/DELETE ... RETURNING of the plan. */
function mutationSql(plan: MutatePlan, atBind = false): Fragment {
  const { table, statement } = plan;
  const target = qualified(table.schema, table.name);
  const returning = returningList(plan.returning, target);
  switch (statement.kind) {
    case 'insert':
      return insertSql(table, target, statement, plan.standalone ? undefined : returning, atBind);
    case 'update': {
      const where = whereSql(table, plan, statement.where);
      if (statement.body.columns.length === 0) {
        // Nothing to set: no UPDATE at all, yet the representation still needs the relation's columns (and none of its rows).
        return sql`SELECT ${returning} FROM ${target} WHERE false`;
      }
      const values = bodyValues(statement.body);
      const sets = statement.body.columns.map((c, k) => sql`${ident(c.name)} = ${values[k]!}`);
      return sql`UPDATE ${target} SET ${join(sets, ', ')} FROM ${bodySource(statement.body)}${where} RETURNING ${returning}`;
    }
    case 'delete':
      return sql`DELETE FROM ${target}${whereSql(table, plan, statement.where)} RETURNING ${returning}`;
  }
}

/** The INSERT, with `RETURNING returning` when given. */
function insertSql(
  table: Table,
  target: Fragment,
  statement: Extract<Mutation, { kind: 'insert' }>,
  returning: Fragment | undefined,
  atBind: boolean,
): Fragment {
  const { body } = statement;
  const names = body.columns.map((c) => ident(c.name));
  const into = names.length === 0 ? target : sql`${target} (${join(names, ', ')})`;
  const conflict = onConflictSql(statement.onConflict, body.columns.map((c) => c.name));
  if (atBind && body.fields !== undefined) return sql`INSERT INTO ${into} VALUES (${boundValues(body.fields)})${conflict}`;
  const values = join(bodyValues(body), ', ');
  // PUT: only a body row carrying the URL's key is written; any other row is dropped, which the PUT check reports.
  const bodyScope: Scope = { alias: BODY_ALIAS, table, computed: () => undefined };
  const put = statement.putConditions.map((f) => filterExpr(bodyScope, f));
  const where = put.length === 0 ? keyword('') : sql` WHERE ${join(put, ' AND ')}`;
  const returns = returning === undefined ? keyword('') : sql` RETURNING ${returning}`;
  return sql`INSERT INTO ${into} SELECT ${values} FROM ${bodySource(body)}${where}${conflict}${returns}`;
}

function onConflictSql(onConflict: OnConflict | undefined, columns: readonly string[]): Fragment {
  if (onConflict === undefined) return keyword('');
  const head = sql` ON CONFLICT (${join(onConflict.columns.map(ident), ', ')})`;
  if (onConflict.resolution === 'ignore-duplicates' || columns.length === 0) return sql`${head} DO NOTHING`;
  const sets = columns.map((c) => sql`${ident(c)} = EXCLUDED.${ident(c)}`);
  return sql`${head} DO UPDATE SET ${join(sets, ', ')} WHERE ${BUMP_UPDATES}`;
}

/** ` WHERE <root filters AND root logic trees>` on the target (computed fields resolved as the read resolves them). */
function whereSql(table: Table, plan: MutatePlan, where: MutateWhere): Fragment {
  const scope: Scope = { alias: table.name, table, computed: (name) => plan.read.computed.get(name) };
  const conds = where.filters.map((f) => filterExpr(scope, f));
  for (const tree of where.logic) conds.push(logicExpr(tree, (f) => filterExpr(scope, f)));
  return conds.length === 0 ? keyword('') : sql` WHERE ${join(conds, ' AND ')}`;
}

/** The RETURNING list: `1` when only the row count matters, `target.*`, or the named columns. */
function returningList(returning: Returning, target: Fragment): Fragment {
  switch (returning.kind) {
    case 'none':
      return keyword('1');
    case 'star':
      return sql`${target}.*`;
    case 'columns':
      return returning.names.length === 0 ? keyword('1') : join(returning.names.map((n) => sql`${target}.${ident(n)}`), ', ');
  }
}
