// THE request pipeline: RawRequest → route → auth → ApiRequest → plan (schema cache) → SQL → transaction → response.
// Each stage is a call into its own module; this file only sequences them and turns any failure into an error response.
import type { AppState, Snapshot } from '../app/state.js';
import { ApiError } from '../errors/api-error.js';
import { pgrstX00Internal } from '../errors/catalogue.js';
import { isConnectionError, pgErrorToApiError, type PgErrorLike } from '../errors/sqlstate.js';
import { runTransaction } from '../db/execute.js';
import { buildApiRequest } from '../request/api-request.js';
import { planRequest } from '../plan/plan.js';
import { buildStatement } from '../sql/statement.js';
import { buildResponse } from '../response/response.js';
import { errorResponse } from '../response/error.js';
import type { ApiResponse, RawRequest } from './types.js';

/** Serves one request; never throws. */
export async function handleRequest(state: AppState, raw: RawRequest): Promise<ApiResponse> {
  let snapshot: Snapshot | undefined;
  let authenticated = false;
  try {
    snapshot = state.snapshot();
    const { config, schemaCache, authenticator } = snapshot;
    const auth = authenticator.authenticateSync(raw.headers['authorization'], Math.floor(Date.now() / 1000));
    authenticated = auth.authenticated;
    const request = buildApiRequest(raw, config);
    const plan = planRequest(request, schemaCache, config);
    const script = buildStatement(plan, request, auth, config);
    const conn = await state.pool.acquire();
    let discard = false;
    try {
      const result = await runTransaction(conn, script, config.dbPreparedStatements);
      return buildResponse(plan, request, result);
    } catch (err) {
      discard = conn.broken || (!(err instanceof ApiError) && isConnectionError(err as PgErrorLike));
      throw err;
    } finally {
      state.pool.release(conn, discard);
    }
  } catch (err) {
    return errorResponse(toApiError(err, state, authenticated), snapshot?.config.clientErrorVerbosity ?? state.config.clientErrorVerbosity);
  }
}

function toApiError(err: unknown, state: AppState, authenticated: boolean): ApiError {
  if (err instanceof ApiError) {
    if (err.code === 'PGRST000') state.connectionLost();
    return err;
  }
  if (err && typeof err === 'object' && 'message' in err) {
    const pgErr = err as PgErrorLike;
    if (isConnectionError(pgErr)) state.connectionLost();
    if (isConnectionError(pgErr) || typeof pgErr.code === 'string') return pgErrorToApiError(pgErr, { authenticated });
  }
  state.log.log('error', `Unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return pgrstX00Internal('Internal server error');
}
