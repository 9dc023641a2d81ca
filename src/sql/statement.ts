// Plan → the request's transaction script: the access mode and isolation level, the request settings (with
// the impersonated role's own settings), the db-pre-request call, then the statements of the plan's kind (read,
// mutation, call). Dispatch and the parts common to every kind; each kind compiles in its own module. No I/O.
import type { AuthResult } from '../auth/authenticate.js';
import type { AppConfig, QualifiedName } from '../config/types.js';
import type { Statement, TxScript } from '../db/execute.js';
import type { Plan } from '../plan/types.js';
import type { ApiRequest } from '../request/api-request.js';
import type { IsolationLevel, SchemaCache } from '../schema-cache/types.js';
import { callScript } from './call-statement.js';
import { quoteIdent } from './fragment.js';
import { mutateScript } from './mutate-statement.js';
import { readScript } from './read-statement.js';
import { txSettingsStatement } from './tx-settings.js';

/** What every script builder may need besides its plan. */
export interface ScriptContext {
  readonly req: ApiRequest;
  /** The request's auth result, with the impersonated role's settings filled in. */
  readonly auth: AuthResult;
  readonly config: AppConfig;
  /** The default request settings statement (no extra settings). */
  readonly settings: Statement;
  /**
   * The response settings are read even where nothing of the user's runs in the plan's statements: something besides
   * them may have set the settings (the session began with them set, or db-pre-request runs first), or pg_catalog is
   * named in db-extra-search-path, which puts the exposed schema before it, so that the user's functions, operators
   * and types may stand in for the built-in ones the statements name without a schema.
   */
  readonly alwaysReadResponseSettings: boolean;
}

/**
 * Everything the transaction sends for this plan. `cache` supplies the impersonated role's `ALTER ROLE ... SET`
 * settings and default isolation level; without it none are applied. `compiledMain`: the main statement already
 * compiled for this request (by the shape cache).
 */
export function buildStatement(plan: Plan, req: ApiRequest, auth: AuthResult, config: AppConfig, cache: SchemaCache, compiledMain?: Statement): TxScript {
  const roleAuth = withRoleSettings(auth, cache);
  const readOnly = plan.kind === 'read' || (plan.kind === 'call' && plan.readOnly);
  const ctx: ScriptContext = {
    req,
    auth: roleAuth,
    config,
    settings: requestSettings(req, roleAuth, config, [], readOnly),
    alwaysReadResponseSettings:
      cache.responseSettingsPreset === true || Boolean(config.dbPreRequest) || config.dbExtraSearchPath.includes('pg_catalog'),
  };
  let script: TxScript;
  switch (plan.kind) {
    case 'read':
      script = readScript(plan, ctx, compiledMain);
      break;
    case 'mutate':
      script = mutateScript(plan, ctx, compiledMain);
      break;
    case 'call':
      script = callScript(plan, ctx, compiledMain);
      break;
  }
  // A function's own isolation level wins over the role's.
  return withRequestHooks(script, auth, config, cache, plan.kind === 'call' ? plan.routine.isolationLevel : null);
}

/** `auth` with the impersonated role's own settings from the schema cache, which requestSettings then applies. */
export function withRoleSettings(auth: AuthResult, cache: SchemaCache | undefined): AuthResult {
  const settings = cache?.roleSettings?.get(auth.role)?.settings;
  return settings && settings.length > 0 ? { ...auth, roleSettings: settings } : auth;
}

/**
 * Completes a script whose before[0] is the request settings: the transaction gets a function's own isolation level
 * (`ownIsolation`), else the impersonated role's default_transaction_isolation, else READ COMMITTED named explicitly
 * when the session's default is another level (as PostgREST always begins at READ COMMITTED); db-pre-request runs as
 * before[1].
 */
export function withRequestHooks(
  script: TxScript,
  auth: AuthResult,
  config: AppConfig,
  cache: SchemaCache | undefined,
  ownIsolation: IsolationLevel | null = null,
): TxScript {
  const level = ownIsolation ?? cache?.roleSettings?.get(auth.role)?.isolationLevel ?? 'read committed';
  // Read committed needs naming only when the session's default differs.
  const isolation = level === 'read committed' && (cache?.defaultIsolation ?? 'read committed') === 'read committed' ? undefined : level;
  const preRequest = config.dbPreRequest;
  if (!preRequest && isolation === script.isolation) return script;
  const before = preRequest ? withPreRequest(script.before, preRequest) : script.before;
  return { ...script, isolation, before };
}

/**
 * The request settings statement (search_path, the role's own settings from `auth.roleSettings`, role, claims,
 * method, path, headers, cookies, timezone, `extra` = hoisted function settings, app settings), which also makes a
 * `readOnly` transaction read-only.
 */
export function requestSettings(
  req: ApiRequest,
  auth: AuthResult,
  config: AppConfig,
  extra: readonly (readonly [string, string])[],
  readOnly: boolean,
): Statement {
  return txSettingsStatement({
    schema: req.schema,
    extraSearchPath: config.dbExtraSearchPath,
    roleSettings: auth.roleSettings,
    role: auth.role,
    claimsJson: auth.claimsJson,
    method: req.method,
    path: req.path,
    headers: req.headers,
    cookies: req.cookies,
    appSettings: config.appSettings,
    extra,
    timezone: req.preferences.timezone,
    readOnly,
  });
}

/** Makes deferred constraints fire within the statement: a transaction that ends in ROLLBACK still reports them. */
export const CONSTRAINTS_IMMEDIATE: Statement = { text: 'SET CONSTRAINTS ALL IMMEDIATE', values: [], prepare: false };

/** `SELECT schema.fn()`: the db-pre-request call; an unqualified name resolves through the request's search_path. */
export function preRequestStatement(fn: QualifiedName): Statement {
  const name = fn.schema === '' ? quoteIdent(fn.name) : `${quoteIdent(fn.schema)}.${quoteIdent(fn.name)}`;
  return { text: `SELECT ${name}()`, values: [], prepare: true, resultUnused: true };
}

// The settings statement is always before[0]; the pre-request call runs right after it, before anything else.
function withPreRequest(before: readonly Statement[], fn: QualifiedName): Statement[] {
  const [settings, ...rest] = before;
  return settings === undefined ? [preRequestStatement(fn)] : [settings, preRequestStatement(fn), ...rest];
}

