// PostgREST's CORS policy (a permissive wai-cors policy, failures ignored) as a pure function of method and headers.
// It only decides headers: writing the preflight answer or merging headers into a response is the server's job.

/** What the CORS layer needs from a request; header names lower-cased, as in RawRequest. */
export interface CorsRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * `preflight: true`: answer at once with 200, these headers and an empty body (the request never reaches the API and
 * is not access-logged). `preflight: false`: serve the request and append these headers to its response.
 */
export interface CorsResult {
  readonly preflight: boolean;
  readonly headers: Record<string, string>;
}

/** Methods a preflight may ask for, in the order PostgREST lists them (its list united with GET, HEAD, POST). */
export const CORS_ALLOW_METHODS = 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD';
/** Response headers scripts may read on actual CORS requests. */
export const CORS_EXPOSE_HEADERS =
  'Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit';
/** Preflight cache lifetime: one day. */
export const CORS_MAX_AGE = '86400';

const ALLOWED_METHODS: ReadonlySet<string> = new Set(CORS_ALLOW_METHODS.split(', '));
/** The CORS-safelisted request headers except Content-Type, always allowed after the requested ones. */
const SAFELISTED_HEADERS = ['Accept', 'Accept-Language', 'Content-Language'] as const;

/**
 * CORS headers for a request, or undefined when the CORS layer stays out of the way: no `Origin`, a WebSocket
 * upgrade, an origin missing from `allowedOrigins` (empty = any origin), or a malformed preflight. PostgREST ignores
 * CORS failures instead of rejecting: such requests are served as if they carried no `Origin` (so a failed preflight
 * OPTIONS reaches the API and gets its ordinary OPTIONS answer).
 */
export function corsHeaders(req: CorsRequest, allowedOrigins: readonly string[]): CorsResult | undefined {
  const { headers } = req;
  const origin = headers['origin'];
  if (origin === undefined) return undefined;
  const upgrade = headers['upgrade'];
  if (upgrade !== undefined && foldCase(upgrade) === 'websocket') return undefined;
  const restricted = allowedOrigins.length > 0;
  // Origins compare byte for byte, as configured.
  if (restricted && !allowedOrigins.includes(origin)) return undefined;
  const out: Record<string, string> = {};
  out['Access-Control-Allow-Origin'] = restricted ? origin : '*';
  if (restricted) out['Access-Control-Allow-Credentials'] = 'true';
  if (req.method !== 'OPTIONS') {
    out['Access-Control-Expose-Headers'] = CORS_EXPOSE_HEADERS;
    return { preflight: false, headers: out };
  }
  // Every OPTIONS with an Origin is treated as a preflight; without a (supported) requested method it is a failure.
  const requestedMethod = headers['access-control-request-method'];
  if (requestedMethod === undefined || !ALLOWED_METHODS.has(requestedMethod)) return undefined;
  out['Access-Control-Allow-Methods'] = CORS_ALLOW_METHODS;
  const requestedHeaders = headers['access-control-request-headers'];
  if (requestedHeaders !== undefined) {
    const allowed = allowedRequestHeaders(requestedHeaders);
    if (allowed === undefined) return undefined;
    out['Access-Control-Allow-Headers'] = allowed.join(', ');
  }
  out['Access-Control-Max-Age'] = CORS_MAX_AGE;
  return { preflight: true, headers: out };
}

/**
 * The `Access-Control-Allow-Headers` list: `Authorization`, the requested names echoed as sent (comma-split and
 * trimmed, empty items and duplicates kept), then the safelisted names not already present. Undefined when the
 * names as the CORS library parses them are not all in that list (e.g. `Foo Bar`), which fails the preflight.
 */
export function allowedRequestHeaders(requested: string): string[] | undefined {
  const echoed = requested === '' ? [] : requested.split(',').map(strip);
  const allowed = ['Authorization', ...echoed];
  const folded = allowed.map(foldCase);
  for (const name of SAFELISTED_HEADERS) if (!folded.includes(foldCase(name))) allowed.push(name);
  const allowedFolded = new Set(allowed.map(foldCase));
  for (const name of parseHeaderNameList(requested)) if (!allowedFolded.has(foldCase(name))) return undefined;
  return allowed;
}

/**
 * Header names as the CORS library reads `Access-Control-Request-Headers`: leading white space, then names separated
 * by `,` each optionally followed by white space; reading stops quietly at the first thing that does not fit.
 */
export function parseHeaderNameList(value: string): string[] {
  const names: string[] = [];
  let i = skipSpaces(value, 0);
  for (;;) {
    const end = tokenEnd(value, i);
    if (end === i) return names;
    names.push(value.slice(i, end));
    i = skipSpaces(value, end);
    if (value[i] !== ',') return names;
    i += 1;
  }
}

function tokenEnd(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i += 1;
  return i;
}

function isTokenChar(c: number): boolean {
  return c >= 33 && c <= 126 && !'()<>@,;:\\"/[]?={}'.includes(String.fromCharCode(c));
}

/** Attoparsec's `space`: SP, HT, LF, VT, FF, CR. */
function isParserSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isParserSpace(s.charCodeAt(i))) i += 1;
  return i;
}

/** `Data.ByteString.Char8.strip`: the parser's spaces plus the Latin-1 no-break space. */
function strip(s: string): string {
  const isSpace = (c: number) => isParserSpace(c) || c === 0xa0;
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start += 1;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end -= 1;
  return s.slice(start, end);
}

/** Case folding of header names as Latin-1 bytes (ASCII and Latin-1 capitals only). */
function foldCase(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    const upper = (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
    out += upper ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}
