// The row type of the key table (keys.ts) and the small parse/dump helpers its rows are built from.
// Rows describe a key; resolve.ts applies them. Nothing here reads a source.

import { ConfigError } from './config-error.js';
import type { AppConfig, QualifiedName } from './types.js';
import { quoteConfigString, splitOnCommas } from './values.js';

/** How a key's raw value is read before its own parser sees it (see values.ts). */
export type Coerce = 'text' | 'text-emptyable' | 'int' | 'bool' | 'lenient-text' | 'lenient-text-emptyable';
type CoercedOf<C extends Coerce> = C extends 'int' ? number : C extends 'bool' ? boolean : string;

/** Whose key it is: PostgREST's, our extension, or a PostgREST test-only key. */
export type KeyOrigin = 'postgrest' | 'postgrest-ts' | 'internal';

/** One configuration key. */
export interface KeySpec {
  readonly name: string;
  readonly field: keyof AppConfig;
  /** `PGRST_` + name upper-cased with `-` and `.` as `_`. */
  readonly env: string;
  /** Legacy or fallback names consulted when the key itself yields no value. */
  readonly aliases: readonly string[];
  /** PostgREST quirk: for db-pool-max-idletime the alias db-pool-timeout is consulted first. */
  readonly aliasFirst: boolean;
  readonly coerce: Coerce;
  /** Type as documented: String, Int or Boolean. */
  readonly type: 'String' | 'Int' | 'Boolean';
  readonly reloadable: boolean;
  /** In-database setting name (`pgrst.db_schemas`), or undefined when the key cannot be set in the database. */
  readonly inDb: string | undefined;
  readonly origin: KeyOrigin;
  /** One line for --example. */
  readonly doc: string;
  /** Turns the coerced value (undefined = unset) into the field value; may throw ConfigError. */
  readonly parse: (value: string | number | boolean | undefined, done: Readonly<Partial<AppConfig>>) => unknown;
  /** The value as --dump-config writes it, or undefined for keys that are never dumped. */
  readonly dump: ((config: AppConfig) => string) | undefined;
}

interface KeyInput<F extends keyof AppConfig, C extends Coerce> {
  readonly name: string;
  readonly field: F;
  readonly coerce: C;
  readonly reloadable: boolean;
  readonly inDb?: boolean;
  readonly aliases?: readonly string[];
  readonly aliasFirst?: boolean;
  readonly origin?: KeyOrigin;
  readonly doc: string;
  readonly parse: (value: CoercedOf<C> | undefined, done: Readonly<Partial<AppConfig>>) => AppConfig[F];
  readonly dump?: (value: AppConfig[F], config: AppConfig) => string;
}

/** The environment variable for a key: `db-schemas` → `PGRST_DB_SCHEMAS`. */
export function envVarName(name: string): string {
  return `PGRST_${name.toUpperCase().replace(/[-.]/g, '_')}`;
}

/** Builds a table row, checking that parser, default and dumper agree with the field's type. */
export function key<F extends keyof AppConfig, C extends Coerce>(k: KeyInput<F, C>): KeySpec {
  const dump = k.dump;
  return {
    name: k.name,
    field: k.field,
    env: envVarName(k.name),
    aliases: k.aliases ?? [],
    aliasFirst: k.aliasFirst ?? false,
    coerce: k.coerce,
    type: k.coerce === 'int' ? 'Int' : k.coerce === 'bool' ? 'Boolean' : 'String',
    reloadable: k.reloadable,
    inDb: k.inDb === true ? `pgrst.${k.name.replace(/-/g, '_')}` : undefined,
    origin: k.origin ?? 'postgrest',
    doc: k.doc,
    parse: (value, done) => k.parse(value as CoercedOf<C> | undefined, done),
    dump: dump === undefined ? undefined : (config) => dump(config[k.field], config),
  };
}

/** A ConfigError whose message names the key (prefixed when the detail does not already say it). */
export function invalid(name: string, detail: string): ConfigError {
  return new ConfigError(detail.includes(name) ? detail : `${name}: ${detail}`, name);
}

/** Parser: the value, or `fallback` when unset. */
export const orDefault =
  <T>(fallback: T) =>
  (value: T | undefined): T =>
    value ?? fallback;

/** Parser: the value or undefined. */
export const optional = <T>(value: T | undefined): T | undefined => value;

/** Parser for a closed set of words; anything else fails with PostgREST's message. */
export const oneOf =
  <T extends string>(name: string, choices: readonly T[], fallback: T, error: string) =>
  (value: string | undefined): T => {
    if (value === undefined) return fallback;
    const found = choices.find((c) => c === value);
    if (found === undefined) throw invalid(name, error);
    return found;
  };

/** Parser: comma-separated list (items trimmed), or `fallback` when unset. */
export const commaList =
  (fallback: readonly string[]) =>
  (value: string | undefined): readonly string[] =>
    value === undefined ? fallback : splitOnCommas(value);

/** PostgREST's split of a function name at the first dot. */
export function qualifiedName(text: string | undefined): QualifiedName | undefined {
  if (text === undefined) return undefined;
  const dot = text.indexOf('.');
  if (dot < 0 || dot === text.length - 1) return { schema: '', name: dot < 0 ? text : text.slice(0, dot) };
  return { schema: text.slice(0, dot), name: text.slice(dot + 1) };
}

/** Parser for a unix socket file mode: the leading octal digits, which must lie within 600–777. */
export const socketMode =
  (name: string) =>
  (value: string | undefined): number => {
    if (value === undefined) return 0o660;
    const digits = /^[0-7]+/.exec(value)?.[0];
    if (digits === undefined) throw invalid(name, `Invalid ${name}: not an octal`);
    const mode = Number.parseInt(digits, 8);
    if (mode < 0o600 || mode > 0o777) throw invalid(name, `Invalid ${name}: needs to be between 600 and 777`);
    return mode;
  };

/** Parser for our integer keys that must be at least `min`. */
export const atLeast =
  (name: string, min: number, fallback: number) =>
  (value: number | undefined): number => {
    if (value === undefined) return fallback;
    if (value < min) throw invalid(name, `${name} must be an integer of at least ${min}`);
    return value;
  };

export const q = quoteConfigString;
export const dumpBool = (v: boolean): string => String(v);
export const dumpInt = (v: number): string => String(v);
export const dumpOptInt = (v: number | undefined): string => (v === undefined ? '""' : String(v));
export const dumpOptText = (v: string | undefined): string => q(v ?? '');
export const dumpList = (v: readonly string[]): string => q(v.join(','));
export const dumpMode = (v: number): string => q(v.toString(8));
export const dumpName = (v: QualifiedName | undefined): string =>
  q(v === undefined ? '' : v.schema === '' ? v.name : `${v.schema}.${v.name}`);
