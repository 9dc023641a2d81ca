// The `response.headers` and `response.status` settings a statement may leave behind, turned into HTTP as PostgREST
// does (PGRST111/PGRST112 when malformed). Pure.
import { pgrst111GucHeaders, pgrst112GucStatus } from '../errors/catalogue.js';
import { headerValue, isHeaderName } from '../text/header-bytes.js';

/**
 * Headers from `response.headers`: a JSON array of single-key objects with string values. A name that is not a token
 * or a value with a control character (CR, LF, NUL, …; HTAB is fine) is PGRST111 too: node:http would refuse to write
 * it (and CR/LF would inject headers), so it is caught here, before anything is sent.
 */
export function gucHeaders(text: string | null | undefined): [string, string][] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw pgrst111GucHeaders();
  }
  if (!Array.isArray(parsed)) throw pgrst111GucHeaders();
  const out: [string, string][] = [];
  for (const item of parsed) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw pgrst111GucHeaders();
    const entries = Object.entries(item as Record<string, unknown>);
    if (entries.length !== 1 || typeof entries[0]![1] !== 'string') throw pgrst111GucHeaders();
    const [name, given] = entries[0]! as [string, string];
    // the value goes out as its UTF-8 bytes, as PostgREST sends it
    const value = headerValue(given);
    if (!isHeaderName(name) || value === undefined) throw pgrst111GucHeaders();
    out.push([name, value]);
  }
  return out;
}

/** Status from `response.status`, or undefined when unset. */
export function gucStatus(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 100 || n > 599) throw pgrst112GucStatus();
  return n;
}
