// OPTIONS answers (the `Allow` header per root, relation or routine) and v16's default `Vary` header on API responses.
// Pure: looks up the schema cache only; never touches the database, and leaves routine overload resolution to the planner.
import type { ApiResponse } from '../http/types.js';
import { pgrst202NoRpc } from '../errors/catalogue.js';
import type { Target } from '../request/route.js';
import { findRoutines, findTable, tableNotFound } from '../schema-cache/lookup.js';
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

/** Picks the overload an OPTIONS request on /rpc/<name> targets (PostgREST resolves it as for a GET call). */
export type RoutineResolver = (schema: string, name: string) => Routine;

/**
 * Answers OPTIONS on the root, a relation (PGRST205 when not cached) or a routine. Pass the planner's overload
 * resolution as `resolveRoutine` for PostgREST's exact PGRST202/PGRST203 errors; without it the first overload is
 * used and a missing function is PGRST202 without a hint.
 */
export function optionsResponse(request: OptionsRequest, cache: SchemaCache, resolveRoutine?: RoutineResolver): ApiResponse {
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
      const routine = (resolveRoutine ?? firstOverload(cache))(schema, target.name);
      return infoResponse(allowHeader({ kind: 'routine', routine }));
    }
  }
}

function firstOverload(cache: SchemaCache): RoutineResolver {
  return (schema, name) => {
    const overload = findRoutines(cache, schema, name)[0];
    if (overload === undefined) throw pgrst202NoRpc(schema, name, [], null);
    return overload;
  };
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
