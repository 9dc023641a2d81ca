// THE request pipeline: RawRequest → CORS → auth → ApiRequest → plan (schema cache) → SQL → transaction → response,
// then the cross-cutting headers (CORS, trace, Server-Timing) and the access log. Each stage lives in its own module;
// this file only sequences them and turns any failure into an error response.
import { performance } from 'node:perf_hooks';
import type { AppState, Snapshot } from '../app/state.js';
import type { AuthResult } from '../auth/authenticate.js';
import type { TxResult, TxScript } from '../db/execute.js';
import { connectionUse, noteConnectionHeld, runTransaction } from '../db/execute.js';
import { EXCLUSIVE } from '../db/pool.js';
import { docsResponse } from '../docs/docs.js';
import { ApiError } from '../errors/api-error.js';
import { pgrstX00Internal } from '../errors/catalogue.js';
import { isConnectionError, type PgErrorLike, pgErrorToApiError } from '../errors/sqlstate.js';
import { accessLogLine, serverTimingHeader } from '../observe/access-log.js';
import { jsonMessage } from '../observe/log.js';
import { planRequest } from '../plan/plan.js';
import { legacyTargetWarningText } from '../plan/read-plan.js';
import { VERSION } from '../app/version.js';
import { type ApiRequest, buildApiRequest } from '../request/api-request.js';
import type { Plan } from '../plan/types.js';
import { errorResponse } from '../response/error.js';
import { optionsResponse, withVary } from '../response/options.js';
import { buildResponse } from '../response/response.js';
import { allContents, type RootContents, rootResponse } from '../response/root.js';
import { privilegesStatement } from '../sql/root-privileges.js';
import { buildStatement, requestSettings, withRequestHooks, withRoleSettings } from '../sql/statement.js';
import { corsHeaders } from './cors.js';
import { learn, recall, type Shape, shapeOf } from './shape-cache.js';
import { type ApiResponse, bodyLength, type RawRequest } from './types.js';

/** Stage durations in milliseconds, for Server-Timing. */
interface Timings {
  jwt: number;
  parse: number;
  plan: number;
  transaction: number;
  response: number;
}

/** `log-query`: the SQL a request ran, collected when the option is on. */
type QueryLog = string[] | undefined;

/** Serves one request; never throws. */
export async function handleRequest(state: AppState, raw: RawRequest): Promise<ApiResponse> {
  const config = state.config;
  const docs = docsResponse(raw.path, raw.method, config);
  if (docs) return finish(state, raw, docs, undefined, undefined);
  const cors = corsHeaders(raw, config.serverCorsAllowedOrigins);
  // CORS preflights are answered by the CORS layer and, as in PostgREST, not access-logged.
  if (cors?.preflight) return finish(state, raw, { status: 200, headers: { ...cors.headers }, body: '' }, undefined, undefined, false);
  const queries: QueryLog = config.logQuery ? [] : undefined;
  const timings: Timings = { jwt: 0, parse: 0, plan: 0, transaction: 0, response: 0 };
  let auth: AuthResult | undefined;
  let response: ApiResponse;
  try {
    const snapshot = state.snapshot();
    const t0 = performance.now();
    auth = snapshot.authenticator.authenticateSync(raw.headers['authorization'], Math.floor(Date.now() / 1000));
    const t1 = performance.now();
    timings.jwt = t1 - t0;
    const shape = shapeOf(raw, auth.role);
    const known = shape && recall(snapshot, shape, raw);
    if (known) {
      // A request of a learnt shape: parse, plan and SQL come from the shape cache, with its own values.
      timings.parse = performance.now() - t1;
      state.metrics.shapeCacheHit();
      const script = buildStatement(known.plan, known.request, auth, snapshot.config, snapshot.schemaCache, known.main);
      response = await run(state, snapshot, known.request, known.plan, script, timings, queries);
    } else {
      // a write's body the shape cache read already is not read again
      const request = buildApiRequest(raw, snapshot.config, shape?.body);
      timings.parse = performance.now() - t1;
      response = await serve(state, snapshot, request, auth, timings, queries, shape && { shape, raw });
    }
  } catch (err) {
    response = errorResponse(toApiError(err, state, auth?.authenticated ?? false), config.clientErrorVerbosity);
  }
  if (queries) state.log.query(response.status, () => queries);
  if (cors) response = { ...response, headers: { ...response.headers, ...cors.headers } };
  return finish(state, raw, response, auth, config.serverTimingEnabled ? timings : undefined);
}

async function serve(
  state: AppState,
  snapshot: Snapshot,
  request: ApiRequest,
  auth: AuthResult,
  timings: Timings,
  queries: QueryLog,
  learnable?: { readonly shape: Shape; readonly raw: RawRequest },
): Promise<ApiResponse> {
  const { config, schemaCache } = snapshot;
  if (request.action === 'options') {
    // A successful OPTIONS answer gets v16's default Vary like every other successful API response.
    const info = optionsResponse(request, schemaCache);
    return { ...info, headers: withVary(info.headers) };
  }
  if (request.target.kind === 'root') {
    let t = performance.now();
    const contents =
      config.openapiMode === 'follow-privileges'
        ? await visibleContents(state, snapshot, request, auth, queries)
        : allContents(schemaCache, request.schema);
    timings.transaction = performance.now() - t;
    t = performance.now();
    const response = rootResponse(request, schemaCache, config, contents);
    timings.response = performance.now() - t;
    return response;
  }
  const t = performance.now();
  const plan = planRequest(request, schemaCache, config);
  const script = buildStatement(plan, request, auth, config, schemaCache);
  if (learnable) {
    const { shape, raw } = learnable;
    learn(snapshot, shape, raw, { request, plan, script }, (rawQuery, body) => {
      const r = buildApiRequest({ ...raw, rawQuery, body }, config);
      const p = planRequest(r, schemaCache, config);
      return { request: r, plan: p, script: buildStatement(p, r, auth, config, schemaCache) };
    });
  }
  timings.plan = performance.now() - t;
  return run(state, snapshot, request, plan, script, timings, queries);
}

/** Runs a request's script and builds its response. */
async function run(
  state: AppState,
  snapshot: Snapshot,
  request: ApiRequest,
  plan: Plan,
  script: TxScript,
  timings: Timings,
  queries: QueryLog,
): Promise<ApiResponse> {
  let t = performance.now();
  const result = await transact(state, script, snapshot.config.dbPreparedStatements, queries);
  timings.transaction = performance.now() - t;
  t = performance.now();
  let response: ApiResponse;
  try {
    response = buildResponse(plan, request, result);
  } catch (err) {
    result.stream?.body.destroy();
    throw err;
  }
  if (result.stream) {
    // A streamed body the response does not carry (another body took its place) is dropped.
    if (response.body === result.stream.body) state.metrics.streamedBody(result.stream.body.byteLength);
    else result.stream.body.destroy();
  }
  const warning = legacyTargetWarningText(plan.read);
  if (warning) {
    // url-use-legacy-target-names: served, but deprecated — said in a Warning header and in the log, as PostgREST does.
    state.log.log('warn', `WARNING: ${warning}`);
    response = { ...response, headers: { ...response.headers, Warning: `299 PostgRESTv${VERSION.replaceAll(' ', '')} "${warning}"` } };
  }
  timings.response = performance.now() - t;
  return response;
}

/** Runs a script on a pooled connection; a connection that failed is discarded. */
async function transact(state: AppState, script: TxScript, prepared: boolean, queries: QueryLog) {
  if (queries) {
    for (const st of script.before) queries.push(st.text);
    queries.push(script.main.text);
  }
  const debug = state.log.enabled('debug');
  if (debug) state.log.log('debug', 'Trying to borrow a connection from pool');
  const use = state.pool.pipelines ? connectionUse(script) : EXCLUSIVE;
  const conn = await state.pool.acquire(use);
  if (debug) state.log.log('debug', 'Borrowed a connection from the pool');
  // With pipelining, how long reads hold their connection decides which may have others written behind them.
  const since = use.follows && script.readOnly ? performance.now() : -1;
  const release = (discard: boolean) => {
    if (since >= 0) noteConnectionHeld(script, performance.now() - since);
    state.pool.release(conn, discard);
  };
  const failed = (err: unknown) => conn.broken || (!(err instanceof ApiError) && isConnectionError(err as PgErrorLike));
  let result: TxResult;
  try {
    result = await runTransaction(conn, script, prepared);
  } catch (err) {
    release(failed(err));
    throw err;
  }
  // A streaming body keeps the connection until PostgreSQL has sent all of it and ended the transaction.
  if (result.stream) result.stream.done.then(() => release(false), (err: unknown) => release(failed(err)));
  else release(false);
  return result;
}

/** Tables and routines of the schema the request's role may use (openapi-mode = follow-privileges). */
async function visibleContents(state: AppState, snapshot: Snapshot, req: ApiRequest, auth: AuthResult, queries: QueryLog): Promise<RootContents> {
  const all = allContents(snapshot.schemaCache, req.schema);
  const roleAuth = withRoleSettings(auth, snapshot.schemaCache);
  const script = withRequestHooks(
    {
      readOnly: true,
      before: [requestSettings(req, roleAuth, snapshot.config, [], true)],
      main: privilegesStatement(req.schema),
      end: 'commit',
    },
    auth,
    snapshot.config,
    snapshot.schemaCache,
  );
  const result = await transact(state, script, snapshot.config.dbPreparedStatements, queries);
  const text = String(result.main.rows[0]?.['body'] ?? '{}');
  const visible = JSON.parse(text) as { tables?: string[]; routines?: string[] };
  const tables = new Set(visible.tables ?? []);
  const routines = new Set(visible.routines ?? []);
  // the lists as PostgreSQL sent them name the selection (the same catalog lists them in the same order)
  return { tables: all.tables.filter((t) => tables.has(t.name)), routines: all.routines.filter((r) => routines.has(r.name)), key: text };
}

/** Adds the trace and Server-Timing headers and writes the access log line (unless `logged` is false). */
function finish(
  state: AppState,
  raw: RawRequest,
  response: ApiResponse,
  auth: AuthResult | undefined,
  timings: Timings | undefined,
  logged = true,
): ApiResponse {
  const config = state.config;
  let headers = response.headers;
  const trace = config.serverTraceHeader;
  if (trace || timings) {
    const extra: Record<string, string> = {};
    if (trace) extra[trace] = raw.headers[trace.toLowerCase()] ?? '';
    if (timings) extra['Server-Timing'] = serverTimingHeader(timings);
    headers = { ...headers, ...extra };
  }
  if (logged) logAccess(state, raw, response, auth);
  return headers === response.headers ? response : { ...response, headers };
}

function logAccess(state: AppState, raw: RawRequest, response: ApiResponse, auth: AuthResult | undefined): void {
  state.log.access(response.status, () =>
    accessLogLine(
      {
        remoteAddress: raw.remoteAddress || undefined,
        role: auth?.role,
        method: raw.method,
        target: raw.rawQuery ? `${raw.path}?${raw.rawQuery}` : raw.path,
        status: response.status,
        contentLength: response.body === null || raw.method === 'HEAD' ? undefined : bodyLength(response.body),
        referer: raw.headers['referer'],
        userAgent: raw.headers['user-agent'],
      },
      new Date(),
    ),
  );
}

/** When the last pool-timeout line was written: PostgREST logs them at most every five seconds. */
const lastPoolTimeoutLog = new WeakMap<AppState, number>();

/**
 * The errors PostgREST also writes to stderr (at log-level error and above): a missing schema cache, pool timeouts
 * (debounced) and database errors answered with a 5xx.
 */
function logServerError(state: AppState, err: ApiError, fromDatabase: boolean): void {
  if (!state.log.enabled('error')) return;
  if (err.code === 'PGRST003') {
    const now = Date.now();
    if (now - (lastPoolTimeoutLog.get(state) ?? 0) < 5000) return;
    lastPoolTimeoutLog.set(state, now);
  } else if (err.code !== 'PGRST002' && !(fromDatabase && err.status >= 500)) {
    return;
  }
  state.log.log('error', jsonMessage(err));
}

function toApiError(err: unknown, state: AppState, authenticated: boolean): ApiError {
  if (err instanceof ApiError) {
    if (err.code === 'PGRST000') state.connectionLost();
    logServerError(state, err, false);
    return err;
  }
  if (err && typeof err === 'object' && 'message' in err) {
    const pgErr = err as PgErrorLike;
    if (isConnectionError(pgErr)) state.connectionLost();
    if (isConnectionError(pgErr) || typeof pgErr.code === 'string') {
      const apiErr = pgErrorToApiError(pgErr, { authenticated });
      logServerError(state, apiErr, true);
      return apiErr;
    }
  }
  state.log.log('error', `Unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return pgrstX00Internal('Internal server error');
}
