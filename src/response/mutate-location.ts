// The `Location` header of a single-row insert: `/<relation>?<pk>=eq.<value>&...` from the key/value pairs SQL
// rendered for the inserted row. Pure.
import { headerValue } from '../text/header-bytes.js';

/** Percent-encodes UTF-8 bytes of a query-string part, keeping only `A-Z a-z 0-9 - _ . ~` (upper-case hex). */
export function encodeQueryPart(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x5f || byte === 0x2e || byte === 0x7e;
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `Location` for `pairs` (the JSON text `[["col", "value" | null], ...]`): each key `=eq.<value>`, `=is.null` for a
 * NULL key. The relation name goes out as its raw UTF-8 bytes (as a latin1 string for node:http), as PostgREST sends it;
 * a name with a character no header value may carry (a control character other than HTAB) is percent-encoded.
 */
export function locationHeader(relation: string, pairs: string | null): string | undefined {
  if (pairs === null) return undefined;
  const parsed = JSON.parse(pairs) as readonly (readonly [string, string | null])[];
  if (parsed.length === 0) return undefined;
  const query = parsed.map(([k, v]) => `${encodeQueryPart(k)}=${encodeQueryPart(v === null ? 'is.null' : `eq.${v}`)}`).join('&');
  return `/${headerValue(relation) ?? encodeQueryPart(relation)}?${query}`;
}
