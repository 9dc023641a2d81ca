// Splits a raw query string into decoded key/value pairs and renders PostgREST's canonical form, byte-exact
// with http-types' parseQuery and HTTP's urlEncodeVars. Knows nothing of the grammar of the values.

import { compareCodePoints } from '../text/compare.js';
import { readHaskellInteger as readHaskellBigInt } from '../text/haskell-integer.js';
import { hexDigitValue } from '../text/hex.js';

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
      const hi = hexDigitValue(piece.charCodeAt(i + 1));
      const lo = hexDigitValue(piece.charCodeAt(i + 2));
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

/** One percent-encoded component decoded as `splitQueryString` decodes it, or undefined when it holds non-ASCII bytes. */
export function decodeAsciiComponent(raw: string): string | undefined {
  const d = urlDecode(raw, 0, raw.length);
  return d.bytes === null && !/[^\x00-\x7f]/.test(d.text) ? d.text : undefined;
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
      const hi = hexDigitValue(src[i + 1]!);
      const lo = hexDigitValue(src[i + 2]!);
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

/** `urlEncode` of text that was not decoded from bytes (as a masked ASCII value of a cached query shape). */
export const urlEncodeText = (text: string): string => urlEncode(text, null);

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

/**
 * Haskell's `readMaybe :: String -> Maybe Integer`, which PostgREST applies to limit/offset (the rule is
 * text/haskell-integer.ts's); null when unreadable. Values beyond 2^53 lose precision.
 */
export function readHaskellInteger(s: string): number | null {
  const n = readHaskellBigInt(s);
  return n === undefined ? null : Number(n);
}
