// The `Prefer` request header as PostgREST reads it (RFC 7240 tokens, first value per preference wins) and `Preference-Applied`.
// Pure: it parses and renders; which preferences a response honours is decided by the caller through appliedPreferences().
import { memoByText } from '../text/memo.js';
import { pgrst122InvalidPreferences } from '../errors/catalogue.js';
import { readHaskellInteger } from '../text/haskell-integer.js';

/** What the client asked for in `Prefer`; unrecognised tokens are kept in `invalid` (in order of appearance). */
export interface Preferences {
  readonly resolution?: 'merge-duplicates' | 'ignore-duplicates';
  readonly return?: 'representation' | 'minimal' | 'headers-only';
  readonly count?: 'exact' | 'planned' | 'estimated';
  readonly tx?: 'commit' | 'rollback';
  readonly missing?: 'default' | 'null';
  readonly handling?: 'strict' | 'lenient';
  readonly timezone?: string;
  readonly maxAffected?: number;
  readonly invalid: readonly string[];
}

/** Options for {@link parsePreferences}. */
export interface PreferenceOptions {
  /** Whether db-tx-end allows `tx=` overrides; when false `tx=` is accepted but ignored. Default true. */
  readonly allowTxOverride?: boolean;
}

type EnumKey = 'resolution' | 'return' | 'count' | 'tx' | 'missing' | 'handling';

// Each recognised token and the preference it sets. A token not listed here (nor timezone=/max-affected=) is invalid.
const TOKENS: ReadonlyMap<string, readonly [EnumKey, string]> = new Map(
  (
    [
      ['resolution', ['merge-duplicates', 'ignore-duplicates']],
      ['return', ['representation', 'minimal', 'headers-only']],
      ['count', ['exact', 'planned', 'estimated']],
      ['tx', ['commit', 'rollback']],
      ['missing', ['default', 'null']],
      ['handling', ['strict', 'lenient']],
    ] as const
  ).flatMap(([key, values]) => values.map((v) => [`${key}=${v}`, [key, v] as const] as const)),
);

// PostgREST trims tokens with the Latin-1 notion of white space (space, \t..\r, NBSP).
const EDGE_SPACE = /^[ \t\n\v\f\r\u00a0]+|[ \t\n\v\f\r\u00a0]+$/g;

/**
 * Parses every `Prefer` header value (in order): comma-separated tokens, trimmed; the first token of each preference
 * wins across all headers; `timezone=`/`max-affected=` take the first such token (an unreadable max-affected is ignored).
 */
export function parsePreferences(headerValues: readonly string[], options: PreferenceOptions = {}): Preferences {
  // One header (or none) is the common case: its parse is kept per text, per tx-override setting.
  if (headerValues.length > 1) return readPreferences(headerValues, options);
  const text = headerValues[0] ?? '';
  return options.allowTxOverride === false ? withoutTxOverride(text) : withTxOverride(text);
}

const withTxOverride = memoByText(256, (text) => readPreferences([text], {}));
const withoutTxOverride = memoByText(256, (text) => readPreferences([text], { allowTxOverride: false }));

function readPreferences(headerValues: readonly string[], options: PreferenceOptions): Preferences {
  const tokens = headerValues.flatMap((v) => (v === '' ? [] : v.split(','))).map((t) => t.replace(EDGE_SPACE, ''));
  const chosen: Partial<Record<EnumKey, string>> = {};
  const invalid: string[] = [];
  let timezone: string | undefined;
  let maxAffectedToken: string | undefined;
  for (const token of tokens) {
    const known = TOKENS.get(token);
    if (known !== undefined) {
      chosen[known[0]] ??= known[1];
    } else if (token.startsWith('timezone=')) {
      timezone ??= token.slice('timezone='.length);
    } else if (token.startsWith('max-affected=')) {
      maxAffectedToken ??= token.slice('max-affected='.length);
    } else {
      invalid.push(token);
    }
  }
  const big = maxAffectedToken === undefined ? undefined : readHaskellInteger(maxAffectedToken);
  const result: { -readonly [K in keyof Preferences]?: Preferences[K] } = {};
  for (const [key, value] of Object.entries(chosen)) {
    if (key !== 'tx' || options.allowTxOverride !== false) Object.assign(result, { [key]: value });
  }
  if (timezone !== undefined) result.timezone = timezone;
  // PostgREST reads max-affected as a 64-bit integer, which wraps around on overflow.
  if (big !== undefined) result.maxAffected = Number(BigInt.asIntN(64, big));
  return { ...result, invalid };
}

/** Throws PGRST122 when `handling=strict` was asked for and some preference was not recognised. */
export function checkStrictHandling(prefs: Preferences): void {
  if (prefs.handling === 'strict' && prefs.invalid.length > 0) throw pgrst122InvalidPreferences(prefs.invalid);
}

/** The kind of request a response answers, as far as `Preference-Applied` cares. */
export type PreferenceAction =
  | { readonly kind: 'read' }
  /** `resolutionApplies`: the table has a primary key or `on_conflict` was given. */
  | { readonly kind: 'insert'; readonly resolutionApplies: boolean }
  | { readonly kind: 'update' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'single-upsert' }
  | { readonly kind: 'call' };

/**
 * The preferences a response reports as honoured: resolution only on inserts into a table with a key (or on_conflict),
 * return only on mutations, missing only on insert/update, max-affected only on update/delete/call; count, tx,
 * handling and timezone whenever given.
 */
export function appliedPreferences(prefs: Preferences, action: PreferenceAction): Preferences {
  const mutation = action.kind === 'insert' || action.kind === 'update' || action.kind === 'delete' || action.kind === 'single-upsert';
  const applied: { -readonly [K in keyof Preferences]?: Preferences[K] } = { invalid: [] };
  if (prefs.resolution !== undefined && action.kind === 'insert' && action.resolutionApplies) applied.resolution = prefs.resolution;
  if (prefs.return !== undefined && mutation) applied.return = prefs.return;
  if (prefs.count !== undefined) applied.count = prefs.count;
  if (prefs.tx !== undefined) applied.tx = prefs.tx;
  if (prefs.missing !== undefined && (action.kind === 'insert' || action.kind === 'update')) applied.missing = prefs.missing;
  if (prefs.handling !== undefined) applied.handling = prefs.handling;
  if (prefs.timezone !== undefined) applied.timezone = prefs.timezone;
  if (prefs.maxAffected !== undefined && (action.kind === 'update' || action.kind === 'delete' || action.kind === 'call')) applied.maxAffected = prefs.maxAffected;
  return applied as Preferences;
}

/**
 * The `Preference-Applied` value for the given (applied) preferences, in PostgREST's order — resolution, missing,
 * return, count, tx, handling, timezone, max-affected (only with handling=strict) — or undefined when there is none.
 */
export function preferenceAppliedHeader(applied: Omit<Preferences, 'invalid'>): string | undefined {
  const parts: string[] = [];
  if (applied.resolution !== undefined) parts.push(`resolution=${applied.resolution}`);
  if (applied.missing !== undefined) parts.push(`missing=${applied.missing}`);
  if (applied.return !== undefined) parts.push(`return=${applied.return}`);
  if (applied.count !== undefined) parts.push(`count=${applied.count}`);
  if (applied.tx !== undefined) parts.push(`tx=${applied.tx}`);
  if (applied.handling !== undefined) parts.push(`handling=${applied.handling}`);
  if (applied.timezone !== undefined) parts.push(`timezone=${applied.timezone}`);
  if (applied.handling === 'strict' && applied.maxAffected !== undefined) parts.push(`max-affected=${applied.maxAffected}`);
  return parts.length === 0 ? undefined : parts.join(', ');
}
