// The SQL of a function call, used as the relation the result is read from: `"s"."f"("a" := $1::int)` for query-string
// or form arguments, `json_to_record[set]` over the body for JSON/CSV arguments, or the raw body as the single unnamed
// parameter. Scalar results are wrapped in a one-column row (`pgrst_scalar`) so they read like rows. No I/O.
import type { CallPlan, DirectArg } from '../plan/call-types.js';
import type { RoutineParam } from '../schema-cache/types.js';
import { pgArrayLiteral } from './expressions.js';
import { empty, type Fragment, ident, join, keyword, param, qualified, sql } from './fragment.js';

// A type name as `regtype::text` prints it: schema-qualified or not, quoted identifiers where needed, multi-word names
// (`double precision`), array suffixes. Anything else is refused rather than spliced into the statement.
const IDENT = '(?:"(?:[^"]|"")+"|[\\p{L}_][\\p{L}\\p{N}_$]*)';
const CATALOG_TYPE = new RegExp(`^${IDENT}(?:\\.${IDENT})?(?: ${IDENT})*(?:\\[\\])*$`, 'u');

/** A parameter type from the schema cache as SQL text (PostgreSQL's own quoting, checked against a strict shape). */
export function catalogType(type: string): Fragment {
  if (!CATALOG_TYPE.test(type)) throw new Error(`unexpected type name in the schema cache: ${type}`);
  return keyword(type);
}

/** Whether the result is wrapped as `pgrst_scalar` (scalars, sets of scalars, records and void). */
export function isScalarCall(plan: CallPlan): boolean {
  return plan.returns === 'scalar' || plan.returns === 'setof-scalar' || plan.returns === 'void';
}

/** `SELECT pgrst_fn.* FROM <call>`: the rows the function returns. */
export function callSource(plan: CallPlan): Fragment {
  const fn = qualified(plan.routine.schema, plan.routine.name);
  const scalar = isScalarCall(plan);
  const call = (args: Fragment): Fragment =>
    scalar ? sql`(SELECT ${fn}(${args}) AS pgrst_scalar) AS pgrst_fn` : sql`${fn}(${args}) AS pgrst_fn`;
  const args = plan.args;
  switch (args.kind) {
    case 'none':
      return sql`SELECT pgrst_fn.* FROM ${call(empty)}`;
    case 'direct':
      return sql`SELECT pgrst_fn.* FROM ${call(join(args.args.map(directArg), ', '))}`;
    case 'positional': {
      // JSON text is bound as `json` (a JSON body's bytes are its binary form; jsonb's is not), then cast.
      const type = catalogType(args.param.type);
      const value = args.fromJson ? sql`${param(args.value)}::json::${type}` : sql`${param(args.value)}::${type}`;
      return sql`SELECT pgrst_fn.* FROM ${call(value)}`;
    }
    case 'json-body': {
      const recordFn = keyword(args.isArray ? 'json_to_recordset' : 'json_to_record');
      const columns = join(args.params.map((p) => ident(p.name)), ', ');
      const typed = join(args.params.map((p) => sql`${ident(p.name)} ${catalogType(p.typeMaxLength)}`), ', ');
      const named = join(args.params.map((p) => sql`${variadic(p)}${ident(p.name)} := pgrst_body.${ident(p.name)}`), ', ');
      return sql`SELECT pgrst_fn.* FROM (SELECT ${param(args.json)}::json AS json_data) pgrst_payload, LATERAL (SELECT ${columns} FROM ${recordFn}(pgrst_payload.json_data) AS _(${typed}) LIMIT 1) pgrst_body, LATERAL ${call(named)}`;
    }
  }
}

function variadic(p: RoutineParam): Fragment {
  return p.variadic ? keyword('VARIADIC ') : empty;
}

/** `"a" := $1::type`, or `VARIADIC "v" := $2::type` with every repeated value as an array literal. */
function directArg(arg: DirectArg): Fragment {
  const value = arg.value.kind === 'fixed' ? arg.value.value : pgArrayLiteral(arg.value.values);
  return sql`${variadic(arg.param)}${ident(arg.param.name)} := ${param(value)}::${catalogType(arg.param.typeMaxLength)}`;
}
