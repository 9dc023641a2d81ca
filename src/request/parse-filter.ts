// Grammar of filter values `[not.]op[(modifier)].value` (all PostgREST operators) and of filter keys.
// Produces Filter values or, for GET/HEAD RPC, raw arguments; it never decides what a column is.

import { fastParseOpExpr, fastParseTreePath } from './parse-filter-fast.js';
import { lexeme, pDelimiter, pIdentifier, pQuotedValue, pTreePath } from './parse-field.js';
import {
  alt,
  alts,
  andThen,
  anyChar,
  attempt,
  between,
  bind,
  char,
  fmap,
  label,
  left,
  manyA,
  map2,
  noneOf,
  notFollowedBy,
  optionMaybe,
  type Parser,
  pure,
  runParser,
  sepBy1,
  string,
} from './parser-core.js';
import type { EmbedPath, Field, Filter, FtsOperator, IsValue, Operation, QuantOperator, SimpleOperator } from './query-types.js';

/** An operator expression: negation flag plus operation. */
export interface OpExpr {
  readonly negated: boolean;
  readonly operation: Operation;
}

const keyword = <A extends string>(s: A): Parser<A> => attempt(fmap(string(s), () => s));

const SIMPLE_OPERATORS: readonly SimpleOperator[] = ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj'];
// order matters: a longer operator is tried before its prefix
const QUANT_OPERATORS: readonly QuantOperator[] = ['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch'];
const FTS_OPERATORS: readonly FtsOperator[] = ['fts', 'plfts', 'phfts', 'wfts'];
const IS_VALUES: readonly IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown'];

const simpleOperator: Parser<SimpleOperator> = label(alts(...SIMPLE_OPERATORS.map(keyword)), 'unknown single value operator');

const quantOperator: Parser<QuantOperator> = label(alts(...QUANT_OPERATORS.map(keyword)), 'unknown single value operator');

// case-insensitive keyword, one character at a time like `traverse ciChar`
const ciString = (s: string): Parser<string> =>
  Array.from(s).reduceRight<Parser<string>>(
    (rest, c) => map2(alt(char(c), char(c.toUpperCase())), rest, (x, xs) => x + xs),
    pure(''),
  );

const pIsVal: Parser<IsValue> = label(
  alts(...IS_VALUES.map((v) => attempt(fmap(ciString(v), () => v)))),
  'isVal: (null, not_null, true, false, unknown)',
);

/** `(a,"b",c)`: items split on commas; a quoted item must end at `,` or `)`. */
export const pListVal: Parser<string[]> = left(
  andThen(lexeme(char('(')), sepBy1(listElement(), char(','))),
  lexeme(char(')')),
);

function listElement(): Parser<string> {
  return alt(
    attempt(left(pQuotedValue, notFollowedBy(noneOf(',)')))),
    fmap(manyA(noneOf(',)')), (cs) => cs.join('')),
  );
}

const prefixDot = (s: string): Parser<string> => attempt(andThen(string(s), pDelimiter));

/** `[not.]operation` with `pValue` reading the value part (the rest of the input, or a logic-tree value). */
export function pOpExpr(pValue: Parser<string>): Parser<OpExpr> {
  const pIn = fmap(andThen(prefixDot('in'), pListVal), (values): Operation => ({ kind: 'in', values }));
  const pIs = fmap(andThen(prefixDot('is'), pIsVal), (value): Operation => ({ kind: 'is', value }));
  const pIsDist = fmap(andThen(prefixDot('isdistinct'), pValue), (value): Operation => ({ kind: 'isDistinct', value }));
  const pFts = bind(alts(...FTS_OPERATORS.map(keyword)), (operator) =>
    bind(optionMaybe(attempt(between(char('('), char(')'), pIdentifier))), (language) =>
      andThen(
        pDelimiter,
        fmap(pValue, (value): Operation => ({ kind: 'fts', operator, language, value })),
      ),
    ),
  );
  const pSimpleOp = bind(simpleOperator, (operator) =>
    andThen(
      pDelimiter,
      fmap(pValue, (value): Operation => ({ kind: 'simple', operator, value })),
    ),
  );
  const pQuantifier = alt(
    attempt(fmap(string('any'), () => 'any' as const)),
    fmap(string('all'), () => 'all' as const),
  );
  const pQuantOp = bind(quantOperator, (operator) =>
    bind(optionMaybe(attempt(between(char('('), char(')'), pQuantifier))), (quantifier) =>
      andThen(
        pDelimiter,
        fmap(pValue, (value): Operation => ({ kind: 'quant', operator, quantifier, value })),
      ),
    ),
  );
  const pOperation = label(
    alts(pIn, pIs, pIsDist, attempt(pFts), attempt(pSimpleOp), attempt(pQuantOp)),
    'operator (eq, gt, ...)',
  );
  const pNot = alt(
    attempt(fmap(andThen(string('not'), pDelimiter), () => true)),
    pure(false),
  );
  return bind(pNot, (negated) => fmap(pOperation, (operation) => ({ negated, operation })));
}

/** A plain filter's value: everything after the operator. */
export const pSingleVal: Parser<string> = fmap(manyA(anyChar), (cs) => cs.join(''));

const pFilterValue = pOpExpr(pSingleVal);

/** A parameter key `embed.path.column[->json]` (trailing input ignored, as in PostgREST) or PGRST100. */
export function parseTreePath(key: string): { readonly embedPath: EmbedPath; readonly field: Field } {
  return fastParseTreePath(key) ?? runParser(pTreePath, `failed to parse tree path (${key})`, key);
}

/** What one non-reserved query parameter means. */
export type ParsedFilterParam =
  | { readonly kind: 'filter'; readonly embedPath: EmbedPath; readonly filter: Filter }
  | { readonly kind: 'rpcParam'; readonly name: string; readonly value: string };

/**
 * Parses `key=value` as a filter. For GET/HEAD RPC a value with no operator becomes an argument, but only when
 * the operator parse fails before consuming input (`not.x`, `in.x`, `is.x` still fail), as in PostgREST.
 */
export function parseFilterParam(key: string, value: string, isRpcRead: boolean): ParsedFilterParam {
  const { embedPath, field } = parseTreePath(key);
  const p: Parser<OpExpr | null> = isRpcRead ? alt<OpExpr | null>(pFilterValue, pure(null)) : pFilterValue;
  const expr = fastParseOpExpr(value) ?? runParser(p, `failed to parse filter (${value})`, value);
  if (expr === null) return { kind: 'rpcParam', name: field.name, value };
  return { kind: 'filter', embedPath, filter: { field, negated: expr.negated, operation: expr.operation } };
}
