// Media types as PostgREST understands them: parsing (Content-Type, Accept with q-values), negotiation, Content-Type rendering.
// Pure: no schema-cache lookups; custom media handlers are the planner's business, this module only knows the built-ins.
import { headerText } from '../text/header-bytes.js';
import { memoByText } from '../text/memo.js';
import { isHaskellSpace } from '../text/haskell-space.js';
import { pgrst102InvalidBody, pgrst107NotAcceptable } from '../errors/catalogue.js';

/** EXPLAIN options of `application/vnd.pgrst.plan`, in PostgREST's fixed order. */
export type PlanOption = 'analyze' | 'verbose' | 'settings' | 'buffers' | 'wal';
const PLAN_OPTIONS: readonly PlanOption[] = ['analyze', 'verbose', 'settings', 'buffers', 'wal'];

/** A media type PostgREST recognises; anything else is `other` with the string kept verbatim. */
export type MediaType =
  | { readonly kind: 'json' }
  | { readonly kind: 'geo-json' }
  | { readonly kind: 'csv' }
  | { readonly kind: 'text-plain' }
  | { readonly kind: 'text-xml' }
  | { readonly kind: 'openapi' }
  | { readonly kind: 'url-encoded' }
  | { readonly kind: 'octet-stream' }
  | { readonly kind: 'any' }
  | { readonly kind: 'array-stripped' }
  | { readonly kind: 'object'; readonly nullsStripped: boolean }
  | { readonly kind: 'plan'; readonly for: MediaType; readonly format: 'json' | 'text'; readonly options: readonly PlanOption[] }
  | { readonly kind: 'other'; readonly raw: string };

/** Ready-made values of the parameterless media types. */
export const MT = {
  json: { kind: 'json' },
  geoJson: { kind: 'geo-json' },
  csv: { kind: 'csv' },
  textPlain: { kind: 'text-plain' },
  textXml: { kind: 'text-xml' },
  openapi: { kind: 'openapi' },
  urlEncoded: { kind: 'url-encoded' },
  octetStream: { kind: 'octet-stream' },
  any: { kind: 'any' },
  arrayStripped: { kind: 'array-stripped' },
  object: { kind: 'object', nullsStripped: false },
  objectStripped: { kind: 'object', nullsStripped: true },
} as const satisfies Record<string, MediaType>;

/** `type/subtype` plus `;key=value` parameters as written (keys not yet lower-cased). */
export interface MediaTypeTokens {
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly (readonly [string, string])[];
}

// Character classes of PostgREST's media-type grammar (Unicode letters/digits, Haskell's isSpace).
const ALNUM = /^[\p{L}\p{N}]$/u;
const isAlnum = (c: string | undefined): boolean => c !== undefined && ALNUM.test(c);
const isSpace = (c: string | undefined): boolean => c !== undefined && isHaskellSpace(c);

/**
 * Splits `type/subtype; k=v; k="quoted"` with PostgREST's grammar: a parameter that does not parse ends the list and
 * the rest of the string is ignored; returns undefined when `type/subtype` itself does not parse.
 */
export function tokenizeMediaType(input: string): MediaTypeTokens | undefined {
  const cs = Array.from(input);
  let i = 0;
  const many = (ok: (c: string | undefined) => boolean): string => {
    const start = i;
    while (i < cs.length && ok(cs[i])) i++;
    return cs.slice(start, i).join('');
  };
  const skipSpaces = (): void => {
    while (isSpace(cs[i])) i++;
  };
  const type = many((c) => isAlnum(c) || c === '.' || c === '*');
  if (type === '' || cs[i] !== '/') return undefined;
  i++;
  const subtype = many((c) => isAlnum(c) || c === '.' || c === '*' || c === '+' || c === '-');
  if (subtype === '') return undefined;
  const params: (readonly [string, string])[] = [];
  for (;;) {
    const save = i;
    skipSpaces();
    if (cs[i] !== ';') {
      i = save;
      break;
    }
    i++;
    skipSpaces();
    const key = many((c) => isAlnum(c) || c === '-');
    skipSpaces();
    if (key === '' || cs[i] !== '=') {
      i = save;
      break;
    }
    i++;
    skipSpaces();
    let value: string | undefined;
    if (cs[i] === '"') {
      const close = cs.indexOf('"', i + 1);
      if (close >= 0) {
        value = cs.slice(i + 1, close).join('');
        i = close + 1;
      }
    }
    if (value === undefined) {
      value = many((c) => isAlnum(c) || c === '|' || c === '-');
      if (value === '') {
        i = save;
        break;
      }
    }
    params.push([key, value]);
  }
  return { type, subtype, params };
}

/** Parses one media type (case-insensitive type and parameter names); unknown or unparseable strings become `other`. */
export function parseMediaType(input: string): MediaType {
  const tokens = tokenizeMediaType(input);
  if (tokens === undefined) return { kind: 'other', raw: input };
  const params = new Map<string, string>();
  for (const [k, v] of tokens.params) params.set(k.toLowerCase(), v);
  const nullsStripped = (params.get('nulls') ?? 'false') === 'stripped';
  const plan = (format: 'json' | 'text'): MediaType => {
    const options = (params.get('options') ?? '').split('|');
    return {
      kind: 'plan',
      for: parseMediaType(params.get('for') ?? 'application/json'),
      format,
      options: PLAN_OPTIONS.filter((o) => options.includes(o)),
    };
  };
  switch (`${tokens.type.toLowerCase()}/${tokens.subtype.toLowerCase()}`) {
    case 'application/json':
      return MT.json;
    case 'application/geo+json':
      return MT.geoJson;
    case 'text/csv':
      return MT.csv;
    case 'text/plain':
      return MT.textPlain;
    case 'text/xml':
      return MT.textXml;
    case 'application/openapi+json':
      return MT.openapi;
    case 'application/x-www-form-urlencoded':
      return MT.urlEncoded;
    case 'application/octet-stream':
      return MT.octetStream;
    case 'application/vnd.pgrst.plan':
    case 'application/vnd.pgrst.plan+text':
      return plan('text');
    case 'application/vnd.pgrst.plan+json':
      return plan('json');
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object':
      return nullsStripped ? MT.objectStripped : MT.object;
    case 'application/vnd.pgrst.array+json':
    case 'application/vnd.pgrst.array':
      return nullsStripped ? MT.arrayStripped : MT.json;
    case '*/*':
      return MT.any;
    default:
      return { kind: 'other', raw: input };
  }
}

// Haskell's `reads :: ReadS Double` prefix: the leading number of the q-value, anything after it ignored.
const Q_NUMBER = /^-?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

function readQ(text: string): number {
  const m = Q_NUMBER.exec(text);
  if (m === null) return 1;
  const lit = m[0];
  const negative = lit.startsWith('-');
  const body = negative ? lit.slice(1) : lit;
  const value = /^0[oO]/.test(body) ? Number.parseInt(body.slice(2), 8) : Number(body);
  return negative ? -value : value;
}

const count = (s: string, c: string): number => s.split(c).length - 1;

/**
 * The media-type strings of an `Accept` header, most preferred first: sorted by q-value, then by specificity
 * (parameters minus wildcards), stable otherwise. All spaces are removed and `;q=…` with what follows is dropped.
 */
export function sortAccept(header: string): string[] {
  if (header === '') return [];
  const entries = header.split(',').map((part) => {
    const compact = part.replaceAll(' ', '');
    const at = compact.indexOf(';q=');
    const mime = at < 0 ? compact : compact.slice(0, at);
    const qText = at < 0 ? '' : (compact.slice(at + 3).split(';')[0] ?? '');
    return { mime, q: readQ(qText), specificity: count(mime, ';') - count(mime, '*') };
  });
  entries.sort((a, b) => b.q - a.q || b.specificity - a.specificity);
  return entries.map((e) => e.mime);
}

/** The client's acceptable media types in preference order; an absent header means `*` + `/*`. */
export function parseAccept(header: string | undefined): readonly MediaType[] {
  return header === undefined ? ANY : acceptOf(header);
}

const ANY: readonly MediaType[] = [MT.any];
// The header's bytes read as UTF-8, as PostgREST reads them: the PGRST107 message lists the types as sent.
const acceptOf = memoByText(256, (header): readonly MediaType[] => sortAccept(headerText(header)).map(parseMediaType));

/** The media type as PostgREST writes it (in Content-Type and in error messages). */
export function toMime(mt: MediaType): string {
  switch (mt.kind) {
    case 'json':
      return 'application/json';
    case 'array-stripped':
      return 'application/vnd.pgrst.array+json;nulls=stripped';
    case 'geo-json':
      return 'application/geo+json';
    case 'csv':
      return 'text/csv';
    case 'text-plain':
      return 'text/plain';
    case 'text-xml':
      return 'text/xml';
    case 'openapi':
      return 'application/openapi+json';
    case 'object':
      return mt.nullsStripped ? 'application/vnd.pgrst.object+json;nulls=stripped' : 'application/vnd.pgrst.object+json';
    case 'url-encoded':
      return 'application/x-www-form-urlencoded';
    case 'octet-stream':
      return 'application/octet-stream';
    case 'any':
      return '*/*';
    case 'other':
      return mt.raw;
    case 'plan': {
      const options = mt.options.length === 0 ? '' : `; options=${mt.options.join('|')}`;
      return `application/vnd.pgrst.plan+${mt.format}; for="${toMime(mt.for)}"${options}`;
    }
  }
}

/**
 * The response `Content-Type`: built-ins carry `; charset=utf-8`, octet-stream and custom types do not. A custom type
 * is ASCII: only domains named like `type/subtype` in ASCII letters, digits and `.+-` are handlers (schema cache).
 */
export function contentTypeHeader(mt: MediaType): string {
  return mt.kind === 'octet-stream' || mt.kind === 'other' ? toMime(mt) : `${toMime(mt)}; charset=utf-8`;
}

/** Structural equality of two media types (`other` compares its string exactly, as PostgREST does). */
export function sameMediaType(a: MediaType, b: MediaType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'object':
      return b.kind === 'object' && a.nullsStripped === b.nullsStripped;
    case 'other':
      return b.kind === 'other' && a.raw === b.raw;
    case 'plan':
      return (
        b.kind === 'plan' &&
        a.format === b.format &&
        sameMediaType(a.for, b.for) &&
        a.options.length === b.options.length &&
        a.options.every((o, i) => o === b.options[i])
      );
    default:
      return true;
  }
}

// Which offer serves an accepted type. `*/*` takes the first offer; the vendored object/array types match any offer of
// their kind; a plan needs a plan offer (plans enabled) and an offer for the type it describes.
function pick(accepted: MediaType, offered: readonly MediaType[]): MediaType | undefined {
  switch (accepted.kind) {
    case 'any':
      return offered[0];
    case 'object':
    case 'array-stripped':
      return offered.some((o) => o.kind === accepted.kind) ? accepted : undefined;
    case 'plan': {
      if (!offered.some((o) => o.kind === 'plan')) return undefined;
      const target = accepted.for;
      if (target.kind === 'object' || target.kind === 'array-stripped') return accepted;
      const rest = offered.filter((o) => o.kind !== 'plan');
      return target.kind !== 'plan' && pick(target, rest) !== undefined ? accepted : undefined;
    }
    default:
      return offered.some((o) => sameMediaType(o, accepted)) ? accepted : undefined;
  }
}

/**
 * Content negotiation: the first of the client's types (in preference order) that one of `offered` serves; `offered[0]`
 * answers `*` + `/*`. Throws PGRST107 listing the client's types when none is served.
 */
export function negotiate(accept: string | undefined, offered: readonly MediaType[]): MediaType {
  const accepted = parseAccept(accept);
  for (const mt of accepted) {
    const chosen = pick(mt, offered);
    if (chosen !== undefined) return chosen;
  }
  throw pgrst107NotAcceptable(accepted.map(toMime));
}

/** The request body's media type: `Content-Type` parsed, `application/json` when the header is absent. */
export function parseContentType(header: string | undefined): MediaType {
  return header === undefined ? MT.json : contentTypeOf(header);
}

const contentTypeOf = memoByText(256, (header) => parseMediaType(headerText(header)));

/** The body formats PostgREST reads. */
export type BodyMediaType = 'json' | 'csv' | 'url-encoded' | 'text-plain' | 'text-xml' | 'octet-stream';

/**
 * Checks that a body of this type can be read: tables take JSON, CSV and url-encoded; functions (`isRpc`) also take
 * text/plain, text/xml and octet-stream. Otherwise throws PGRST102 "Content-Type not acceptable: <type>".
 */
export function bodyMediaType(mt: MediaType, isRpc: boolean): BodyMediaType {
  switch (mt.kind) {
    case 'json':
    case 'csv':
    case 'url-encoded':
      return mt.kind;
    case 'text-plain':
    case 'text-xml':
    case 'octet-stream':
      if (isRpc) return mt.kind;
      break;
  }
  throw pgrst102InvalidBody(`Content-Type not acceptable: ${toMime(mt)}`);
}
