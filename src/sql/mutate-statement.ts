// The statements of a write: one CTE statement (insert/update/delete ... RETURNING, then the representation). No I/O.
import type { TxScript } from '../db/execute.js';
import type { ScriptContext } from './statement.js';
import type { MutatePlan } from '../plan/mutate-types.js';

/** The transaction of a write. */
export function mutateScript(_plan: MutatePlan, _ctx: ScriptContext): TxScript {
  throw new Error('TODO(issue 5): writes');
}
