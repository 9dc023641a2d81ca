// Renders a string the way Haskell's `show` does, so texts PostgREST builds with `show` (the
// WWW-Authenticate error_description, dumped role-claim keys) come out byte-identical. Pure; no I/O.

// Names Haskell uses for control characters 0x00–0x1F when no short escape exists.
const ASCII_NAMES: readonly string[] = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

/** Quotes `text` with Haskell `show` escaping: `\"`, `\\`, `\n`, `\DEL`, decimal escapes above 0x7F, `\&` where needed. */
export function showText(text: string): string {
  let out = '"';
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const code = ch.codePointAt(0)!;
    const next = chars[i + 1];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code === 0x7f) out += '\\DEL';
    else if (code > 0x7f) {
      out += `\\${code}`;
      // A digit right after a numeric escape would be read as part of it.
      if (next !== undefined && next >= '0' && next <= '9') out += '\\&';
    } else {
      out += `\\${ASCII_NAMES[code]!}`;
      // "\SO" followed by "H" would read as "\SOH".
      if (code === 0x0e && next === 'H') out += '\\&';
    }
  }
  return out + '"';
}
