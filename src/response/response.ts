// Plan + the main statement's row → ApiResponse: status (200/206/416, singular 406), Content-Type, Content-Range,
// Content-Location, Preference-Applied, Content-Profile, Vary and the response GUCs. Pure.
import type { AppConfig } from '../config/types.js';
import { pgrst116Singular } from '../errors/catalogue.js';
import type { ApiResponse } from '../http/types.js';
import type { Plan } from '../plan/types.js';
import type { ApiRequest } from '../request/api-request.js';
import { contentTypeHeader } from '../request/media-type.js';
import { appliedPreferences, preferenceAppliedHeader } from '../request/preferences.js';
import { outOfBoundsError, rangeStatusHeader } from '../request/range.js';
import { gucHeaders, gucStatus } from './guc-headers.js';

/** The main statement's single row, every column as text. */
export type ResultRow = Readonly<Record<string, string | null>>;

/** Builds the response of a successful transaction. */
export function buildResponse(plan: Plan, req: ApiRequest, row: ResultRow | undefined, config: AppConfig, plannedTotal?: number): ApiResponse {
  void config;
  const pageTotal = Number(row?.['page_total'] ?? 0);
  let total = row?.['total_result_set'] != null ? Number(row['total_result_set']) : undefined;
  if (plan.count === 'planned') total = plannedTotal;
  else if (plan.count === 'estimated' && total !== undefined && (plan.maxRows === undefined || total > plan.maxRows)) {
    total = Math.max(total, plannedTotal ?? 0);
  }
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

  let status: number = rangeStatus;
  for (const [k, v] of gucHeaders(row?.['response_headers'])) headers[k] = v;
  status = gucStatus(row?.['response_status']) ?? status;
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'vary')) headers['Vary'] = 'Accept, Prefer, Range';

  return { status, headers, body: plan.headOnly ? null : (row?.['body'] ?? '') };
}
