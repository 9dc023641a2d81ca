// ApiRequest + SchemaCache → CallPlan for /rpc/<function>: reads the body (POST), resolves the overload, decides how
// the arguments are passed, plans the read over the result, and the transaction's mode, isolation and settings.
// No SQL text here.
import type { AppConfig } from '../config/types.js';
import { pgrst128MaxAffectedRpcViolation } from '../errors/catalogue.js';
import type { ApiRequest } from '../request/api-request.js';
import { bodyMediaType, parseContentType } from '../request/media-type.js';
import { type Payload, parsePayload, payloadKeys } from '../request/payload.js';
import { capRange } from '../request/range.js';
import { findTable } from '../schema-cache/lookup.js';
import type { Routine, SchemaCache, Table } from '../schema-cache/types.js';
import type { ArgValue, CallArgs, CallPlan, CallReturn, DirectArg } from './call-types.js';
import { findProc } from './call-resolve.js';
import { hasDefaultSelect, negotiateMedia } from './media.js';
import { expandRepresentationStars } from './media-representations.js';
import { planRead } from './read-plan.js';

/** Plans a function call (POST: `call`; GET/HEAD: `call-read`). */
export function planCall(req: ApiRequest, cache: SchemaCache, config: AppConfig): CallPlan {
  const name = req.target.kind === 'routine' ? req.target.name : '';
  const isPost = req.action === 'call';
  const contentType = parseContentType(req.contentType);
  // PostgREST reads the body before it looks for the function, so body errors come first.
  const payload = isPost
    ? (req.jsonBody ?? parsePayload(req.body, bodyMediaType(contentType, true), { isRpc: true, columns: req.query.columns ?? undefined }))
    : undefined;
  const keys = payload ? payloadKeys(payload) : new Set(req.query.rpcParams.map(([k]) => k));
  const routine = findProc(cache, { schema: req.schema, name, keys, contentType, isPost });

  const top = req.topRange;
  const range = capRange(top, config.dbMaxRows);
  const relation = resultRelation(cache, routine);
  const read = expandRepresentationStars(planRead(relation, req.query, range, cache, req.schema, config), cache);
  // Handlers are looked up for what the function returns: its row type's relation, or the function itself.
  const negotiated = negotiateMedia(req.accept, cache, config, { schema: routine.schema, name: relation.name }, hasDefaultSelect(read));
  const { media } = negotiated;

  const prefs = req.preferences;
  const maxAffected = prefs.handling === 'strict' ? prefs.maxAffected : undefined;
  if (maxAffected !== undefined && routine.returnType.kind === 'single') throw pgrst128MaxAffectedRpcViolation();

  return {
    kind: 'call',
    routine,
    args: callArgs(routine, keys, payload, req.query.rpcParams),
    returns: callReturn(routine),
    read,
    media,
    handler: req.method === 'HEAD' ? undefined : negotiated.handler,
    count: prefs.count,
    headOnly: req.method === 'HEAD',
    maxRows: config.dbMaxRows,
    topRange: top,
    readOnly: !isPost || routine.volatility !== 'volatile',
    hoistedSettings: hoistedSettings(routine, config.dbHoistedTxSettings),
    checks: { put: false, singular: media.kind === 'object', maxAffected },
    preferences: prefs,
  };
}

/** The shape of the function's result. */
export function callReturn(routine: Routine): CallReturn {
  const { kind, type } = routine.returnType;
  if (type.kind === 'composite') return kind === 'setof' ? 'setof-composite' : 'single-composite';
  if (kind === 'setof') return 'setof-scalar';
  return type.type.schema === 'pg_catalog' && type.type.name === 'void' ? 'void' : 'scalar';
}

/** Whether the function returns one value or row (not SETOF). */
export function returnsSingle(plan: Pick<CallPlan, 'returns'>): boolean {
  return plan.returns !== 'setof-scalar' && plan.returns !== 'setof-composite';
}

/** The rows a call's response reports: always 1 for a single result (even when filtered out), else the rows found. */
export function callPageTotal(plan: Pick<CallPlan, 'returns'>, found: number): number {
  return returnsSingle(plan) ? 1 : found;
}

/**
 * The relation the result is read as: the function's schema and its composite type's name (so a function returning
 * table rows filters, orders and embeds like that table), else a stand-in named after the function with no known columns.
 */
function resultRelation(cache: SchemaCache, routine: Routine): Table {
  const type = routine.returnType.type;
  const name = type.kind === 'composite' ? type.type.name : routine.name;
  return findTable(cache, routine.schema, name) ?? standIn(routine.schema, name);
}

function standIn(schema: string, name: string): Table {
  return {
    kind: 'table',
    schema,
    name,
    description: null,
    isView: false,
    insertable: false,
    updatable: false,
    deletable: false,
    pkCols: [],
    columns: [],
    userCodeAfterInsert: true,
    userCodeOnInsert: true,
    userCodeOnRead: true,
    columnsByName: new Map(),
  };
}

/** How the arguments are passed (PostgREST's CallParams × CallArgs). */
function callArgs(
  routine: Routine,
  keys: ReadonlySet<string>,
  payload: Payload | undefined,
  queryArgs: readonly (readonly [string, string])[],
): CallArgs {
  // Query-string arguments (GET/HEAD) and form bodies are text values; JSON/CSV bodies are read in SQL.
  const direct = payload === undefined ? queryArgs : payload.kind === 'url-encoded' ? payload.params : undefined;
  const json = payload?.kind === 'json' || payload?.kind === 'raw-json' ? payload : undefined;
  const only = routine.params.length === 1 ? routine.params[0] : undefined;
  if (only !== undefined && only.name === '') {
    // The single unnamed parameter takes the raw body, or the text arguments as one JSON object.
    if (direct !== undefined) {
      const value = JSON.stringify(Object.fromEntries([...directValues(routine, direct)].map(([k, v]) => [k, argJson(v)])));
      return { kind: 'positional', param: only, value, fromJson: false };
    }
    if (payload?.kind === 'raw') return { kind: 'positional', param: only, value: payload.bytes, fromJson: false };
    return { kind: 'positional', param: only, value: json?.json ?? '{}', fromJson: true };
  }
  const params = routine.params.filter((p) => keys.has(p.name));
  if (params.length === 0) return { kind: 'none' };
  if (direct !== undefined) {
    const values = directValues(routine, direct);
    const args: DirectArg[] = [];
    for (const param of params) {
      const value = values.get(param.name);
      if (value !== undefined) args.push({ param, value });
    }
    return { kind: 'direct', args };
  }
  return json ? { kind: 'json-body', json: json.json, isArray: json.isArray, params } : { kind: 'none' };
}

const argJson = (v: ArgValue): string | readonly string[] => (v.kind === 'fixed' ? v.value : v.values);

/** Query-string/form pairs → argument values: a VARIADIC parameter collects every value, any other key keeps its last. */
function directValues(routine: Routine, pairs: readonly (readonly [string, string])[]): Map<string, ArgValue> {
  const variadic = new Set(routine.hasVariadic ? routine.params.filter((p) => p.variadic).map((p) => p.name) : []);
  const out = new Map<string, ArgValue>();
  for (const [k, v] of pairs) {
    const prev = out.get(k);
    if (!variadic.has(k)) out.set(k, { kind: 'fixed', value: v });
    else out.set(k, { kind: 'variadic', values: prev?.kind === 'variadic' ? [...prev.values, v] : [v] });
  }
  return out;
}

/**
 * The function's `SET` settings PostgREST hoists to transaction settings: those whose `name=value` text matches one of
 * db-hoisted-tx-settings (as PostgreSQL's unanchored `~`; a pattern JavaScript cannot compile is matched literally).
 */
function hoistedSettings(routine: Routine, allowed: readonly string[]): (readonly [string, string])[] {
  if (routine.settings.length === 0 || allowed.length === 0) return [];
  const tests = allowed.map((pattern): ((s: string) => boolean) => {
    try {
      const re = new RegExp(pattern);
      return (s) => re.test(s);
    } catch {
      return (s) => s.includes(pattern);
    }
  });
  return routine.settings.filter(([k, v]) => tests.some((t) => t(`${k}=${v}`)));
}
