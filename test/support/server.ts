// Starts postgrest-ts in-process against the test database prepared by test/run.ts, configured through PGRST_* variables
// exactly as a user would; returns its URL and a stop function.
import { type App, startApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observe/log.js';
import { hsToken } from './tokens.js';

export interface TestServer {
  readonly url: string;
  readonly app: App;
  stop(): Promise<void>;
}

/** The JWT secret of every test server (PGRST_JWT_SECRET unless `env` overrides it). */
export const TEST_JWT_SECRET = 'reallyreallyreallyreallyverysafe-test-secret';

/** A token a test server accepts (HS256 with TEST_JWT_SECRET) for `role`, with `claims` added. */
export function roleToken(role: string, claims: Record<string, unknown> = {}): string {
  return hsToken('HS256', TEST_JWT_SECRET, { role, ...claims });
}

/** Environment for a server on the test database; `env` adds or overrides PGRST_* settings. */
export function testEnv(env: Record<string, string> = {}): Record<string, string | undefined> {
  const uri = process.env.PGRST_TEST_AUTH_URI;
  if (!uri) throw new Error('PGRST_TEST_AUTH_URI is not set: run the tests through `npm test` (test/run.ts)');
  return {
    PGRST_DB_URI: uri,
    PGRST_DB_SCHEMAS: 'test',
    PGRST_DB_ANON_ROLE: 'postgrest_test_anonymous',
    PGRST_SERVER_HOST: '127.0.0.1',
    PGRST_SERVER_PORT: '0',
    PGRST_DB_POOL: '4',
    PGRST_LOG_LEVEL: process.env.PGRST_TEST_LOG_LEVEL ?? 'crit',
    PGRST_JWT_SECRET: TEST_JWT_SECRET,
    // PGRST_TEST_PIPELINE_DEPTH=2 runs every test server with pipelining (db-pool-pipeline-depth) unless a test sets it
    ...(process.env.PGRST_TEST_PIPELINE_DEPTH ? { PGRST_DB_POOL_PIPELINE_DEPTH: process.env.PGRST_TEST_PIPELINE_DEPTH } : {}),
    ...env,
  };
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = await loadConfig({ env: testEnv(env) });
  // Startup and reload lines show at every log level (as in PostgREST); keep the test output quiet unless asked.
  const quiet = process.env.PGRST_TEST_LOG_LEVEL ? undefined : { out() {}, err() {} };
  const app = await startApp(config, createLogger(config.logLevel, quiet));
  return { url: app.url.replace('localhost', '127.0.0.1'), app, stop: () => app.stop() };
}

/** What `request` answers: status, headers, the body as bytes and as (UTF-8 decoded, as fetch does) text. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly bytes: Buffer;
  json(): unknown;
}

/** `fetch` options, plus `accept`: the Accept header, set over any in `headers` (left out when undefined). */
export interface TestRequestInit extends RequestInit {
  readonly accept?: string | undefined;
}

/** GET (or any method) returning status, headers and parsed-or-raw body. */
export async function request(base: string, path: string, init: TestRequestInit = {}): Promise<TestResponse> {
  const { accept, ...rest } = init;
  if (accept !== undefined) {
    const headers = new Headers(rest.headers);
    headers.set('Accept', accept);
    rest.headers = headers;
  }
  const res = await fetch(base + path, rest);
  const bytes = Buffer.from(await res.arrayBuffer());
  // TextDecoder decodes as Response.text() does (a leading byte order mark dropped, bad sequences replaced).
  const text = new TextDecoder().decode(bytes);
  return { status: res.status, headers: res.headers, text, bytes, json: () => JSON.parse(text) };
}
