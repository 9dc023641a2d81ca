// Grammar of `[path.]order=`: `col[->json][.asc|.desc][.nullsfirst|.nullslast]` and related `rel(col).desc`.
// Produces OrderTerm lists; whether `rel` is an embedded to-one resource is checked later by the planner.

import { lexeme, pDelimiter, pField, pFieldName } from './parse-field.js';
import { parseTreePath } from './parse-filter.js';
import { fastParseOrder } from './parse-filter-fast.js';
import {
  alt,
  andThen,
  attempt,
  between,
  bind,
  char,
  eof,
  fmap,
  left,
  lookAhead,
  optionMaybe,
  type Parser,
  pure,
  runParser,
  sepBy1,
  string,
} from './parser-core.js';
import type { EmbedPath, OrderDirection, OrderNulls, OrderTerm } from './query-types.js';

const dotKeyword = <A>(s: string, value: A): Parser<A> => attempt(fmap(andThen(pDelimiter, string(s)), () => value));

const pOrdDir: Parser<OrderDirection> = alt(dotKeyword('asc', 'asc' as const), dotKeyword('desc', 'desc' as const));

const pNulls: Parser<OrderNulls> = alt(dotKeyword('nullsfirst', 'first' as const), dotKeyword('nullslast', 'last' as const));

const pEnd: Parser<null> = alt(attempt(fmap(lookAhead(char(',')), () => null)), attempt(eof));

// `optionMaybe pNulls <* pEnd <|> pEnd $> Nothing`
const pNullsEnd: Parser<OrderNulls | null> = alt(
  left(optionMaybe(pNulls), pEnd),
  fmap(pEnd, () => null),
);

const pOrderTerm: Parser<OrderTerm> = bind(pField, (field) =>
  bind(optionMaybe(pOrdDir), (direction) =>
    bind(pNullsEnd, (nulls) => pure<OrderTerm>({ kind: 'field', field, direction, nulls })),
  ),
);

const pOrderRelationTerm: Parser<OrderTerm> = bind(pFieldName, (relation) =>
  bind(between(char('('), char(')'), pField), (field) =>
    bind(optionMaybe(pOrdDir), (direction) =>
      bind(pNullsEnd, (nulls) => pure<OrderTerm>({ kind: 'related', relation, field, direction, nulls })),
    ),
  ),
);

/** The `order` value: terms separated by commas. */
export const pOrder: Parser<OrderTerm[]> = sepBy1(lexeme(alt(attempt(pOrderRelationTerm), pOrderTerm)), char(','));

/** Parses an order parameter (key gives the embed path) or throws PGRST100. */
export function parseOrderParam(key: string, value: string): { readonly embedPath: EmbedPath; readonly terms: OrderTerm[] } {
  const { embedPath } = parseTreePath(key);
  const terms = fastParseOrder(value) ?? runParser(pOrder, `failed to parse order (${value})`, value);
  return { embedPath, terms };
}
