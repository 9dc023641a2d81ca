// OPTIONS answers (the `Allow` header per root, relation or routine) and v16's default `Vary` header on API responses.
// Pure: looks up the schema cache only and never touches the database; which overload of /rpc/<name> an OPTIONS
// request describes is the planner's call resolution (plan/call-resolve.ts), as in PostgREST.
import type { ApiResponse } from '../http/types.js';
import { optionsRoutine } from '../plan/call-resolve.js';
import type { Target } from '../request/route.js';
import { findTable, tableNotFound } from '../schema-cache/lookup.js';
import type { Routine, SchemaCache, Table } from '../schema-cache/types.js';

/** What an `Allow` header is computed from: the root, a cached relation, or a resolved routine. */
export type AllowTarget =
  | { readonly kind: 'root' }
  | { readonly kind: 'relation'; readonly table: Pick<Table, 'insertable' | 'updatable' | 'deletable' | 'pkCols'> }
  | { readonly kind: 'routine'; readonly routine: Pick<Routine, 'volatility'> };

/**
 * PostgREST's `Allow` value: `OPTIONS,GET,HEAD` for the root; for a relation that plus POST if insertable, PUT if
 * insertable, updatable and keyed, PATCH if updatable, DELETE if deletable; `OPTIONS,POST` for a volatile routine and
 * `OPTIONS,GET,HEAD,POST` for a stable or immutable one.
 */
export function allowHeader(target: AllowTarget): string {
  switch (target.kind) {
    case 'root':
      return 'OPTIONS,GET,HEAD';
    case 'routine':
      return target.routine.volatility === 'volatile' ? 'OPTIONS,POST' : 'OPTIONS,GET,HEAD,POST';
    case 'relation': {
      const t = target.table;
      const methods = ['OPTIONS,GET,HEAD'];
      if (t.insertable) methods.push('POST');
      if (t.insertable && t.updatable && t.pkCols.length > 0) methods.push('PUT');
      if (t.updatable) methods.push('PATCH');
      if (t.deletable) methods.push('DELETE');
      return methods.join(',');
    }
  }
}

/**
 * The OPTIONS response for an `Allow` value: 200, empty body, `Content-Length: 0`, `Access-Control-Allow-Origin: *`
 * (sent whether or not the request had an Origin). Like every successful API response it still gets `Vary` (and
 * `Server-Timing` when enabled) from the pipeline.
 */
export function infoResponse(allow: string): ApiResponse {
  return {
    status: 200,
    headers: { 'Content-Length': '0', 'Access-Control-Allow-Origin': '*', Allow: allow },
    body: '',
  };
}

/** The part of an ApiRequest an OPTIONS answer needs. */
export interface OptionsRequest {
  readonly target: Target;
  readonly schema: string;
}

/**
 * Answers OPTIONS on the root, a relation (PGRST205 when not cached) or a routine. The routine is the overload a call
 * without arguments resolves to (`optionsRoutine`): PGRST202 when no overload takes zero arguments (every parameter
 * required, or no such function), PGRST203 when several do.
 */
export function optionsResponse(request: OptionsRequest, cache: SchemaCache): ApiResponse {
  const { target, schema } = request;
  switch (target.kind) {
    case 'root':
      return infoResponse(allowHeader(target));
    case 'relation': {
      const table = findTable(cache, schema, target.name);
      if (table === undefined) throw tableNotFound(cache, schema, target.name);
      return infoResponse(allowHeader({ kind: 'relation', table }));
    }
    case 'routine': {
      const routine = optionsRoutine(cache, schema, target.name);
      return infoResponse(allowHeader({ kind: 'routine', routine }));
    }
  }
}

/** The `Vary` value PostgREST v16 adds to API responses that do not set one themselves. */
export const DEFAULT_VARY = 'Accept, Prefer, Range';

/**
 * The `Vary` value to add to a successful API response with these headers (including those set through
 * `response.headers`), or undefined when it already has a `Vary` of any letter case. Error responses get none.
 */
export function varyHeader(headers: Readonly<Record<string, string>>): string | undefined {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'vary') return undefined;
  return DEFAULT_VARY;
}

/**
 * `headers` with the default `Vary` appended when missing. PostgREST's order on a successful response is: the
 * response's own headers, `Server-Timing`, `Warning`, then `Vary`; add the first two before calling this.
 */
export function withVary(headers: Readonly<Record<string, string>>): Record<string, string> {
  const vary = varyHeader(headers);
  return vary === undefined ? { ...headers } : { ...headers, Vary: vary };
}
