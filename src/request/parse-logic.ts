// Grammar of logic trees: `[path.][not.]and|or=(f1,f2,...)` with nested `and(...)`/`or(...)`/`not.or(...)`.
// Produces LogicTree values; quoted values and `{...}` arrays keep their commas, nothing is resolved here.

import { pOpExpr } from './parse-filter.js';
import { fastParseLogicPath, fastParseLogicTree } from './parse-logic-fast.js';
import { lexeme, pDelimiter, pField, pFieldName, pQuotedValue } from './parse-field.js';
import {
  alt,
  alts,
  andThen,
  attempt,
  bind,
  char,
  fmap,
  label,
  lazy,
  left,
  manyA,
  map2,
  noneOf,
  notFollowedBy,
  type Parser,
  pure,
  runParser,
  sepBy1,
  string,
} from './parser-core.js';
import type { EmbedPath, LogicTree } from './query-types.js';

const pPgArray: Parser<string> = bind(string('{'), (a) =>
  bind(manyA(noneOf('{}')), (b) => bind(string('}'), (c) => pure(a + b.join('') + c))),
);

/** A value inside a logic tree: quoted, a `{...}` array literal, or text up to `,` or `)`. */
const pLogicSingleVal: Parser<string> = alts(
  attempt(left(pQuotedValue, notFollowedBy(noneOf(',)')))),
  attempt(pPgArray),
  fmap(manyA(noneOf(',)')), (cs) => cs.join('')),
);

const pLogicFilter: Parser<LogicTree> = map2(left(pField, pDelimiter), pOpExpr(pLogicSingleVal), (field, e) => ({
  kind: 'filter',
  filter: { field, negated: e.negated, operation: e.operation },
}));

const pNot: Parser<boolean> = label(
  alt(
    attempt(fmap(andThen(string('not'), pDelimiter), () => true)),
    pure(false),
  ),
  'negation operator (not)',
);

const pLogicOp: Parser<'and' | 'or'> = label(
  alt(
    attempt(fmap(string('and'), () => 'and' as const)),
    fmap(string('or'), () => 'or' as const),
  ),
  'logic operator (and, or)',
);

const pChildren: Parser<LogicTree[]> = lazy(() =>
  left(andThen(lexeme(char('(')), sepBy1(pLogicTree, lexeme(char(',')))), lexeme(char(')'))),
);

/** `filter` or `[not.]and|or(tree,...)`. */
export const pLogicTree: Parser<LogicTree> = alt(
  attempt(pLogicFilter),
  map2(
    map2(pNot, pLogicOp, (negated, operator) => ({ negated, operator })),
    pChildren,
    (head, children): LogicTree => ({ kind: 'expr', negated: head.negated, operator: head.operator, children }),
  ),
);

/** The key `[path.][not.]and|or` as embed path and operator text (`and`, `not.or`, …), as PostgREST reads it. */
const pLogicPath: Parser<{ readonly embedPath: EmbedPath; readonly op: string }> = fmap(
  sepBy1(pFieldName, pDelimiter),
  (path) => {
    const op = path[path.length - 1]!;
    return {
      embedPath: path.slice(0, -1).filter((p) => p !== 'not'),
      op: path.includes('not') ? `not.${op}` : op,
    };
  },
);

/** Parses a logic-tree parameter or throws PGRST100 (positions count from the operator, as in PostgREST). */
export function parseLogicParam(key: string, value: string): { readonly embedPath: EmbedPath; readonly tree: LogicTree } {
  const { embedPath, op } =
    fastParseLogicPath(key) ?? runParser(pLogicPath, `failed to parse logic path (${key})`, key);
  const text = op + value;
  const tree = fastParseLogicTree(text) ?? runParser(pLogicTree, `failed to parse logic tree (${value})`, text);
  return { embedPath, tree };
}
