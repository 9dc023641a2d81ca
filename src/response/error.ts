// Turns an ApiError into PostgREST's error response: JSON {code, message, details, hint}, Proxy-Status, the error's own
// headers. The only place an error becomes HTTP.
import type { ApiError } from '../errors/api-error.js';
import type { ApiResponse } from '../http/types.js';

/** PostgREST's error response; `minimal` (client-error-verbosity) keeps only code and message. */
export function errorResponse(err: ApiError, verbosity: 'verbose' | 'minimal' = 'verbose'): ApiResponse {
  const body = verbosity === 'minimal' ? { code: err.code, message: err.message } : err.body();
  return {
    status: err.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Proxy-Status': `PostgREST; error=${err.code}`,
      ...err.headers,
    },
    body: JSON.stringify(body),
  };
}
