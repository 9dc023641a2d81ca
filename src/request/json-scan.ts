// A validating scan of a JSON request body that builds no values. The body goes to PostgreSQL as text, so the server
// needs only to know that it is valid JSON and the key sets of its rows; JSON.parse would build every row as an object
// only to drop it, and on bulk inserts that garbage cost more than the parse (young-generation collections promoting
// half-built rows, then full collections).
//
// Valid means what JSON.parse accepts (RFC 8259) and no escape leaving a lone UTF-16 surrogate (`"\uD800"`), which
// PostgREST's JSON parser also rejects. The caller checks first that the bytes are UTF-8.

/** What a body is, for a write or a call. */
export type JsonScan =
  /** Not JSON (or a lone surrogate escape). */
  | { readonly kind: 'invalid' }
  /** An array whose elements are not all objects with the first element's key set. */
  | { readonly kind: 'keys-mismatch' }
  /** One object: its distinct keys, and its members when every value is a scalar (see ScalarMembers). */
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly scalars: ScalarMembers | undefined }
  /** A non-empty array of objects that all have `keys`. */
  | { readonly kind: 'rows'; readonly keys: readonly string[]; readonly rowCount: number }
  /** An empty array, or a string, number, boolean or null. */
  | { readonly kind: 'no-rows' };

const INVALID: JsonScan = { kind: 'invalid' };
const KEYS_MISMATCH: JsonScan = { kind: 'keys-mismatch' };
const NO_ROWS: JsonScan = { kind: 'no-rows' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

// Every read below is at an index checked against the length first: a read past the end of a typed array makes V8
// fall back to slower element access for the whole function.

function skipSpace(buf: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = buf[i] as number;
    if (c > 0x20 || !isSpace(c)) break;
    i++;
  }
  return i;
}

// 1: a quote ends the string, 2: a backslash starts an escape, 3: a control character is not allowed.
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 3;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 2;

/** The index after the string whose opening quote is at `i`, or -1. */
function stringEnd(buf: Uint8Array, i: number, n: number): number {
  i++;
  for (;;) {
    while (i < n && STRING_STOP[buf[i] as number] === 0) i++;
    if (i >= n) return -1;
    const stop = STRING_STOP[buf[i] as number];
    if (stop === 1) return i + 1;
    if (stop !== 2) return -1;
    i = escapeEnd(buf, i, n);
    if (i < 0) return -1;
  }
}

const SIMPLE_ESCAPES = new Uint8Array(128);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPES[c.charCodeAt(0)] = 1;

/** The index after the escape whose backslash is at `i`, or -1; a `\u` surrogate must be a high-low pair. */
function escapeEnd(buf: Uint8Array, i: number, n: number): number {
  if (i + 1 >= n) return -1;
  const c = buf[i + 1] as number;
  if (c < 128 && SIMPLE_ESCAPES[c] === 1) return i + 2;
  if (c !== 0x75) return -1; // u
  const unit = hex4(buf, i + 2, n);
  if (unit < 0xd800 || unit > 0xdfff) return unit < 0 ? -1 : i + 6;
  if (unit >= 0xdc00 || i + 7 >= n || buf[i + 6] !== BACKSLASH || buf[i + 7] !== 0x75) return -1;
  const low = hex4(buf, i + 8, n);
  return low >= 0xdc00 && low <= 0xdfff ? i + 12 : -1;
}

function hex4(buf: Uint8Array, i: number, n: number): number {
  if (i + 4 > n) return -1;
  let v = 0;
  for (let k = i; k < i + 4; k++) {
    const c = buf[k] as number;
    const lower = c | 0x20;
    if (isDigit(c)) v = v * 16 + c - ZERO;
    else if (lower >= 0x61 && lower <= 0x66) v = v * 16 + lower - 0x61 + 10;
    else return -1;
  }
  return v;
}

function digitsEnd(buf: Uint8Array, i: number, n: number): number {
  while (i < n && isDigit(buf[i] as number)) i++;
  return i;
}

/** The end of the number at `i`, or -1: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
function numberEnd(buf: Uint8Array, i: number, n: number): number {
  if (buf[i] === MINUS) i++;
  if (i >= n || !isDigit(buf[i] as number)) return -1;
  i = buf[i] === ZERO ? i + 1 : digitsEnd(buf, i, n);
  if (i < n && buf[i] === DOT) {
    const start = i + 1;
    i = digitsEnd(buf, start, n);
    if (i === start) return -1;
  }
  if (i < n && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < n && (buf[i] === PLUS || buf[i] === MINUS)) i++;
    const start = i;
    i = digitsEnd(buf, start, n);
    if (i === start) return -1;
  }
  return i;
}

const TRUE = Uint8Array.from(Buffer.from('true'));
const FALSE = Uint8Array.from(Buffer.from('false'));
const NULL = Uint8Array.from(Buffer.from('null'));

function literalEnd(buf: Uint8Array, i: number, n: number, word: Uint8Array): number {
  if (i + word.length > n) return -1;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word[k]) return -1;
  return i + word.length;
}

/** The end of the string, number or literal at `i` (i < n), or -1. */
function scalarEnd(buf: Uint8Array, i: number, n: number): number {
  const c = buf[i] as number;
  if (c === QUOTE) return stringEnd(buf, i, n);
  if (c === MINUS || isDigit(c)) return numberEnd(buf, i, n);
  if (c === 0x74) return literalEnd(buf, i, n, TRUE);
  if (c === 0x66) return literalEnd(buf, i, n, FALSE);
  if (c === 0x6e) return literalEnd(buf, i, n, NULL);
  return -1;
}

/**
 * The end of the value at `i` (after any space), or -1. Nested arrays and objects are walked with an explicit stack,
 * so no depth of nesting can overflow the call stack.
 */
function valueEnd(buf: Uint8Array, i: number, n: number): number {
  if (i >= n) return -1;
  let c = buf[i] as number;
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) return scalarEnd(buf, i, n);
  const inObject: boolean[] = [];
  for (;;) {
    // a value starts at i (i < n, c = buf[i])
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const object = c === OPEN_BRACE;
      i = skipSpace(buf, i + 1, n);
      if (i < n && buf[i] === (object ? CLOSE_BRACE : CLOSE_BRACKET)) i++;
      else {
        inObject.push(object);
        if (object) i = memberValueStart(buf, i, n);
        if (i < 0 || i >= n) return -1;
        c = buf[i] as number;
        continue;
      }
    } else {
      i = scalarEnd(buf, i, n);
      if (i < 0) return -1;
    }
    // after a value: close containers until one goes on with a comma
    for (;;) {
      const depth = inObject.length;
      if (depth === 0) return i;
      i = skipSpace(buf, i, n);
      if (i >= n) return -1;
      const object = inObject[depth - 1] as boolean;
      const d = buf[i] as number;
      if (d === COMMA) {
        i = skipSpace(buf, i + 1, n);
        if (object) i = memberValueStart(buf, i, n);
        if (i < 0 || i >= n) return -1;
        c = buf[i] as number;
        break;
      }
      if (d !== (object ? CLOSE_BRACE : CLOSE_BRACKET)) return -1;
      inObject.pop();
      i++;
    }
  }
}

/** Where the value of the member whose name starts at `i` starts (after the name, colon and spaces), or -1. */
function memberValueStart(buf: Uint8Array, i: number, n: number): number {
  if (i >= n || buf[i] !== QUOTE) return -1;
  i = stringEnd(buf, i, n);
  if (i < 0) return -1;
  i = skipSpace(buf, i, n);
  return i < n && buf[i] === COLON ? skipSpace(buf, i + 1, n) : -1;
}

/**
 * The member names of the first object: where each one's quotes are (in order, repeats included), their texts and
 * the set of them. A later row is compared with it byte for byte while it names the same members in the same order,
 * as clients write rows; anything else is compared as a set of texts.
 */
class FirstRow {
  readonly quotes: number[] = [];
  readonly names: string[] = [];
  readonly set = new Set<string>();
  /** For a lone object: where each member's value starts and ends (in member order), while every value is a scalar. */
  values: number[] | undefined;

  constructor(readonly bytes: Buffer) {}

  /** The name between the quotes at `start` and `end`. */
  text(buf: Uint8Array, start: number, end: number): string {
    for (let k = start + 1; k < end; k++) {
      if (buf[k] === BACKSLASH) return JSON.parse(this.bytes.toString('utf8', start, end + 1)) as string;
    }
    return this.bytes.toString('utf8', start + 1, end);
  }

  add(buf: Uint8Array, start: number, end: number): void {
    const name = this.text(buf, start, end);
    this.quotes.push(start, end);
    this.names.push(name);
    this.set.add(name);
  }

  /**
   * The index after the name at `start` when it has the same bytes as the first row's name number `k` (quotes
   * included, so it is the same valid string), else -1.
   */
  sameNameEnd(buf: Uint8Array, n: number, k: number, start: number): number {
    if (2 * k >= this.quotes.length) return -1;
    const from = this.quotes[2 * k] as number;
    const length = (this.quotes[2 * k + 1] as number) - from;
    if (start + length >= n) return -1;
    for (let j = 1; j <= length; j++) if (buf[from + j] !== buf[start + j]) return -1;
    return start + length + 1;
  }
}

/** Whether every row so far named the members of the first one (false from the first that did not). */
interface RowCheck {
  ok: boolean;
}

/**
 * Scans the object whose brace is at `i`: records its member names into `first` (the first row, or a lone object) or
 * compares them with it. Returns the index after the object, or -1.
 */
function rowEnd(buf: Uint8Array, i: number, n: number, first: FirstRow, recording: boolean, check: RowCheck): number {
  i = skipSpace(buf, i + 1, n);
  if (i < n && buf[i] === CLOSE_BRACE) {
    if (!recording && first.names.length > 0) check.ok = false;
    return i + 1;
  }
  let count = 0;
  let names: Set<string> | undefined; // this row's names, once it left the first row's order
  for (;;) {
    if (i >= n || buf[i] !== QUOTE) return -1;
    const start = i;
    // while in the first row's order, the name is compared and scanned in one pass
    i = !recording && check.ok && names === undefined ? first.sameNameEnd(buf, n, count, start) : -1;
    if (i < 0) {
      i = stringEnd(buf, start, n);
      if (i < 0) return -1;
      if (recording) first.add(buf, start, i - 1);
      else if (check.ok) {
        names ??= new Set(first.names.slice(0, count));
        const name = first.text(buf, start, i - 1);
        if (first.set.has(name)) names.add(name);
        else check.ok = false;
      }
    }
    count++;
    i = skipSpace(buf, i, n);
    if (i >= n || buf[i] !== COLON) return -1;
    i = skipSpace(buf, i + 1, n);
    if (i >= n) return -1;
    const c = buf[i] as number;
    const valueStart = i;
    // the common scalars directly, anything else through valueEnd
    i = c === QUOTE ? stringEnd(buf, i, n) : isDigit(c) ? numberEnd(buf, i, n) : valueEnd(buf, i, n);
    if (i < 0) return -1;
    if (recording && first.values !== undefined) {
      if (c === OPEN_BRACE || c === OPEN_BRACKET) first.values = undefined;
      else first.values.push(valueStart, i);
    }
    i = skipSpace(buf, i, n);
    if (i >= n) return -1;
    if (buf[i] === COMMA) i = skipSpace(buf, i + 1, n);
    else if (buf[i] === CLOSE_BRACE) break;
    else return -1;
  }
  if (!recording && check.ok) {
    // in the first row's order throughout: the same names if as many, else compared as the set of those seen
    if (names === undefined && count !== first.names.length) names = new Set(first.names.slice(0, count));
    if (names !== undefined && names.size !== first.set.size) check.ok = false;
  }
  return i + 1;
}

/** Scans a request body (UTF-8 bytes) without building its values. */
export function scanJson(body: Buffer): JsonScan {
  // A plain Uint8Array view: reading its elements is faster than reading a Buffer's.
  const buf = new Uint8Array(body.buffer, body.byteOffset, body.length);
  const n = buf.length;
  let i = skipSpace(buf, 0, n);
  if (i >= n) return INVALID;
  const first = new FirstRow(body);
  let result: JsonScan;
  if (buf[i] === OPEN_BRACE) {
    first.values = [];
    i = rowEnd(buf, i, n, first, true, { ok: true });
    result = { kind: 'object', keys: [...first.set], scalars: i < 0 ? undefined : scalarMembers(body, first) };
  } else if (buf[i] === OPEN_BRACKET) {
    i = skipSpace(buf, i + 1, n);
    if (i < n && buf[i] === CLOSE_BRACKET) {
      i++;
      result = NO_ROWS;
    } else {
      const check: RowCheck = { ok: true };
      let rows = 0;
      for (;;) {
        if (i < n && buf[i] === OPEN_BRACE) i = rowEnd(buf, i, n, first, rows === 0, check);
        else {
          check.ok = false;
          i = valueEnd(buf, i, n);
        }
        if (i < 0) return INVALID;
        rows++;
        i = skipSpace(buf, i, n);
        if (i >= n) return INVALID;
        if (buf[i] === COMMA) i = skipSpace(buf, i + 1, n);
        else if (buf[i] === CLOSE_BRACKET) {
          i++;
          break;
        } else return INVALID;
      }
      result = check.ok ? { kind: 'rows', keys: [...first.set], rowCount: rows } : KEYS_MISMATCH;
    }
  } else {
    i = scalarEnd(buf, i, n);
    result = NO_ROWS;
  }
  if (i < 0 || skipSpace(buf, i, n) !== n) return INVALID;
  return result;
}

// `\u0000` names a character PostgreSQL's text cannot hold: json_to_record rejects it (22P05), a text parameter could not
// carry it. A body with those bytes anywhere (even after an escaped backslash) keeps its members to itself.
const NUL_ESCAPE = Buffer.from('\\u0000');

function scalarMembers(body: Buffer, first: FirstRow): ScalarMembers | undefined {
  const values = first.values;
  if (values === undefined || first.set.size !== first.names.length || body.indexOf(NUL_ESCAPE) >= 0) return undefined;
  return new ScalarMembers(body, first.names, values);
}

/**
 * The members of a lone object whose values are all strings, numbers, booleans or null, with no name repeated and no
 * `\u0000` escape: each value's text is what PostgreSQL's json_to_record hands a scalar column's input function, so
 * the values can travel as one text parameter each. It reads the body's bytes: it lives no longer than the request.
 */
export class ScalarMembers {
  constructor(
    private readonly bytes: Buffer,
    private readonly names: readonly string[],
    /** Start and end of each member's value, in member order. */
    private readonly spans: readonly number[],
  ) {}

  #index: Map<string, number> | undefined;

  /** Member `name`'s value: a string unescaped, a number or boolean as written; null for JSON null; undefined when absent. */
  text(name: string): string | null | undefined {
    const k = this.#position(name);
    if (k < 0) return undefined;
    const start = this.spans[2 * k] as number;
    const end = this.spans[2 * k + 1] as number;
    const bytes = this.bytes;
    const c = bytes[start];
    if (c === 0x6e) return null; // null
    if (c !== QUOTE) return bytes.toString('latin1', start, end); // a number, true or false: ASCII
    // an escape only within this value (a search of the rest of the body would make many members cost their square)
    return bytes.subarray(start, end).indexOf(BACKSLASH) < 0 ? bytes.toString('utf8', start + 1, end - 1) : (JSON.parse(bytes.toString('utf8', start, end)) as string);
  }

  #position(name: string): number {
    const names = this.names;
    if (names.length <= 16) return names.indexOf(name);
    this.#index ??= new Map(names.map((n, k) => [n, k]));
    return this.#index.get(name) ?? -1;
  }
}
