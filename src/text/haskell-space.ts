// Haskell's notion of white space, which PostgREST's parsers and `read` apply (trimming, error texts, integers).

/** Haskell's `Data.Char.isSpace`: ASCII whitespace, NBSP and the Unicode space separators (Zs). */
export function isHaskellSpace(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0) return true;
  return code > 0xff && /^\p{Zs}$/u.test(c);
}

/** `Data.Text.strip`: trims Haskell whitespace from both ends. */
export function haskellStrip(s: string): string {
  // common case: nothing to strip (only ASCII 9-13, 32 and chars from U+00A0 can be Haskell spaces)
  const plain = (c: number): boolean => c > 32 && c < 0xa0;
  if (s === '' || (plain(s.charCodeAt(0)) && plain(s.charCodeAt(s.length - 1)))) return s;
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && isHaskellSpace(chars[a]!)) a++;
  while (b > a && isHaskellSpace(chars[b - 1]!)) b--;
  return a === 0 && b === chars.length ? s : chars.slice(a, b).join('');
}
