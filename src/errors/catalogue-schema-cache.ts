// Schema-cache errors of the catalogue (PGRST200–205) with PostgREST's exact texts; re-exported by catalogue.ts.
// Pure: callers pass the fuzzy-search suggestion already computed; this file never searches the schema cache.
import { ApiError } from './api-error.js';

/** A fuzzy suggestion for PGRST200: a near name for the parent (when the parent has no relationships) or for the child. */
export type NoRelSuggestion = { readonly kind: 'parent'; readonly name: string } | { readonly kind: 'child'; readonly name: string };

/** PGRST200: no relationship between `parent` and `child` (optionally using the `!hint`) in `schema`. */
export function pgrst200NoRelBetween(
  parent: string,
  child: string,
  embedHint: string | undefined,
  schema: string,
  suggestion?: NoRelSuggestion,
): ApiError {
  const using = embedHint === undefined ? '' : `' using the hint '${embedHint}`;
  const details =
    `Searched for a foreign key relationship between '${parent}' and '${child}${using}' in the schema '${schema}',` +
    ' but no matches were found.';
  let hint: string | null = null;
  if (suggestion !== undefined) {
    const replaced = suggestion.kind === 'parent' ? parent : child;
    hint = `Perhaps you meant '${suggestion.name}' instead of '${replaced}'.`;
  }
  return new ApiError(400, 'PGRST200', `Could not find a relationship between '${parent}' and '${child}' in the schema cache`, details, hint);
}

/** One candidate of an ambiguous embed (PGRST201), with names as PostgREST prints them (relation names without schema). */
export type AmbiguousRelationship =
  | {
      readonly cardinality: 'many-to-one' | 'one-to-one' | 'one-to-many';
      readonly table: string;
      readonly foreignTable: string;
      readonly constraint: string;
      /** (column of `table`, column of `foreignTable`) pairs. */
      readonly columns: readonly (readonly [string, string])[];
    }
  | {
      readonly cardinality: 'many-to-many';
      readonly table: string;
      readonly foreignTable: string;
      readonly junction: {
        readonly table: string;
        readonly constraint1: string;
        readonly constraint2: string;
        /** Junction columns referencing `table`. */
        readonly sourceColumns: readonly string[];
        /** Junction columns referencing `foreignTable`. */
        readonly targetColumns: readonly string[];
      };
    };

const parenthesised = (cols: readonly string[]): string => `(${cols.join(', ')})`;

// Keys in alphabetical order, as PostgREST's JSON encoder emits them.
function describeRelationship(rel: AmbiguousRelationship): Record<string, string> {
  const embedding = `${rel.table} with ${rel.foreignTable}`;
  if (rel.cardinality === 'many-to-many') {
    const j = rel.junction;
    return {
      cardinality: 'many-to-many',
      embedding,
      relationship: `${j.table} using ${j.constraint1}${parenthesised(j.sourceColumns)} and ${j.constraint2}${parenthesised(j.targetColumns)}`,
    };
  }
  const own = rel.columns.map((c) => c[0]);
  const foreign = rel.columns.map((c) => c[1]);
  return {
    cardinality: rel.cardinality,
    embedding,
    relationship: `${rel.constraint} using ${rel.table}${parenthesised(own)} and ${rel.foreignTable}${parenthesised(foreign)}`,
  };
}

function relationshipHint(rel: AmbiguousRelationship): string {
  const target = rel.cardinality === 'many-to-many' ? rel.junction.table : rel.constraint;
  return `'${rel.foreignTable}!${target}'`;
}

/** PGRST201: more than one relationship matches; `details` is an array of candidates (status 300). */
export function pgrst201AmbiguousRelBetween(parent: string, child: string, rels: readonly AmbiguousRelationship[]): ApiError {
  return new ApiError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
    rels.map(describeRelationship),
    `Try changing '${child}' to one of the following: ${rels.map(relationshipHint).join(', ')}. Find the desired relationship in the 'details' key.`,
  );
}

/**
 * How a function call sent its arguments, as PGRST202 words it: `json` for POST with a JSON body, `text`/`xml`/`bytea`
 * for POST with text/plain, text/xml or application/octet-stream (a single unnamed parameter); `null` otherwise.
 */
export type NoRpcBody = 'json' | 'text' | 'xml' | 'bytea' | null;

/**
 * PGRST202: no function `schema.name` takes these argument keys. `suggestion` is the fuzzy match PostgREST offers:
 * a function name, or `name(a, b)` when overloads of `name` exist.
 */
export function pgrst202NoRpc(
  schema: string,
  name: string,
  argumentKeys: readonly string[],
  body: NoRpcBody,
  suggestion?: string,
): ApiError {
  const func = `${schema}.${name}`;
  const singleUnnamed = body === 'text' || body === 'xml' || body === 'bytea';
  const withParams = (text: string): string => (argumentKeys.length === 0 ? ' without parameters' : text);
  const message = `Could not find the function ${func}${singleUnnamed ? '' : withParams(parenthesised(argumentKeys))} in the schema cache`;
  const paramsDetail = ` with parameter${argumentKeys.length > 1 ? 's ' : ' '}${argumentKeys.join(', ')}`;
  let searched: string;
  switch (body) {
    case 'text':
      searched = ' with a single unnamed text parameter';
      break;
    case 'xml':
      searched = ' with a single unnamed xml parameter';
      break;
    case 'bytea':
      searched = ' with a single unnamed bytea parameter';
      break;
    case 'json':
      searched = `${withParams(paramsDetail)} or with a single unnamed json/jsonb parameter`;
      break;
    case null:
      searched = withParams(paramsDetail);
      break;
  }
  const details = `Searched for the function ${func}${searched}, but no matches were found in the schema cache.`;
  const hint = singleUnnamed || suggestion === undefined ? null : `Perhaps you meant to call the function ${schema}.${suggestion}`;
  return new ApiError(404, 'PGRST202', message, details, hint);
}

/** One overload listed by PGRST203. */
export interface RpcCandidate {
  readonly schema: string;
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly type: string }[];
}

/** PGRST203: several overloads match the call (status 300). */
export function pgrst203AmbiguousRpc(candidates: readonly RpcCandidate[]): ApiError {
  const listed = candidates
    .map((c) => `${c.schema}.${c.name}(${c.params.map((p) => `${p.name} => ${p.type}`).join(', ')})`)
    .join(', ');
  return new ApiError(
    300,
    'PGRST203',
    `Could not choose the best candidate function between: ${listed}`,
    null,
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
  );
}

/** PGRST204: a column named in `columns` (or the body) does not exist on `relation`. */
export function pgrst204ColumnNotFound(relation: string, column: string): ApiError {
  return new ApiError(400, 'PGRST204', `Could not find the '${column}' column of '${relation}' in the schema cache`);
}

/** PGRST205: no table/view `schema.table`; `suggestion` is a similar table name in the same schema (fuzzy score ≥ 0.75). */
export function pgrst205TableNotFound(schema: string, table: string, suggestion?: string): ApiError {
  const hint = suggestion === undefined ? null : `Perhaps you meant the table '${schema}.${suggestion}'`;
  return new ApiError(404, 'PGRST205', `Could not find the table '${schema}.${table}' in the schema cache`, null, hint);
}
