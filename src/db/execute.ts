// Runs one request's transaction on a pooled connection: BEGIN, request settings, optional pre-request, main statement,
// then COMMIT or ROLLBACK — pipelined into one round trip when nothing depends on the result. No SQL is built here.
import { Socket } from 'node:net';
import type pg from 'pg';
import type { PooledConnection } from './pool.js';

/** A statement with its own bind parameters; `prepare` asks for a named (cached) prepared statement. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly prepare?: boolean;
}

/** Everything one request sends, in order. */
export interface TxScript {
  readonly begin: string;
  readonly before: readonly Statement[];
  readonly main: Statement;
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

function send(client: pg.Client, st: Statement, usePrepared: boolean): Promise<pg.QueryResult> {
  const name = usePrepared && st.prepare !== false ? nameFor(st.text) : undefined;
  return client.query({ text: st.text, values: st.values as unknown[], ...(name ? { name } : {}) });
}

/** The results of a script: the main statement's and those of the statements before it. */
export interface TxResult {
  readonly main: pg.QueryResult;
  readonly before: readonly pg.QueryResult[];
}

/** The client's socket (node-postgres keeps it on its connection object). */
function socketOf(client: pg.Client): Socket | undefined {
  const stream = (client as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  return stream instanceof Socket ? stream : undefined;
}

/** Runs the script; resolves with the results or rejects with the first PostgreSQL error. */
export async function runTransaction(conn: PooledConnection, script: TxScript, usePrepared: boolean): Promise<TxResult> {
  const { client } = conn;
  // In pipeline mode node-postgres writes every protocol message as soon as a query is issued; corking the socket
  // while the whole script is issued sends it in one write (one syscall, one packet) instead of a dozen.
  const socket = socketOf(client);
  socket?.cork();
  const pending: Promise<pg.QueryResult>[] = [client.query(script.begin)];
  for (const st of script.before) pending.push(send(client, st, usePrepared));
  const mainIndex = pending.length;
  pending.push(send(client, script.main, usePrepared));
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
  return { main, before: script.before.map((_, i) => value(i + 1)) };
}
