// A read's main-statement row → ApiResponse: status (200/206/416, singular 406), Content-Type, Content-Range,
// Content-Location, Preference-Applied, Content-Profile, Vary and the response GUCs. Pure.
import type pg from 'pg';
import type { TxResult } from '../db/execute.js';
import { pgrst116Singular } from '../errors/catalogue.js';
import type { ApiResponse, StreamedBody } from '../http/types.js';
import type { ReadRequestPlan } from '../plan/types.js';
import type { ApiRequest } from '../request/api-request.js';
import { contentTypeHeader, type MediaType } from '../request/media-type.js';
import { appliedPreferences, preferenceAppliedHeader } from '../request/preferences.js';
import { outOfBoundsError, rangeStatusHeader } from '../request/range.js';
import { headerValue } from '../text/header-bytes.js';
import { gucHeaders, gucStatus } from './guc-headers.js';
import { varyHeader } from './options.js';

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

/**
 * `Content-Profile` when the schema was negotiated (several schemas, or a profile header sent): the schema's name as its
 * UTF-8 bytes, as PostgREST sends it. A name with a control character, which no header may carry, is left out.
 */
export function addProfile(headers: Record<string, string>, req: Pick<ApiRequest, 'profileNegotiated' | 'schema'>): void {
  if (!req.profileNegotiated) return;
  const value = headerValue(req.schema);
  if (value !== undefined) headers['Content-Profile'] = value;
}

/** The v16 `Vary` header (the rule lives in options.ts), unless SQL already set one. */
export function addVary(headers: Record<string, string>): void {
  const vary = varyHeader(headers);
  if (vary !== undefined) headers['Vary'] = vary;
}

/**
 * The path part of `Content-Location`: `/` and the relation's name as PostgREST writes it, i.e. its UTF-8 bytes unescaped
 * (handed to node:http as a latin1 string). A name with a character no header value may carry (a control character
 * other than HTAB) keeps the request's percent-encoded path.
 */
export function locationPath(req: Pick<ApiRequest, 'target' | 'path'>): string {
  if (req.target.kind !== 'relation') return req.path;
  const name = headerValue(req.target.name);
  return name === undefined ? req.path : `/${name}`;
}

const BYTEA = 17;
const JSONB = 3802;

/**
 * The body column as PostgREST sends it, which reads it in PostgreSQL's binary format: bytea (a handler's domain over
 * bytea) as its bytes, jsonb with the binary format's version byte (0x01) in front, anything else as its text; a large
 * text body that streams (`stream`, the column then null) as the stream.
 */
export function responseBody(row: ResultRow | undefined, fields?: readonly pg.FieldDef[], stream?: StreamedBody): string | Buffer | StreamedBody {
  if (stream) return stream;
  const text = row?.['body'] ?? '';
  const type = fields?.find((f) => f.name === 'body')?.dataTypeID;
  if (row?.['body'] == null || (type !== BYTEA && type !== JSONB)) return text;
  if (type === JSONB) return Buffer.concat([Buffer.of(1), Buffer.from(text, 'utf8')]);
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : unescapeBytea(text);
}

/** bytea's `escape` output format (bytea_output = escape): `\\` is a backslash, `\ooo` an octal byte. */
function unescapeBytea(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && text[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else if (c === 0x5c) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      for (const b of Buffer.from(text[i]!, 'latin1')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

/**
 * The response of `application/vnd.pgrst.plan` (reads, writes and calls alike): 200 with the EXPLAIN output, each row's
 * text and a newline, whatever the plan found.
 */
export function planResponse(media: MediaType, req: ApiRequest, result: TxResult): ApiResponse {
  let body = '';
  for (const row of result.main.rows as Record<string, unknown>[]) body += `${String(row['QUERY PLAN'] ?? '')}\n`;
  const headers: Record<string, string> = { 'Content-Type': contentTypeHeader(media) };
  addProfile(headers, req);
  addVary(headers);
  return { status: 200, headers, body };
}

/** Builds the response of a successful read; a window past the counted total is PostgREST's 416 read response. */
export function readResponse(
  plan: ReadRequestPlan,
  req: ApiRequest,
  row: ResultRow | undefined,
  plannedTotal?: number,
  fields?: readonly pg.FieldDef[],
  stream?: StreamedBody,
): ApiResponse {
  const pageTotal = Number(row?.['page_total'] ?? 0);
  const total = readTotal(plan, row, plannedTotal);
  const headers: Record<string, string> = {};

  if (plan.media.kind === 'object' && pageTotal !== 1) throw pgrst116Singular(pageTotal);

  const { status: rangeStatus, contentRange } = rangeStatusHeader(plan.read.range, pageTotal, total);

  headers['Content-Range'] = contentRange;
  headers['Content-Location'] = req.query.canonical ? `${locationPath(req)}?${req.query.canonical}` : locationPath(req);
  headers['Content-Type'] = contentTypeHeader(plan.media);
  addProfile(headers, req);
  const applied = preferenceAppliedHeader(appliedPreferences(req.preferences, { kind: 'read' }));
  if (applied) headers['Preference-Applied'] = applied;

  const status = applyResponseGucs(row, headers, rangeStatus);
  addVary(headers);

  // PostgREST answers an offset past the total as a read (same headers, Content-Range `*/<total>`) whose body is the
  // PGRST103 error; it is not an error response (no Proxy-Status).
  if (rangeStatus === 416) return { status, headers, body: JSON.stringify(outOfBoundsError(plan.read.range, total).body()) };
  return { status, headers, body: plan.headOnly ? null : responseBody(row, fields, stream) };
}
