// Runs one request's transaction on a pooled connection: BEGIN, request settings, optional pre-request, main statement,
// then COMMIT or ROLLBACK — pipelined into one round trip when nothing depends on the result. No SQL is built here.
import type pg from 'pg';
import { type PgErrorLike, sqlState } from '../errors/sqlstate.js';
import type { IsolationLevel } from '../schema-cache/types.js';
import { quoteIdent } from '../sql/fragment.js';
import { type BatchResult, BatchQuery, type BatchStatement } from './batch.js';
import { type ConnectionUse, EXCLUSIVE, type PooledConnection } from './pool.js';
import { BodyStream } from './wire-tap.js';

/** A statement with its own bind parameters; `prepare` asks for a named (cached) prepared statement. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly prepare?: boolean;
  /**
   * The statement returns one row whose last column, `body`, the response passes through untouched: a large body may
   * stream (see wire-tap.ts) instead of arriving as a value. Only for transactions whose end cannot fail once the
   * body has begun (read-only ones), as the status is sent first.
   */
  readonly streamBody?: boolean;
  /** Nothing reads the statement's rows: PostgreSQL is not asked to describe them. */
  readonly resultUnused?: boolean;
  /** The statement itself makes the transaction read-only (a read-only request settings statement, sql/tx-settings.ts). */
  readonly setsReadOnly?: boolean;
  /**
   * Another text for the same values, whose errors are the ones to answer with: should the script fail with a data
   * exception (SQLSTATE class 22), it runs again, rolled back as it is, with this text in place of the main statement's.
   */
  readonly retryText?: string;
}

/** Everything one request sends, in order. */
export interface TxScript {
  readonly readOnly: boolean;
  /**
   * The isolation level the transaction begins with; undefined: the session's default, which must then be PostgreSQL's
   * own, read committed (the planner names the level otherwise).
   */
  readonly isolation?: IsolationLevel | undefined;
  readonly before: readonly Statement[];
  readonly main: Statement;
  /** Statements run right after the main one (in the same flush), e.g. reading what it left in the settings. */
  readonly after?: readonly Statement[];
  /**
   * `commit`/`rollback`: end fixed in advance, sent in the same flush.
   * A function: called with the main result to decide the end (one more round trip).
   */
  readonly end: 'commit' | 'rollback' | ((result: pg.QueryResult) => 'commit' | 'rollback');
}

const statementNames = new Map<string, string>();
const MAX_NAMED = 2000;

/** A stable statement name per SQL text (the query shape), so PostgreSQL parses and plans each shape once per connection. */
function nameFor(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED) {
    name = `pgrst_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

/** The name `st` runs under: its shape's when prepared statements are used and it asks for one, else none (unnamed). */
function statementName(st: Statement, usePrepared: boolean): string | undefined {
  return usePrepared && st.prepare !== false ? nameFor(st.text) : undefined;
}

/**
 * Drops the named statement whose state is unknown after a failed batch (see BatchQuery), so its next use parses it
 * again. Not awaited: the connection's next queries queue behind it.
 */
function forgetUncertain(client: pg.Client, query: BatchQuery): void {
  const name = query.uncertain;
  if (name !== undefined) client.query(`DEALLOCATE ${quoteIdent(name)}`).catch(() => {});
}

function send(client: pg.Client, st: Statement, usePrepared: boolean): Promise<pg.QueryResult> {
  const name = statementName(st, usePrepared);
  return client.query({ text: st.text, values: st.values as unknown[], ...(name ? { name } : {}) });
}

/** The results of a script: the main statement's and those of the statements before it. */
export interface TxResult {
  /** The main statement's rows, and in `rowCount` the rows its command reports (inserted, updated, ...). */
  readonly main: pg.QueryResult;
  readonly before: readonly pg.QueryResult[];
  readonly after: readonly pg.QueryResult[];
  /**
   * The main statement's body when it streams (its `body` column is then null). The connection stays busy until
   * `done` settles: it resolves once PostgreSQL finished the transaction, rejects if it failed after the body began.
   */
  readonly stream?: { readonly body: BodyStream; readonly done: Promise<void> };
}

const ISOLATION: Readonly<Record<IsolationLevel, string>> = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};

/**
 * A fixed COMMIT at the session's default level (read committed), with read-only mode set by the first statement when
 * asked for, lets the whole script run as one implicit transaction: one batch.
 */
function batchable(script: TxScript): boolean {
  return script.end === 'commit' && script.isolation === undefined && (!script.readOnly || script.before[0]?.setsReadOnly === true);
}

const FOLLOWS: ConnectionUse = { follows: true, leads: false };
const FOLLOWS_AND_LEADS: ConnectionUse = { follows: true, leads: true };

/** How long reads of one main statement (one query shape) recently held their connection, for db-pool-pipeline-depth. */
interface LeadRecord {
  runs: number;
  /** A moving average of its runs in ms, each new run weighing WEIGHT. */
  average: number;
}

const leadRecords = new Map<string, LeadRecord>();
/** Runs of a shape seen before it may lead, and the average time its runs may take. */
const LEAD_AFTER_RUNS = 4;
const LEAD_AVERAGE_MS = 10;
const WEIGHT = 0.2;

/**
 * How the script may share its connection (db-pool-pipeline-depth): a batch may be written behind other requests on a
 * busy connection. A read-only one may also have others written behind it (a read never waits for a row lock) once
 * its shape has shown itself quick: `LEAD_AFTER_RUNS` runs, averaging under `LEAD_AVERAGE_MS`, so a report
 * or a large streamed body never has a quick request waiting behind it. BEGIN … COMMIT over several round trips has
 * its connection to itself.
 */
export function connectionUse(script: TxScript): ConnectionUse {
  if (!batchable(script)) return EXCLUSIVE;
  if (!script.readOnly) return FOLLOWS;
  const record = leadRecords.get(script.main.text);
  return record !== undefined && record.runs >= LEAD_AFTER_RUNS && record.average < LEAD_AVERAGE_MS ? FOLLOWS_AND_LEADS : FOLLOWS;
}

/** A read-only script that could share its connection held it for `ms`: what `connectionUse` decides on. */
export function noteConnectionHeld(script: TxScript, ms: number): void {
  let record = leadRecords.get(script.main.text);
  if (record === undefined) {
    if (leadRecords.size >= MAX_NAMED) return;
    record = { runs: 0, average: ms };
    leadRecords.set(script.main.text, record);
  }
  record.runs++;
  record.average += (ms - record.average) * WEIGHT;
}

/**
 * Runs the script; resolves with the results or rejects with the first PostgreSQL error. A main statement with a
 * `retryText` that failed with a data exception runs again in that form, whose outcome is the answer.
 */
export async function runTransaction(conn: PooledConnection, script: TxScript, usePrepared: boolean): Promise<TxResult> {
  const retryText = script.main.retryText;
  if (retryText === undefined) return runOnce(conn, script, usePrepared);
  try {
    return await runOnce(conn, script, usePrepared);
  } catch (err) {
    if (conn.broken || !sqlState(err as PgErrorLike)?.startsWith('22')) throw err;
    const { retryText: _, ...main } = script.main;
    return runOnce(conn, { ...script, main: { ...main, text: retryText } }, usePrepared);
  }
}

function runOnce(conn: PooledConnection, script: TxScript, usePrepared: boolean): Promise<TxResult> {
  return batchable(script) ? runBatch(conn, script, usePrepared) : runSequence(conn, script, usePrepared);
}

/**
 * The script as ONE extended-protocol batch ending in a single Sync: an implicit transaction, committed at the Sync,
 * rolled back on the first error — the same outcome as BEGIN … COMMIT, without their two statements.
 */
async function runBatch(conn: PooledConnection, script: TxScript, usePrepared: boolean): Promise<TxResult> {
  const statements: BatchStatement[] = [];
  for (const st of script.before) statements.push(batchStatement(st, usePrepared));
  const mainIndex = statements.length;
  statements.push(batchStatement(script.main, usePrepared));
  const after = script.after ?? [];
  for (const st of after) statements.push(batchStatement(st, usePrepared));
  const { client, tap } = conn;
  let stream: { body: BodyStream; done: Promise<void> } | undefined;
  const results = await new Promise<BatchResult[]>((resolve, reject) => {
    let finish: (err: Error | null) => void = () => {};
    const query = new BatchQuery(statements, (err, res) => {
      tap?.disarm();
      if (err) forgetUncertain(client, query);
      // Failed after the body began (e.g. the connection broke): the stream ends in the error.
      if (stream) return finish(err);
      if (err) reject(err);
      else resolve(res);
    });
    if (tap && script.main.streamBody && after.length === 0) {
      const index = mainIndex;
      tap.arm({
        wants: () => query.streamable(index),
        start: (length) => {
          // The body begins: the caller gets the results so far now, the body as it arrives, and `done` at the end.
          const body: BodyStream = new BodyStream(length, () => tap.resume(body), () => tap.abandon(body));
          const done = new Promise<void>((ok, fail) => {
            finish = (err) => {
              if (err) {
                body.destroy(err);
                fail(err);
              } else {
                body.push(null);
                ok();
              }
            };
          });
          done.catch(() => {});
          stream = { body, done };
          resolve(query.partial());
          return body;
        },
      });
    } else {
      // every batch takes its turn at the tap, in the order batches are written (db-pool-pipeline-depth)
      tap?.arm(null);
    }
    // BatchQuery writes all its messages at once: no corking needed
    client.query(query as unknown as pg.QueryConfig);
  });
  const asResult = (r: BatchResult | undefined) => ({ rows: r?.rows ?? [], fields: r?.fields ?? [], rowCount: r?.rowCount ?? 0 }) as unknown as pg.QueryResult;
  return {
    main: asResult(results[mainIndex]),
    before: script.before.map((_, i) => asResult(results[i])),
    after: after.map((_, i) => asResult(results[mainIndex + 1 + i])),
    ...(stream ? { stream } : {}),
  };
}

function batchStatement(st: Statement, usePrepared: boolean): BatchStatement {
  return { text: st.text, values: st.values, name: statementName(st, usePrepared), describe: st.resultUnused !== true };
}

/** BEGIN, the statements and the end as separate pipelined statements (any isolation level; end decided after). */
async function runSequence(conn: PooledConnection, script: TxScript, usePrepared: boolean): Promise<TxResult> {
  const { client, socket } = conn;
  // In pipeline mode node-postgres writes every protocol message as soon as a query is issued; corking the socket
  // while the whole script is issued sends it in one write (one syscall, one packet) instead of a dozen.
  socket?.cork();
  const begin = `BEGIN ISOLATION LEVEL ${ISOLATION[script.isolation ?? 'read committed']} ${script.readOnly ? 'READ ONLY' : 'READ WRITE'}`;
  const pending: Promise<pg.QueryResult>[] = [client.query(begin)];
  for (const st of script.before) pending.push(send(client, st, usePrepared));
  const mainIndex = pending.length;
  pending.push(send(client, script.main, usePrepared));
  const after = script.after ?? [];
  for (const st of after) pending.push(send(client, st, usePrepared));
  if (typeof script.end === 'string') pending.push(client.query(script.end === 'commit' ? 'COMMIT' : 'ROLLBACK'));
  socket?.uncork();

  const settled = await Promise.allSettled(pending);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    // The transaction aborted inside the flush; a fixed COMMIT already turned into ROLLBACK. Otherwise end it now.
    if (typeof script.end !== 'string') await client.query('ROLLBACK').catch(() => {});
    throw failure.reason;
  }
  const value = (i: number) => (settled[i] as PromiseFulfilledResult<pg.QueryResult>).value;
  const main = value(mainIndex);
  if (typeof script.end !== 'string') {
    await client.query(script.end(main) === 'commit' ? 'COMMIT' : 'ROLLBACK');
  }
  return { main, before: script.before.map((_, i) => value(i + 1)), after: after.map((_, i) => value(mainIndex + 1 + i)) };
}
