// ApiRequest + SchemaCache → Plan: finds the target, negotiates the media type and builds the read tree.
// No SQL text here; errors are the PGRST2xx/4xx PostgREST raises at planning time.
import type { AppConfig } from '../config/types.js';
import { pgrst127NotImplemented } from '../errors/catalogue.js';
import type { ApiRequest } from '../request/api-request.js';
import { MT, type MediaType, negotiate } from '../request/media-type.js';
import { restrictRange } from '../request/range.js';
import { findTable, tableNotFound } from '../schema-cache/lookup.js';
import type { SchemaCache } from '../schema-cache/types.js';
import { planRead } from './read-plan.js';
import type { Plan } from './types.js';

/** Media types a table read can answer with, `offered[0]` answering `*` + `/*`. */
const READ_MEDIA: readonly MediaType[] = [MT.json, MT.csv, MT.object, MT.objectStripped, MT.arrayStripped];

export function planRequest(req: ApiRequest, cache: SchemaCache, config: AppConfig): Plan {
  if (req.target.kind === 'relation' && (req.action === 'read' || req.action === 'head')) {
    const table = findTable(cache, req.schema, req.target.name);
    if (!table) throw tableNotFound(cache, req.schema, req.target.name);
    const media = negotiate(req.accept, READ_MEDIA);
    const top = restrictRange(config.dbMaxRows, req.topRange);
    const read = planRead(table, req.query, top, cache, req.schema, config);
    return {
      kind: 'read',
      read,
      media,
      count: req.preferences.count,
      headOnly: req.action === 'head',
      maxRows: config.dbMaxRows,
      preferences: req.preferences,
    };
  }
  throw pgrst127NotImplemented(`${req.method} on ${req.target.kind === 'root' ? '/' : req.target.kind} is not implemented yet`);
}
