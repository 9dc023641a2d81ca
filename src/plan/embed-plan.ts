// Resolves an embed (`rel!hint!inner(...)`, `...rel(...)`) to a relationship of the schema cache and plans the child read.
import { pgrst127NotImplemented } from '../errors/catalogue.js';
import type { EmbedPath, SelectRelation, SelectSpread } from '../request/query-types.js';
import type { Table } from '../schema-cache/types.js';
import type { ReadContext } from './read-plan.js';
import type { EmbedPlan } from './types.js';

/** Plans one embedded resource of `parent`. */
export function planEmbed(_ctx: ReadContext, _parent: Table, item: SelectRelation | SelectSpread, _path: EmbedPath): EmbedPlan {
  // TODO(issue 4): relationship resolution and embedding.
  throw pgrst127NotImplemented(`Embedding '${item.name}' is not implemented yet`);
}
