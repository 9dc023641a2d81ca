// Plan → the request's transaction script: BEGIN with the access mode, the request settings, then the statements of
// the plan's kind (read, mutation, call). Dispatch only; each kind compiles in its own module. No I/O.
import type { AuthResult } from '../auth/authenticate.js';
import type { AppConfig } from '../config/types.js';
import type { Statement, TxScript } from '../db/execute.js';
import type { Plan } from '../plan/types.js';
import type { ApiRequest } from '../request/api-request.js';
import { callScript } from './call-statement.js';
import { mutateScript } from './mutate-statement.js';
import { readScript } from './read-statement.js';
import { txSettingsStatement } from './tx-settings.js';

/** What every script builder may need besides its plan. */
export interface ScriptContext {
  readonly req: ApiRequest;
  readonly auth: AuthResult;
  readonly config: AppConfig;
  /** The default request settings statement (no extra settings). */
  readonly settings: Statement;
}

/** Everything the transaction sends for this plan. */
export function buildStatement(plan: Plan, req: ApiRequest, auth: AuthResult, config: AppConfig): TxScript {
  const ctx: ScriptContext = { req, auth, config, settings: requestSettings(req, auth, config, []) };
  switch (plan.kind) {
    case 'read':
      return readScript(plan, ctx.settings);
    case 'mutate':
      return mutateScript(plan, ctx);
    case 'call':
      return callScript(plan, ctx);
  }
}

/** The request settings statement (search_path, role, claims, headers, cookies, app settings, `extra` settings). */
export function requestSettings(req: ApiRequest, auth: AuthResult, config: AppConfig, extra: readonly (readonly [string, string])[]): Statement {
  return txSettingsStatement({
    schema: req.schema,
    extraSearchPath: config.dbExtraSearchPath,
    role: auth.role,
    claims: auth.claims,
    method: req.method,
    path: req.path,
    headers: req.headers,
    cookies: req.cookies,
    appSettings: config.appSettings,
    extra,
    timezone: req.preferences.timezone,
  });
}
