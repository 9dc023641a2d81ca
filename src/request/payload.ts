// Request bodies of writes and RPC calls (JSON, CSV, url-encoded, raw) → the Payload PostgREST's ApiRequest carries.
// Pure: it validates and measures the body, it never looks at the schema cache; whether a body is read at all
// (not for GET/HEAD/DELETE) and which Content-Types are allowed is the caller's business.
import { isUtf8 } from 'node:buffer';
import { pgrst102InvalidBody } from '../errors/catalogue.js';
import { type BodyMediaType, MT, toMime } from './media-type.js';
import { csvToJson, utf8ErrorText } from './payload-csv.js';
import { type ScalarMembers, scanJson } from './json-scan.js';
import { compareCodePoints } from '../text/compare.js';
import { hexDigitValue } from '../text/hex.js';
import { memoByText } from '../text/memo.js';

/**
 * A parsed body. `keys` are the payload's column (or argument) names in PostgREST's order (ascending code points).
 * - `json`: validated JSON for PostgreSQL as one bind parameter: the request text itself for an object or a non-empty
 *   array of objects, `[]` for an empty array or a scalar, `{}` for an empty RPC body, built text for CSV/url-encoded.
 * - `raw-json`: `columns=` was given, so the JSON text is passed on unparsed (PostgreSQL validates it); keys = columns.
 * - `url-encoded`: an RPC form body, every pair in order (repeated keys feed a VARIADIC parameter).
 * - `raw`: text/plain, text/xml (a string, or the bytes when they are not UTF-8, so PostgreSQL reports the encoding
 *   error as it does for PostgREST) or application/octet-stream (the bytes) for a function's single unnamed parameter.
 */
export type Payload =
  | {
      readonly kind: 'json';
      readonly json: JsonText;
      readonly keys: ReadonlySet<string>;
      readonly isArray: boolean;
      readonly rowCount: number;
      /** A lone object of scalar values: its members (json-scan.ts). */
      readonly scalars?: ScalarMembers | undefined;
    }
  | { readonly kind: 'raw-json'; readonly json: JsonText; readonly keys: ReadonlySet<string>; readonly isArray: boolean }
  | { readonly kind: 'url-encoded'; readonly params: readonly (readonly [string, string])[]; readonly keys: ReadonlySet<string> }
  | { readonly kind: 'raw'; readonly bytes: Buffer | string };

/**
 * JSON text as a string, or as the request body's own UTF-8 bytes: a JSON body goes to PostgreSQL as the bytes it came
 * in (a `json` parameter in binary format is its text), so a bulk insert makes no string of its body at all. Those
 * bytes may be a pooled buffer that is reused once the response is written: nothing may keep them past the request.
 */
export type JsonText = string | Buffer;

/** What decides how a body is read besides its media type. */
export interface PayloadOptions {
  /** POST to /rpc/fn: an empty JSON body means `{}`, url-encoded bodies keep repeated keys, raw media types are allowed. */
  readonly isRpc: boolean;
  /** The parsed `columns=` parameter; pass it only for POST, PATCH and RPC POST (PostgREST ignores it for PUT). */
  readonly columns?: readonly string[] | undefined;
  /**
   * The function has one unnamed json/jsonb/text/xml/bytea parameter. PostgREST parses the body before it picks the
   * function, so this changes nothing here; it is accepted so callers need not special-case it.
   */
  readonly rawParamFunction?: boolean | undefined;
}

const INVALID_JSON = 'Empty or invalid json';
const KEYS_MISMATCH = 'All object keys must match';
const EMPTY_ARRAY_JSON = '[]';
const NO_KEYS: ReadonlySet<string> = new Set();

/** Reads a request body as PostgREST's ApiRequest does; every rejection is PGRST102 (HTTP 400) with PostgREST's message. */
export function parsePayload(body: Buffer, contentType: BodyMediaType, opts: PayloadOptions): Payload {
  switch (contentType) {
    case 'json':
      if (opts.columns !== undefined) return rawJson(body, opts.columns);
      if (body.length === 0 && opts.isRpc) return { kind: 'json', json: '{}', keys: NO_KEYS, isArray: false, rowCount: 1 };
      return parseJsonBody(body);
    case 'csv': {
      const csv = csvToJson(body);
      return { kind: 'json', json: csv.json, keys: sortedKeys(csv.keys), isArray: true, rowCount: csv.rowCount };
    }
    case 'url-encoded':
      return opts.isRpc ? urlEncodedArgs(body) : urlEncodedRow(body);
    case 'text-plain':
    case 'text-xml':
      if (!opts.isRpc) throw notAcceptable(contentType);
      return { kind: 'raw', bytes: isUtf8(body) ? body.toString('utf8') : body };
    case 'octet-stream':
      if (!opts.isRpc) throw notAcceptable(contentType);
      return { kind: 'raw', bytes: body };
  }
}

/** The payload's key set (PostgREST's `iColumns`): what overload resolution and the column list are computed from. */
export function payloadKeys(payload: Payload): ReadonlySet<string> {
  return payload.kind === 'raw' ? NO_KEYS : payload.keys;
}

function notAcceptable(contentType: 'text-plain' | 'text-xml' | 'octet-stream') {
  const mt = contentType === 'text-plain' ? MT.textPlain : contentType === 'text-xml' ? MT.textXml : MT.octetStream;
  return pgrst102InvalidBody(`Content-Type not acceptable: ${toMime(mt)}`);
}

// Characters JSON allows around values (RFC 8259 §2); the same test PostgREST uses to tell an object from an array.
const isJsonSpace = (c: number | undefined): boolean => c === 32 || c === 9 || c === 10 || c === 13;

function rawJson(body: Buffer, columns: readonly string[]): Payload {
  // PostgREST hands undecodable bytes to PostgreSQL, which rejects them (22021); a JS string cannot carry them.
  if (!isUtf8(body)) throw pgrst102InvalidBody(INVALID_JSON);
  let i = 0;
  while (isJsonSpace(body[i])) i++;
  return { kind: 'raw-json', json: body, keys: sortedKeys(columns), isArray: body[i] !== 123 };
}

/**
 * A JSON body: an object is one row, an array of objects with identical key sets is many rows, an empty array or any
 * scalar is no rows (`[]`). Invalid JSON — including bytes that are not UTF-8 and escapes that leave a lone surrogate,
 * which PostgREST's JSON parser also rejects — is "Empty or invalid json"; an array whose elements are not all objects
 * with the first element's keys is "All object keys must match". The body is scanned, not parsed (json-scan.ts).
 */
function parseJsonBody(body: Buffer): Payload {
  if (!isUtf8(body)) throw pgrst102InvalidBody(INVALID_JSON);
  const scan = scanJson(body);
  switch (scan.kind) {
    case 'invalid':
      throw pgrst102InvalidBody(INVALID_JSON);
    case 'keys-mismatch':
      throw pgrst102InvalidBody(KEYS_MISMATCH);
    case 'no-rows':
      return { kind: 'json', json: EMPTY_ARRAY_JSON, keys: NO_KEYS, isArray: true, rowCount: 0 };
    case 'object':
      return { kind: 'json', json: body, keys: sortedKeys(scan.keys), isArray: false, rowCount: 1, scalars: scan.scalars };
    case 'rows':
      return { kind: 'json', json: body, keys: sortedKeys(scan.keys), isArray: true, rowCount: scan.rowCount };
  }
}

/**
 * Splits `k=v&k2=v2` as PostgREST's query-string parser does: one leading `?` is dropped, `&` and `;` both separate,
 * a pair without `=` has the empty value, `+` is a space, `%XX` is a byte (a malformed escape stays literal), and an
 * empty piece after the last separator is no pair. Keys and values must then be UTF-8.
 */
function parseFormPairs(body: Buffer): (readonly [string, string])[] {
  const pairs: (readonly [string, string])[] = [];
  let pos = body[0] === 63 ? 1 : 0;
  const end = body.length;
  while (pos < end) {
    let sep = pos;
    let eq = -1;
    for (; sep < end; sep++) {
      const c = body[sep];
      if (c === 38 || c === 59) break;
      if (c === 61 && eq < 0) eq = sep;
    }
    if (eq >= 0) pairs.push([formText(body, pos, eq), formText(body, eq + 1, sep)]);
    else pairs.push([formText(body, pos, sep), '']);
    pos = sep + 1;
  }
  return pairs;
}

function formText(body: Buffer, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = body[i];
    if (c === 43 || c === 37 || (c as number) > 127) {
      plain = false;
      break;
    }
  }
  if (plain) return body.toString('latin1', start, end);
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = body[i] as number;
    if (c === 43) out[n++] = 32;
    else if (c === 37) {
      const hi = hexDigitValue(i + 1 < end ? body[i + 1] : undefined);
      const lo = hexDigitValue(i + 2 < end ? body[i + 2] : undefined);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
      } else out[n++] = c;
    } else out[n++] = c;
  }
  const bytes = out.subarray(0, n);
  // PostgREST's decoding throws here (an uncaught exception, HTTP 500); this rejects the body with the decoder's text.
  if (!isUtf8(bytes)) throw pgrst102InvalidBody(utf8ErrorText(bytes));
  return bytes.toString('utf8');
}

/** A url-encoded body for a table: one row whose values are all strings; a repeated key keeps its last value. */
function urlEncodedRow(body: Buffer): Payload {
  const row = new Map<string, string>();
  for (const [k, v] of parseFormPairs(body)) row.set(k, v);
  const parts: string[] = [];
  for (const [k, v] of row) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return { kind: 'json', json: `{${parts.join(',')}}`, keys: sortedKeys([...row.keys()]), isArray: false, rowCount: 1 };
}

/** A url-encoded body for a function: every pair in order, so repeated keys can fill a VARIADIC parameter. */
function urlEncodedArgs(body: Buffer): Payload {
  const params = parseFormPairs(body);
  return { kind: 'url-encoded', params, keys: sortedKeys(params.map((p) => p[0])) };
}

function sortSet(keys: readonly string[]): ReadonlySet<string> {
  return new Set([...new Set(keys)].sort(compareCodePoints));
}

// Clients send rows with the same keys over and over: the sorted set is kept per key list (as JSON text, which tells
// any two lists apart), shared between requests. Long lists (a client picks how many keys) are sorted each time.
const MEMO_KEYS = 64;
const MEMO_KEYS_TEXT = 1024;
const sortedKeysOf = memoByText(256, (text) => sortSet(JSON.parse(text) as string[]));

function sortedKeys(keys: readonly string[]): ReadonlySet<string> {
  if (keys.length > MEMO_KEYS) return sortSet(keys);
  const text = JSON.stringify(keys);
  return text.length <= MEMO_KEYS_TEXT ? sortedKeysOf(text) : sortSet(keys);
}

const keysTexts = new WeakMap<ReadonlySet<string>, string>();

/** A payload's keys (in their order) as a JSON array: worked out once per key set. */
export function keysText(keys: ReadonlySet<string>): string {
  let text = keysTexts.get(keys);
  if (text === undefined) {
    text = JSON.stringify([...keys]);
    keysTexts.set(keys, text);
  }
  return text;
}
