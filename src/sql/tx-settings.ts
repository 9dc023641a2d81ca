// The statement that sets a request's transaction-local settings (PostgREST's tx vars) in one SELECT of set_config calls,
// in PostgREST's order: search_path, the role's own settings, role, request.jwt.claims, request.method, request.path,
// request.headers, request.cookies, timezone, hoisted function settings, app.settings.*. It decides no values itself.
import type { Statement } from '../db/execute.js';
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
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly appSettings: Readonly<Record<string, string>>;
  /** The function's hoisted settings (db-hoisted-tx-settings), applied after the role switch and the timezone. */
  readonly extra: readonly (readonly [string, string])[];
  readonly timezone?: string | undefined;
}

// The same claims object (e.g. the anonymous role's, shared by every request without a token) is serialised once.
const claimsText = new WeakMap<object, string>();

function claimsJson(claims: Readonly<Record<string, unknown>>): string {
  let text = claimsText.get(claims);
  if (text === undefined) {
    text = JSON.stringify(claims);
    if (Object.isFrozen(claims)) claimsText.set(claims, text);
  }
  return text;
}

/** One `SELECT set_config(...), ...` statement; names and values are parameters, so its text depends only on the count. */
export function txSettingsStatement(s: TxSettings): Statement {
  const pairs: (readonly [string, string])[] = [['search_path', [s.schema, ...s.extraSearchPath].map(quoteIdent).join(', ')]];
  if (s.roleSettings) pairs.push(...s.roleSettings);
  pairs.push(
    ['role', s.role],
    ['request.jwt.claims', claimsJson(s.claims)],
    ['request.method', s.method],
    ['request.path', s.path],
    ['request.headers', JSON.stringify(s.headers)],
    ['request.cookies', JSON.stringify(s.cookies)],
  );
  if (s.timezone !== undefined) pairs.push(['timezone', s.timezone]);
  pairs.push(...s.extra);
  for (const [k, v] of Object.entries(s.appSettings)) pairs.push([k, v]);
  const values: string[] = [];
  for (const [k, v] of pairs) values.push(k, v);
  return { text: settingsText(pairs.length), values, prepare: true, resultUnused: true };
}

/**
 * The settings statement that also makes the transaction read-only (`transaction_read_only`, which may be turned on at
 * any point of a transaction), so a one-batch transaction needs no statement of its own for it. Anything that is not a
 * settings statement is returned as it is.
 */
export function withReadOnly(settings: Statement): Statement {
  const n = settings.values.length / 2;
  if (settings.setsReadOnly || !Number.isInteger(n) || settings.text !== settingsText(n)) return settings;
  return { ...settings, text: settingsText(n + 1), values: ['transaction_read_only', 'on', ...settings.values], setsReadOnly: true };
}

// The text depends only on how many settings there are: built once per count.
const texts: string[] = [];

function settingsText(n: number): string {
  let text = texts[n];
  if (text === undefined) {
    const calls = Array.from({ length: n }, (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
    // No columns come back: the values set are not needed, and echoing the request's headers costs on both sides.
    // (A volatile function in a subquery's output is evaluated even when nothing above reads it.)
    text = `SELECT FROM (SELECT ${calls.join(', ')}) AS pgrst_settings`;
    if (n < 64) texts[n] = text;
  }
  return text;
}
