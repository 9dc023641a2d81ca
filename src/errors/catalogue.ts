// The one catalogue of PostgREST error codes: a factory per PGRSTxxx with PostgREST's status, message, details, hint and headers.
// Pure: it builds ApiError values and never writes a response; schema-cache (PGRST2xx) factories live in catalogue-schema-cache.ts.
import { ApiError } from './api-error.js';

export {
  pgrst200NoRelBetween,
  pgrst201AmbiguousRelBetween,
  pgrst202NoRpc,
  pgrst203AmbiguousRpc,
  pgrst204ColumnNotFound,
  pgrst205TableNotFound,
} from './catalogue-schema-cache.js';
export type {
  AmbiguousRelationship,
  NoRelSuggestion,
  NoRpcBody,
  RpcCandidate,
} from './catalogue-schema-cache.js';

/** One row of the code table: HTTP status and a short description (for docs and tests). */
export interface CodeInfo {
  readonly status: number;
  readonly description: string;
}

/** Every error code PostgREST v16 can send, with its HTTP status. Retired codes (104, 109, 110, 113, 119) are absent. */
export const CODES: Readonly<Record<string, CodeInfo>> = {
  PGRST000: { status: 503, description: 'cannot connect to the database' },
  PGRST001: { status: 503, description: 'database client error (connection lost during a request)' },
  PGRST002: { status: 503, description: 'schema cache not loaded yet' },
  PGRST003: { status: 504, description: 'timed out waiting for a pool connection' },
  PGRST100: { status: 400, description: 'query string could not be parsed' },
  PGRST101: { status: 405, description: 'method not allowed on a function' },
  PGRST102: { status: 400, description: 'invalid request body or Content-Type' },
  PGRST103: { status: 416, description: 'requested range not satisfiable' },
  PGRST105: { status: 405, description: 'PUT filters must be all and only primary key eq filters' },
  PGRST106: { status: 406, description: 'schema not exposed' },
  PGRST107: { status: 406, description: 'no acceptable media type' },
  PGRST108: { status: 400, description: 'filter, order or limit on a resource that is not embedded' },
  PGRST111: { status: 500, description: 'invalid response.headers setting' },
  PGRST112: { status: 500, description: 'invalid response.status setting' },
  PGRST114: { status: 400, description: 'limit/offset not allowed on PUT' },
  PGRST115: { status: 400, description: 'PUT body does not match the primary key in the URL' },
  PGRST116: { status: 406, description: 'singular response requested but not exactly one row' },
  PGRST117: { status: 405, description: 'unsupported HTTP method' },
  PGRST118: { status: 400, description: 'related order needs a to-one relationship' },
  PGRST120: { status: 400, description: 'only is null / not is null filters on embedded resources' },
  PGRST121: { status: 500, description: "RAISE SQLSTATE 'PGRST' with unparseable JSON" },
  PGRST122: { status: 400, description: 'invalid preferences with handling=strict' },
  PGRST123: { status: 400, description: 'aggregate functions are disabled' },
  PGRST124: { status: 400, description: 'max-affected preference exceeded' },
  PGRST125: { status: 404, description: 'invalid path' },
  PGRST126: { status: 404, description: 'root endpoint (OpenAPI) disabled' },
  PGRST127: { status: 400, description: 'feature not implemented' },
  PGRST128: { status: 400, description: 'max-affected with handling=strict needs a set-returning function' },
  PGRST200: { status: 400, description: 'relationship not found in the schema cache' },
  PGRST201: { status: 300, description: 'ambiguous relationship' },
  PGRST202: { status: 404, description: 'function not found in the schema cache' },
  PGRST203: { status: 300, description: 'ambiguous function overload' },
  PGRST204: { status: 400, description: 'column not found in the schema cache' },
  PGRST205: { status: 404, description: 'table not found in the schema cache' },
  PGRST300: { status: 500, description: 'JWT secret missing from the configuration' },
  PGRST301: { status: 401, description: 'JWT could not be decoded or verified' },
  PGRST302: { status: 401, description: 'anonymous access disabled and no JWT sent' },
  PGRST303: { status: 401, description: 'JWT claims invalid' },
  PGRSTX00: { status: 500, description: 'internal database driver error' },
};

function make(code: string, message: string, details: unknown = null, hint: string | null = null, headers: Readonly<Record<string, string>> = {}): ApiError {
  const info = CODES[code];
  if (info === undefined) throw new Error(`unknown error code ${code}`);
  return new ApiError(info.status, code, message, details, hint, headers);
}

// ---- Group 0: connection ----

/** PGRST000: the database cannot be reached; `details` carries the driver's text. */
export function pgrst000ConnectionError(details: string | null): ApiError {
  return make('PGRST000', 'Database connection error.', details);
}

/** PGRST001: the connection failed while a request was using it. */
export function pgrst001ClientError(details: string | null): ApiError {
  return make('PGRST001', 'Database client error. Retrying the connection.', details);
}

/** PGRST002: no schema cache is loaded yet. */
export function pgrst002NoSchemaCache(): ApiError {
  return make('PGRST002', 'Could not query the database for the schema cache. Retrying.');
}

/** PGRST003: no pool connection became free within db-pool-acquisition-timeout. */
export function pgrst003AcquisitionTimeout(): ApiError {
  return make('PGRST003', 'Timed out acquiring connection from connection pool.');
}

// ---- Group 1: API request ----

/** PGRST100: a query-string parameter failed to parse. */
export function pgrst100ParseError(message: string, details: string): ApiError {
  return make('PGRST100', message, details);
}

/** PGRST101: a method other than GET/HEAD/POST/OPTIONS on /rpc/*. */
export function pgrst101RpcMethod(method: string): ApiError {
  return make('PGRST101', `Cannot use the ${method} method on RPC`);
}

/** PGRST102: invalid body ("Empty or invalid json", "All object keys must match", "Content-Type not acceptable: x", ...). */
export function pgrst102InvalidBody(message: string): ApiError {
  return make('PGRST102', message);
}

/** The three `details` texts PostgREST sends with PGRST103. */
export const RANGE_DETAILS = {
  negativeLimit: 'Limit should be greater than or equal to zero.',
  lowerGtUpper: 'The lower boundary must be lower than or equal to the upper boundary in the Range header.',
} as const;

/** PGRST103 with the given details. */
export function pgrst103RangeNotSatisfiable(details: string): ApiError {
  return make('PGRST103', 'Requested range not satisfiable', details);
}

/** PGRST103 for a negative limit (or a limit/offset pair that leaves an empty window). */
export function pgrst103NegativeLimit(): ApiError {
  return pgrst103RangeNotSatisfiable(RANGE_DETAILS.negativeLimit);
}

/** PGRST103 for a `Range` header whose lower bound is above its upper bound. */
export function pgrst103LowerGtUpper(): ApiError {
  return pgrst103RangeNotSatisfiable(RANGE_DETAILS.lowerGtUpper);
}

/** PGRST103 for an offset past the counted total. */
export function pgrst103OutOfBounds(offset: number, total: number): ApiError {
  return pgrst103RangeNotSatisfiable(`An offset of ${offset} was requested, but there are only ${total} rows.`);
}

/** PGRST105: PUT filters must be exactly the primary key columns with `eq`. */
export function pgrst105InvalidFilters(): ApiError {
  return make('PGRST105', "Filters must include all and only primary key columns with 'eq' operators");
}

/** PGRST106: Accept-Profile/Content-Profile names a schema that is not exposed. */
export function pgrst106InvalidSchema(schema: string, exposed: readonly string[]): ApiError {
  return make('PGRST106', `Invalid schema: ${schema}`, null, `Only the following schemas are exposed: ${exposed.join(', ')}`);
}

/** PGRST107: none of the client's media types (rendered in preference order) can be produced. */
export function pgrst107NotAcceptable(acceptList: readonly string[]): ApiError {
  return make('PGRST107', `None of these media types are available: ${acceptList.join(', ')}`);
}

/** PGRST108: a filter/order/limit names a resource absent from `select`; `aliased` when the target name has an alias. */
export function pgrst108NotEmbedded(resource: string, aliased?: { readonly name: string; readonly alias: string }): ApiError {
  if (aliased === undefined) {
    return make(
      'PGRST108',
      `'${resource}' is not an embedded resource in this request`,
      null,
      `Verify that '${resource}' is included in the 'select' query parameter.`,
    );
  }
  return make(
    'PGRST108',
    `'${resource}' is not an embedded resource in this request`,
    'Target names are not allowed in filters if they have an alias',
    `Change '${aliased.name}' to '${aliased.alias}' in filters, orders or limits.`,
  );
}

/** PGRST111: response.headers is not a JSON array of single-key objects with string values. */
export function pgrst111GucHeaders(): ApiError {
  return make('PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value');
}

/** PGRST112: response.status is not a valid status code. */
export function pgrst112GucStatus(): ApiError {
  return make('PGRST112', 'response.status guc must be a valid status code');
}

/** PGRST114: limit/offset given on PUT. */
export function pgrst114PutLimitNotAllowed(): ApiError {
  return make('PGRST114', 'limit/offset querystring parameters are not allowed for PUT');
}

/** PGRST115: the PUT body's primary key differs from the URL filters. */
export function pgrst115PutMatchingPk(): ApiError {
  return make('PGRST115', 'Payload values do not match URL in primary key column(s)');
}

/** PGRST116: a singular response was requested but `rowCount` rows came back. */
export function pgrst116Singular(rowCount: number): ApiError {
  return make('PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rowCount} rows`);
}

/** PGRST117: the method is not supported on this resource. */
export function pgrst117UnsupportedMethod(method: string): ApiError {
  return make('PGRST117', `Unsupported HTTP method: ${method}`);
}

/** PGRST118: ordering by a related table that is not to-one. */
export function pgrst118RelatedOrderNotToOne(origin: string, target: string): ApiError {
  return make(
    'PGRST118',
    `A related order on '${target}' is not possible`,
    `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`,
  );
}

/** PGRST120: an operator other than is null / not is null on an embedded resource (defined by PostgREST, not raised by v16). */
export function pgrst120UnacceptableFilter(target: string): ApiError {
  return make(
    'PGRST120',
    `Bad operator on the '${target}' embedded resource`,
    'Only is null or not is null filters are allowed on embedded resources',
  );
}

/** Why a `RAISE SQLSTATE 'PGRST'` could not be used: unparseable MESSAGE, unparseable DETAIL, or no DETAIL. */
export type RaiseParseFailure =
  | { readonly kind: 'message'; readonly raw: string }
  | { readonly kind: 'detail'; readonly raw: string }
  | { readonly kind: 'no-detail' };

/** PGRST121: the JSON of a `RAISE SQLSTATE 'PGRST'` could not be parsed. */
export function pgrst121RaiseParseError(failure: RaiseParseFailure): ApiError {
  const message = `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`;
  const detailHint = "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  switch (failure.kind) {
    case 'message':
      return make(
        'PGRST121',
        message,
        `Invalid JSON value for MESSAGE: '${failure.raw}'`,
        "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
      );
    case 'detail':
      return make('PGRST121', message, `Invalid JSON value for DETAIL: '${failure.raw}'`, detailHint);
    case 'no-detail':
      return make('PGRST121', message, 'DETAIL is missing in the RAISE statement', detailHint);
  }
}

/** PGRST122: unrecognised preferences together with `handling=strict`. */
export function pgrst122InvalidPreferences(invalid: readonly string[]): ApiError {
  return make('PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${invalid.join(', ')}`);
}

/** PGRST123: aggregates used while db-aggregates-enabled is off. */
export function pgrst123AggregatesNotAllowed(): ApiError {
  return make('PGRST123', 'Use of aggregate functions is not allowed');
}

/** PGRST124: the mutation affected more rows than `max-affected`. */
export function pgrst124MaxAffectedViolation(affected: number): ApiError {
  return make('PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${affected} rows`);
}

/** PGRST125: a path other than `/`, `/name` or `/rpc/name`. */
export function pgrst125InvalidPath(): ApiError {
  return make('PGRST125', 'Invalid path specified in request URL');
}

/** PGRST126: `/` requested while openapi-mode is disabled. */
export function pgrst126OpenApiDisabled(): ApiError {
  return make('PGRST126', 'Root endpoint metadata is disabled');
}

/** PGRST127: the feature named in `details` is not implemented. */
export function pgrst127NotImplemented(details: string): ApiError {
  return make('PGRST127', 'Feature not implemented', details);
}

/** PGRST128: max-affected + handling=strict on a function that does not return SETOF/TABLE. */
export function pgrst128MaxAffectedRpcViolation(): ApiError {
  return make('PGRST128', 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict');
}

// ---- Group 3: JWT ----

/** Why a JWT could not be decoded (PGRST301). */
export type JwtDecodeReason =
  | { readonly kind: 'empty-auth-header' }
  | { readonly kind: 'unexpected-parts'; readonly parts: number }
  | { readonly kind: 'key-error'; readonly details: string }
  | { readonly kind: 'bad-algorithm'; readonly details: string }
  | { readonly kind: 'bad-crypto' }
  | { readonly kind: 'unsupported-token-type' }
  | { readonly kind: 'unreachable' };

/** Why JWT claims were rejected (PGRST303). */
export type JwtClaimsReason =
  | 'expired'
  | 'not-yet-valid'
  | 'issued-at-future'
  | 'not-in-audience'
  | 'parsing-claims-failed'
  | 'exp-not-number'
  | 'nbf-not-number'
  | 'iat-not-number'
  | 'aud-not-string-or-array';

const CLAIMS_MESSAGES: Readonly<Record<JwtClaimsReason, string>> = {
  expired: 'JWT expired',
  'not-yet-valid': 'JWT not yet valid',
  'issued-at-future': 'JWT issued at future',
  'not-in-audience': 'JWT not in audience',
  'parsing-claims-failed': 'Parsing claims failed',
  'exp-not-number': "The JWT 'exp' claim must be a number",
  'nbf-not-number': "The JWT 'nbf' claim must be a number",
  'iat-not-number': "The JWT 'iat' claim must be a number",
  'aud-not-string-or-array': "The JWT 'aud' claim must be a string or an array of strings",
};

// PostgREST renders the description with Haskell `show`: a double-quoted string with `"` and `\` escaped.
function invalidTokenHeader(message: string): Readonly<Record<string, string>> {
  const quoted = '"' + message.replace(/["\\]/g, (c) => '\\' + c) + '"';
  return { 'WWW-Authenticate': `Bearer error="invalid_token", error_description=${quoted}` };
}

/** PGRST300: JWT sent but no jwt-secret configured. */
export function pgrst300JwtSecretMissing(): ApiError {
  return make('PGRST300', 'Server lacks JWT secret');
}

/** PGRST301: the JWT could not be decoded or verified; carries `WWW-Authenticate: Bearer error="invalid_token", ...`. */
export function pgrst301JwtDecode(reason: JwtDecodeReason): ApiError {
  let message: string;
  let details: string | null = null;
  switch (reason.kind) {
    case 'empty-auth-header':
      message = 'Empty JWT is sent in Authorization header';
      break;
    case 'unexpected-parts':
      message = `Expected 3 parts in JWT; got ${reason.parts}`;
      break;
    case 'key-error':
      message = 'No suitable key or wrong key type';
      details = reason.details;
      break;
    case 'bad-algorithm':
      message = 'Wrong or unsupported encoding algorithm';
      details = reason.details;
      break;
    case 'bad-crypto':
      message = 'JWT cryptographic operation failed';
      break;
    case 'unsupported-token-type':
      message = 'Unsupported token type';
      break;
    case 'unreachable':
      message = "JWT couldn't be decoded";
      break;
  }
  return make('PGRST301', message, details, null, invalidTokenHeader(message));
}

/** PGRST302: no JWT and no anonymous role; carries `WWW-Authenticate: Bearer`. */
export function pgrst302JwtTokenRequired(): ApiError {
  return make('PGRST302', 'Anonymous access is disabled', null, null, { 'WWW-Authenticate': 'Bearer' });
}

/** PGRST303: the JWT claims failed validation; carries `WWW-Authenticate: Bearer error="invalid_token", ...`. */
export function pgrst303JwtClaims(reason: JwtClaimsReason): ApiError {
  const message = CLAIMS_MESSAGES[reason];
  return make('PGRST303', message, null, null, invalidTokenHeader(message));
}

// ---- Group X: internal ----

/** PGRSTX00: the driver returned a result PostgREST could not decode. */
export function pgrstX00Internal(message: string): ApiError {
  return make('PGRSTX00', message);
}
