// Haskell's `readMaybe :: String -> Maybe Integer`, which PostgREST applies to limit/offset, max-affected and
// (through the configurator) integer and boolean settings.

// Haskell's Data.Char.isSpace: \t\n\v\f\r, space, NBSP and the other Unicode space separators (Zs), as `read` skips them.
const HS_SPACE = /^[\t\n\v\f\r\p{Zs}]+|[\t\n\v\f\r\p{Zs}]+$/gu;

/**
 * Reads an integer the way Haskell's `read` does: surrounding spaces and parentheses allowed, a `-` sign (only
 * outside the parentheses' content, `-(5)` fails), decimal, `0x` hex or `0o` octal digits. Anything else (including
 * `+5`, `1.0`, `1e3`, `0b1`, non-ASCII digits) is undefined.
 */
export function readHaskellInteger(text: string): bigint | undefined {
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  let s = text.replace(HS_SPACE, '');
  while (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).replace(HS_SPACE, '');
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1).replace(HS_SPACE, '');
  }
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s) || /^[0-9]+$/.test(s)) value = BigInt(s);
  else if (/^0[oO][0-7]+$/.test(s)) value = BigInt(`0o${s.slice(2)}`);
  else return undefined;
  return negative ? -value : value;
}
