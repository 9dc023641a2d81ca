// Header values carry bytes: node:http reads and writes a header string one byte per character (latin1), so text that
// must go out as its UTF-8 bytes, as PostgREST sends it, is handed over as those bytes spelt as latin1 characters, and a
// header a client sent as UTF-8 is read back from those characters.

/** Whether `text` holds a character beyond ASCII (for header bytes: a byte of 0x80 or more). */
export function hasNonAscii(text: string): boolean {
  return NON_ASCII.test(text);
}

/** `text`'s UTF-8 bytes as a latin1 string (ASCII text is returned as it is). */
export function headerBytes(text: string): string {
  return hasNonAscii(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** `text` as a header value for node:http (its UTF-8 bytes), or undefined when no header value may carry it. */
export function headerValue(text: string): string | undefined {
  const bytes = headerBytes(text);
  return isHeaderValue(bytes) ? bytes : undefined;
}

/**
 * A request header's bytes (as node:http hands them over, one latin1 character a byte) read as UTF-8, as PostgREST
 * decodes a profile header; a malformed sequence becomes U+FFFD (ASCII text is returned as it is).
 */
export function headerText(bytes: string): string {
  return hasNonAscii(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/** Whether `name` is an RFC 9110 token (one or more tchar), the only header names node:http writes. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * Whether node:http writes `bytes` (a value as headerBytes gives it) as a header value: HTAB, visible ASCII, space and
 * the bytes 0x80–0xff; no other control character (CR, LF, NUL, DEL, …) and no character beyond latin1.
 */
export function isHeaderValue(bytes: string): boolean {
  return !INVALID_VALUE_CHAR.test(bytes);
}

const NON_ASCII = /[^\x00-\x7f]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
