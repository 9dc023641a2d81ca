// ApiRequest + SchemaCache → Plan: finds the target and hands over to the planner of the request's kind.
// No SQL text here; errors are the PGRST2xx/4xx PostgREST raises at planning time.
import type { AppConfig } from '../config/types.js';
import { pgrst127NotImplemented } from '../errors/catalogue.js';
import type { ApiRequest } from '../request/api-request.js';
import { capRange } from '../request/range.js';
import { findTable, tableNotFound } from '../schema-cache/lookup.js';
import type { SchemaCache, Table } from '../schema-cache/types.js';
import { planCall } from './call-plan.js';
import { hasDefaultSelect, negotiateMedia } from './media.js';
import { expandRepresentationStars } from './media-representations.js';
import { planMutation } from './mutate-plan.js';
import { planRead } from './read-plan.js';
import type { Plan, ReadRequestPlan } from './types.js';
import { readRunsUserCode } from './user-code.js';

export function planRequest(req: ApiRequest, cache: SchemaCache, config: AppConfig): Plan {
  switch (req.target.kind) {
    case 'routine':
      return planCall(req, cache, config);
    case 'relation': {
      const table = findTable(cache, req.schema, req.target.name);
      if (!table) throw tableNotFound(cache, req.schema, req.target.name);
      if (req.action === 'read' || req.action === 'head') return planReadRequest(req, table, cache, config);
      return planMutation(req, table, cache, config);
    }
    case 'root':
      throw pgrst127NotImplemented('The root endpoint is served by the OpenAPI stage');
  }
}

function planReadRequest(req: ApiRequest, table: Table, cache: SchemaCache, config: AppConfig): ReadRequestPlan {
  // db-max-rows caps the window, except the limit=0 window, which stays as it is (PostgREST's nodeRestrictRange).
  const top = capRange(req.topRange, config.dbMaxRows);
  const read = expandRepresentationStars(planRead(table, req.query, top, cache, req.schema, config), cache);
  // As PostgREST: negotiated after the read is planned, on its final select (handlers of the table need the default).
  const { media, handler } = negotiateMedia(req.accept, cache, config, table, hasDefaultSelect(read));
  return {
    kind: 'read',
    read,
    media,
    handler: req.action === 'head' ? undefined : handler,
    count: req.preferences.count,
    headOnly: req.action === 'head',
    maxRows: config.dbMaxRows,
    preferences: req.preferences,
    runsUserCode: readRunsUserCode(read, cache),
  };
}
