// PostgREST's access-log line (Apache combined style, as wai-logger prints it) and its `Server-Timing` header value.
// Pure formatting: which requests get logged (log-level) and where lines go are log.ts's business.
import { logTimestamp } from './log.js';

/** What one access-log line is made of, as received and as answered. */
export interface AccessLogFields {
  /** The socket's peer address as Node reports it; undefined on a unix socket (printed `-`). */
  readonly remoteAddress: string | undefined;
  /** The role the request ran as; undefined when authentication failed or was never reached. */
  readonly role: string | undefined;
  readonly method: string;
  /** The request target exactly as received: raw path plus `?query` (Node's `req.url`). */
  readonly target: string;
  /** `1.1`, `1.0` (Node's `req.httpVersion`); default 1.1. */
  readonly httpVersion?: string;
  readonly status: number;
  /** The response's `Content-Length` header, if it has one (none on HEAD reads and 204s: printed `-`). */
  readonly contentLength: string | number | undefined;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
}

/**
 * `<ip> - <role|-> [dd/Mon/YYYY:HH:MM:SS +zzzz] "<METHOD> <target> HTTP/<v>" <status> <size|-> "<referer>" "<agent>"`,
 * without the newline. Referer and user agent print as sent (no escaping), empty when absent.
 */
export function accessLogLine(f: AccessLogFields, now: Date): string {
  const size = formatLength(f.contentLength);
  return (
    `${formatRemoteAddress(f.remoteAddress)} - ${f.role ?? '-'} [${logTimestamp(now)}] ` +
    `"${f.method} ${f.target} HTTP/${f.httpVersion ?? '1.1'}" ${f.status} ${size} ` +
    `"${f.referer ?? ''}" "${f.userAgent ?? ''}"`
  );
}

/** A Content-Length value as wai reads it: a whole (optionally signed) decimal integer, else `-`. */
function formatLength(value: string | number | undefined): string {
  if (value === undefined) return '-';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : '-';
  return /^[+-]?\d+$/.test(value) ? BigInt(value).toString() : '-';
}

/**
 * A peer address as wai-logger prints it: IPv4 dotted; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as the IPv4 address;
 * `::1` as is; any other IPv6 as eight uncompressed lower-case hex groups without leading zeros; no address → `-`.
 */
export function formatRemoteAddress(address: string | undefined): string {
  if (address === undefined || address === '') return '-';
  if (!address.includes(':')) return address;
  const groups = ipv6Groups(address.replace(/%.*$/, ''));
  if (groups === undefined) return address;
  const isV4Mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isV4Mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return '::1';
  return groups.map((g) => g.toString(16)).join(':');
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a trailing dotted IPv4 allowed), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (/^\d+\.\d+\.\d+\.\d+$/.test(piece)) {
        const b = piece.split('.').map(Number);
        if (b.some((x) => x > 255)) return undefined;
        out.push(((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(Number.parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Per-stage durations in milliseconds, as PostgREST times them. */
export interface ServerTimings {
  readonly jwt?: number;
  readonly parse?: number;
  readonly plan?: number;
  readonly transaction?: number;
  readonly response?: number;
}

const STAGES = ['jwt', 'parse', 'plan', 'transaction', 'response'] as const;

/**
 * `jwt;dur=0.4, parse;dur=0.5, plan;dur=0.1, transaction;dur=0.2, response;dur=0.3`: every stage in this order, one
 * decimal. A missing stage leaves an empty item between the commas, as PostgREST would; it times all five stages of
 * every request (OPTIONS included), so pass all five.
 */
export function serverTimingHeader(t: ServerTimings): string {
  return STAGES.map((stage) => {
    const ms = t[stage];
    return ms === undefined ? '' : `${stage};dur=${showFixed1(ms)}`;
  }).join(', ');
}

/**
 * A number with one decimal as Haskell's `showFFloat (Just 1)` prints it: rounding the shortest round-trip decimal
 * digits, a tie going to the even digit (0.25 → 0.2, 0.35 → 0.4, 0.05 → 0.0).
 */
export function showFixed1(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x < 0 ? '-Infinity' : 'Infinity';
  if (x < 0 || Object.is(x, -0)) return `-${showFixed1(-x)}`;
  // x = 0.d1d2d3… × 10^exp, digits as short as round-tripping allows.
  const [mantissa = '0', power = '0'] = x.toExponential().split('e');
  let digits = mantissa.replace('.', '').split('').map(Number);
  let exp = Number(power) + 1;
  if (x === 0) {
    digits = [0];
    exp = 0;
  }
  // Keep every integer digit and one decimal; below 0.1 pad with leading zeros first.
  if (exp < 0) {
    digits = [...new Array<number>(-exp).fill(0), ...digits];
    exp = 0;
  }
  const kept = roundHalfEven(digits, exp + 1);
  const intDigits = kept.length - 1;
  const int = kept.slice(0, intDigits).join('') || '0';
  return `${int}.${kept[intDigits] ?? 0}`;
}

/** The first `n` digits rounded, ties to even; a carry out of the first digit adds a leading 1. */
function roundHalfEven(digits: readonly number[], n: number): number[] {
  const kept = digits.slice(0, n);
  while (kept.length < n) kept.push(0);
  const rest = digits.slice(n);
  const first = rest[0];
  if (first === undefined) return kept;
  const exactHalf = first === 5 && rest.slice(1).every((d) => d === 0);
  const last = n > 0 ? (kept[n - 1] ?? 0) : 0;
  const up = exactHalf ? last % 2 === 1 : first >= 5;
  if (!up) return kept;
  for (let i = n - 1; i >= 0; i -= 1) {
    const d = (kept[i] ?? 0) + 1;
    if (d < 10) {
      kept[i] = d;
      return kept;
    }
    kept[i] = 0;
  }
  return [1, ...kept];
}
