// A tiny parser-combinator engine with Parsec 3.1 semantics (consumed/empty replies, error merging, labels),
// so PGRST100 messages match PostgREST's byte for byte. It knows no query grammar; bad input only ever yields
// a PGRST100 ApiError.

import { ApiError } from '../errors/api-error.js';
import { haskellShowChar, haskellShowString, renderErrorDetails, renderErrorPosition } from './parser-errors.js';

/** Parsec message kinds, in the order Parsec sorts them for display. */
export const SYS_UNEXPECT = 0;
export const UNEXPECT = 1;
export const EXPECT = 2;

/** One error message; `kind` is SYS_UNEXPECT, UNEXPECT or EXPECT. */
export interface Message {
  readonly kind: number;
  readonly text: string;
}

/** A parse error at a code-point offset; no messages means "unknown parse error". */
export interface ParseError {
  readonly pos: number;
  readonly msgs: readonly Message[];
}

/** The input as code points, because Parsec counts columns per Unicode character. */
export interface Input {
  readonly chars: readonly string[];
}

export interface Ok<T> {
  readonly ok: true;
  readonly consumed: boolean;
  readonly value: T;
  readonly pos: number;
  readonly err: ParseError;
}

export interface Fail {
  readonly ok: false;
  readonly consumed: boolean;
  readonly err: ParseError;
}

export type Reply<T> = Ok<T> | Fail;

/** A parser: input and offset in, Parsec reply out. */
export type Parser<T> = (input: Input, pos: number) => Reply<T>;

// While `tracking` is off, errors are not built at all: replies' ok/consumed never depend on errors, so a
// first run without them gives the same result, and only a failed parse is rerun to render its message.
let tracking = false;
const NO_ERROR: ParseError = { pos: 0, msgs: [] };

const unknownError = (pos: number): ParseError => (tracking ? { pos, msgs: [] } : NO_ERROR);

const isUnknown = (e: ParseError): boolean => e.msgs.length === 0;

function mergeError(e1: ParseError, e2: ParseError): ParseError {
  if (!tracking) return NO_ERROR;
  if (e2.msgs.length === 0 && e1.msgs.length !== 0) return e1;
  if (e1.msgs.length === 0 && e2.msgs.length !== 0) return e2;
  if (e1.pos === e2.pos) return { pos: e1.pos, msgs: [...e1.msgs, ...e2.msgs] };
  return e1.pos > e2.pos ? e1 : e2;
}

const ok = <T>(consumed: boolean, value: T, pos: number, err: ParseError): Ok<T> => ({
  ok: true,
  consumed,
  value,
  pos,
  err,
});

const fail = (consumed: boolean, err: ParseError): Fail => ({ ok: false, consumed, err });

/** Combines the reply of a successful first parser with the reply of what follows (Parsec's bind). */
function sequel<T>(r1: Ok<unknown>, r2: Reply<T>): Reply<T> {
  if (isUnknown(r1.err) || r2.consumed) {
    if (r1.consumed && !r2.consumed) return r2.ok ? ok(true, r2.value, r2.pos, r2.err) : fail(true, r2.err);
    return r2;
  }
  const e = mergeError(r1.err, r2.err);
  return r2.ok ? ok(r1.consumed, r2.value, r2.pos, e) : fail(r1.consumed, e);
}

/** `return x`: succeeds without consuming. */
export const pure =
  <T>(value: T): Parser<T> =>
  (_input, pos) =>
    ok(false, value, pos, unknownError(pos));

/** `mzero`: fails without consuming and without a message. */
export const zero: Parser<never> = (_input, pos) => fail(false, unknownError(pos));

/** `m >>= k`. */
export const bind =
  <A, B>(m: Parser<A>, k: (a: A) => Parser<B>): Parser<B> =>
  (input, pos) => {
    const r1 = m(input, pos);
    if (!r1.ok) return r1;
    return sequel(r1, k(r1.value)(input, r1.pos));
  };

/** `do { a <- p; b <- q; return (f a b) }`, also `f <$> p <*> q`. */
export const map2 =
  <A, B, C>(p: Parser<A>, q: Parser<B>, f: (a: A, b: B) => C): Parser<C> =>
  (input, pos) => {
    const r1 = p(input, pos);
    if (!r1.ok) return r1;
    const r2 = q(input, r1.pos);
    // the trailing `return` turns an unknown error into one at the current position
    const r2r: Reply<C> = r2.ok
      ? ok(r2.consumed, f(r1.value, r2.value), r2.pos, isUnknown(r2.err) ? unknownError(r2.pos) : r2.err)
      : r2;
    return sequel(r1, r2r);
  };

/** `p *> q` / `p >> q`. */
export const andThen =
  <B>(p: Parser<unknown>, q: Parser<B>): Parser<B> =>
  (input, pos) => {
    const r1 = p(input, pos);
    if (!r1.ok) return r1;
    return sequel(r1, q(input, r1.pos));
  };

/** `p <* q`. */
export const left = <A>(p: Parser<A>, q: Parser<unknown>): Parser<A> => map2(p, q, (a) => a);

/** `f <$> p`, also `p $> x`. */
export const fmap =
  <A, B>(p: Parser<A>, f: (a: A) => B): Parser<B> =>
  (input, pos) => {
    const r = p(input, pos);
    return r.ok ? ok(r.consumed, f(r.value), r.pos, r.err) : r;
  };

/** `liftM f p` (a bind followed by `return`). */
export const liftM = <A, B>(p: Parser<A>, f: (a: A) => B): Parser<B> => map2(p, pure(null), (a) => f(a));

/** `p <|> q`: q runs only when p failed without consuming. */
export const alt =
  <A>(p: Parser<A>, q: Parser<A>): Parser<A> =>
  (input, pos) => {
    const r1 = p(input, pos);
    if (r1.ok || r1.consumed) return r1;
    const r2 = q(input, pos);
    if (r2.consumed) return r2;
    const e = mergeError(r1.err, r2.err);
    return r2.ok ? ok(false, r2.value, r2.pos, e) : fail(false, e);
  };

/** `p1 <|> p2 <|> … <|> pn` (right-nested, as `<|>` is infixr). */
export const alts = <A>(...ps: readonly Parser<A>[]): Parser<A> =>
  ps.slice(0, -1).reduceRight<Parser<A>>((acc, p) => alt(p, acc), ps[ps.length - 1]!);

/** `foldr (<|>) mzero ps`. */
export const choice = <A>(ps: readonly Parser<A>[]): Parser<A> =>
  ps.reduceRight<Parser<A>>((acc, p) => alt(p, acc), zero);

function setExpect(err: ParseError, text: string): ParseError {
  if (!tracking) return NO_ERROR;
  return { pos: err.pos, msgs: [{ kind: EXPECT, text }, ...err.msgs.filter((m) => m.kind !== EXPECT)] };
}

/** `p <?> msg`: replaces the expectations of an empty reply. */
export const label =
  <A>(p: Parser<A>, text: string): Parser<A> =>
  (input, pos) => {
    const r = p(input, pos);
    if (r.consumed) return r;
    if (r.ok) return isUnknown(r.err) ? r : ok(false, r.value, r.pos, setExpect(r.err, text));
    return fail(false, setExpect(r.err, text));
  };

/** `try p`: a consumed failure becomes an empty one (the error keeps its position). */
export const attempt =
  <A>(p: Parser<A>): Parser<A> =>
  (input, pos) => {
    const r = p(input, pos);
    return !r.ok && r.consumed ? fail(false, r.err) : r;
  };

/** `lookAhead p`: succeeds without consuming; a consumed failure stays consumed. */
export const lookAhead =
  <A>(p: Parser<A>): Parser<A> =>
  (input, pos) => {
    const r = p(input, pos);
    return r.ok ? ok(false, r.value, pos, unknownError(pos)) : r;
  };

const sysUnexpect = (c: string, pos: number): ParseError =>
  tracking ? { pos, msgs: [{ kind: SYS_UNEXPECT, text: c === '' ? '' : haskellShowString(c) }] } : NO_ERROR;

/** `satisfy f`. */
export const satisfy =
  (pred: (c: string) => boolean): Parser<string> =>
  (input, pos) => {
    const c = input.chars[pos];
    if (c === undefined) return fail(false, sysUnexpect('', pos));
    if (pred(c)) return ok(true, c, pos + 1, unknownError(pos + 1));
    return fail(false, sysUnexpect(c, pos));
  };

/** `char c`. */
export const char = (c: string): Parser<string> => label(satisfy((x) => x === c), haskellShowString(c));

/** `oneOf cs`. */
export const oneOf = (cs: string): Parser<string> => satisfy((x) => cs.includes(x));

/** `noneOf cs`. */
export const noneOf = (cs: string): Parser<string> => satisfy((x) => !cs.includes(x));

/** `letter`: a Unicode letter, like Haskell's `isAlpha`. */
export const letter: Parser<string> = label(
  satisfy((c) => {
    const x = c.charCodeAt(0);
    return x < 128 ? (x >= 65 && x <= 90) || (x >= 97 && x <= 122) : /^\p{L}$/u.test(c);
  }),
  'letter',
);

/** `digit`: ASCII 0-9 only, like Haskell's `isDigit`. */
export const digit: Parser<string> = label(
  satisfy((c) => c >= '0' && c <= '9' && c.length === 1),
  'digit',
);

/** `anyChar`. */
export const anyChar: Parser<string> = satisfy(() => true);

/** `string s`: errors are reported at the start of the string. */
export const string = (s: string): Parser<string> => {
  const toks = Array.from(s);
  const expect: Message = { kind: EXPECT, text: haskellShowString(s) };
  const error = (c: string, pos: number): ParseError =>
    tracking ? { pos, msgs: [expect, { kind: SYS_UNEXPECT, text: c === '' ? '' : haskellShowString(c) }] } : NO_ERROR;
  return (input, pos) => {
    for (let i = 0; i < toks.length; i++) {
      const c = input.chars[pos + i];
      if (c === undefined) return fail(i > 0, error('', pos));
      if (c !== toks[i]) return fail(i > 0, error(c, pos));
    }
    const end = pos + toks.length;
    return ok(toks.length > 0, s, end, unknownError(end));
  };
};

/** `anyToken`: consumes without moving the position (as Parsec's does). */
const anyToken: Parser<string> = (input, pos) => {
  const c = input.chars[pos];
  if (c === undefined) return fail(false, sysUnexpect('', pos));
  return ok(true, c, pos, unknownError(pos));
};

const unexpectedChar =
  (c: string): Parser<never> =>
  (_input, pos) =>
    fail(false, tracking ? { pos, msgs: [{ kind: UNEXPECT, text: haskellShowChar(c) }] } : NO_ERROR);

/** `notFollowedBy p` for a parser yielding one character. */
export const notFollowedBy = (p: Parser<string>): Parser<null> =>
  attempt(alt(bind(attempt(p), (c) => unexpectedChar(c)), pure(null)));

/** `eof`. */
export const eof: Parser<null> = label(notFollowedBy(anyToken), 'end of input');

const loopGuard = (): never => {
  throw new Error('parser-core: many applied to a parser that accepts the empty string');
};

/** Parsec's own `many` (used by sepBy1 and many1): earlier item errors are dropped. */
export const manyP =
  <A>(p: Parser<A>): Parser<A[]> =>
  (input, pos) => {
    const items: A[] = [];
    let cur = pos;
    for (;;) {
      const r = p(input, cur);
      if (!r.ok) {
        if (r.consumed) return r;
        const consumed = items.length > 0;
        // the trailing `return` of `many` moves an unknown error to the current position
        return ok(consumed, items, cur, isUnknown(r.err) ? unknownError(cur) : r.err);
      }
      if (!r.consumed) return loopGuard();
      items.push(r.value);
      cur = r.pos;
    }
  };

/** Control.Applicative's `many` (what PostgREST's grammar uses): the last item's error merges with the end's. */
export const manyA =
  <A>(p: Parser<A>): Parser<A[]> =>
  (input, pos) => {
    const items: A[] = [];
    let cur = pos;
    let lastErr: ParseError | null = null;
    for (;;) {
      const r = p(input, cur);
      if (!r.ok) {
        if (r.consumed) return r;
        const end = mergeError(r.err, unknownError(cur));
        if (lastErr === null) return ok(false, items, cur, end);
        const norm = isUnknown(end) ? unknownError(cur) : end;
        return ok(true, items, cur, isUnknown(lastErr) ? norm : mergeError(lastErr, norm));
      }
      if (!r.consumed) return loopGuard();
      items.push(r.value);
      lastErr = r.err;
      cur = r.pos;
    }
  };

/** `many1 p`. */
export const many1 = <A>(p: Parser<A>): Parser<A[]> => map2(p, manyP(p), (x, xs) => [x, ...xs]);

/** `sepBy1 p sep`. */
export const sepBy1 = <A>(p: Parser<A>, sep: Parser<unknown>): Parser<A[]> =>
  map2(p, manyP(andThen(sep, p)), (x, xs) => [x, ...xs]);

/** `sepBy p sep`. */
export const sepBy = <A>(p: Parser<A>, sep: Parser<unknown>): Parser<A[]> => alt(sepBy1(p, sep), pure([]));

/** `option x p`. */
export const option = <A>(x: A, p: Parser<A>): Parser<A> => alt(p, pure(x));

/** `optionMaybe p`, with null for Nothing. */
export const optionMaybe = <A>(p: Parser<A>): Parser<A | null> =>
  option<A | null>(
    null,
    liftM(p, (a): A | null => a),
  );

/** `between open close p`. */
export const between = <A>(open: Parser<unknown>, close: Parser<unknown>, p: Parser<A>): Parser<A> =>
  andThen(open, left(p, close));

/** `guard b`. */
export const guard = (b: boolean): Parser<null> => (b ? pure(null) : zero);

/** Defers building a recursive parser until it first runs. */
export const lazy = <A>(make: () => Parser<A>): Parser<A> => {
  let p: Parser<A> | null = null;
  return (input, pos) => {
    p ??= make();
    return p(input, pos);
  };
};

/**
 * Runs `p` on `text` like `Parsec.parse p name text` (trailing input is left alone, as in Parsec) and throws
 * PGRST100 with PostgREST's rendering: message `"<name>" (line L, column C)`, details from the message list.
 * A first pass runs without building errors; only a failing input is parsed again to word its error.
 */
export function runParser<A>(p: Parser<A>, name: string, text: string): A {
  const chars = Array.from(text);
  const run = (track: boolean): Reply<A> => {
    tracking = track;
    try {
      return p({ chars }, 0);
    } catch (e) {
      // Deeply nested input can exhaust the JS stack where Haskell's would not; it stays a client error.
      if (e instanceof RangeError) throw new ApiError(400, 'PGRST100', `"${name}"`, 'input is nested too deeply');
      throw e;
    } finally {
      tracking = false;
    }
  };
  const fast = run(false);
  if (fast.ok) return fast.value;
  const r = run(true);
  if (r.ok) throw new Error('parser-core: parse result depends on error tracking');
  // Parsec shows the source name in quotes before the position, unless it is empty
  const position = renderErrorPosition(chars, r.err.pos);
  const message = name === '' ? position : `"${name}" ${position}`;
  throw new ApiError(400, 'PGRST100', message, renderErrorDetails(r.err.msgs));
}
