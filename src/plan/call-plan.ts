// ApiRequest + SchemaCache → CallPlan for /rpc/<function>.
import type { AppConfig } from '../config/types.js';
import { pgrst127NotImplemented } from '../errors/catalogue.js';
import type { ApiRequest } from '../request/api-request.js';
import type { SchemaCache } from '../schema-cache/types.js';
import type { CallPlan } from './call-types.js';

/** Plans a function call. */
export function planCall(req: ApiRequest, _cache: SchemaCache, _config: AppConfig): CallPlan {
  // TODO(issue 6): functions.
  throw pgrst127NotImplemented(`/rpc/${req.target.kind === 'routine' ? req.target.name : ''} is not implemented yet`);
}
