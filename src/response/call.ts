// A function call's result → ApiResponse. Pure.
import type { TxResult } from '../db/execute.js';
import type { ApiResponse } from '../http/types.js';
import type { CallPlan } from '../plan/call-types.js';
import type { ApiRequest } from '../request/api-request.js';

/** Builds the response of a successful call. */
export function callResponse(_plan: CallPlan, _req: ApiRequest, _result: TxResult): ApiResponse {
  throw new Error('TODO(issue 6): functions');
}
