// The one error type every stage throws for a client-visible failure; it becomes HTTP in exactly one place (http/respond-error).
// It carries PostgREST's {code, message, details, hint} and the HTTP status; it never formats a response itself.

/** The JSON body PostgREST sends for every error. `details` is usually a string, sometimes an array (PGRST201). */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: unknown;
  readonly hint: string | null;
}

/** A typed API error: status, PostgREST code and body fields, plus extra response headers. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly hint: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    details: unknown = null,
    hint: string | null = null,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.hint = hint;
    this.headers = headers;
  }

  /** The `{code, message, details, hint}` body PostgREST sends. */
  body(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint };
  }
}
