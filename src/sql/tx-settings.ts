// The statement that sets a request's transaction-local settings (PostgREST's tx vars) in one SELECT of set_config calls,
// in PostgREST's order: search_path, the role's own settings, role, request.jwt.claims, request.method, request.path,
// request.headers, request.cookies, timezone, hoisted function settings, app.settings.*. It decides no values itself.
import type { Statement } from '../db/execute.js';
import { headerText } from '../text/header-bytes.js';
import { memoByText } from '../text/memo.js';
import { quoteIdent } from './fragment.js';

/** The values of the request settings, already decided by earlier stages. */
export interface TxSettings {
  readonly schema: string;
  readonly extraSearchPath: readonly string[];
  /**
   * The impersonated role's `ALTER ROLE ... SET` settings. They come before the role switch, so that a parameter the
   * authenticator was granted SET on (PostgreSQL 15+) can be set even when the impersonated role lacks that grant.
   */
  readonly roleSettings?: readonly (readonly [string, string])[] | undefined;
  readonly role: string;
  /** request.jwt.claims, as JSON. */
  readonly claimsJson: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly appSettings: Readonly<Record<string, string>>;
  /** The function's hoisted settings (db-hoisted-tx-settings), applied after the role switch and the timezone. */
  readonly extra: readonly (readonly [string, string])[];
  readonly timezone?: string | undefined;
  /** The transaction is read-only: the statement turns `transaction_read_only` on first (no statement of its own). */
  readonly readOnly: boolean;
}

/**
 * One `SELECT num_nulls(set_config(...), ...)` statement. The names of PostgREST's own settings are constants of this module, written
 * into the text; every value, and every name that comes from the database or the configuration (role settings, hoisted
 * function settings, app settings), is a parameter. The text depends only on how many of each kind there are.
 */
export function txSettingsStatement(s: TxSettings): Statement {
  const values: string[] = [searchPath(s.schema, s.extraSearchPath)];
  const roleSettings = s.roleSettings ?? [];
  for (const [k, v] of roleSettings) values.push(k, v);
  // node:http hands header text over one latin1 character a byte: read as UTF-8, as PostgREST decodes them
  values.push(s.role, s.claimsJson, s.method, s.path, headerText(JSON.stringify(s.headers)), headerText(JSON.stringify(s.cookies)));
  if (s.timezone !== undefined) values.push(s.timezone);
  let tail = s.extra.length;
  for (const [k, v] of s.extra) values.push(k, v);
  for (const k in s.appSettings) {
    values.push(k, s.appSettings[k]!);
    tail++;
  }
  const text = settingsText(s.readOnly, roleSettings.length, s.timezone !== undefined, tail);
  return { text, values, prepare: true, resultUnused: true, setsReadOnly: s.readOnly };
}

// The search_path value per schema, one memo per extra search path (the configuration's array).
const searchPaths = new WeakMap<readonly string[], (schema: string) => string>();

function searchPath(schema: string, extra: readonly string[]): string {
  let of = searchPaths.get(extra);
  if (of === undefined) {
    of = memoByText(256, (s) => [s, ...extra].map(quoteIdent).join(', '));
    searchPaths.set(extra, of);
  }
  return of(schema);
}

// Texts per read-only or not, timezone or not, count of role settings, count of name/value pairs after it.
const texts = new Map<number, string>();

function settingsText(readOnly: boolean, roleSettings: number, timezone: boolean, tail: number): string {
  // a number per combination while the counts stay below 1024 (always, in practice); beyond, built each time
  const key = roleSettings < 1024 && tail < 1024 ? (readOnly ? 1 : 0) + (timezone ? 2 : 0) + 4 * (roleSettings + 1024 * tail) : undefined;
  let text = key === undefined ? undefined : texts.get(key);
  if (text === undefined) {
    let n = 0;
    const named = (name: string) => `set_config('${name}', $${++n}, true)`;
    const pair = () => `set_config($${++n}, $${++n}, true)`;
    // transaction_read_only may be turned on at any point of a transaction
    const calls = readOnly ? ["set_config('transaction_read_only', 'on', true)", named('search_path')] : [named('search_path')];
    for (let i = 0; i < roleSettings; i++) calls.push(pair());
    for (const name of FIXED_NAMES) calls.push(named(name));
    if (timezone) calls.push(named('timezone'));
    for (let i = 0; i < tail; i++) calls.push(pair());
    // The calls are the arguments of one function, evaluated in order; one small number comes back, not the values set
    // (echoing the request's headers costs on both sides). PostgreSQL sets up one expression instead of a column per
    // call: ~9k fewer instructions per request (callgrind) than selecting them from a subquery.
    text = `SELECT pg_catalog.num_nulls(${calls.join(', ')})`;
    if (key !== undefined && texts.size < 256) texts.set(key, text);
  }
  return text;
}

const FIXED_NAMES = ['role', 'request.jwt.claims', 'request.method', 'request.path', 'request.headers', 'request.cookies'];
