// GET / : the OpenAPI description of the selected schema (Swagger 2.0 as PostgREST, or OpenAPI 3.1 when configured or
// asked for). Pure: privileges are filtered by the caller when openapi-mode is follow-privileges.
import { VERSION } from '../app/version.js';
import type { AppConfig } from '../config/types.js';
import { pgrst126OpenApiDisabled } from '../errors/catalogue.js';
import type { ApiResponse } from '../http/types.js';
import { openapi31Document } from '../openapi/openapi31.js';
import { swagger2Document } from '../openapi/swagger2.js';
import type { ApiRequest } from '../request/api-request.js';
import { MT, type MediaType, negotiate } from '../request/media-type.js';
import type { Routine, SchemaCache, Table } from '../schema-cache/types.js';
import { addProfile, addVary } from './read.js';

/** Which tables and routines the document lists (already filtered by privileges when needed). */
export interface RootContents {
  readonly tables: readonly Table[];
  readonly routines: readonly Routine[];
}

const OPENAPI31_MIME = 'application/vnd.oai.openapi+json;version=3.1';
const OPENAPI31: MediaType = { kind: 'other', raw: OPENAPI31_MIME };

/** The OpenAPI response for `/`. */
export function rootResponse(req: ApiRequest, cache: SchemaCache, config: AppConfig, contents: RootContents): ApiResponse {
  if (config.openapiMode === 'disabled') throw pgrst126OpenApiDisabled();
  const media = negotiate(req.accept, [MT.openapi, MT.json, OPENAPI31]);
  const input = {
    cache,
    schema: req.schema,
    tables: contents.tables,
    routines: contents.routines,
    config: {
      serverHost: config.serverHost,
      serverPort: config.serverPort,
      proxyUri: config.openapiServerProxyUri,
      securityActive: config.openapiSecurityActive,
    },
    version: VERSION,
    docsVersion: 'v16',
  };
  // Asked for by name, 3.1 is labelled with that name; otherwise PostgREST's type, whichever version is configured.
  const asked31 = media.kind === 'other';
  const doc = asked31 || config.openapiVersion === '3.1' ? openapi31Document(input) : swagger2Document(input);
  const headers: Record<string, string> = {
    'Content-Type': asked31 ? OPENAPI31_MIME : 'application/openapi+json; charset=utf-8',
  };
  addProfile(headers, req);
  addVary(headers);
  return { status: 200, headers, body: req.method === 'HEAD' ? null : JSON.stringify(doc) };
}

/** Every table and routine of the request's schema (openapi-mode = ignore-privileges). */
export function allContents(cache: SchemaCache, schema: string): RootContents {
  return {
    tables: [...(cache.tables.get(schema)?.values() ?? [])],
    routines: [...(cache.routines.get(schema)?.values() ?? [])].flat(),
  };
}
