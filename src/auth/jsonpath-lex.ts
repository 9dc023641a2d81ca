// Lexical pieces of the JSONPath grammar (RFC 9535 as PostgREST's library reads it): a backtracking
// cursor, integers, number literals, quoted names with escapes and shorthand names. No grammar rules here.

const MAX_INT = 9007199254740991;

/** A position in the query text; `furthest` remembers how far any alternative got, for error messages. */
export class Cursor {
  readonly text: string;
  pos = 0;
  furthest = 0;
  constructor(text: string) {
    this.text = text;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }
  eat(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) {
      this.furthest = Math.max(this.furthest, this.pos);
      return false;
    }
    this.pos += s.length;
    return true;
  }
  codePoint(): number | undefined {
    return this.text.codePointAt(this.pos);
  }
  spaces(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && ' \n\r\t'.includes(this.text[this.pos]!)) this.pos++;
    return this.pos > start;
  }
  /** Runs `p`; on failure (null) rewinds, so every alternative behaves like a Parsec `try`. */
  attempt<T>(p: () => T | null): T | null {
    const start = this.pos;
    const r = p();
    if (r === null) {
      this.furthest = Math.max(this.furthest, this.pos);
      this.pos = start;
    }
    return r;
  }
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9A-Fa-f]$/.test(ch);
}

// Code points RFC 9535 allows in names beyond ASCII (no surrogates).
function isNonAscii(cp: number | undefined): boolean {
  return cp !== undefined && ((cp >= 0x80 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0x10ffff));
}

function digits(c: Cursor): string {
  const start = c.pos;
  while (isDigit(c.peek())) c.pos++;
  return c.text.slice(start, c.pos);
}

/** An integer without leading zeros in the I-JSON range, or null. */
export function signedInt(c: Cursor): number | null {
  return c.attempt(() => {
    if (c.text.startsWith('-0', c.pos) || (c.peek() === '0' && isDigit(c.text[c.pos + 1]))) return null;
    const negative = c.eat('-');
    const ds = digits(c);
    if (ds === '') return null;
    const n = Number(ds);
    if (n > MAX_INT) return null;
    return negative ? -n : n;
  });
}

function exponent(c: Cursor): string | null {
  return c.attempt(() => {
    if (!c.eat('e') && !c.eat('E')) return null;
    const sign = c.eat('+') ? '+' : c.eat('-') ? '-' : '';
    const ds = digits(c);
    return ds === '' ? null : `e${sign}${ds}`;
  });
}

/** A number literal: `-0`, `1.5e3`, `-12`, `4E-2`. */
export function numberLiteral(c: Cursor): number | null {
  if (c.attempt(() => (c.eat('-0') ? true : null)) !== null) return 0;
  const fractional = c.attempt(() => {
    const whole = digits(c);
    if (whole === '' || !c.eat('.')) return null;
    const frac = digits(c);
    return frac === '' ? null : Number(`${whole}.${frac}${exponent(c) ?? ''}`);
  });
  if (fractional !== null) return fractional;
  return c.attempt(() => {
    const mantissa = signedInt(c);
    return mantissa === null ? null : Number(`${mantissa}${exponent(c) ?? ''}`);
  });
}

function hexEscape(c: Cursor): string | null {
  const hex4 = (first: RegExp, second: RegExp): number | null => {
    const s = c.text.slice(c.pos, c.pos + 4);
    if (s.length < 4 || !first.test(s[0]!) || !second.test(s[1]!) || !isHex(s[2]) || !isHex(s[3])) return null;
    c.pos += 4;
    return Number.parseInt(s, 16);
  };
  return c.attempt(() => {
    if (!c.eat('u')) return null;
    const plain = c.attempt(() => hex4(/[0-9A-Ca-cEeFf]/, /[0-9A-Fa-f]/) ?? hex4(/[Dd]/, /[0-7]/));
    if (plain !== null) return String.fromCharCode(plain);
    const high = hex4(/[Dd]/, /[89ABab]/);
    if (high === null || !c.eat('\\u')) return null;
    const low = hex4(/[Dd]/, /[C-Fc-f]/);
    return low === null ? null : String.fromCharCode(high, low);
  });
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '/': '/', '\\': '\\' };

/** A single- or double-quoted string with RFC 9535 escapes, decoded. */
export function quoted(c: Cursor): string | null {
  return c.attempt(() => {
    const quote = c.peek();
    if (quote !== "'" && quote !== '"') return null;
    c.pos++;
    let out = '';
    for (;;) {
      const cp = c.codePoint();
      if (cp === undefined) return null;
      const ch = String.fromCodePoint(cp);
      if (ch === quote) {
        c.pos++;
        return out;
      }
      if (ch === '\\') {
        c.pos++;
        const next = c.peek();
        if (next === quote) {
          c.pos++;
          out += quote;
        } else if (next !== undefined && Object.hasOwn(SIMPLE_ESCAPES, next)) {
          c.pos++;
          out += SIMPLE_ESCAPES[next]!;
        } else {
          const u = hexEscape(c);
          if (u === null) return null;
          out += u;
        }
        continue;
      }
      // Control characters and lone surrogates may not appear unescaped.
      if (cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      out += ch;
      c.pos += ch.length;
    }
  });
}

/** A member name usable after a dot (`.name`). */
export function shorthandName(c: Cursor): string | null {
  const start = c.pos;
  const first = c.codePoint();
  if (first === undefined || !(/[A-Za-z_]/.test(String.fromCodePoint(first)) || isNonAscii(first))) return null;
  for (let cp = c.codePoint(); cp !== undefined; cp = c.codePoint()) {
    const ch = String.fromCodePoint(cp);
    if (!/[A-Za-z0-9_]/.test(ch) && !isNonAscii(cp)) break;
    c.pos += ch.length;
  }
  return c.text.slice(start, c.pos);
}
