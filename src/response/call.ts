// A function call's result row → ApiResponse: 200/206 (416 past the total), 204 for void, Content-Range,
// Content-Type, Preference-Applied, Content-Profile, Vary and the response GUCs; singular and max-affected errors. Pure.
import type { TxResult } from '../db/execute.js';
import { ApiError } from '../errors/api-error.js';
import type { ApiResponse } from '../http/types.js';
import { callPageTotal } from '../plan/call-plan.js';
import { failedCheck } from '../plan/mutate-checks.js';
import type { CallPlan } from '../plan/call-types.js';
import type { ApiRequest } from '../request/api-request.js';
import { contentTypeHeader } from '../request/media-type.js';
import { appliedPreferences, preferenceAppliedHeader } from '../request/preferences.js';
import { outOfBoundsError, rangeStatusHeader } from '../request/range.js';
import { addProfile, addVary, applyResponseGucs, type ResultRow, readTotal, responseBody } from './read.js';

/** Builds the response of a successful call. */
export function callResponse(plan: CallPlan, req: ApiRequest, result: TxResult): ApiResponse {
  const row = result.main.rows[0] as ResultRow | undefined;
  const pageTotal = callPageTotal(plan, Number(row?.['page_total'] ?? 0));
  const total = readTotal(plan, row, undefined);

  const failed = failedCheck(plan.checks, pageTotal);
  if (failed) throw failed;

  const { status: rangeStatus, contentRange } = rangeStatusHeader(plan.topRange, pageTotal, total);
  if (rangeStatus === 416) {
    const err = outOfBoundsError(plan.topRange, total);
    throw new ApiError(err.status, err.code, err.message, err.details, err.hint, { ...err.headers, 'Content-Range': contentRange });
  }

  const headers: Record<string, string> = { 'Content-Range': contentRange };
  const applied = preferenceAppliedHeader(appliedPreferences(req.preferences, { kind: 'call' }));
  if (applied) headers['Preference-Applied'] = applied;

  if (plan.returns === 'void') {
    const status = applyResponseGucs(row, headers, 204);
    addVary(headers);
    return { status, headers, body: null };
  }

  headers['Content-Type'] = contentTypeHeader(plan.media);
  addProfile(headers, req);
  const status = applyResponseGucs(row, headers, rangeStatus);
  addVary(headers);
  return { status, headers, body: plan.headOnly ? null : responseBody(row, result.main.fields, result.stream?.body) };
}
