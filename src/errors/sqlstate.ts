// Maps a PostgreSQL/driver error to an ApiError exactly as PostgREST's mapSQLtoHTTP (first match wins), incl. PTnnn and PGRST.
// Pure: it reads only the error fields passed in; it never talks to the database or decides about reconnecting.
import { ApiError } from './api-error.js';
import { pgrst000ConnectionError, pgrst001ClientError, pgrst121RaiseParseError } from './catalogue.js';
import { compareCodePoints } from '../text/compare.js';

/** The fields of a driver error this module reads (node-postgres `DatabaseError` and Node socket errors fit). */
export interface PgErrorLike {
  readonly code?: string | undefined;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  /** Present on Node system errors (ECONNRESET, EPIPE, ...), which are never SQLSTATEs. */
  readonly errno?: number | undefined;
  readonly syscall?: string | undefined;
}

/** Request context: whether a JWT role was used (42501 → 403 instead of 401), and whether the error came while connecting. */
export interface PgErrorContext {
  readonly authenticated: boolean;
  /** `connect`: any failure while establishing the connection becomes PGRST000. Default `query`. */
  readonly phase?: 'connect' | 'query';
}

/**
 * An ApiError raised from SQL that also fixes the HTTP reason phrase: `RAISE SQLSTATE 'PTnnn'` uses the error message,
 * `RAISE SQLSTATE 'PGRST'` its `status_text`. (ApiError has no reason-phrase field.)
 */
export class SqlRaisedError extends ApiError {
  readonly reasonPhrase: string;

  constructor(
    status: number,
    code: string,
    message: string,
    details: unknown,
    hint: string | null,
    headers: Readonly<Record<string, string>>,
    reasonPhrase: string,
  ) {
    super(status, code, message, details, hint, headers);
    this.name = 'SqlRaisedError';
    this.reasonPhrase = reasonPhrase;
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The error's SQLSTATE, or undefined for socket/client errors (which carry errno/syscall or no code). */
export function sqlState(err: PgErrorLike): string | undefined {
  if (err.errno !== undefined || err.syscall !== undefined) return undefined;
  const code = err.code;
  return code !== undefined && SQLSTATE.test(code) ? code : undefined;
}

/**
 * True for failures of the connection rather than of the statement: no SQLSTATE (socket errors such as ECONNREFUSED,
 * "Connection terminated unexpectedly"), class 08, and 57P01/57P02/57P03. These never map to a 4xx.
 */
export function isConnectionError(err: PgErrorLike): boolean {
  const state = sqlState(err);
  if (state === undefined) return true;
  return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03';
}

/** PostgREST's SQLSTATE → HTTP status table for a server error (`PGRST` handled separately). */
export function sqlStateStatus(code: string, message: string, authenticated: boolean): number {
  switch (code) {
    case '23503': // foreign_key_violation
    case '23505': // unique_violation
      return 409;
    case '25006': // read_only_sql_transaction
      return 405;
    case '21000': // cardinality_violation: pg-safeupdate's error is the client's fault
      return message.endsWith('requires a WHERE clause') ? 400 : 500;
    case '22023': // invalid_parameter_value: a JWT role that does not exist
      return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
    case '53400': // configuration_limit_exceeded
      return 500;
    case '57P01': // admin_shutdown
      return 503;
    case 'P0001': // default RAISE
      return 400;
    case '42883': // undefined_function
      return message.startsWith('function xmlagg(') ? 406 : 404;
    case '42P01': // undefined_table
      return 404;
    case '42P17': // invalid_object_definition (infinite recursion)
      return 500;
    case '42501': // insufficient_privilege
      return authenticated ? 403 : 401;
  }
  switch (code.slice(0, 2)) {
    case '08':
      return 503;
    case '09':
      return 500;
    case '0L':
    case '0P':
      return 403;
    case '25':
      return 500;
    case '28':
      return 403;
    case '2D':
    case '38':
    case '39':
    case '3B':
    case '40':
      return 500;
    case '53':
      return 503;
    case '54':
    case '55':
    case '57':
    case '58':
    case 'F0':
    case 'HV':
    case 'P0':
    case 'XX':
      return 500;
    case 'PT': {
      const digits = code.slice(2);
      return /^[0-9]+$/.test(digits) ? Number(digits) : 500;
    }
  }
  return 400;
}

/** The parsed JSON of `RAISE SQLSTATE 'PGRST' USING message = '{...}', detail = '{...}'`. */
interface RaisedPgrst {
  readonly code: string;
  readonly message: string;
  readonly details: string | null;
  readonly hint: string | null;
  readonly status: number;
  readonly statusText: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

function parseJson(text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// An optional text field: absent and null both mean "none"; anything but a string is a parse failure.
const optionalText = (v: unknown): string | null | undefined => (v === undefined || v === null ? null : typeof v === 'string' ? v : undefined);

/** Parses the PGRST convention, or returns the PGRST121 error PostgREST sends when it cannot. */
function parseRaisedPgrst(message: string, detail: string | undefined): RaisedPgrst | ApiError {
  const msg = parseJson(message);
  const msgObj = msg.ok && isObject(msg.value) ? msg.value : undefined;
  const details = msgObj === undefined ? undefined : optionalText(msgObj['details']);
  const hint = msgObj === undefined ? undefined : optionalText(msgObj['hint']);
  if (msgObj === undefined || typeof msgObj['code'] !== 'string' || typeof msgObj['message'] !== 'string' || details === undefined || hint === undefined) {
    return pgrst121RaiseParseError({ kind: 'message', raw: message });
  }
  if (detail === undefined) return pgrst121RaiseParseError({ kind: 'no-detail' });
  const det = parseJson(detail);
  const detObj = det.ok && isObject(det.value) ? det.value : undefined;
  const status = detObj?.['status'];
  const statusText = detObj === undefined ? undefined : optionalText(detObj['status_text']);
  const rawHeaders = detObj?.['headers'];
  const headerValuesOk = isObject(rawHeaders) && Object.values(rawHeaders).every((v) => typeof v === 'string');
  if (typeof status !== 'number' || !Number.isSafeInteger(status) || statusText === undefined || !headerValuesOk) {
    return pgrst121RaiseParseError({ kind: 'detail', raw: detail });
  }
  // PostgREST reads headers into an ordered map, so they come out sorted by name.
  const headers: Record<string, string> = {};
  for (const name of Object.keys(rawHeaders).sort(compareCodePoints)) {
    // defineProperty, so that a header named `__proto__` stays a header.
    Object.defineProperty(headers, name, { value: rawHeaders[name], enumerable: true, writable: true, configurable: true });
  }
  return { code: msgObj['code'], message: msgObj['message'], details, hint, status, statusText, headers };
}

/**
 * Converts a driver error into the ApiError PostgREST would send. Server errors keep their SQLSTATE as `code` and
 * PostgreSQL's message/detail/hint; 401s get `WWW-Authenticate: Bearer`. Errors without a SQLSTATE become PGRST001
 * (PGRST000 during `connect`), both 503.
 */
export function pgErrorToApiError(err: PgErrorLike, ctx: PgErrorContext): ApiError {
  if (ctx.phase === 'connect') return pgrst000ConnectionError(err.message);
  const code = sqlState(err);
  if (code === undefined) return pgrst001ClientError(err.message);
  if (code === 'PGRST') {
    const raised = parseRaisedPgrst(err.message, err.detail);
    if (raised instanceof ApiError) return raised;
    if (raised.statusText === null) {
      return new ApiError(raised.status, raised.code, raised.message, raised.details, raised.hint, raised.headers);
    }
    return new SqlRaisedError(raised.status, raised.code, raised.message, raised.details, raised.hint, raised.headers, raised.statusText);
  }
  const status = sqlStateStatus(code, err.message, ctx.authenticated);
  const headers: Readonly<Record<string, string>> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  const details = err.detail ?? null;
  const hint = err.hint ?? null;
  if (code.startsWith('PT') && /^[0-9]+$/.test(code.slice(2))) {
    return new SqlRaisedError(status, code, err.message, details, hint, headers, err.message);
  }
  return new ApiError(status, code, err.message, details, hint, headers);
}
