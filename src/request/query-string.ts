// Splits a raw query string into decoded key/value pairs and renders PostgREST's canonical form, byte-exact
// with http-types' parseQuery and HTTP's urlEncodeVars. Knows nothing of the grammar of the values.

import { isHaskellSpace } from './parser-errors.js';
import { compareCodePoints } from '../text/compare.js';

/**
 * One `key[=value]` item; `value` is null when there was no `=`. The bytes are kept only when percent-decoding
 * produced non-ASCII bytes (they may not be valid UTF-8); otherwise they are the UTF-8 encoding of the text.
 */
export interface QueryPair {
  readonly key: string;
  readonly value: string | null;
  readonly keyBytes: Uint8Array | null;
  readonly valueBytes: Uint8Array | null;
}

const hexVal = (b: number): number =>
  b >= 48 && b <= 57 ? b - 48 : b >= 65 && b <= 70 ? b - 55 : b >= 97 && b <= 102 ? b - 87 : -1;

const utf8 = new TextDecoder('utf-8');

interface Decoded {
  readonly text: string;
  readonly bytes: Uint8Array | null;
}

/** `urlDecode True` on raw[start, end): `+` is a space, `%XY` a byte, a malformed `%` stays as is. */
function urlDecode(raw: string, start: number, end: number): Decoded {
  const piece = raw.slice(start, end);
  if (piece.indexOf('%') < 0) return { text: piece.indexOf('+') < 0 ? piece : piece.replaceAll('+', ' '), bytes: null };
  // ASCII in, ASCII out: stay on strings
  let text = '';
  for (let i = 0; i < piece.length; i++) {
    let b = piece.charCodeAt(i);
    if (b === 43) b = 32;
    else if (b === 37 && i + 2 < piece.length) {
      const hi = hexVal(piece.charCodeAt(i + 1));
      const lo = hexVal(piece.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        b = hi * 16 + lo;
        i += 2;
      }
    }
    if (b >= 0x80) return urlDecodeBytes(piece);
    text += String.fromCharCode(b);
  }
  return { text, bytes: null };
}

function urlDecodeBytes(piece: string): Decoded {
  const src = Buffer.from(piece, 'utf8');
  const out = new Uint8Array(src.length);
  let n = 0;
  let high = false;
  for (let i = 0; i < src.length; i++) {
    let b = src[i]!;
    if (b === 43) b = 32;
    else if (b === 37 && i + 2 < src.length) {
      const hi = hexVal(src[i + 1]!);
      const lo = hexVal(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        b = hi * 16 + lo;
        i += 2;
      }
    }
    if (b >= 0x80) high = true;
    out[n++] = b;
  }
  const bytes = out.subarray(0, n);
  return { text: utf8.decode(bytes), bytes: high ? bytes : null };
}

/**
 * `parseQueryReplacePlus True`: drops one leading `?`, splits on `&` and `;`, splits each item at its first `=`.
 * Characters of the raw string are taken as UTF-8 text; invalid UTF-8 after decoding becomes U+FFFD.
 */
export function splitQueryString(raw: string): QueryPair[] {
  let i = raw.charCodeAt(0) === 63 ? 1 : 0;
  const pairs: QueryPair[] = [];
  while (i < raw.length) {
    let end = i;
    for (let c = raw.charCodeAt(end); end < raw.length && c !== 38 && c !== 59; c = raw.charCodeAt(++end));
    let eq = i;
    while (eq < end && raw.charCodeAt(eq) !== 61) eq++;
    const hasValue = eq < end;
    const key = urlDecode(raw, i, hasValue ? eq : end);
    const value = hasValue ? urlDecode(raw, eq + 1, end) : null;
    pairs.push({ key: key.text, value: value?.text ?? null, keyBytes: key.bytes, valueBytes: value?.bytes ?? null });
    i = end + 1;
  }
  return pairs;
}

const HEX = '0123456789ABCDEF';

const escapeByte = (b: number): string => `%${HEX[b >> 4]}${HEX[b & 15]}`;

const isUnreserved = (b: number): boolean =>
  (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 45 || b === 95 || b === 46 || b === 126;

/**
 * HTTP's `urlEncode` over the bytes of a ByteString seen as Latin-1 characters: ASCII letters, digits and `-_.~`
 * stay, other ASCII is `%XX`, and a byte ≥ 0x80 is UTF-8-encoded again (so `é` becomes `%C3%83%C2%A9`).
 */
function urlEncode(text: string, bytes: Uint8Array | null): string {
  let out = '';
  let k = 0;
  for (; k < text.length && bytes === null; k++) {
    const c = text.charCodeAt(k);
    if (c >= 0x80) break;
    out += isUnreserved(c) ? text[k] : escapeByte(c);
  }
  if (bytes === null && k === text.length) return out;
  for (const b of bytes ?? Buffer.from(text.slice(k), 'utf8')) {
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else if (b < 128) out += escapeByte(b);
    else out += escapeByte(0xc0 + (b >> 6)) + escapeByte(0x80 + (b & 0x3f));
  }
  return out;
}

function compareKeys(a: QueryPair, b: QueryPair): number {
  if (a.keyBytes === null && b.keyBytes === null) return compareCodePoints(a.key, b.key);
  return Buffer.compare(a.keyBytes ?? Buffer.from(a.key, 'utf8'), b.keyBytes ?? Buffer.from(b.key, 'utf8'));
}

/** Pairs sorted by key bytes (stable), equal keys merged as `k=v1,v2`, joined with `&`; no `?`. */
export function canonicalQueryString(pairs: readonly QueryPair[]): string {
  const sorted = [...pairs].sort(compareKeys);
  let out = '';
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    out += `${out === '' ? '' : '&'}${urlEncode(first.key, first.keyBytes)}=${urlEncode(first.value ?? '', first.valueBytes)}`;
    let j = i + 1;
    for (; j < sorted.length && compareKeys(sorted[j]!, first) === 0; j++) {
      out += `,${urlEncode(sorted[j]!.value ?? '', sorted[j]!.valueBytes)}`;
    }
    i = j;
  }
  return out;
}

// Haskell lexer symbol characters: a `-` followed by one of these is not a minus sign
const isSymbolChar = (c: string | undefined): boolean => {
  if (c === undefined || ',;()[]{}`'.includes(c)) return false;
  if (/^[\p{Sm}\p{Sc}\p{Sk}\p{So}\p{Pd}]$/u.test(c)) return true;
  if (/^\p{Po}$/u.test(c)) return c !== "'" && c !== '"';
  return /^\p{Pc}$/u.test(c) && c !== '_';
};

const DIGITS: Record<number, RegExp> = { 8: /^[0-7]+/, 10: /^[0-9]+/, 16: /^[0-9a-fA-F]+/ };

/**
 * Haskell's `readMaybe :: String -> Maybe Integer`, which PostgREST applies to limit/offset: optional
 * whitespace and parentheses, a `-` sign, decimal or `0x`/`0o` literals; anything else (`1.5`, `+1`, `1e3`) is null.
 * Values beyond 2^53 lose precision.
 */
export function readHaskellInteger(s: string): number | null {
  if (/^[0-9]{1,15}$/.test(s)) return Number(s);
  const chars = Array.from(s);
  let i = 0;
  const skip = (): void => {
    while (i < chars.length && isHaskellSpace(chars[i]!)) i++;
  };
  let depth = 0;
  skip();
  while (chars[i] === '(') {
    depth++;
    i++;
    skip();
  }
  let negative = false;
  if (chars[i] === '-') {
    if (isSymbolChar(chars[i + 1])) return null;
    negative = true;
    i++;
    skip();
  }
  const rest = chars.slice(i).join('');
  let base = 10;
  let offset = 0;
  if (/^0[xX][0-9a-fA-F]/.test(rest)) [base, offset] = [16, 2];
  else if (/^0[oO][0-7]/.test(rest)) [base, offset] = [8, 2];
  const digits = DIGITS[base]!.exec(rest.slice(offset))?.[0];
  if (digits === undefined) return null;
  i += offset + digits.length;
  for (; depth > 0; depth--) {
    skip();
    if (chars[i] !== ')') return null;
    i++;
  }
  skip();
  if (i !== chars.length) return null;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : '';
  const n = Number(BigInt(prefix + digits));
  return negative && n !== 0 ? -n : n;
}
