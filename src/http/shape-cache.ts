// A memo of the parse → plan → SQL stages per query shape: `GET /t?id=eq.5` and `GET /t?id=eq.6` share one entry, the
// second request only puts its value into the compiled statement. Values are masked only where the grammar takes the
// rest of the parameter as the value (`col=eq.…`, `neq`, `gt`, `gte`, `lt`, `lte`), and for GET calls, arguments made
// of digits only (`/rpc/f?id=42`: never a filter); everything else in the URL and every header that steers parsing or
// planning is part of the key, as are the role and (through one cache per snapshot) the configuration and schema cache.
// Writes (POST, PATCH, DELETE) are shapes too: a JSON body is read first, and its key set and whether it is an array
// (all the planner takes from a body besides its text) join the key, the body (its bytes) being one more value.
//
// An entry is only made after a second build with marker values (the probe; the body gets a trailing space) shows that
// the values change nothing but their own parameters: same statement text, same other parameters, every marker found,
// and the real values passed through unchanged wherever a marker went. Anything else is remembered as not cacheable.
import { randomInt } from 'node:crypto';
import type { Snapshot } from '../app/state.js';
import type { Statement, TxScript } from '../db/execute.js';
import type { Plan } from '../plan/types.js';
import { type ApiRequest, requestMaps } from '../request/api-request.js';
import { bodyMediaType, parseContentType } from '../request/media-type.js';
import { type JsonText, keysText, type Payload, parsePayload } from '../request/payload.js';
import { canonicalQueryString, decodeAsciiComponent, splitQueryString, urlEncodeText } from '../request/query-string.js';
import type { RawRequest } from './types.js';

/** A body read as JSON: an object or an array of objects (one parameter), or no rows. */
export type JsonPayload = Extract<Payload, { kind: 'json' }>;

/** A request's cache key and the values masked out of it: the URL's in order, then a write's JSON body. */
export interface Shape {
  readonly key: string;
  /** The URL's masked values, in order. */
  readonly values: readonly string[];
  /** A write's body, read as the planner reads a JSON body: its `json` is masked value number `values.length`. */
  readonly body?: JsonPayload | undefined;
  /**
   * An inserted lone object of scalars (which the planner may send member by member): its keys, whose values are
   * masked values `values.length + 1 + k`. Empty otherwise.
   */
  readonly members: readonly string[];
}

/** Masked value `i` of a shape: a URL value, the body's JSON after the last of them, then its members' values. */
function maskedValue(shape: Shape, i: number): JsonText | null | undefined {
  const n = shape.values.length;
  if (i < n) return shape.values[i];
  if (i === n) return shape.body?.json;
  return shape.body?.scalars?.text(shape.members[i - n - 1]!);
}

// The keys of a key set as a list (a set is the same object for every body with those keys).
const keyLists = new WeakMap<ReadonlySet<string>, readonly string[]>();

function keyList(keys: ReadonlySet<string>): readonly string[] {
  let list = keyLists.get(keys);
  if (list === undefined) {
    list = [...keys];
    keyLists.set(keys, list);
  }
  return list;
}

/** Runs the request stages for the request with another query string and body (the probe). */
export type Build = (rawQuery: string, body: Buffer) => Built;

/** What the request stages produce for one request. */
export interface Built {
  readonly request: ApiRequest;
  readonly plan: Plan;
  readonly script: TxScript;
}

interface Entry {
  /** The first request of the shape: its query's values are that request's; a read's `canonical` is made per hit. */
  readonly request: ApiRequest;
  readonly plan: Plan;
  /** The compiled main statement; the parameters the slots fill are left null. */
  readonly main: Statement;
  /** [masked value's index (URL order), index of a parameter in `main.values` holding it]; a value may fill several. */
  readonly slots: readonly (readonly [number, number])[];
  /** A read's canonical query string with its masked values left out (undefined: redone from the URL per hit). */
  readonly canonical?: CanonicalTemplate | undefined;
}

/**
 * A canonical query string as `parts[0] + enc(values[order[0]]) + parts[1] + ...`: the pairs are sorted by key alone,
 * so only the masked values (ASCII, percent-encoded character by character) change between requests of a shape.
 */
interface CanonicalTemplate {
  readonly parts: readonly string[];
  readonly order: readonly number[];
}

const MASKED_OPS = ['eq.', 'neq.', 'gt.', 'gte.', 'lt.', 'lte.'];
const RESERVED_KEYS = new Set(['select', 'columns', 'on_conflict']);
const RESERVED_LAST = new Set(['order', 'limit', 'offset', 'and', 'or']);
const MAX_KEY = 2048;
/** The request headers besides Prefer that parsing and planning read (schema profile, media types, row window). */
const STEERING_HEADERS = ['accept', 'range', 'accept-profile', 'content-profile', 'content-type'] as const;
const MAX_ENTRIES = 512;

/**
 * The query string with masked values as NUL (a filter's value) or SOH (a call's digits-only argument), which no URL
 * can hold; undefined when the request is not cacheable.
 */
function maskQuery(rawQuery: string, call: boolean, values: string[]): string | undefined {
  // `;` also separates parameters (splitQueryString): left to the full path, like every unusual URL
  if (rawQuery.includes(';')) return undefined;
  let masked = '';
  let start = 0;
  while (start <= rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end < 0) end = rawQuery.length;
    const item = rawQuery.slice(start, end);
    masked += start === 0 ? '' : '&';
    const at = valueStart(item, call);
    if (at < 0) masked += item;
    else if (item.charCodeAt(at - 1) === EQUALS) {
      // a call's argument: digits only, so it is the same text encoded or not
      values.push(item.slice(at));
      masked += `${item.slice(0, at)}\u0001`;
    } else {
      const value = decodeAsciiComponent(item.slice(at));
      // a NUL ends a value in SQL (it is cut there): such values take the full path
      if (value === undefined || value.includes('\0')) return undefined;
      values.push(value);
      masked += `${item.slice(0, at)}\0`;
    }
    start = end + 1;
  }
  return masked;
}

const EQUALS = 61;
const DIGITS = /^[0-9]{1,18}$/;

/**
 * Where the masked value of an item starts, or -1: after `key=op.` for a masked operator, or (in a call) after `key=`
 * when the value is all digits (an argument: an operator needs letters and a dot).
 */
function valueStart(item: string, call: boolean): number {
  const eq = item.indexOf('=');
  if (eq < 0 || !isFilterKey(item.slice(0, eq))) return -1;
  const op = MASKED_OPS.find((o) => item.startsWith(o, eq + 1));
  if (op !== undefined) return eq + 1 + op.length;
  return call && DIGITS.test(item.slice(eq + 1)) ? eq + 1 : -1;
}

/** A parameter name spelt as it decodes (no escape, no `+`): an encoded one may decode to any name. */
const isPlainKey = (key: string): boolean => !key.includes('%') && !key.includes('+');

/** A plain parameter name that is neither reserved nor a reserved embed parameter. */
function isFilterKey(key: string): boolean {
  if (key === '' || !isPlainKey(key) || RESERVED_KEYS.has(key)) return false;
  return !RESERVED_LAST.has(key.slice(key.lastIndexOf('.') + 1));
}

/** Whether a query may hold `columns` (in any spelling: an encoded key may decode to it), which changes how a body is read. */
function mayNameColumns(rawQuery: string): boolean {
  for (const item of rawQuery.split('&')) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === 'columns' || !isPlainKey(key)) return true;
  }
  return false;
}

const isCallPath = (path: string): boolean => path.startsWith('/rpc/');

/** Whether digits-only query items are a call's arguments: in a GET/HEAD call, not when a body holds the arguments. */
const argsInQuery = (raw: RawRequest, body: boolean): boolean => !body && isCallPath(raw.path);

/** The shape of a request for `role`, or undefined when it is not cached. */
export function shapeOf(raw: RawRequest, role: string): Shape | undefined {
  let body: JsonPayload | undefined;
  switch (raw.method) {
    case 'GET':
    case 'HEAD':
    case 'DELETE':
      if (raw.body.length > 0) return undefined;
      break;
    case 'POST':
    case 'PATCH':
      body = jsonBody(raw);
      if (body === undefined) return undefined;
      break;
    default:
      return undefined;
  }
  const values: string[] = [];
  const query = maskQuery(raw.rawQuery, argsInQuery(raw, body !== undefined), values);
  if (query === undefined) return undefined;
  const h = raw.headers;
  // Injective: the role (from a token, any text) is length-prefixed, then a fixed number of parts without newlines
  // (no URL holds one; a header value holding one is not cached), then the count of Prefer headers and their values,
  // then a body's form: `[`, `{` or `=` (an object of scalars to insert) and its keys as a JSON array.
  let key = `${role.length}:${role}\n${raw.method}\n${raw.path}\n${query}`;
  for (const name of STEERING_HEADERS) {
    const v = h[name];
    if (v?.includes('\n')) return undefined;
    key += v === undefined ? '\n!' : `\n=${v}`;
  }
  key += `\n${raw.preferHeaders.length}`;
  for (const v of raw.preferHeaders) {
    if (v.includes('\n')) return undefined;
    key += `\n${v}`;
  }
  // (only a POST to a relation can send an object member by member: there alone objects of scalars are a form apart)
  const members = body?.scalars !== undefined && raw.method === 'POST' && !isCallPath(raw.path) ? keyList(body.keys) : NO_MEMBERS;
  if (body !== undefined) key += `\n${body.isArray ? '[' : members.length > 0 ? '=' : '{'}${keysText(body.keys)}`;
  return key.length > MAX_KEY ? undefined : { key, values, body, members };
}

/**
 * A write's body read as the planner reads a JSON body (the planner then takes it as read), or undefined when the
 * planner would read it another way (another media type, `columns=`) or reject it: those take the full path and its
 * errors.
 */
function jsonBody(raw: RawRequest): JsonPayload | undefined {
  if (mayNameColumns(raw.rawQuery)) return undefined;
  try {
    const isRpc = isCallPath(raw.path);
    if (bodyMediaType(parseContentType(raw.headers['content-type']), isRpc) !== 'json' || (isRpc && raw.body.length === 0)) return undefined;
    const payload = parsePayload(raw.body, 'json', { isRpc });
    return payload.kind === 'json' ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** One snapshot's entries; `null` marks a shape found not cacheable. */
class ShapeCache {
  readonly #entries = new Map<string, Entry | null>();

  get(key: string): Entry | null | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: Entry | null): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, entry);
  }
}

const caches = new WeakMap<Snapshot, ShapeCache>();

function cacheOf(snapshot: Snapshot): ShapeCache {
  let cache = caches.get(snapshot);
  if (cache === undefined) {
    cache = new ShapeCache();
    caches.set(snapshot, cache);
  }
  return cache;
}

/** What a learnt shape gives a request: its ApiRequest, plan and main statement with the request's values. */
export interface Recalled {
  readonly request: ApiRequest;
  readonly plan: Plan;
  readonly main: Statement;
}

/**
 * The stages' output for `raw` when its shape was learnt, else undefined. The request's own header and cookie maps (the
 * request settings) and a read's canonical query string are its own; everything else the request stages derive is the
 * shape's.
 */
export function recall(snapshot: Snapshot, shape: Shape, raw: RawRequest): Recalled | undefined {
  const entry = cacheOf(snapshot).get(shape.key);
  if (!entry) return undefined;
  const maps = requestMaps(raw);
  const values = entry.main.values.slice();
  for (const [i, j] of entry.slots) values[j] = maskedValue(shape, i);
  const request: ApiRequest = {
    ...entry.request,
    // only a read's response names its query (Content-Location)
    query: entry.plan.kind === 'read' ? { ...entry.request.query, canonical: canonicalOf(entry, shape, raw) } : entry.request.query,
    headers: maps.headers,
    cookies: maps.cookies,
    body: raw.body,
  };
  return { request, plan: entry.plan, main: { ...entry.main, values } };
}

/** A read's canonical query string: filled into the entry's template, else worked out from the URL. */
function canonicalOf(entry: Entry, shape: Shape, raw: RawRequest): string {
  const t = entry.canonical;
  if (t === undefined) return canonicalQueryString(splitQueryString(raw.rawQuery));
  let out = t.parts[0]!;
  for (let k = 0; k < t.order.length; k++) out += urlEncodeText(shape.values[t.order[k]!]!) + t.parts[k + 1]!;
  return out;
}

/**
 * The canonical query string of the query with `markers` (digits) as its masked values, cut at each marker; undefined
 * unless every marker is found exactly once.
 */
function canonicalTemplate(markedQuery: string, markers: readonly string[]): CanonicalTemplate | undefined {
  const text = canonicalQueryString(splitQueryString(markedQuery));
  const parts: string[] = [];
  const order: number[] = [];
  let from = 0;
  for (;;) {
    let next = -1;
    let which = -1;
    for (let m = 0; m < markers.length; m++) {
      const at = text.indexOf(markers[m]!, from);
      if (at >= 0 && (next < 0 || at < next)) [next, which] = [at, m];
    }
    if (next < 0) break;
    parts.push(text.slice(from, next));
    order.push(which);
    from = next + markers[which]!.length;
  }
  parts.push(text.slice(from));
  return order.length === markers.length && new Set(order).size === markers.length ? { parts, order } : undefined;
}

/**
 * Learns the shape from a request built the full way (`built`), by building it once more with marker values
 * (`build` runs the stages for a query string). Records an entry, or that the shape is not cacheable.
 */
export function learn(snapshot: Snapshot, shape: Shape, raw: RawRequest, built: Built, build: Build): void {
  const cache = cacheOf(snapshot);
  if (cache.get(shape.key) !== undefined) return;
  let entry: Entry | undefined;
  try {
    entry = entryFor(shape, raw, built, build);
  } catch {
    // learning never fails a request: the shape just stays uncached
  }
  cache.set(shape.key, entry ?? null);
}

function entryFor(shape: Shape, raw: RawRequest, built: Built, build: Build): Entry | undefined {
  const { plan, script } = built;
  if (plan.media.kind === 'plan' || !fixedBefore(script)) return undefined;
  // Nothing masked: the key is the whole request, and what was built serves it again as it is.
  if (shape.values.length === 0 && shape.body === undefined) {
    const canonical = plan.kind === 'read' ? { parts: [built.request.query.canonical], order: [] } : undefined;
    return { request: built.request, plan, main: script.main, slots: [], canonical };
  }
  // digits only, so that a marker keeps every masked item's class (filter value or call argument)
  const nonce = String(randomInt(1e9)).padStart(9, '0');
  const marker = (i: number) => `${nonce}${String(i).padStart(6, '0')}`;
  const markers = shape.values.map((_, i) => marker(i));
  const bodyMarker = shape.body ? markers.length : -1;
  // A body with the same keys and form in other bytes (the probe's JSON is this buffer itself): an object of scalars
  // with a marker for each value (its members are then masked, if the plan sends them apart), else a trailing space.
  const members = shape.members;
  const memberMarkers = members.map((_, k) => marker(bodyMarker + 1 + k));
  const probeBody =
    members.length > 0
      ? Buffer.from(`{${members.map((k, i) => `${JSON.stringify(k)}:"${memberMarkers[i]}"`).join(',')}}`)
      : shape.body
        ? Buffer.concat([raw.body, SPACE])
        : raw.body;
  const a = script;
  const probeQuery = withValues(raw.rawQuery, argsInQuery(raw, shape.body !== undefined), markers);
  const b = build(probeQuery, probeBody).script;
  if (a.readOnly !== b.readOnly || a.isolation !== b.isolation || a.end !== b.end || a.main.text !== b.main.text || a.before.length !== b.before.length) return undefined;
  if (a.main.values.length !== b.main.values.length || a.main.streamBody !== b.main.streamBody || a.main.prepare !== b.main.prepare) return undefined;
  for (let i = 1; i < a.before.length; i++) if (!sameStatement(a.before[i]!, b.before[i]!)) return undefined;
  const afterA = a.after ?? [];
  const afterB = b.after ?? [];
  if (afterA.length !== afterB.length || afterA.some((st, i) => !sameStatement(st, afterB[i]!))) return undefined;
  const slots: [number, number][] = [];
  const found = new Set<number>();
  const kept = a.main.values.slice();
  for (let j = 0; j < a.main.values.length; j++) {
    const probed = b.main.values[j];
    const m = typeof probed !== 'string' ? (probed === probeBody ? bodyMarker : -1) : markerIndex(probed, markers, memberMarkers, bodyMarker);
    if (m >= 0) {
      // where a marker went, the real request has its value as it was sent (no transformation to redo per request)
      if (a.main.values[j] !== maskedValue(shape, m)) return undefined;
      slots.push([m, j]);
      found.add(m);
      kept[j] = null;
    } else if (!samePrimitive(a.main.values[j], probed)) return undefined;
  }
  // every URL value, and the body either whole or every member of it
  const membersFound = memberMarkers.filter((_, k) => found.has(bodyMarker + 1 + k)).length;
  const bodyFound = !shape.body || (found.has(bodyMarker) ? membersFound === 0 : membersFound > 0 && membersFound === memberMarkers.length);
  if (!markers.every((_, i) => found.has(i)) || !bodyFound) return undefined;
  const canonical = plan.kind === 'read' ? canonicalTemplate(probeQuery, markers) : undefined;
  // The entry keeps no body of the request that taught it (a body can be large, and its bytes are reused).
  const request = { ...built.request, body: EMPTY, jsonBody: undefined };
  return { request, plan: shape.body ? withoutBodyText(plan) : plan, main: { ...a.main, values: kept }, slots, canonical };
}

/** Which masked value `probed` is the marker of (URL values, then the body's members after the body), or -1. */
function markerIndex(probed: string, markers: readonly string[], memberMarkers: readonly string[], bodyMarker: number): number {
  const m = markers.indexOf(probed);
  if (m >= 0) return m;
  const k = memberMarkers.indexOf(probed);
  return k < 0 ? -1 : bodyMarker + 1 + k;
}

/** The plan without the body text it was built with (only the compiled statement used it). */
function withoutBodyText(plan: Plan): Plan {
  if (plan.kind === 'mutate' && plan.statement.kind !== 'delete') {
    return { ...plan, statement: { ...plan.statement, body: { ...plan.statement.body, json: '', fields: undefined } } };
  }
  if (plan.kind === 'call' && plan.args.kind === 'json-body') return { ...plan, args: { ...plan.args, json: '' } };
  if (plan.kind === 'call' && plan.args.kind === 'positional') return { ...plan, args: { ...plan.args, value: '' } };
  return plan;
}

const SPACE = Buffer.from(' ');
const NO_MEMBERS: readonly string[] = [];
const EMPTY = Buffer.alloc(0);

/**
 * Besides the settings (before[0], rebuilt for every request), the statements before the main one take no values: the
 * db-pre-request call, SET CONSTRAINTS. (A planned or estimated count's EXPLAIN does, and is not cached.)
 */
function fixedBefore(script: TxScript): boolean {
  return script.before.length > 0 && script.before.every((st, i) => i === 0 || st.values.length === 0);
}

function sameStatement(a: Statement, b: Statement): boolean {
  return a.text === b.text && a.values.length === b.values.length && a.values.every((v, i) => samePrimitive(v, b.values[i]));
}

const samePrimitive = (a: unknown, b: unknown): boolean => a === b && (a === null || typeof a !== 'object');

/** `rawQuery` with its masked values replaced, in order, by `values` (digits: valid in either class). */
function withValues(rawQuery: string, call: boolean, values: readonly string[]): string {
  let k = 0;
  return rawQuery
    .split('&')
    .map((item) => {
      const at = valueStart(item, call);
      return at < 0 ? item : item.slice(0, at) + values[k++];
    })
    .join('&');
}
