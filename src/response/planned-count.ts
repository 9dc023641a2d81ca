// Reads the row estimate of an `EXPLAIN (FORMAT JSON)` count statement (Prefer: count=planned/estimated). Pure.
import type pg from 'pg';

/** The top plan's "Plan Rows" of the EXPLAIN among `results`, if one was run. */
export function plannedCount(results: readonly pg.QueryResult[]): number | undefined {
  for (const r of results) {
    const cell = r.rows[0]?.['QUERY PLAN'];
    if (typeof cell !== 'string') continue;
    try {
      const plan = (JSON.parse(cell) as { Plan?: { 'Plan Rows'?: number } }[])[0]?.Plan?.['Plan Rows'];
      if (typeof plan === 'number') return plan;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
