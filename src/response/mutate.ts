// A write's result → ApiResponse (201/200/204, Location, Content-Range, Preference-Applied) as PostgREST answers
// each kind of mutation. Pure: failed row-count checks (the transaction already rolled back) become their errors here.
import type { TxResult } from '../db/execute.js';
import type { ApiResponse } from '../http/types.js';
import { failedCheck, writtenRows } from '../plan/mutate-checks.js';
import type { MutatePlan } from '../plan/mutate-types.js';
import type { ApiRequest } from '../request/api-request.js';
import { contentTypeHeader } from '../request/media-type.js';
import { appliedPreferences, type PreferenceAction, preferenceAppliedHeader } from '../request/preferences.js';
import { contentRangeHeader } from '../request/range.js';
import { locationHeader } from './mutate-location.js';
import { addProfile, addVary, applyResponseGucs, type ResultRow, responseBody } from './read.js';

/** Builds the response of a successful write. */
export function mutateResponse(plan: MutatePlan, req: ApiRequest, result: TxResult): ApiResponse {
  const rows = writtenRows(plan, result.main);
  // a write run alone has its response settings read by the statement after it
  const row = (plan.standalone ? result.after[0] : result.main)?.rows[0] as ResultRow | undefined;
  const failure = failedCheck(plan.checks, rows);
  if (failure) throw failure;

  const total = plan.count ? rows : undefined;
  const headers: Record<string, string> = {};
  let status: number;
  switch (plan.mutation) {
    case 'create': {
      const location = plan.location && rows === 1 ? locationHeader(plan.table.name, row?.['location'] ?? null) : undefined;
      if (location !== undefined) headers['Location'] = location;
      headers['Content-Range'] = contentRangeHeader(1, 0, total);
      const mergeNothingInserted = req.preferences.resolution === 'merge-duplicates' && !(Number(row?.['inserted'] ?? 0) > 0);
      status = mergeNothingInserted ? 200 : 201;
      break;
    }
    case 'update':
      headers['Content-Range'] = contentRangeHeader(0, rows, total);
      status = plan.representation ? 200 : 204;
      break;
    case 'single-upsert':
      status = !plan.representation ? 204 : Number(row?.['inserted'] ?? 0) > 0 ? 201 : 200;
      break;
    case 'delete':
      headers['Content-Range'] = contentRangeHeader(1, 0, total);
      status = plan.representation ? 200 : 204;
      break;
  }
  const applied = preferenceAppliedHeader(appliedPreferences(req.preferences, preferenceAction(plan, req)));
  if (applied) headers['Preference-Applied'] = applied;

  let body: ApiResponse['body'] = status === 204 ? null : '';
  if (plan.representation) {
    headers['Content-Type'] = contentTypeHeader(plan.media);
    addProfile(headers, req);
    body = responseBody(row, result.main.fields, result.stream?.body);
  }
  const finalStatus = applyResponseGucs(row, headers, status);
  addVary(headers);
  return { status: finalStatus, headers, body };
}

function preferenceAction(plan: MutatePlan, req: ApiRequest): PreferenceAction {
  switch (plan.mutation) {
    case 'create':
      return { kind: 'insert', resolutionApplies: plan.table.pkCols.length > 0 || req.query.onConflict !== null };
    case 'update':
      return { kind: 'update' };
    case 'delete':
      return { kind: 'delete' };
    case 'single-upsert':
      return { kind: 'single-upsert' };
  }
}
