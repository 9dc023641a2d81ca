// The statements of a function call: the call as the source of a read (select, filters, order, range, body). No I/O.
import type { TxScript } from '../db/execute.js';
import type { ScriptContext } from './statement.js';
import type { CallPlan } from '../plan/call-types.js';

/** The transaction of a call. */
export function callScript(_plan: CallPlan, _ctx: ScriptContext): TxScript {
  throw new Error('TODO(issue 6): functions');
}
