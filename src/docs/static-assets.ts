// The few swagger-ui-dist files the docs page needs, read from the installed npm package (never a CDN) on first use
// and kept in memory. Only names on the allow-list are served, so no request path ever reaches the file system.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A file ready to send: its bytes and Content-Type. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** File name → Content-Type of everything the page loads from swagger-ui-dist. */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
  ['favicon-16x16.png', 'image/png'],
]);

const loaded = new Map<string, StaticAsset>();
let packageInfo: { readonly dir: string; readonly version: string } | undefined;

function swaggerUiPackage(): { readonly dir: string; readonly version: string } {
  if (packageInfo === undefined) {
    const manifest = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
    packageInfo = { dir: dirname(manifest), version: typeof version === 'string' ? version : '0' };
  }
  return packageInfo;
}

/** The installed swagger-ui-dist version, used to version asset URLs so they can be cached for good. */
export function swaggerUiVersion(): string {
  return swaggerUiPackage().version;
}

/** The named allow-listed file, or undefined for any other name. */
export function staticAsset(name: string): StaticAsset | undefined {
  const contentType = ASSETS.get(name);
  if (contentType === undefined) return undefined;
  let asset = loaded.get(name);
  if (asset === undefined) {
    asset = { body: readFileSync(join(swaggerUiPackage().dir, name)), contentType };
    loaded.set(name, asset);
  }
  return asset;
}
