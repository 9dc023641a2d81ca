// Plan + transaction result → ApiResponse, dispatching on the plan's kind. Pure.
import type { TxResult } from '../db/execute.js';
import type { ApiResponse } from '../http/types.js';
import type { Plan } from '../plan/types.js';
import type { ApiRequest } from '../request/api-request.js';
import { callResponse } from './call.js';
import { mutateResponse } from './mutate.js';
import { plannedCount } from './planned-count.js';
import { planResponse, type ResultRow, readResponse } from './read.js';

/** Builds the response of a successful transaction. */
export function buildResponse(plan: Plan, req: ApiRequest, result: TxResult): ApiResponse {
  const row = result.main.rows[0] as ResultRow | undefined;
  if (plan.media.kind === 'plan') return planResponse(plan.media, req, result);
  switch (plan.kind) {
    case 'read':
      return readResponse(plan, req, row, plannedCount(result.before), result.main.fields, result.stream?.body);
    case 'mutate':
      return mutateResponse(plan, req, result);
    case 'call':
      return callResponse(plan, req, result);
  }
}
