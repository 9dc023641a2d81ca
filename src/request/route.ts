// Path and method → what the request targets: the root, a relation or a routine, and which schema (profile headers).
// Pure: no schema cache lookups here; unknown names are the planner's business.
import { pgrst101RpcMethod, pgrst106InvalidSchema, pgrst117UnsupportedMethod, pgrst125InvalidPath } from '../errors/catalogue.js';
import { headerText } from '../text/header-bytes.js';

export type Target =
  | { readonly kind: 'root' }
  | { readonly kind: 'relation'; readonly name: string }
  | { readonly kind: 'routine'; readonly name: string };

export type Action = 'read' | 'head' | 'create' | 'upsert' | 'update' | 'delete' | 'options' | 'call' | 'call-read';

/** Splits a raw path into a target; any other shape is PGRST125. */
export function route(rawPath: string): Target {
  const segments = rawPath.split('/').slice(1);
  if (segments.length === 1 && segments[0] === '') return { kind: 'root' };
  const decoded = segments.map(decodeSegment);
  if (decoded.length === 1 && decoded[0] && decoded[0] !== 'rpc') return { kind: 'relation', name: decoded[0] };
  if (decoded.length === 2 && decoded[0] === 'rpc' && decoded[1]) return { kind: 'routine', name: decoded[1] };
  throw invalidPath();
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidPath();
  }
}

const invalidPath = pgrst125InvalidPath;

/** The action for a method on a target, or PostgREST's 405 (PGRST101 on /rpc, PGRST117 elsewhere). */
export function action(method: string, target: Target): Action {
  if (target.kind === 'routine') {
    switch (method) {
      case 'GET':
        return 'call-read';
      case 'HEAD':
        return 'call-read';
      case 'POST':
        return 'call';
      case 'OPTIONS':
        return 'options';
      default:
        throw pgrst101RpcMethod(method);
    }
  }
  switch (method) {
    case 'GET':
      return 'read';
    case 'HEAD':
      return 'head';
    case 'OPTIONS':
      return 'options';
  }
  if (target.kind === 'relation') {
    switch (method) {
      case 'POST':
        return 'create';
      case 'PUT':
        return 'upsert';
      case 'PATCH':
        return 'update';
      case 'DELETE':
        return 'delete';
    }
  }
  throw pgrst117UnsupportedMethod(method);
}

/** Whether the action writes (and so reads `Content-Profile` rather than `Accept-Profile`). */
export function isWrite(a: Action): boolean {
  return a === 'create' || a === 'upsert' || a === 'update' || a === 'delete' || a === 'call';
}

/**
 * The schema for this request: the profile header if given (must be exposed, else PGRST106), else the first exposed one.
 * The header's bytes are read as UTF-8 (node:http hands them over as latin1 characters), as PostgREST decodes them.
 */
export function selectSchema(
  schemas: readonly string[],
  headers: Readonly<Record<string, string | undefined>>,
  act: Action,
): { readonly schema: string; readonly negotiated: boolean } {
  const header = isWrite(act) ? headers['content-profile'] : headers['accept-profile'];
  if (header === undefined) return { schema: schemas[0] ?? 'public', negotiated: schemas.length > 1 };
  const profile = headerText(header);
  if (!schemas.includes(profile)) {
    throw pgrst106InvalidSchema(profile, schemas);
  }
  return { schema: profile, negotiated: true };
}
