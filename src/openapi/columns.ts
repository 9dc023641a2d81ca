// What the OpenAPI documents say about one column: its description with PostgREST's primary/foreign key notes and
// its default parsed into a JSON value. Pure reads of the schema cache; builds no document.

import { findRelationships } from '../schema-cache/lookup.js';
import type { Column, FkRelationship, SchemaCache, Table } from '../schema-cache/types.js';
import type { JsonValue } from './input.js';
import { swaggerType } from './types-map.js';

/**
 * The `[table, column]` a single-column foreign key of `column` points to: the first many-to-one (or child-side
 * one-to-one) relationship of the table in its own schema whose only origin column is `column`, relationships to
 * tables before relationships to views (so a view over the target does not hide the table).
 */
export function foreignKeyTarget(cache: SchemaCache, table: Table, column: string): readonly [string, string] | undefined {
  const fks = findRelationships(cache, table.schema, table.name).filter((r): r is FkRelationship => r.kind === 'fk');
  // Array.prototype.sort is stable, as Haskell's sortOn.
  const sorted = [...fks].sort((a, b) => Number(a.foreignTableIsView) - Number(b.foreignTableIsView));
  for (const rel of sorted) {
    const card = rel.cardinality;
    const isChildSide = card.kind === 'M2O' || (card.kind === 'O2O' && !card.isParent);
    if (!isChildSide) continue;
    const [only, ...more] = card.columns;
    if (only !== undefined && more.length === 0 && only[0] === column) return [rel.foreignTable.name, only[1]];
  }
  return undefined;
}

/**
 * The column comment followed by PostgREST's notes: `Note:` then `This is a Primary Key.<pk/>` and/or
 * ``This is a Foreign Key to `t.c`.<fk table='t' column='c'/>``, one per line, after a blank line when there is a
 * comment; just the comment (or null) when the column is in no key.
 */
export function columnDescription(cache: SchemaCache, table: Table, column: Column): string | null {
  const notes = ['Note:'];
  if (table.pkCols.includes(column.name)) notes.push('This is a Primary Key.<pk/>');
  const fk = foreignKeyTarget(cache, table, column.name);
  if (fk !== undefined) {
    const [t, c] = fk;
    notes.push(`This is a Foreign Key to \`${t}.${c}\`.<fk table='${t}' column='${c}'/>`);
  }
  if (notes.length === 1) return column.description;
  return (column.description === null ? '' : `${column.description}\n\n`) + notes.join('\n');
}

/**
 * The column default as PostgREST's parseDefault reads it: for string-typed columns the `::<type>` suffix and the
 * surrounding quotes are dropped and the text is taken as a JSON string; other defaults must be JSON literals
 * (`42`, `42.2`, `false`). Undefined when the text is no JSON (`nextval(...)`, `'-1'::integer`, `'{}'::jsonb`).
 */
export function columnDefault(column: Column): JsonValue | undefined {
  if (column.default === null) return undefined;
  let text = column.default;
  if (swaggerType(column.type) === 'string') {
    const suffix = `::${column.type}`;
    if (text.endsWith(suffix)) text = text.slice(0, -suffix.length).replace(/^'+|'+$/g, '');
    text = `"${text}"`;
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
