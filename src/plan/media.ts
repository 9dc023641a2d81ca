// Content negotiation against the schema cache's media type handlers, with PostgREST's rules: vendored types (object,
// stripped array, plan) are never overridden, a relation's own handlers apply only to the default `select`, its `*/*`
// handler answers every type, and handlers for every relation (anyelement, the built-ins included) come last. No SQL.
import type { AppConfig } from '../config/types.js';
import { pgrst107NotAcceptable } from '../errors/catalogue.js';
import { type MediaType, parseAccept, parseMediaType, toMime } from '../request/media-type.js';
import type { MediaHandlerEntry, QualifiedIdentifier, RelIdentifier, SchemaCache } from '../schema-cache/types.js';
import type { ReadPlan } from './types.js';

/**
 * A handler defined in the database. `aggregate`: a user aggregate over the rows (of `target`'s row type, or of any
 * relation); `function`: the called function returns the media-type domain `domain`, whose value is the body.
 */
export type CustomHandler =
  | { readonly kind: 'aggregate'; readonly function: QualifiedIdentifier; readonly target: RelIdentifier }
  | { readonly kind: 'function'; readonly domain: QualifiedIdentifier };

/** The outcome of negotiation: the response media type, and the custom handler building the body (none: built-in). */
export interface NegotiatedMedia {
  readonly media: MediaType;
  readonly handler: CustomHandler | undefined;
}

/** A handler of the index: its body builder (undefined for a built-in) and the media type it answers with. */
interface Resolved {
  readonly handler: CustomHandler | undefined;
  readonly media: MediaType;
}

// Handlers keyed by target and parsed media type (the domain names are lower-cased by the loader and then parsed, as
// PostgREST decodes them, so `text/plain` is the built-in type while `image/png` stays an exact string).
const indexes = new WeakMap<SchemaCache, Map<string, Resolved>>();

const ANY_ELEMENT: RelIdentifier = { kind: 'anyelement' };

function mediaKey(mt: MediaType): string {
  return mt.kind === 'other' ? `o:${mt.raw}` : `b:${toMime(mt)}`;
}

function targetKey(target: RelIdentifier): string {
  return target.kind === 'anyelement' ? '\u0001' : `${target.qi.schema}\u0000${target.qi.name}`;
}

function resolveEntry(entry: MediaHandlerEntry): Resolved {
  const media = parseMediaType(entry.resolvedMediaType);
  const h = entry.handler;
  if (h.kind === 'builtin') return { handler: undefined, media };
  const handler: CustomHandler =
    h.kind === 'aggregate' ? { kind: 'aggregate', function: h.function, target: entry.target } : { kind: 'function', domain: h.domain };
  return { handler, media };
}

function handlerIndex(cache: SchemaCache): Map<string, Resolved> {
  let index = indexes.get(cache);
  if (index === undefined) {
    index = new Map();
    for (const entry of cache.mediaHandlers.values()) {
      index.set(`${targetKey(entry.target)}\u0000${mediaKey(parseMediaType(entry.mediaType))}`, resolveEntry(entry));
    }
    indexes.set(cache, index);
  }
  return index;
}

/**
 * PostgREST's `hasDefaultSelect`: the read selects one item named `*` (the implicit or explicit star) and embeds
 * nothing. Checked after `*` was expanded (domain representations), so such a read has no default select.
 */
export function hasDefaultSelect(read: ReadPlan): boolean {
  if (read.embeds.length > 0 || read.select.length !== 1) return false;
  const only = read.select[0]!;
  return only.kind === 'star' || (only.kind === 'field' && only.item.field.name === '*');
}

/**
 * Chooses the response media type and handler for a request on `target` (a relation, or what a function returns):
 * the first of the client's types, in preference order, that some handler serves. Throws PGRST107 when none does.
 */
export function negotiateMedia(
  accept: string | undefined,
  cache: SchemaCache,
  config: Pick<AppConfig, 'dbPlanEnabled'>,
  target: QualifiedIdentifier,
  defaultSelect: boolean,
): NegotiatedMedia {
  const index = handlerIndex(cache);
  const relation = targetKey({ kind: 'rel', qi: target });
  const lookup = (mt: MediaType): Resolved | undefined =>
    (defaultSelect ? (index.get(`${relation}\u0000b:*/*`) ?? index.get(`${relation}\u0000${mediaKey(mt)}`)) : undefined) ??
    index.get(`${targetKey(ANY_ELEMENT)}\u0000${mediaKey(mt)}`);
  const accepted = parseAccept(accept);
  for (const mt of accepted) {
    const chosen = pick(mt, lookup, config.dbPlanEnabled);
    if (chosen !== undefined) return chosen;
  }
  throw pgrst107NotAcceptable(accepted.map(toMime));
}

function pick(mt: MediaType, lookup: (mt: MediaType) => Resolved | undefined, planEnabled: boolean): NegotiatedMedia | undefined {
  switch (mt.kind) {
    // the vendored types carry parameters of their own: no handler can override them
    case 'object':
    case 'array-stripped':
      return { media: mt, handler: undefined };
    case 'plan': {
      if (!planEnabled) return undefined;
      const inner = mt.for;
      if (inner.kind === 'object' || inner.kind === 'array-stripped') return { media: mt, handler: undefined };
      const found = lookup(inner);
      return found === undefined ? undefined : { media: mt, handler: found.handler };
    }
    default: {
      const found = lookup(mt);
      return found === undefined ? undefined : { media: found.media, handler: found.handler };
    }
  }
}

/** The media type whose body a statement builds: the planned type for `application/vnd.pgrst.plan`, else itself. */
export function bodyMedia(media: MediaType): MediaType {
  return media.kind === 'plan' ? media.for : media;
}
