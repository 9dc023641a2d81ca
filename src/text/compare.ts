// String order shared by every stage: PostgREST orders Text by Unicode code point (Haskell's Ord on Text).

/** Code-point order, which is also UTF-8 byte order (and Haskell's Text order); no allocation. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // a surrogate (part of an astral code point) sorts above every BMP character
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
      return ca - cb;
    }
  }
  return a.length - b.length;
}
