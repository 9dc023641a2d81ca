// RFC 3986 checks used by config validation: "is this a URI" (jwt-aud) and PostgREST's rules for a
// well-formed openapi-server-proxy-uri. Pure string checks; nothing is fetched or resolved.

const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const IP_LITERAL = `\\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+)\\]`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const HIER_PART =
  `(?:\\/\\/(?:(${USERINFO})@)?(${IP_LITERAL}|${REG_NAME})(?::([0-9]*))?((?:\\/${PCHAR}*)*)` +
  `|\\/(?:${PCHAR}+(?:\\/${PCHAR}*)*)?` +
  `|${PCHAR}+(?:\\/${PCHAR}*)*` +
  ')?';
const SCHEME = '([A-Za-z][A-Za-z0-9+\\-.]*):';

const URI = new RegExp(`^${SCHEME}${HIER_PART}(?:\\?${QUERY})?(?:#${QUERY})?$`);
const ABSOLUTE_URI = new RegExp(`^${SCHEME}${HIER_PART}(\\?${QUERY})?$`);

/** True when `text` is a URI in the sense of RFC 3986 (scheme required, fragment allowed). */
export function isUri(text: string): boolean {
  return URI.test(text);
}

/**
 * PostgREST's proxy-URI rule: an absolute URI (no fragment) with scheme http or https, an authority with a
 * non-empty host, no user info, no query, and a port (if any) between 1 and 65535.
 */
export function isMalformedProxyUri(text: string): boolean {
  const m = ABSOLUTE_URI.exec(text);
  if (m === null) return true;
  const [, scheme = '', userinfo, host, port, , query] = m;
  if (!['http', 'https'].includes(scheme.toLowerCase())) return true;
  if (host === undefined || host === '' || userinfo !== undefined || query !== undefined) return true;
  if (port === undefined) return false;
  const n = Number(port);
  return port === '' || !(n > 0 && n < 65536);
}
