// GET / : the OpenAPI description of the selected schema (Swagger 2.0 as PostgREST, or OpenAPI 3.1 when configured or
// asked for). Privileges are filtered by the caller when openapi-mode is follow-privileges; the document text is kept per
// schema cache, configuration, version, schema and contents, so a reload or a change of grants builds it again.
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
  /** Names the selection: equal keys, equal lists (`*`: every table and routine of the schema). */
  readonly key: string;
}

// Documents as sent, per schema cache and configuration (a reload brings new ones, and the old ones go with them), by
// schema, version and contents: a document is built from those alone, and building one takes milliseconds.
const documents = new WeakMap<SchemaCache, WeakMap<AppConfig, Map<string, string>>>();
// Distinct contents come from roles seeing different objects (follow-privileges): a bound on how many are kept.
const MAX_DOCUMENTS = 64;

function documentText(cache: SchemaCache, config: AppConfig, key: string, build: () => unknown): string {
  let byConfig = documents.get(cache);
  if (byConfig === undefined) {
    byConfig = new WeakMap();
    documents.set(cache, byConfig);
  }
  let texts = byConfig.get(config);
  if (texts === undefined) {
    texts = new Map();
    byConfig.set(config, texts);
  }
  let text = texts.get(key);
  if (text === undefined) {
    text = JSON.stringify(build());
    if (texts.size >= MAX_DOCUMENTS) texts.clear();
    texts.set(key, text);
  }
  return text;
}

const OPENAPI31_MIME = 'application/vnd.oai.openapi+json;version=3.1';
const OPENAPI31: MediaType = { kind: 'other', raw: OPENAPI31_MIME };

/** The OpenAPI response for `/`. */
export function rootResponse(req: ApiRequest, cache: SchemaCache, config: AppConfig, contents: RootContents): ApiResponse {
  if (config.openapiMode === 'disabled') throw pgrst126OpenApiDisabled();
  const media = negotiate(req.accept, [MT.openapi, MT.json, OPENAPI31]);
  // Asked for by name, 3.1 is labelled with that name; otherwise PostgREST's type, whichever version is configured.
  const asked31 = media.kind === 'other';
  const v31 = asked31 || config.openapiVersion === '3.1';
  const key = `${v31 ? '3.1' : '2'}\u0000${req.schema}\u0000${contents.key}`;
  const body = req.method === 'HEAD' ? null : documentText(cache, config, key, () => buildDocument(v31, req.schema, cache, config, contents));
  const headers: Record<string, string> = {
    'Content-Type': asked31 ? OPENAPI31_MIME : 'application/openapi+json; charset=utf-8',
  };
  addProfile(headers, req);
  addVary(headers);
  return { status: 200, headers, body };
}

/** The document itself, built only when no kept text answers the request. */
function buildDocument(v31: boolean, schema: string, cache: SchemaCache, config: AppConfig, contents: RootContents): unknown {
  const input = {
    cache,
    schema,
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
  return v31 ? openapi31Document(input) : swagger2Document(input);
}

/** Every table and routine of the request's schema (openapi-mode = ignore-privileges). */
export function allContents(cache: SchemaCache, schema: string): RootContents {
  return {
    tables: [...(cache.tables.get(schema)?.values() ?? [])],
    routines: [...(cache.routines.get(schema)?.values() ?? [])].flat(),
    key: '*',
  };
}
