// The plan of a function call through /rpc: the resolved routine, how its arguments are passed, the read over its
// result and the transaction it runs in. Types only.
import type { MediaType } from '../request/media-type.js';
import type { JsonText } from '../request/payload.js';
import type { Preferences } from '../request/preferences.js';
import type { NonnegRange } from '../request/range.js';
import type { Routine, RoutineParam } from '../schema-cache/types.js';
import type { CustomHandler } from './media.js';
import type { MutateChecks } from './mutate-types.js';
import type { CountMethod, ReadPlan } from './types.js';

/**
 * What the function gives back, which decides the SQL shape and the body: scalars are wrapped into a one-column row
 * (`pgrst_scalar`) so they read like rows; single results are one JSON value, sets are JSON arrays; void is a 204.
 */
export type CallReturn = 'void' | 'scalar' | 'setof-scalar' | 'single-composite' | 'setof-composite';

/** A query-string or form argument: one text value, or every value of a repeated VARIADIC key (in order). */
export type ArgValue = { readonly kind: 'fixed'; readonly value: string } | { readonly kind: 'variadic'; readonly values: readonly string[] };

/** A named argument taken from the query string or a form body, cast to the parameter's type. */
export interface DirectArg {
  readonly param: RoutineParam;
  readonly value: ArgValue;
}

/**
 * How the arguments reach the function:
 * - `none`: no argument at all (`f()`), defaults fill the rest;
 * - `direct`: named text arguments (GET/HEAD query string, url-encoded POST), `f(a := $1::type, ...)`;
 * - `json-body`: named arguments read from the JSON (or CSV) body with `json_to_record[set]`, first row only;
 * - `positional`: the single unnamed json/jsonb/text/xml/bytea parameter receives the whole body.
 */
export type CallArgs =
  | { readonly kind: 'none' }
  | { readonly kind: 'direct'; readonly args: readonly DirectArg[] }
  | { readonly kind: 'json-body'; readonly json: JsonText; readonly isArray: boolean; readonly params: readonly RoutineParam[] }
  | {
      readonly kind: 'positional';
      readonly param: RoutineParam;
      readonly value: string | Buffer;
      /** The value is JSON text (a JSON body, or `{}` for none): bound as `json` and cast to the parameter's type. */
      readonly fromJson: boolean;
    };

/** A call of `routine` and the read of its result. */
export interface CallPlan {
  readonly kind: 'call';
  readonly routine: Routine;
  readonly args: CallArgs;
  readonly returns: CallReturn;
  /** select, filters, order and window over the result (the relation is the function's row type or a stand-in). */
  readonly read: ReadPlan;
  readonly media: MediaType;
  /** The database-defined handler building the body, when negotiation chose one (built-ins follow `media`). */
  readonly handler?: CustomHandler | undefined;
  readonly count: CountMethod | undefined;
  readonly headOnly: boolean;
  readonly maxRows: number | undefined;
  /** The requested top-level window before db-max-rows (for Content-Range and 416). */
  readonly topRange: NonnegRange;
  /** GET/HEAD, and POST to STABLE/IMMUTABLE functions, run READ ONLY. */
  readonly readOnly: boolean;
  /** The function's `SET` settings allowed by db-hoisted-tx-settings, applied as transaction settings. */
  readonly hoistedSettings: readonly (readonly [string, string])[];
  /** The checks on the rows returned (singular Accept; `max-affected` when enforced, handling=strict), as writes make them. */
  readonly checks: MutateChecks;
  readonly preferences: Preferences;
}
