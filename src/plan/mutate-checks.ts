// The checks a write makes on the number of rows it returned (singular Accept, PUT, max-affected), shared by the SQL
// stage (which rolls back when one fails) and the response stage (which reports it). Pure.
import type { ApiError } from '../errors/api-error.js';
import { pgrst115PutMatchingPk, pgrst116Singular, pgrst124MaxAffectedViolation } from '../errors/catalogue.js';
import type { MutateChecks, MutatePlan } from './mutate-types.js';

/** Whether any check depends on the result (so the transaction's end does too). */
export function hasResultChecks(checks: MutateChecks): boolean {
  return checks.singular || checks.put || checks.maxAffected !== undefined;
}

/** The error of the first failing check for `rows` returned rows, in PostgREST's order; undefined when all pass. */
export function failedCheck(checks: MutateChecks, rows: number): ApiError | undefined {
  if (checks.put && rows !== 1) return pgrst115PutMatchingPk();
  if (checks.singular && rows !== 1) return pgrst116Singular(rows);
  if (checks.maxAffected !== undefined && rows > checks.maxAffected) return pgrst124MaxAffectedViolation(rows);
  return undefined;
}

/**
 * The rows a write wrote, from its main statement's result: the command tag's count for a write run alone
 * (MutatePlan.standalone), else the `page_total` its CTE counted.
 */
export function writtenRows(plan: Pick<MutatePlan, 'standalone'>, main: { readonly rows: readonly unknown[]; readonly rowCount: number | null }): number {
  if (plan.standalone) return main.rowCount ?? 0;
  return Number((main.rows[0] as { page_total?: string | null } | undefined)?.page_total ?? 0);
}
