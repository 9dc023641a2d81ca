// A read's main-statement row → ApiResponse: status (200/206/416, singular 406), Content-Type, Content-Range,
// Content-Location, Preference-Applied, Content-Profile, Vary and the response GUCs. Pure.
import { pgrst116Singular } from '../errors/catalogue.js';
import type { ApiResponse } from '../http/types.js';
import type { ReadRequestPlan } from '../plan/types.js';
import type { ApiRequest } from '../request/api-request.js';
import { contentTypeHeader } from '../request/media-type.js';
import { appliedPreferences, preferenceAppliedHeader } from '../request/preferences.js';
import { outOfBoundsError, rangeStatusHeader } from '../request/range.js';
import { gucHeaders, gucStatus } from './guc-headers.js';

/** The main statement's single row, every column as text. */
export type ResultRow = Readonly<Record<string, string | null>>;

/** The total row count a read reports, from the count column and/or the planner's estimate. */
export function readTotal(plan: { count: ReadRequestPlan['count']; maxRows: number | undefined }, row: ResultRow | undefined, plannedTotal: number | undefined): number | undefined {
  let total = row?.['total_result_set'] != null ? Number(row['total_result_set']) : undefined;
  if (plan.count === 'planned') total = plannedTotal;
  else if (plan.count === 'estimated' && total !== undefined && (plan.maxRows === undefined || total > plan.maxRows)) {
    total = Math.max(total, plannedTotal ?? 0);
  }
  return total;
}

/** Response headers and status set by SQL through `response.headers` / `response.status`, applied over `headers`. */
export function applyResponseGucs(row: ResultRow | undefined, headers: Record<string, string>, status: number): number {
  for (const [k, v] of gucHeaders(row?.['response_headers'])) headers[k] = v;
  return gucStatus(row?.['response_status']) ?? status;
}

/** The v16 `Vary` header, unless SQL already set one. */
export function addVary(headers: Record<string, string>): void {
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'vary')) headers['Vary'] = 'Accept, Prefer, Range';
}

/** Builds the response of a successful read. */
export function readResponse(plan: ReadRequestPlan, req: ApiRequest, row: ResultRow | undefined, plannedTotal?: number): ApiResponse {
  const pageTotal = Number(row?.['page_total'] ?? 0);
  const total = readTotal(plan, row, plannedTotal);
  const headers: Record<string, string> = {};

  if (plan.media.kind === 'object' && pageTotal !== 1) throw pgrst116Singular(pageTotal);

  const { status: rangeStatus, contentRange } = rangeStatusHeader(plan.read.range, pageTotal, total);
  if (rangeStatus === 416) throw outOfBoundsError(plan.read.range, total);

  headers['Content-Type'] = contentTypeHeader(plan.media);
  headers['Content-Range'] = contentRange;
  headers['Content-Location'] = req.query.canonical ? `${req.path}?${req.query.canonical}` : req.path;
  const applied = preferenceAppliedHeader(appliedPreferences(req.preferences, { kind: 'read' }));
  if (applied) headers['Preference-Applied'] = applied;
  if (req.profileNegotiated) headers['Content-Profile'] = req.schema;

  const status = applyResponseGucs(row, headers, rangeStatus);
  addVary(headers);

  return { status, headers, body: plan.headOnly ? null : (row?.['body'] ?? '') };
}
