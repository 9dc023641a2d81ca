// Records the statements an in-process server sends to PostgreSQL: its pool's connections are wrapped on acquire, so
// every query (plain or batched) of the requests made meanwhile is seen as it goes out.
import type { App } from '../../src/app/app.js';
import { BatchQuery } from '../../src/db/batch.js';
import type { PooledConnection } from '../../src/db/pool.js';

export interface SentQuery {
  readonly text: string;
  readonly values: number;
  /** How many earlier queries of this request had already answered when this one was sent. */
  readonly answeredBefore: number;
}

/** Records every query `app` sends while `fn` runs (connections acquired meanwhile are wrapped). */
export async function recordQueries(app: App, fn: () => Promise<void>): Promise<SentQuery[]> {
  type Query = (...args: unknown[]) => Promise<unknown>;
  const pool = app.state.pool;
  const sent: SentQuery[] = [];
  const restore: (() => void)[] = [];
  let answered = 0;
  const original = pool.acquire.bind(pool);
  pool.acquire = async (): Promise<PooledConnection> => {
    const conn = await original();
    const client = conn.client as unknown as { query: Query };
    const query = client.query;
    client.query = (...args: unknown[]) => {
      const q = args[0];
      if (q instanceof BatchQuery) {
        // One batch: every statement goes out together, ending in one Sync (one implicit transaction).
        for (const st of q.statements) sent.push({ text: st.text, values: st.values.length, answeredBefore: answered });
        // Counted as answered when PostgreSQL has finished it (its ReadyForQuery), as plain queries are below.
        const batch = q as unknown as { handleReadyForQuery: (...a: unknown[]) => void };
        const ready = batch.handleReadyForQuery.bind(q);
        batch.handleReadyForQuery = (...a: unknown[]) => {
          answered++;
          ready(...a);
        };
        return query.apply(client, args);
      }
      const c = q as string | { text: string; values?: unknown[] };
      const text = typeof c === 'string' ? c : c.text;
      sent.push({ text, values: typeof c === 'string' ? 0 : (c.values?.length ?? 0), answeredBefore: answered });
      return (query.apply(client, args) as Promise<unknown>).finally(() => {
        answered++;
      });
    };
    restore.push(() => {
      client.query = query;
    });
    return conn;
  };
  try {
    await fn();
  } finally {
    pool.acquire = original;
    for (const r of restore) r();
  }
  return sent;
}
