// `text/csv` request bodies → the JSON array of objects PostgREST sends to PostgreSQL, with PostgREST's quirks and messages.
// Pure and byte-exact: a header row names the fields, rows are zipped with it, `NULL` becomes null; no schema knowledge here.
import { isUtf8 } from 'node:buffer';
import { pgrst102InvalidBody } from '../errors/catalogue.js';
import type { ApiError } from '../errors/api-error.js';

/** A CSV body converted to JSON: the array text, the first row's keys (unsorted) and the number of rows. */
export interface CsvJson {
  readonly json: string;
  readonly keys: readonly string[];
  readonly rowCount: number;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Converts a CSV body the way PostgREST does (a header row, RFC 4180 quoting, blank lines skipped, rows zipped with the
 * header so longer rows are cut and shorter rows lose keys, duplicate header names keep the last value). Syntax errors
 * throw PGRST102 with the CSV parser's text ("parse error (...) at ..."); rows whose key sets differ throw PGRST102
 * "All lines must have same number of fields".
 */
export function csvToJson(body: Buffer): CsvJson {
  // The grammar only looks at ASCII bytes, so a UTF-8 body is parsed as a string; any other body is parsed one
  // character per byte (latin1) and each field is checked and decoded on its own.
  const utf8 = isUtf8(body);
  const s = body.toString(utf8 ? 'utf8' : 'latin1');
  const end = s.length;
  const fail = (pos: number, reason: string): ApiError => {
    const at = utf8 ? Buffer.byteLength(s.slice(0, pos), 'utf8') : pos;
    return pgrst102InvalidBody(`parse error (${reason}) at ${showRemaining(body, at)}`);
  };
  // A field's text in `s` units, or undefined when its bytes are not UTF-8 (then `badBytes` holds them).
  let badBytes: Buffer = body;
  const decode = (text: string): string | undefined => {
    if (utf8) return text;
    const bytes = Buffer.from(text, 'latin1');
    if (isUtf8(bytes)) return bytes.toString('utf8');
    badBytes = bytes;
    return undefined;
  };

  // The field starting at `pos` (set in `fieldText`); returns where it ends.
  let fieldText = '';
  let fieldBroken = false;
  const field = (pos: number): number => {
    fieldBroken = false;
    if (s.charCodeAt(pos) !== QUOTE) {
      let i = pos;
      while (i < end) {
        const c = s.charCodeAt(i);
        if (c === QUOTE || c === COMMA || c === LF || c === CR) break;
        i++;
      }
      fieldText = s.slice(pos, i);
      return i;
    }
    // A quoted field ends before the first byte that follows an odd run of quotes; at end of input it just stops, and
    // the last byte read is dropped as if it were the closing quote (so an unterminated field loses one byte).
    const start = pos + 1;
    let i = start;
    let afterQuote = false;
    while (i < end) {
      if (s.charCodeAt(i) === QUOTE) afterQuote = !afterQuote;
      else if (afterQuote) break;
      i++;
    }
    if (i === start) throw fail(i, 'Failed reading: trailing double quote');
    // Dropping the last byte of a multi-byte UTF-8 character leaves bytes that do not decode.
    if (utf8 && i === end && s.charCodeAt(i - 1) > 127) {
      badBytes = Buffer.from(s.slice(start), 'utf8').subarray(0, -1);
      fieldBroken = true;
    }
    const inner = s.slice(start, i - 1);
    fieldText = inner.includes('"') ? unescapeQuotes(inner, () => fail(i, 'Failed reading: insufficient input'), () => fail(i, 'Failed reading: invalid CSV escape sequence')) : inner;
    return i;
  };

  // A record (fields separated by commas, not including the line break) into `fields`; returns where it ends.
  const fields: string[] = [];
  const broken: boolean[] = [];
  const record = (pos: number): number => {
    fields.length = 0;
    broken.length = 0;
    for (;;) {
      pos = field(pos);
      fields.push(fieldText);
      broken.push(fieldBroken);
      if (s.charCodeAt(pos) !== COMMA) return pos;
      pos++;
    }
  };

  const endOfLine = (pos: number): number => {
    const c = s.charCodeAt(pos);
    if (c === LF) return pos + 1;
    if (c === CR) return s.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
    throw fail(pos, pos >= end ? 'not enough input' : 'Failed reading: satisfy');
  };

  let pos = record(0);
  pos = endOfLine(pos);
  // Header names must decode; the first one that does not fails every row wide enough to include it.
  const names: string[] = [];
  let firstBadName = fields.length;
  let badName: Buffer = body;
  for (const raw of fields) {
    const name = decode(raw);
    if (name === undefined && firstBadName === fields.length) {
      firstBadName = names.length;
      badName = badBytes;
    }
    names.push(name ?? '');
  }

  const rows: Record<string, string | null>[] = [];
  let firstWidth = -1;
  let uniform = true;
  // Rows are zipped with the header, so a row of width w has the distinct names among the first w.
  const distinctUpTo = [0];
  const seen = new Set<string>();
  for (const name of names) distinctUpTo.push(seen.add(name).size);
  const protoName = seen.has('__proto__');
  for (;;) {
    pos = record(pos);
    if (fields.length !== 1 || fields[0] !== '' || broken[0] === true) {
      const width = Math.min(fields.length, names.length);
      if (firstBadName < width) throw fail(pos, `Failed reading: conversion error: ${utf8ErrorText(badName)}`);
      // Plain objects stringify fastest; a `__proto__` name needs one without a prototype to stay an own key.
      const row: Record<string, string | null> = protoName ? Object.create(null) : {};
      for (let i = 0; i < width; i++) {
        const raw = fields[i] as string;
        // PostgREST crashes on undecodable values (an uncaught exception, HTTP 500); this reports them like names.
        const value = broken[i] ? undefined : decode(raw);
        if (value === undefined) throw fail(pos, `Failed reading: conversion error: ${utf8ErrorText(badBytes)}`);
        row[names[i] as string] = value === 'NULL' ? null : value;
      }
      rows.push(row);
      if (firstWidth < 0) firstWidth = width;
      else if (distinctUpTo[width] !== distinctUpTo[firstWidth]) uniform = false;
    }
    if (pos >= end) break;
    pos = endOfLine(pos);
  }
  if (!uniform) throw pgrst102InvalidBody('All lines must have same number of fields');
  const first = rows[0];
  if (first === undefined) return { json: '[]', keys: [], rowCount: 0 };
  return { json: JSON.stringify(rows), keys: Object.keys(first), rowCount: rows.length };
}

/** Undoes `""` escapes inside a quoted field; a quote not followed by another one is an error, as in the CSV parser. */
function unescapeQuotes(inner: string, short: () => ApiError, bad: () => ApiError): string {
  let out = '';
  let j = 0;
  for (;;) {
    const q = inner.indexOf('"', j);
    if (q < 0) return out + inner.slice(j);
    out += inner.slice(j, q);
    if (inner.length - q < 2) throw short();
    if (inner.charCodeAt(q + 1) !== QUOTE) throw bad();
    out += '"';
    j = q + 2;
  }
}

/** Index of the first byte of the first ill-formed UTF-8 sequence in `bytes`, or -1 when all of it is well-formed. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The text of the Haskell `text` library's decoding exception for `bytes`, which PostgREST shows in some messages. */
export function utf8ErrorText(bytes: Uint8Array): string {
  const at = firstInvalidUtf8(bytes);
  const byte = at < 0 ? 0 : (bytes[at] as number);
  return `Cannot decode byte '\\x${byte.toString(16)}': Data.Text.Encoding: Invalid UTF-8 stream`;
}

const ASCII_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
] as const;

/**
 * The unparsed rest of the input as the CSV parser's message shows it: up to 100 bytes as a Haskell string literal
 * (each byte one character: `\n`, `\"`, `\195`, `\DEL`, `\&` between a numeric escape and a digit), longer rests as
 * their first 100 bytes followed by " (truncated)".
 */
export function showRemaining(body: Buffer, pos: number): string {
  const end = body.length;
  // PostgREST would fail on a cut multi-byte character here (HTTP 500); this decodes it leniently instead.
  if (end - pos > 100) return `${body.toString('utf8', pos, pos + 100)} (truncated)`;
  let out = '"';
  for (let i = pos; i < end; i++) {
    const c = body[i] as number;
    const next = i + 1 < end ? (body[i + 1] as number) : QUOTE;
    if (c === QUOTE) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c > 127) out += `\\${c}${next >= 48 && next <= 57 ? '\\&' : ''}`;
    else if (c === 127) out += '\\DEL';
    else if (c >= 32) out += String.fromCharCode(c);
    else out += `\\${ASCII_NAMES[c] as string}${c === 14 && next === 72 ? '\\&' : ''}`;
  }
  return `${out}"`;
}
