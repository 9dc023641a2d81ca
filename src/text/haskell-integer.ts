// Haskell's `readMaybe :: String -> Maybe Integer`, which PostgREST applies to limit/offset, max-affected and
// (through the configurator) integer and boolean settings.

import { haskellStrip } from './haskell-space.js';

/**
 * Reads an integer the way Haskell's `read` does: surrounding spaces and parentheses allowed, a `-` sign (only
 * outside the parentheses' content, `-(5)` fails), decimal, `0x` hex or `0o` octal digits. Anything else (including
 * `+5`, `1.0`, `1e3`, `0b1`, non-ASCII digits) is undefined.
 */
export function readHaskellInteger(text: string): bigint | undefined {
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  let s = haskellStrip(text);
  while (s.startsWith('(') && s.endsWith(')')) s = haskellStrip(s.slice(1, -1));
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = haskellStrip(s.slice(1));
  }
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s) || /^[0-9]+$/.test(s)) value = BigInt(s);
  else if (/^0[oO][0-7]+$/.test(s)) value = BigInt(`0o${s.slice(2)}`);
  else return undefined;
  return negative ? -value : value;
}
