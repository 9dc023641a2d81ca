// The statement that lists which relations and functions of a schema the current role may use, for the OpenAPI
// document in openapi-mode=follow-privileges (as PostgREST: owner membership, any table privilege, or any column
// privilege). Runs as the request's role, after the request settings. No I/O.
import type { Statement } from '../db/execute.js';

const TEXT = `SELECT json_build_object(
  'tables', coalesce((SELECT json_agg(c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
       AND (pg_catalog.pg_has_role(c.relowner, 'USAGE')
         OR pg_catalog.has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
         OR pg_catalog.has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))), '[]'),
  'routines', coalesce((SELECT json_agg(p.proname) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = $1 AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')), '[]'))::text AS body`;

/** `{"tables": [...], "routines": [...]}` visible to the current role in `schema`. */
export function privilegesStatement(schema: string): Statement {
  return { text: TEXT, values: [schema], prepare: true };
}
