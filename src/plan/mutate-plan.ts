// ApiRequest + SchemaCache → MutatePlan for POST/PUT/PATCH/DELETE.
import type { AppConfig } from '../config/types.js';
import { pgrst127NotImplemented } from '../errors/catalogue.js';
import type { ApiRequest } from '../request/api-request.js';
import type { SchemaCache, Table } from '../schema-cache/types.js';
import type { MutatePlan } from './mutate-types.js';

/** Plans a write on `table`. */
export function planMutation(req: ApiRequest, _table: Table, _cache: SchemaCache, _config: AppConfig): MutatePlan {
  // TODO(issue 5): writes.
  throw pgrst127NotImplemented(`${req.method} on tables is not implemented yet`);
}
