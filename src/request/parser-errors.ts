// Renders parse errors the way Haskell's Parsec and `show` do (positions, "unexpected … expecting a, b or c",
// escaped characters), because PGRST100 bodies are compared verbatim. Pure text functions; no parsing here.

import type { Message } from './parser-core.js';
import { haskellStrip } from '../text/haskell-space.js';

const ASCII_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

/** Haskell's `showLitChar` for one code point, given the character that follows it in the output. */
function showLitChar(c: string, next: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code > 127) {
    const esc = `\\${code}`;
    return next >= '0' && next <= '9' && next.length === 1 ? `${esc}\\&` : esc;
  }
  if (code === 127) return '\\DEL';
  if (c === '\\') return '\\\\';
  if (code >= 32) return c;
  if (code === 14) return next === 'H' ? '\\SO\\&' : '\\SO';
  return `\\${ASCII_NAMES[code] ?? ''}`;
}

/** `show c` for a Haskell Char: `'x'`. */
export function haskellShowChar(c: string): string {
  return c === "'" ? "'\\''" : `'${showLitChar(c, "'")}'`;
}

/** `show s` for a Haskell String: `"x"`. */
export function haskellShowString(s: string): string {
  const chars = Array.from(s);
  let out = '"';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    out += c === '"' ? '\\"' : showLitChar(c, chars[i + 1] ?? '"');
  }
  return `${out}"`;
}

/** Parsec's `show` of a position: `(line L, column C)`, with tabs advancing to the next multiple of 8 plus 1. */
export function renderErrorPosition(chars: readonly string[], pos: number): string {
  let line = 1;
  let column = 1;
  for (let i = 0; i < pos && i < chars.length; i++) {
    const c = chars[i];
    if (c === '\n') {
      line++;
      column = 1;
    } else if (c === '\t') {
      column = column + 8 - ((column - 1) % 8);
    } else {
      column++;
    }
  }
  return `(line ${line}, column ${column})`;
}

const clean = (xs: readonly string[]): string[] => [...new Set(xs.filter((x) => x !== ''))];

function commasOr(ms: readonly string[]): string {
  if (ms.length === 0) return '';
  if (ms.length === 1) return ms[0]!;
  return `${ms.slice(0, -1).join(', ')} or ${ms[ms.length - 1]}`;
}

function showMany(pre: string, msgs: readonly Message[]): string {
  const ms = clean(msgs.map((m) => m.text));
  if (ms.length === 0) return '';
  return pre === '' ? commasOr(ms) : `${pre} ${commasOr(ms)}`;
}

/** Parsec's `showErrorMessages "or" "unknown parse error" "expecting" "unexpected" "end of input"`, on one line. */
export function renderErrorDetails(msgs: readonly Message[]): string {
  if (msgs.length === 0) return 'unknown parse error';
  const byKind = (k: number): Message[] => msgs.filter((m) => m.kind === k);
  const sys = byKind(0);
  const unexp = byKind(1);
  const expect = byKind(2);
  const other = msgs.filter((m) => m.kind > 2);
  let showSys = '';
  if (unexp.length === 0 && sys.length > 0) {
    const first = sys[0]!.text;
    showSys = first === '' ? 'unexpected end of input' : `unexpected ${first}`;
  }
  const parts = clean([showSys, showMany('unexpected', unexp), showMany('expecting', expect), showMany('', other)]);
  // PostgREST joins Parsec's lines with spaces and strips the result
  return haskellStrip(parts.join(' '));
}
