// A write's result → ApiResponse (201/200/204, Location, Content-Range, Preference-Applied). Pure.
import type { TxResult } from '../db/execute.js';
import type { ApiResponse } from '../http/types.js';
import type { MutatePlan } from '../plan/mutate-types.js';
import type { ApiRequest } from '../request/api-request.js';

/** Builds the response of a successful write. */
export function mutateResponse(_plan: MutatePlan, _req: ApiRequest, _result: TxResult): ApiResponse {
  throw new Error('TODO(issue 5): writes');
}
