// The plan of a function call through /rpc. Types only.
import type { Routine } from '../schema-cache/types.js';

/** A call of `routine`. TODO(issue 6): the full shape (arguments, result read, media type). */
export interface CallPlan {
  readonly kind: 'call';
  readonly routine: Routine;
}
