// RawRequest + config → ApiRequest: the target, action, schema, parsed query string, preferences, top-level row window,
// and the header/cookie maps the request settings need. Pure: no schema cache, no database.
import type { AppConfig } from '../config/types.js';
import type { RawRequest } from '../http/types.js';
import type { Payload } from './payload.js';
import { checkStrictHandling, parsePreferences, type Preferences } from './preferences.js';
import { parseQueryParams } from './query-params.js';
import type { QueryParams, QueryRange } from './query-types.js';
import { type NonnegRange, topLevelRange } from './range.js';
import { type Action, action as actionFor, route, selectSchema, type Target } from './route.js';

/** Everything the planner needs to know about the request, parsed. */
export interface ApiRequest {
  readonly method: string;
  readonly action: Action;
  readonly target: Target;
  readonly schema: string;
  /** Whether Content-Profile is echoed (several schemas, or a profile header sent). */
  readonly profileNegotiated: boolean;
  readonly path: string;
  readonly query: QueryParams;
  readonly preferences: Preferences;
  readonly accept: string | undefined;
  readonly contentType: string | undefined;
  /** Window of the top-level rows: limit/offset intersected with the Range header (GET only). */
  readonly topRange: NonnegRange;
  /** Request headers for `request.headers` (lower-cased names, Cookie excluded). */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** `body` as already read as JSON (by the shape cache, as the planner reads it), so the planner need not read it again. */
  readonly jsonBody?: Payload | undefined;
}

/** Parses a request; throws PGRST1xx ApiErrors for malformed input. `jsonBody`: the body, already read as JSON. */
export function buildApiRequest(raw: RawRequest, config: AppConfig, jsonBody?: Payload): ApiRequest {
  const target = route(raw.path);
  const act = actionFor(raw.method, target);
  const { schema, negotiated } = selectSchema(config.dbSchemas, raw.headers, act);
  const preferences = parsePreferences(raw.preferHeaders, { allowTxOverride: config.dbTxEnd.endsWith('allow-override') });
  checkStrictHandling(preferences);
  const query = parseQueryParams(raw.rawQuery, { isRpcRead: act === 'call-read' });
  const root = query.ranges.find((r) => r.embedPath.length === 0);
  const topRange = topLevelRange(raw.method, raw.headers['range'], root ? rangeOf(root) : undefined);
  return {
    method: raw.method,
    action: act,
    target,
    schema,
    profileNegotiated: negotiated,
    path: raw.path,
    query,
    preferences,
    accept: raw.headers['accept'],
    contentType: raw.headers['content-type'],
    topRange,
    ...requestMaps(raw),
    body: raw.body,
    jsonBody,
  };
}

/** The header and cookie maps of the request settings (`request.headers` leaves the Cookie header out). */
export function requestMaps(raw: RawRequest): Pick<ApiRequest, 'headers' | 'cookies'> {
  const cookie = raw.headers['cookie'];
  // Node's header map serves as it is without a Cookie (JSON drops undefined values).
  if (cookie === undefined) return { headers: raw.headers as Readonly<Record<string, string>>, cookies: NO_COOKIES };
  return { headers: withoutCookie(raw.headers), cookies: parseCookies(cookie) };
}

const NO_COOKIES: Readonly<Record<string, string>> = Object.freeze({});

function withoutCookie(all: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (v !== undefined && k !== 'cookie') headers[k] = v;
  return headers;
}

/** A parsed limit/offset pair as a row window. */
export function rangeOf(r: QueryRange): NonnegRange {
  const upper = r.limit === null ? ({ kind: 'above-all' } as const) : ({ kind: 'above', n: r.offset + r.limit - 1 } as const);
  return { lower: { kind: 'below', n: r.offset }, upper };
}

/** `a=1; b=2` → {a: '1', b: '2'} (first occurrence wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}
