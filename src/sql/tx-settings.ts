// The statement that sets a request's transaction-local settings (PostgREST's tx vars) in one SELECT of set_config calls:
// search_path, role, request.jwt.claims, request.method, request.path, request.headers, request.cookies, app.settings.*.
import type { Statement } from '../db/execute.js';
import { quoteIdent } from './fragment.js';

/** The values of the request settings, already decided by earlier stages. */
export interface TxSettings {
  readonly schema: string;
  readonly extraSearchPath: readonly string[];
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly appSettings: Readonly<Record<string, string>>;
  /** The role's own `ALTER ROLE ... SET` settings and hoisted function settings, applied before the role switch. */
  readonly extra: readonly (readonly [string, string])[];
  readonly timezone?: string | undefined;
}

/** One `SELECT set_config(...), ...` statement; names and values are parameters, so its text depends only on the count. */
export function txSettingsStatement(s: TxSettings): Statement {
  const pairs: [string, string][] = [
    ['search_path', [s.schema, ...s.extraSearchPath].map(quoteIdent).join(', ')],
    ...s.extra.map(([k, v]) => [k, v] as [string, string]),
    ['role', s.role],
    ['request.jwt.claims', JSON.stringify(s.claims)],
    ['request.method', s.method],
    ['request.path', s.path],
    ['request.headers', JSON.stringify(s.headers)],
    ['request.cookies', JSON.stringify(s.cookies)],
  ];
  if (s.timezone !== undefined) pairs.push(['timezone', s.timezone]);
  for (const [k, v] of Object.entries(s.appSettings)) pairs.push([k, v]);
  const values: string[] = [];
  const calls: string[] = [];
  for (const [k, v] of pairs) {
    values.push(k, v);
    calls.push(`set_config($${values.length - 1}, $${values.length}, true)`);
  }
  return { text: `SELECT ${calls.join(', ')}`, values, prepare: true };
}
