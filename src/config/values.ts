// Turns one raw setting (a file value, or the text of an env var / in-db setting) into text, an integer or
// a boolean exactly as PostgREST does, quirks included (wrong types yield "unset"; non-strings become Haskell
// `show` text). Also the quoting used when writing config text. No key-specific rules here.

import type { FileValue } from './file-syntax.js';
import { integerValue, showScientific } from './scientific.js';
import { readHaskellInteger } from '../text/haskell-integer.js';

/** One setting as found in a source: text from the environment or the database, or a typed file value. */
export type RawValue =
  | { readonly source: 'env' | 'db'; readonly text: string }
  | { readonly source: 'file'; readonly value: FileValue };

/** PostgREST's text reading: strings as they are, any other file value as Haskell's `show` prints it. */
export function coerceText(raw: RawValue): string {
  if (raw.source !== 'file') return raw.text;
  return raw.value.kind === 'string' ? raw.value.value : showFileValue(raw.value);
}

/** Our keys' text reading: like coerceText, but bare numbers and booleans keep their written form. */
export function coerceLenientText(raw: RawValue): string {
  if (raw.source === 'file' && raw.value.kind === 'number') return raw.value.text;
  if (raw.source === 'file' && raw.value.kind === 'bool') return String(raw.value.value);
  return coerceText(raw);
}

/** PostgREST's integer reading: integral file numbers and integer-looking strings; anything else is unset. */
export function coerceInt(raw: RawValue): number | undefined {
  if (raw.source !== 'file') return readHaskellInt(raw.text);
  if (raw.value.kind === 'number') return integerValue(raw.value.text);
  if (raw.value.kind === 'string') return readHaskellInt(raw.value.value);
  return undefined;
}

/**
 * PostgREST's boolean reading: file booleans; strings whose letters spell true/false in any case
 * (`"TRUE"`, `"\"true\""`); otherwise integer strings mean `> 0`. File numbers and lists are unset.
 */
export function coerceBool(raw: RawValue): boolean | undefined {
  if (raw.source === 'file') {
    if (raw.value.kind === 'bool') return raw.value.value;
    return raw.value.kind === 'string' ? boolFromText(raw.value.value) : undefined;
  }
  return boolFromText(raw.text);
}

function boolFromText(text: string): boolean | undefined {
  const letters = Array.from(text)
    .filter((c) => /\p{L}/u.test(c))
    .join('')
    .toLowerCase();
  if (letters === 'true') return true;
  if (letters === 'false') return false;
  const n = readHaskellInteger(text);
  return n === undefined ? undefined : n > 0n;
}

/** readHaskellInteger limited to safe JavaScript integers (larger values count as unset). */
export function readHaskellInt(text: string): number | undefined {
  const big = readHaskellInteger(text);
  if (big === undefined) return undefined;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** What Haskell's `show` prints for a configurator value, e.g. `Bool False`, `Number 660.0`. */
export function showFileValue(value: FileValue): string {
  switch (value.kind) {
    case 'string':
      return `String ${showHaskellString(value.value)}`;
    case 'number':
      return `Number ${showScientific(value.text)}`;
    case 'bool':
      return value.value ? 'Bool True' : 'Bool False';
    case 'list':
      return `List [${value.items.map(showFileValue).join(',')}]`;
  }
}

const CONTROL_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

/** Haskell's `show` for a string: ASCII kept, `\"` `\\`, control names, other characters as `\<decimal>`. */
export function showHaskellString(s: string): string {
  const chars = Array.from(s);
  let out = '"';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const code = c.codePointAt(0) ?? 0;
    const next = chars[i + 1] ?? '';
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (code >= 0x20 && code < 0x7f) out += c;
    else if (code < 0x20) out += `\\${CONTROL_NAMES[code]}${code === 14 && next === 'H' ? '\\&' : ''}`;
    else if (code === 0x7f) out += '\\DEL';
    else out += `\\${code}${/[0-9]/.test(next) ? '\\&' : ''}`;
  }
  return `${out}"`;
}

/** Splits a comma-separated list and trims each item (empty items are kept, as PostgREST does). */
export function splitOnCommas(text: string): string[] {
  return text.split(',').map((s) => s.trim());
}

/**
 * Quotes a string for config text so that reading it back gives the same string: `\` `"` and line breaks are
 * escaped and `$` is doubled. PostgREST escapes only `"` (and `$` in jwt-role-claim-key); values with `\`, `$`
 * or line breaks are the only ones where the outputs differ, and PostgREST's cannot be read back.
 */
export function quoteConfigString(s: string): string {
  return `"${s.replace(/[\\"$\n\r\t]/g, (c) => QUOTE_ESCAPES[c] ?? c)}"`;
}

const QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  $: '$$',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
