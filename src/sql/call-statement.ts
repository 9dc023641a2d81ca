// The statements of a function call: the call as the source of a read (select, filters, order, range, body). No I/O.
import type { Statement, TxScript } from '../db/execute.js';
import type { CallPlan } from '../plan/call-types.js';

/** The transaction of a call. */
export function callScript(_plan: CallPlan, _settings: Statement): TxScript {
  throw new Error('TODO(issue 6): functions');
}
