// Loads the configuration: reads the config file (if any), combines it with PGRST_* variables and, when given,
// in-database settings; resolves `@file` indirection for db-uri and jwt-secret; validates. Throws ConfigError
// for every problem and never exits or logs: the CLI decides what to print.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';
import { parseConfigText } from './file-syntax.js';
import { IN_DB_NAMES, KEYS } from './keys.js';
import { resolveConfig } from './resolve.js';
import { secretKeyBytes } from './secret.js';
import type { AppConfig } from './types.js';

export { ConfigError } from './config-error.js';

/** Inputs of loadConfig. */
export interface LoadOptions {
  /** Config file path (the CLI's positional argument). */
  readonly file?: string | undefined;
  /** Config file contents, used instead of reading `file` (which then only names it in messages and imports). */
  readonly fileText?: string | undefined;
  /** The process environment (PGRST_* keys, and any variable for `$(NAME)` in the file). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** In-database settings (`pgrst.db_schemas` or `db_schemas` → value); used only when db-config is true. */
  readonly dbSettings?: Readonly<Record<string, string>> | undefined;
  /** On reload: the db-uri in use, kept instead of re-reading it (db-uri is not reloadable). */
  readonly prevDbUri?: string | undefined;
}

/** Reads and validates the configuration (precedence: in-db > env > file > defaults). */
export async function loadConfig(options: LoadOptions): Promise<AppConfig> {
  let text = options.fileText;
  if (text === undefined && options.file !== undefined) {
    try {
      text = await readFile(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read config file '${options.file}': ${reason(err)}`);
    }
  }
  const file =
    text === undefined
      ? new Map()
      : parseConfigText(text, { file: options.file, env: options.env, readImport: (p) => readFileSync(p, 'utf8') });
  let config = resolveConfig({ file, env: options.env, db: new Map() });
  const db = inDbSettings(options.dbSettings);
  if (config.dbConfig && db.size > 0) config = resolveConfig({ file, env: options.env, db });
  const dbUri = options.prevDbUri ?? readDbUri(config.dbUri);
  return withSecret({ ...config, dbUri, configFilePath: options.file });
}

/**
 * Overlays in-database settings on a loaded configuration: only keys PostgREST allows in the database, read
 * with the same rules (an empty or wrong-typed value means the key's default). Does nothing when db-config is
 * false. Exact PostgREST reload semantics (aliases, a changed file) come from loadConfig with `dbSettings`.
 */
export function applyDbSettings(config: AppConfig, settings: Readonly<Record<string, string>>): AppConfig {
  const db = inDbSettings(settings);
  if (!config.dbConfig || db.size === 0) return config;
  const fromDb = resolveConfig({ file: new Map(), env: {}, db });
  const next: Record<string, unknown> = { ...config };
  for (const spec of KEYS) {
    if (spec.inDb !== undefined && db.has(spec.inDb.slice('pgrst.'.length))) next[spec.field] = fromDb[spec.field];
  }
  const secretChanged = db.has('jwt_secret') || db.has('jwt_secret_is_base64');
  return secretChanged ? withSecret(next as unknown as AppConfig) : Object.freeze(next as unknown as AppConfig);
}

/** Keeps the allowed in-db names, accepting them with or without the `pgrst.` prefix. */
function inDbSettings(settings: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(settings ?? {})) {
    const bare = name.startsWith('pgrst.') ? name.slice('pgrst.'.length) : name;
    if (IN_DB_NAMES.has(bare)) out.set(bare, value);
  }
  return out;
}

function readDbUri(dbUri: string): string {
  return dbUri.startsWith('@') ? readIndirect('db-uri', dbUri.slice(1)).toString('utf8').trim() : dbUri;
}

/** Resolves `@file` for jwt-secret (one trailing newline dropped), then decodes and checks the key bytes. */
function withSecret(config: AppConfig): AppConfig {
  let text = config.jwtSecret;
  let raw: Uint8Array | undefined = text === undefined ? undefined : Buffer.from(text, 'utf8');
  if (text?.startsWith('@')) {
    const content = readIndirect('jwt-secret', text.slice(1));
    raw = content.at(-1) === 0x0a ? content.subarray(0, -1) : content;
    text = Buffer.from(raw).toString('utf8');
  }
  const jwtSecretBytes = raw === undefined ? undefined : secretKeyBytes(raw, config.jwtSecretIsBase64);
  return Object.freeze({ ...config, jwtSecret: text, jwtSecretBytes });
}

function readIndirect(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read file '${path}': ${reason(err)}`, key);
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
