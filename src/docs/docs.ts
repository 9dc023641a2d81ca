// The interactive API docs (Swagger UI) at server-docs-path: the page, its script and style, and swagger-ui-dist's files
// under that path. Anything else is not ours (undefined), so API routing is untouched. No database access.
import { VERSION } from '../app/version.js';
import type { AppConfig } from '../config/types.js';
import { pgrst117UnsupportedMethod } from '../errors/catalogue.js';
import type { ApiResponse } from '../http/types.js';
import { errorResponse } from '../response/error.js';
import { DOCS_CSS, docsPageHtml } from './docs-page.js';
import { DOCS_SCRIPT } from './docs-script.js';
import { staticAsset, swaggerUiVersion } from './static-assets.js';

const PAGE_SECURITY: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
    "connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'X-Content-Type-Options': 'nosniff',
};
const NO_CACHE = 'no-cache';
// swagger-ui-dist URLs carry the package version (`?v=`), so a browser may keep them until the package changes.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The docs path without trailing slashes, or undefined when the page is off (empty path, or no OpenAPI document). */
function docsPath(config: AppConfig): string | undefined {
  const path = config.serverDocsPath.replace(/\/+$/, '');
  return path === '' || config.openapiMode === 'disabled' ? undefined : path;
}

// Asked on every request: the docs path of each configuration, once (null: no docs page).
const docsPaths = new WeakMap<AppConfig, string | null>();

/** The response for a docs path (page or asset), or undefined when `rawPath` is not one and the API should route it. */
export function docsResponse(rawPath: string, method: string, config: AppConfig): ApiResponse | undefined {
  let path = docsPaths.get(config);
  if (path === undefined) {
    path = docsPath(config) ?? null;
    docsPaths.set(config, path);
  }
  if (path === null || !rawPath.startsWith(path)) return undefined;
  const rest = rawPath.slice(path.length);
  let body: () => { body: string | Buffer; type: string; cache: string; page: boolean };
  if (rest === '' || rest === '/') {
    // Asset URLs are relative, so the page works behind a proxy that adds a path prefix.
    const assetPrefix = rest === '/' ? './' : `${path.slice(path.lastIndexOf('/') + 1)}/`;
    body = () => ({ body: page(path, assetPrefix, config), type: 'text/html; charset=utf-8', cache: NO_CACHE, page: true });
  } else if (rest === '/docs-page.js') {
    body = () => ({ body: DOCS_SCRIPT, type: 'text/javascript; charset=utf-8', cache: NO_CACHE, page: false });
  } else if (rest === '/docs-page.css') {
    body = () => ({ body: DOCS_CSS, type: 'text/css; charset=utf-8', cache: NO_CACHE, page: false });
  } else {
    const asset = rest.startsWith('/') ? staticAsset(rest.slice(1)) : undefined;
    if (asset === undefined) return undefined;
    body = () => ({ body: asset.body, type: asset.contentType, cache: IMMUTABLE, page: false });
  }
  if (method === 'OPTIONS') return { status: 200, headers: { Allow: 'OPTIONS,GET,HEAD' }, body: '' };
  if (method !== 'GET' && method !== 'HEAD') return errorResponse(pgrst117UnsupportedMethod(method));
  const r = body();
  const headers: Record<string, string> = { 'Content-Type': r.type, 'Cache-Control': r.cache, 'X-Content-Type-Options': 'nosniff' };
  return { status: 200, headers: r.page ? { ...headers, ...PAGE_SECURITY } : headers, body: r.body };
}

function page(path: string, assetPrefix: string, config: AppConfig): string {
  return docsPageHtml({
    docsPath: path,
    assetPrefix,
    schemas: config.dbSchemas,
    swaggerUiVersion: swaggerUiVersion(),
    appVersion: VERSION,
  });
}
