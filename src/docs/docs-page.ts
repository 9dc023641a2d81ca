// The HTML of the interactive docs page: Swagger UI's stylesheet and bundle from our own server (versioned URLs),
// the page script, and the settings that script needs as an inert JSON block. Pure string building.

/** What the page needs to know. */
export interface DocsPageInput {
  /** The configured docs path without a trailing slash, e.g. `/_/docs`. */
  readonly docsPath: string;
  /** Prefix that makes a file name under the docs path relative to the page's own URL (`docs/` or `./`). */
  readonly assetPrefix: string;
  /** db-schemas; the first is the default, more than one shows a schema picker. */
  readonly schemas: readonly string[];
  readonly swaggerUiVersion: string;
  readonly appVersion: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON that cannot end a `<script>` element early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function schemaPicker(schemas: readonly string[]): string {
  if (schemas.length < 2) return '';
  const options = schemas.map((s) => `<option value="${escapeHtml(s)}">${escapeHtml(s)}</option>`).join('');
  return `<label class="pgrst-docs-schema">Schema <select id="pgrst-schema">${options}</select></label>`;
}

/** The docs page. */
export function docsPageHtml(input: DocsPageInput): string {
  const asset = (name: string, version: string): string => escapeHtml(`${input.assetPrefix}${name}?v=${encodeURIComponent(version)}`);
  const ui = input.swaggerUiVersion;
  const settings = scriptJson({ docsPath: input.docsPath, schemas: input.schemas });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API documentation</title>
<link rel="stylesheet" href="${asset('swagger-ui.css', ui)}">
<link rel="icon" type="image/png" sizes="32x32" href="${asset('favicon-32x32.png', ui)}">
<link rel="icon" type="image/png" sizes="16x16" href="${asset('favicon-16x16.png', ui)}">
<link rel="stylesheet" href="${asset('docs-page.css', input.appVersion)}">
</head>
<body>
<header class="pgrst-docs-bar"><span>postgrest-ts ${escapeHtml(input.appVersion)} · API documentation</span>${schemaPicker(input.schemas)}</header>
<div id="pgrst-docs-error" class="pgrst-docs-error" role="alert" hidden></div>
<div id="swagger-ui"></div>
<noscript>This page needs JavaScript. The OpenAPI document itself is at <code>GET /</code>.</noscript>
<script id="pgrst-docs-config" type="application/json">${settings}</script>
<script src="${asset('swagger-ui-bundle.js', ui)}"></script>
<script src="${asset('docs-page.js', input.appVersion)}"></script>
</body>
</html>
`;
}

/** The page's own few styles (a file, so the Content-Security-Policy needs no inline styles of ours). */
export const DOCS_CSS = `body { margin: 0; }
.pgrst-docs-bar { display: flex; justify-content: space-between; align-items: center; gap: 1em; padding: 8px 20px;
  background: #1b1b1b; color: #fff; font: 14px sans-serif; }
.pgrst-docs-schema select { margin-left: .5em; }
.pgrst-docs-error { margin: 20px; padding: 12px; border: 1px solid #f93e3e; background: #fdecea; color: #1b1b1b;
  font: 14px monospace; white-space: pre-wrap; }
`;
