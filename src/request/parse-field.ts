// Grammar shared by select, filters, order and logic: identifiers, quoted names, JSON paths, embed paths.
// Mirrors PostgREST's QueryParams.hs productions so Parsec-style errors line up; builds plain AST values only.

import {
  alt,
  alts,
  andThen,
  anyChar,
  attempt,
  char,
  digit,
  eof,
  fmap,
  label,
  left,
  letter,
  lookAhead,
  many1,
  manyA,
  map2,
  noneOf,
  notFollowedBy,
  oneOf,
  option,
  type Parser,
  sepBy1,
  string,
} from './parser-core.js';
import { haskellStrip } from '../text/haskell-space.js';
import type { EmbedPath, Field, JsonOperation, JsonPath } from './query-types.js';

/** `ws`: spaces and tabs. */
export const ws: Parser<string[]> = manyA(oneOf(' \t'));

/** `lexeme p = ws *> p <* ws`. */
export const lexeme = <A>(p: Parser<A>): Parser<A> => left(andThen(ws, p), ws);

/** `pDelimiter`: the `.` between parts. */
export const pDelimiter: Parser<string> = label(char('.'), 'delimiter (.)');

/** `"..."` with `\x` escapes (any escaped character stands for itself). */
export const pQuotedValue: Parser<string> = fmap(
  left(andThen(char('"'), manyA(alt(noneOf('\\"'), andThen(char('\\'), anyChar)))), char('"')),
  (cs) => cs.join(''),
);

const pIdentifierChar: Parser<string> = alts(letter, digit, oneOf('_ $'));

/** Letters, digits, `_`, ` `, `$`; surrounding spaces trimmed. */
export const pIdentifier: Parser<string> = fmap(many1(pIdentifierChar), (cs) => haskellStrip(cs.join('')));

// a dash is part of a name unless it starts an arrow
const dash: Parser<string> = fmap(attempt(andThen(char('-'), notFollowedBy(char('>')))), () => '-');

const sepByDash = (ident: Parser<string>): Parser<string> => fmap(sepBy1(ident, dash), (parts) => parts.join('-'));

/** A column, relation or alias name: quoted, or identifier chars joined by dashes. */
export const pFieldName: Parser<string> = label(alt(pQuotedValue, sepByDash(pIdentifier)), 'field name (* or [a..z0..9_$])');

const pJsonKeyIdentifier: Parser<string> = fmap(many1(noneOf('(-:.,>)')), (cs) => haskellStrip(cs.join('')));

const pJsonKeyName: Parser<string> = label(
  alt(pQuotedValue, sepByDash(pJsonKeyIdentifier)),
  'any non reserved character different from: .,>()',
);

const pJsonArrow: Parser<'->' | '->>'> = alt(
  attempt(fmap(string('->>'), () => '->>' as const)),
  attempt(fmap(string('->'), () => '->' as const)),
);

const peek = (s: string): Parser<null> => attempt(fmap(lookAhead(string(s)), () => null));

const pIndexEnd: Parser<null> = alts(peek('->'), peek('::'), peek('.'), peek(','), attempt(eof));

const pJsonIndex: Parser<string> = left(
  map2(option('+', char('-')), many1(digit), (sign, ds) => sign + ds.join('')),
  pIndexEnd,
);

type Operand = { readonly kind: 'key' | 'index'; readonly value: string };

const pJsonOperand: Parser<Operand> = alt(
  attempt(fmap(pJsonIndex, (value): Operand => ({ kind: 'index', value }))),
  attempt(fmap(pJsonKeyName, (value): Operand => ({ kind: 'key', value }))),
);

const pJsonOperation: Parser<JsonOperation> = map2(pJsonArrow, pJsonOperand, (arrow, o) => ({
  kind: o.kind,
  arrow,
  value: o.value,
}));

/** Zero or more `->`/`->>` steps. */
export const pJsonPath: Parser<JsonPath> = manyA(pJsonOperation);

/** `name[->path]`, with surrounding spaces. */
export const pField: Parser<Field> = lexeme(map2(pFieldName, option<JsonPath>([], pJsonPath), (name, jsonPath) => ({ name, jsonPath })));

/** `:` not followed by another `:` (which would be a cast). */
export const aliasSeparator: Parser<null> = andThen(char(':'), notFollowedBy(char(':')));

/** A parameter key: `embed.path.column[->json]` (trailing input ignored, as in PostgREST). */
export const pTreePath: Parser<{ readonly embedPath: EmbedPath; readonly field: Field }> = map2(
  sepBy1(pFieldName, pDelimiter),
  option<JsonPath>([], pJsonPath),
  (names, jsonPath) => ({ embedPath: names.slice(0, -1), field: { name: names[names.length - 1]!, jsonPath } }),
);

/** `columns=` / `on_conflict=`: names separated by commas. */
export const pColumns: Parser<string[]> = sepBy1(pFieldName, lexeme(char(',')));
