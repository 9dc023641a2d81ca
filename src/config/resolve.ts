// Resolves every key of the table from its sources with PostgREST's precedence (in-db > PGRST_* env > file >
// default), aliases, app.settings and wrong-type fallbacks. Pure: no files are read here (see load.ts).

import type { FileValue } from './file-syntax.js';
import { type Coerce, envVarName } from './key-spec.js';
import { APP_SETTINGS, KEYS } from './keys.js';
import type { AppConfig } from './types.js';
import { coerceBool, coerceInt, coerceLenientText, coerceText, type RawValue } from './values.js';
import { compareCodePoints } from '../text/compare.js';

/** Everything a configuration is computed from. */
export interface ConfigSources {
  /** Bindings of the config file by full key. */
  readonly file: ReadonlyMap<string, FileValue>;
  /** The process environment; only PGRST_* variables are consulted. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** In-database settings by name without `pgrst.` (e.g. `db_schemas`), already limited to allowed names. */
  readonly db: ReadonlyMap<string, string>;
}

/** Computes the configuration; throws ConfigError for the first invalid value in PostgREST's order. */
export function resolveConfig(sources: ConfigSources): AppConfig {
  const done: Record<string, unknown> = { appSettings: resolveAppSettings(sources) };
  for (const spec of KEYS) {
    const names = spec.aliasFirst ? [...spec.aliases, spec.name] : [spec.name, ...spec.aliases];
    let value: string | number | boolean | undefined;
    for (const name of names) {
      const raw = lookup(name, sources);
      value = raw === undefined ? undefined : coerce(spec.coerce, raw);
      if (value !== undefined) break;
    }
    done[spec.field] = spec.parse(value, done as Partial<AppConfig>);
  }
  // jwtSecretBytes is filled in by load.ts once `@file` indirection is resolved.
  done['jwtSecretBytes'] = undefined;
  done['configFilePath'] = undefined;
  return Object.freeze(done) as unknown as AppConfig;
}

function lookup(name: string, sources: ConfigSources): RawValue | undefined {
  const db = sources.db.get(name.replace(/-/g, '_'));
  if (db !== undefined) return { source: 'db', text: db };
  const env = sources.env[envVarName(name)];
  if (env !== undefined) return { source: 'env', text: env };
  const file = sources.file.get(name);
  return file === undefined ? undefined : { source: 'file', value: file };
}

/** Reads a raw value for a key; `undefined` means "unset" (empty text, wrong type). */
export function coerce(kind: Coerce, raw: RawValue): string | number | boolean | undefined {
  switch (kind) {
    case 'int':
      return coerceInt(raw);
    case 'bool':
      return coerceBool(raw);
    case 'text-emptyable':
      return coerceText(raw);
    case 'lenient-text-emptyable':
      return coerceLenientText(raw);
    case 'text':
      return nonEmpty(coerceText(raw));
    case 'lenient-text':
      return nonEmpty(coerceLenientText(raw));
  }
}

function nonEmpty(text: string): string | undefined {
  return text === '' ? undefined : text;
}

/**
 * app.settings.<name> from the file (one level below the prefix only) overridden by PGRST_APP_SETTINGS_<NAME>
 * (the name keeps its case, as in PostgREST; PostgreSQL setting names are case-insensitive anyway).
 */
function resolveAppSettings(sources: ConfigSources): Readonly<Record<string, string>> {
  const settings = new Map<string, string>();
  for (const [name, value] of sources.file) {
    const rest = name.startsWith(APP_SETTINGS.prefix) ? name.slice(APP_SETTINGS.prefix.length) : undefined;
    if (rest !== undefined && rest !== '' && !rest.includes('.')) {
      settings.set(name, coerceText({ source: 'file', value }));
    }
  }
  for (const [name, value] of Object.entries(sources.env)) {
    if (value === undefined || !name.startsWith(APP_SETTINGS.envPrefix)) continue;
    const rest = name.slice(APP_SETTINGS.envPrefix.length);
    if (rest !== '') settings.set(APP_SETTINGS.prefix + rest, value);
  }
  return Object.freeze(Object.fromEntries([...settings].sort(([a], [b]) => compareCodePoints(a, b))));
}

