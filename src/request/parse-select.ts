// Grammar of `select=`: columns, `*`, aliases, casts, JSON paths, aggregates, embeds `rel!hint!inner(...)` and
// spreads `...rel(...)`, nested to any depth. Produces SelectItem trees only; relation names are not resolved here.

import { fastParseSelect } from './parse-select-fast.js';
import { aliasSeparator, lexeme, pField, pFieldName, pIdentifier } from './parse-field.js';
import {
  alts,
  andThen,
  attempt,
  between,
  bind,
  char,
  choice,
  eof,
  fmap,
  guard,
  lazy,
  left,
  lookAhead,
  map2,
  optionMaybe,
  type Parser,
  pure,
  runParser,
  sepBy,
  string,
} from './parser-core.js';
import type { AggregateFunction, JoinType, SelectField, SelectItem } from './query-types.js';

type EmbedParam = { readonly kind: 'join'; readonly joinType: JoinType } | { readonly kind: 'hint'; readonly hint: string };

/** An embed or spread before its `(children)`. */
export type SelectHead =
  | { readonly kind: 'relation'; readonly name: string; readonly alias: string | null; readonly hint: string | null; readonly joinType: JoinType | null }
  | { readonly kind: 'spread'; readonly name: string; readonly hint: string | null; readonly joinType: JoinType | null };

const pEmbedParam: Parser<EmbedParam> = andThen(
  char('!'),
  alts<EmbedParam>(
    attempt(fmap(string('left'), () => ({ kind: 'join', joinType: 'left' }))),
    attempt(fmap(string('inner'), () => ({ kind: 'join', joinType: 'inner' }))),
    attempt(fmap(pFieldName, (hint) => ({ kind: 'hint', hint }))),
  ),
);

const hintOf = (p: EmbedParam | null): string | null => (p?.kind === 'hint' ? p.hint : null);
const joinOf = (p: EmbedParam | null): JoinType | null => (p?.kind === 'join' ? p.joinType : null);

// `!hint` and `!inner`/`!left` in either order; for each, the first one given wins
const pEmbedParams: Parser<{ readonly hint: string | null; readonly joinType: JoinType | null }> = map2(
  optionMaybe(pEmbedParam),
  optionMaybe(pEmbedParam),
  (p1, p2) => ({ hint: hintOf(p1) ?? hintOf(p2), joinType: joinOf(p1) ?? joinOf(p2) }),
);

const pOpenParen: Parser<null> = attempt(fmap(lookAhead(string('(')), () => null));

const pAlias: Parser<string | null> = optionMaybe(attempt(left(pFieldName, aliasSeparator)));

/** `alias:rel!hint!inner` followed by `(` (not consumed). */
export const pRelationSelect: Parser<SelectHead> = lexeme(
  bind(pAlias, (alias) =>
    bind(pFieldName, (name) =>
      andThen(
        guard(name !== 'count'),
        bind(pEmbedParams, ({ hint, joinType }) =>
          andThen(pOpenParen, pure<SelectHead>({ kind: 'relation', name, alias, hint, joinType })),
        ),
      ),
    ),
  ),
);

/** `...rel!hint!inner` followed by `(` (not consumed). */
export const pSpreadRelationSelect: Parser<SelectHead> = lexeme(
  bind(andThen(string('...'), pFieldName), (name) =>
    bind(pEmbedParams, ({ hint, joinType }) => andThen(pOpenParen, pure<SelectHead>({ kind: 'spread', name, hint, joinType }))),
  ),
);

const peek = (s: string): Parser<null> => attempt(fmap(lookAhead(string(s)), () => null));

const pEnd: Parser<null> = alts(peek(')'), peek(','), attempt(eof));

const pAggregation: Parser<AggregateFunction> = choice<AggregateFunction>([
  fmap(string('sum'), () => 'sum'),
  fmap(string('avg'), () => 'avg'),
  fmap(string('count'), () => 'count'),
  fmap(attempt(string('max')), () => 'max'),
  fmap(attempt(string('min')), () => 'min'),
]);

const pCast: Parser<string | null> = optionMaybe(andThen(string('::'), pIdentifier));

const STAR: SelectItem = { kind: 'star' };

const field = (
  name: string,
  rest: Omit<SelectField, 'kind' | 'field'>,
  jsonPath: SelectField['field']['jsonPath'] = [],
): SelectItem => ({ kind: 'field', field: { name, jsonPath }, ...rest });

/** `*`, `count()` or `alias:field::cast.agg()::cast`, ending before `)`, `,` or the end. */
export const pFieldSelect: Parser<SelectItem> = lexeme(
  alts(
    attempt(andThen(string('*'), andThen(pEnd, pure(STAR)))),
    attempt(
      bind(pAlias, (alias) =>
        andThen(
          string('count()'),
          bind(pCast, (aggregateCast) =>
            andThen(pEnd, pure(field('*', { alias, cast: null, aggregate: 'count', aggregateCast }))),
          ),
        ),
      ),
    ),
    bind(pAlias, (alias) =>
      bind(pField, (fld) =>
        bind(pCast, (cast) =>
          bind(optionMaybe(attempt(left(andThen(char('.'), pAggregation), string('()')))), (aggregate) =>
            bind(pCast, (aggregateCast) =>
              andThen(pEnd, pure(field(fld.name, { alias, cast, aggregate, aggregateCast }, fld.jsonPath))),
            ),
          ),
        ),
      ),
    ),
  ),
);

const withChildren = (head: SelectHead, children: SelectItem[]): SelectItem => ({ ...head, children });

const pChildren: Parser<SelectItem[]> = lazy(() => between(char('('), char(')'), pFieldForest));

const pFieldTree: Parser<SelectItem> = alts(
  map2(attempt(pSpreadRelationSelect), pChildren, withChildren),
  map2(attempt(pRelationSelect), pChildren, withChildren),
  map2(pFieldSelect, pure(null), (item) => item),
);

/** The whole `select` value: items separated by commas (an empty value gives no items). */
export const pFieldForest: Parser<SelectItem[]> = sepBy(pFieldTree, lexeme(char(',')));

/** Parses a `select=` value or throws PGRST100 as PostgREST words it. */
export function parseSelect(value: string): SelectItem[] {
  return fastParseSelect(value) ?? runParser(pFieldForest, `failed to parse select parameter (${value})`, value);
}

