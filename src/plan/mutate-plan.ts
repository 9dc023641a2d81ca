// ApiRequest + SchemaCache → MutatePlan for POST/PUT/PATCH/DELETE on a relation, in PostgREST's order of checks:
// body (PGRST102), representation read plan, body columns (PGRST204) / PUT filters (PGRST105), media type (PGRST107).
import type { AppConfig } from '../config/types.js';
import { pgrst105InvalidFilters } from '../errors/catalogue.js';
import type { ApiRequest } from '../request/api-request.js';
import { bodyMediaType, parseContentType } from '../request/media-type.js';
import { parsePayload } from '../request/payload.js';
import type { Preferences } from '../request/preferences.js';
import type { Filter, QueryParams } from '../request/query-types.js';
import { allRange } from '../request/range.js';
import type { SchemaCache, Table } from '../schema-cache/types.js';
import { hasDefaultSelect, negotiateMedia } from './media.js';
import { expandRepresentationStars } from './media-representations.js';
import { locationReturning, mutateBody, representationReturning } from './mutate-columns.js';
import type { MutateBody, MutatePlan, Mutation, MutationKind, Returning } from './mutate-types.js';
import { planRead } from './read-plan.js';

/** Plans a write on `table`. */
export function planMutation(req: ApiRequest, table: Table, cache: SchemaCache, config: AppConfig): MutatePlan {
  const kind = mutationKind(req);
  const prefs = req.preferences;
  const payload = kind === 'delete' ? undefined : readPayload(req, kind);
  // The representation's read: root filters/logic are the write's WHERE, and no limit/offset or db-max-rows applies.
  const read = expandRepresentationStars(planRead(table, req.query, allRange, cache, req.schema, config, 'mutation'), cache);
  const body = (): MutateBody => {
    if (payload === undefined) throw new Error('a write with a body planned without one');
    // a POST's lone object may go as one parameter per column (an INSERT converts every value, whatever it matches)
    return mutateBody(payload, table, cache, prefs.missing === 'default' && kind !== 'single-upsert', kind === 'create');
  };
  const statement = mutationStatement(kind, req, table, body);
  const negotiated = negotiateMedia(req.accept, cache, config, table, hasDefaultSelect(read));
  const { media } = negotiated;

  const representation = prefs.return === 'representation';
  const location = kind === 'create' && prefs.return === 'headers-only' && table.pkCols.length > 0;
  const returning: Returning = representation
    ? representationReturning(read, table)
    : location
      ? locationReturning(table)
      : { kind: 'none' };
  const strict = prefs.handling === 'strict';
  const countInserted = kind === 'single-upsert' || (kind === 'create' && prefs.resolution === 'merge-duplicates');
  return {
    kind: 'mutate',
    mutation: kind,
    table,
    statement,
    returning,
    representation,
    read,
    media,
    // only a representation has a body for a handler to build
    handler: representation ? negotiated.handler : undefined,
    location,
    countInserted,
    standalone:
      statement.kind === 'insert' && returning.kind === 'none' && !countInserted && media.kind !== 'plan' && !table.userCodeAfterInsert,
    count: prefs.count !== undefined,
    checks: {
      singular: kind !== 'single-upsert' && media.kind === 'object',
      put: kind === 'single-upsert',
      maxAffected: strict && (kind === 'update' || kind === 'delete') ? prefs.maxAffected : undefined,
    },
    txEnd: txEnd(prefs, config),
  };
}

function mutationKind(req: ApiRequest): MutationKind {
  switch (req.action) {
    case 'create':
      return 'create';
    case 'upsert':
      return 'single-upsert';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    default:
      throw new Error(`planMutation called for action ${req.action}`);
  }
}

/** The body as PostgREST reads it for a relation; `columns=` applies to POST and PATCH only. */
function readPayload(req: ApiRequest, kind: MutationKind) {
  if (req.jsonBody) return req.jsonBody;
  const type = bodyMediaType(parseContentType(req.contentType), false);
  const columns = kind === 'create' || kind === 'update' ? (req.query.columns ?? undefined) : undefined;
  return parsePayload(req.body, type, { isRpc: false, columns });
}

function rootWhere(query: QueryParams) {
  return { filters: query.filtersRoot, logic: query.logic.filter((l) => l.embedPath.length === 0).map((l) => l.tree) };
}

function mutationStatement(kind: MutationKind, req: ApiRequest, table: Table, body: () => MutateBody): Mutation {
  const query = req.query;
  switch (kind) {
    case 'create': {
      const resolution = req.preferences.resolution;
      const columns = query.onConflict ?? table.pkCols;
      const onConflict = resolution !== undefined && columns.length > 0 ? { resolution, columns } : undefined;
      return { kind: 'insert', body: body(), onConflict, putConditions: [] };
    }
    case 'single-upsert':
      if (!isPutFilter(query, table)) throw pgrst105InvalidFilters();
      return {
        kind: 'insert',
        body: body(),
        onConflict: { resolution: 'merge-duplicates', columns: table.pkCols },
        putConditions: query.filtersRoot,
      };
    case 'update':
      return { kind: 'update', body: body(), where: rootWhere(query) };
    case 'delete':
      return { kind: 'delete', where: rootWhere(query) };
  }
}

const isPlainEq = (f: Filter): boolean =>
  !f.negated && f.operation.kind === 'quant' && f.operation.operator === 'eq' && f.operation.quantifier === null;

/** PUT filters: no logic trees, and filters on exactly the (non-empty) primary key, each a plain `eq`. */
function isPutFilter(query: QueryParams, table: Table): boolean {
  const pk = new Set(table.pkCols);
  return (
    query.logic.length === 0 &&
    pk.size > 0 &&
    query.filterFields.length === pk.size &&
    query.filterFields.every((f) => pk.has(f)) &&
    query.filtersRoot.every(isPlainEq)
  );
}

/** db-tx-end, overridden by `Prefer: tx=` when the config allows it (the parser drops `tx` otherwise). */
function txEnd(prefs: Preferences, config: AppConfig): 'commit' | 'rollback' {
  if (prefs.tx !== undefined) return prefs.tx;
  return config.dbTxEnd.startsWith('rollback') ? 'rollback' : 'commit';
}
