// `application/vnd.pgrst.plan`: the main statement of a request wrapped in EXPLAIN with the requested format and options.
// The statement explained is the one the request would run for the planned media type. No I/O.
import type { Statement } from '../db/execute.js';
import type { MediaType, PlanOption } from '../request/media-type.js';
import { compile, type Fragment, keyword, sql } from './fragment.js';

const OPTION: Readonly<Record<PlanOption, string>> = {
  analyze: 'ANALYZE',
  verbose: 'VERBOSE',
  settings: 'SETTINGS',
  buffers: 'BUFFERS',
  wal: 'WAL',
};

/** `EXPLAIN (FORMAT JSON|TEXT[, ANALYZE, ...]) <main>`; options keep the order the media type lists them in. */
export function explainFragment(media: Extract<MediaType, { kind: 'plan' }>, main: Fragment): Fragment {
  const options = [`FORMAT ${media.format === 'json' ? 'JSON' : 'TEXT'}`, ...media.options.map((o) => OPTION[o])];
  return sql`EXPLAIN (${keyword(options.join(', '))}) ${main}`;
}

/**
 * The EXPLAIN as the main statement of the transaction. Not a named prepared statement: plans are requested rarely and
 * each option set would take a statement slot of its own.
 */
export function explainStatement(media: Extract<MediaType, { kind: 'plan' }>, main: Fragment): Statement {
  return { ...compile(explainFragment(media, main)), prepare: false };
}
