// The shape of one hostile corpus case and the helpers the generators share (percent-encoding, repetition).
// Pure data: nothing here sends a request.
import type { RawRequest } from '../lib/raw-http.js';

/**
 * What a case may answer. `error`: a 4xx with a PostgREST error body. `no5xx`: anything but a 5xx (the input may
 * happen to be valid, e.g. an ignored Prefer); error bodies are still checked. A number list: exactly those statuses.
 */
export type Expect = 'error' | 'no5xx' | readonly number[];

/** One request of the corpus. */
export interface Case {
  /** Stable name: family/index, shown in failures. */
  readonly id: string;
  readonly family: string;
  readonly request: RawRequest;
  readonly expect: Expect;
  /** A write the server must refuse: the suite compares the data checksum after it. */
  readonly writes?: boolean;
}

/** Percent-encodes every byte outside the unreserved set (so `(`, `,`, `.` of the grammar arrive as data). */
export function encodeQueryValue(s: string): string {
  let out = '';
  for (const ch of s) out += /^[A-Za-z0-9_.~-]$/.test(ch) ? ch : pctBytes(ch);
  return out;
}

/** Encodes only what would break the HTTP request line (controls, space, non-ASCII, `#`), leaving the grammar raw. */
export function encodeForRequestLine(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0x20 || code >= 0x7f || '#"<>\\^`{|}'.includes(ch)) out += pctBytes(ch);
    else out += ch;
  }
  return out;
}

/** `%XX` for every UTF-8 byte of `s` (lone surrogates become U+FFFD, as Buffer encodes them). */
export function pctBytes(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

export const repeat = (s: string, n: number) => s.repeat(Math.max(0, n));
