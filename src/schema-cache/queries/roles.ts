// Catalog query for the `ALTER ROLE ... SET` settings of the roles the connected user (the authenticator) is a
// direct member of: which ones a request may re-apply, and each role's default_transaction_isolation. No SQL for requests.

import type { IsolationLevel, RoleSettings } from '../types.js';
import { type CatalogDb, type Row, rowsOf, bool, str } from './common.js';

// One row per `name=value` entry of a granted role's database-independent settings (pg_roles.rolconfig), with
// whether a request may set it: `user` context, or (PostgreSQL 15+) SET granted on the parameter to the authenticator.
// Unknown names (custom placeholders) are not in pg_settings and so are not settable, as in PostgREST.
function rolesSql(withParameterPrivileges: boolean): string {
  const granted = withParameterPrivileges
    ? ` OR pg_catalog.has_parameter_privilege(current_user, p.name, 'SET')`
    : '';
  return `
WITH entry AS (
  SELECT r.rolname AS role, e.ord, pg_catalog.split_part(e.setting, '=', 1) AS name,
         pg_catalog.substr(e.setting, pg_catalog.strpos(e.setting, '=') + 1) AS value
  FROM pg_catalog.pg_auth_members m
  JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
  JOIN pg_catalog.pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
  CROSS JOIN LATERAL unnest(s.setconfig) WITH ORDINALITY AS e(setting, ord)
  WHERE m.member = (SELECT u.oid FROM pg_catalog.pg_roles u WHERE u.rolname = current_user)
)
SELECT entry.role, entry.name, entry.value,
       EXISTS (SELECT 1 FROM pg_catalog.pg_settings p
               WHERE p.name = entry.name AND (p.context = 'user'${granted})) AS settable
FROM entry
ORDER BY entry.role, entry.ord`;
}

const PG15 = 150000;

/** PostgREST reads an unknown isolation name as READ COMMITTED (so does PostgreSQL for READ UNCOMMITTED). */
export function isolationLevelOf(value: string): IsolationLevel {
  const v = value.toLowerCase();
  return v === 'repeatable read' || v === 'serializable' ? v : 'read committed';
}

/** Loads role → settings for the roles the connected user can switch to; `pgVersionNum` is server_version_num. */
export async function queryRoleSettings(db: CatalogDb, pgVersionNum: number): Promise<Map<string, RoleSettings>> {
  const rows = rowsOf(await db.query(rolesSql(pgVersionNum >= PG15)));
  const byRole = new Map<string, { settings: (readonly [string, string])[]; isolationLevel: IsolationLevel | null }>();
  for (const row of rows as Row[]) {
    if (!bool(row.settable)) continue;
    const role = str(row.role);
    const name = str(row.name);
    const value = str(row.value);
    let entry = byRole.get(role);
    if (entry === undefined) {
      entry = { settings: [], isolationLevel: null };
      byRole.set(role, entry);
    }
    // The isolation level goes into BEGIN; as a setting it would come too late to matter.
    if (name === 'default_transaction_isolation') entry.isolationLevel = isolationLevelOf(value);
    else entry.settings.push([name, value] as const);
  }
  return byRole;
}
