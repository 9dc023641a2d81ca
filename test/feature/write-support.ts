// Helpers shared by the write feature tests (write-*.test.ts): a server on the `writes` schema, HTTP calls with JSON
// bodies, and superuser access to check what the database holds after each write.
import pg from 'pg';
import { recordQueries } from '../support/queries.js';
import { request, startTestServer, type TestResponse, type TestServer } from '../support/server.js';

export interface WriteEnv {
  readonly srv: TestServer;
  readonly db: pg.Client;
  /** Rows of a superuser query, every column as pg returns it. */
  rows(text: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs statements as the superuser (fixtures of one test). */
  exec(text: string): Promise<void>;
  /** An HTTP call; a non-string `body` is sent as JSON. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): ReturnType<typeof request>;
  stop(): Promise<void>;
}

/** Starts a server serving `writes` (plus `env`) and a superuser connection to the test database. */
export async function startWriteEnv(env: Record<string, string> = {}): Promise<WriteEnv> {
  const uri = process.env.PGRST_TEST_ADMIN_URI;
  if (!uri) throw new Error('PGRST_TEST_ADMIN_URI is not set: run the tests through test/run.ts');
  const srv = await startTestServer({ PGRST_DB_SCHEMAS: 'writes', ...env });
  const db = new pg.Client({ connectionString: uri });
  await db.connect();
  return {
    srv,
    db,
    rows: async (text, values = []) => (await db.query(text, values as unknown[])).rows as Record<string, unknown>[],
    exec: async (text) => {
      await db.query(text);
    },
    call: (method, path, body, headers = {}) => {
      const init: RequestInit = { method, headers };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') && typeof body !== 'string') {
          init.headers = { 'Content-Type': 'application/json', ...headers };
        }
      }
      return request(srv.url, path, init);
    },
    stop: async () => {
      await db.end();
      await srv.stop();
    },
  };
}

/** One call's response and the texts of the statements it sent (recorded on the way out). */
export async function callRecorded(env: WriteEnv, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  let res: TestResponse | undefined;
  const texts = (await recordQueries(env.srv.app, async () => {
    res = await env.call(method, path, body, headers);
  })).map((q) => q.text);
  return { res: res!, texts };
}

/**
 * Servers whose every request reads the response settings, nothing of the user's running or not: db-pre-request
 * setting X-Pre, an authenticator whose sessions begin with X-Preset set (ALTER ROLE ... SET; both from
 * 97-write-alone.sql), and pg_catalog in db-extra-search-path (the exposed schema may shadow built-in functions).
 */
export const ALWAYS_READ_SETTINGS: readonly { readonly what: string; readonly header: string | null; env(): Record<string, string> }[] = [
  { what: 'set by db-pre-request', header: 'x-pre', env: () => ({ PGRST_DB_PRE_REQUEST: 'walone.pre_request' }) },
  {
    what: 'set when the session began (ALTER ROLE ... SET response.headers on the authenticator)',
    header: 'x-preset',
    env: () => {
      const uri = new URL(process.env.PGRST_TEST_AUTH_URI!);
      uri.username = 'postgrest_test_walone_preset';
      uri.password = 'walone-preset-password';
      return { PGRST_DB_URI: uri.toString() };
    },
  },
  {
    what: 'pg_catalog in db-extra-search-path (the schema may shadow built-in functions)',
    header: null,
    env: () => ({ PGRST_DB_EXTRA_SEARCH_PATH: 'public, pg_catalog' }),
  },
];
