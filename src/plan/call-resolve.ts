// Picks the overload of /rpc/<name> that a call's argument keys address (PostgREST's findProc), or raises PGRST202 with
// its fuzzy hint / PGRST203. Pure: schema-cache map lookups only; no SQL, no request parsing.
import { type NoRpcBody, pgrst202NoRpc, pgrst203AmbiguousRpc } from '../errors/catalogue.js';
import type { MediaType } from '../request/media-type.js';
import { compareCodePoints } from '../text/compare.js';
import { type FuzzySet, fuzzyGetOne, fuzzySetFrom } from '../schema-cache/fuzzy.js';
import { FUZZY_HINT_MIN_SCORE, findRoutines } from '../schema-cache/lookup.js';
import type { Routine, SchemaCache } from '../schema-cache/types.js';

/** What a call is resolved from. */
export interface ProcLookup {
  readonly schema: string;
  readonly name: string;
  /** Argument keys: query-string argument names (GET/HEAD) or the payload's keys (POST). */
  readonly keys: ReadonlySet<string>;
  /** The request's Content-Type (application/json when absent). */
  readonly contentType: MediaType;
  /** POST (the body may feed a single unnamed parameter). */
  readonly isPost: boolean;
}

const RAW_BODY_KINDS = new Set(['text-plain', 'text-xml', 'octet-stream']);

/** The routine a call addresses; throws PGRST202 (none) or PGRST203 (several). */
export function findProc(cache: SchemaCache, lookup: ProcLookup): Routine {
  const overloads = findRoutines(cache, lookup.schema, lookup.name);
  const matching: Routine[] = [];
  const fallback: Routine[] = [];
  for (const r of overloads) {
    if (matchesParams(r, lookup)) matching.push(r);
    else if (hasSingleUnnamedParam(r, lookup)) fallback.push(r);
  }
  const chosen = matching.length > 0 ? matching : fallback;
  if (chosen.length === 1) return chosen[0]!;
  if (chosen.length > 1) {
    throw pgrst203AmbiguousRpc(chosen.map((r) => ({ schema: r.schema, name: r.name, params: r.params.map((p) => ({ name: p.name, type: p.type })) })));
  }
  const keys = [...lookup.keys].sort(compareCodePoints);
  const body = noRpcBody(lookup);
  throw pgrst202NoRpc(lookup.schema, lookup.name, keys, body, noRpcSuggestion(cache, lookup.schema, lookup.name, keys, overloads));
}

/**
 * The overload OPTIONS on /rpc/<name> describes (response/options.ts). PostgREST plans it
 * as a GET call whose query string is parsed as for a table, so every key is a filter and none is an argument: the
 * overload callable without arguments wins; none is PGRST202 (e.g. only overloads with required parameters), several
 * are PGRST203. Content-Type plays no part, as the call is not a POST.
 */
export function optionsRoutine(cache: SchemaCache, schema: string, name: string): Routine {
  return findProc(cache, { schema, name, keys: new Set(), contentType: { kind: 'json' }, isPost: false });
}

/**
 * Keys against parameters: a function without parameters takes no keys (nor a raw body); otherwise every required
 * parameter must be given and every other key must name an optional one.
 */
function matchesParams(r: Routine, lookup: ProcLookup): boolean {
  const keys = lookup.keys;
  if (r.params.length === 0) return keys.size === 0 && !(lookup.isPost && RAW_BODY_KINDS.has(lookup.contentType.kind));
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const p of r.params) (p.required ? required : optional).add(p.name);
  let requiredSeen = 0;
  for (const k of keys) {
    if (required.has(k)) requiredSeen++;
    else if (!optional.has(k)) return false;
  }
  return requiredSeen === required.size;
}

/** A POST whose body can be the single unnamed parameter: json/jsonb ← JSON, text ← text/plain, xml, bytea. */
function hasSingleUnnamedParam(r: Routine, lookup: ProcLookup): boolean {
  const only = r.params.length === 1 ? r.params[0] : undefined;
  if (!lookup.isPost || only === undefined || only.name !== '') return false;
  switch (lookup.contentType.kind) {
    case 'json':
      return only.type === 'json' || only.type === 'jsonb';
    case 'text-plain':
      return only.type === 'text';
    case 'text-xml':
      return only.type === 'xml';
    case 'octet-stream':
      return only.type === 'bytea';
    default:
      return false;
  }
}

/** How PGRST202 words the arguments searched for. */
function noRpcBody(lookup: ProcLookup): NoRpcBody {
  if (!lookup.isPost) return null;
  switch (lookup.contentType.kind) {
    case 'json':
      return 'json';
    case 'text-plain':
      return 'text';
    case 'text-xml':
      return 'xml';
    case 'octet-stream':
      return 'bytea';
    default:
      return null;
  }
}

// Function-name indexes per snapshot and schema, built on the first PGRST202 only.
const nameIndexes = new WeakMap<SchemaCache, Map<string, FuzzySet>>();

/**
 * PGRST202's suggestion: with no function of that name, the closest function name of the schema (score ≥ 0.75);
 * otherwise `name(a, b)` for the overload whose sorted parameter names are closest to the keys (default score 0.33).
 */
function noRpcSuggestion(cache: SchemaCache, schema: string, name: string, keys: readonly string[], overloads: readonly Routine[]): string | undefined {
  if (overloads.length === 0) {
    const perSchema = nameIndexes.get(cache) ?? new Map<string, FuzzySet>();
    nameIndexes.set(cache, perSchema);
    let index = perSchema.get(schema);
    if (index === undefined) {
      index = fuzzySetFrom([...(cache.routines.get(schema)?.keys() ?? [])]);
      perSchema.set(schema, index);
    }
    return fuzzyGetOne(index, name, FUZZY_HINT_MIN_SCORE);
  }
  const listText = (names: readonly string[]): string => `(${[...names].sort(compareCodePoints).join(', ')})`;
  const params = fuzzySetFrom(overloads.map((r) => listText(r.params.map((p) => p.name))));
  const hit = fuzzyGetOne(params, listText(keys));
  return hit === undefined ? undefined : `${name}${hit}`;
}
