// SQL fragments that carry their own bind parameters; placeholders are numbered once, at compile time.
// `ident()` is the only path from a runtime string to SQL text; values only ever travel as parameters. No I/O here.

/** Text, a parameter's value, or a nested (never empty) fragment: nesting is flattened once, by compile(). */
type Chunk = string | { readonly value: unknown } | Fragment;

/** An immutable piece of SQL text with its parameters in place. */
export interface Fragment {
  readonly chunks: readonly Chunk[];
}

const EMPTY: Fragment = { chunks: [] };

/** Template tag: literal text is SQL, every interpolation must itself be a Fragment (never a bare string). */
export function sql(strings: TemplateStringsArray, ...parts: readonly Fragment[]): Fragment {
  const chunks: Chunk[] = [];
  for (let i = 0; i < strings.length; i++) {
    if (strings[i]) chunks.push(strings[i]!);
    const part = parts[i];
    if (part && part.chunks.length > 0) chunks.push(part);
  }
  return { chunks };
}

/** SQL text from our own closed tables (keywords, operators, fixed function names). Never pass user input. */
export function keyword(text: string): Fragment {
  // '' is the usual "nothing here": the shared empty fragment, which sql`` and join() leave out.
  return text === '' ? EMPTY : { chunks: [text] };
}

/** A bind parameter, sent untyped so PostgreSQL infers its type from the context. */
export function param(value: unknown): Fragment {
  return { chunks: [{ value }] };
}

/** A double-quoted identifier: the only way a runtime name becomes SQL text. */
export function ident(name: string): Fragment {
  return { chunks: [quoteIdent(name)] };
}

/** `"schema"."name"`. */
export function qualified(schema: string, name: string): Fragment {
  return { chunks: [`${quoteIdent(schema)}.${quoteIdent(name)}`] };
}

// The same few names (schemas, tables, columns, aliases) are quoted on every request: their quoted forms are kept.
const quotedNames = new Map<string, string>();

/** Quotes an identifier for SQL text. A NUL ends the name, as it does when PostgREST hands the name to libpq. */
export function quoteIdent(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    const nul = name.indexOf('\0');
    quoted = `"${(nul < 0 ? name : name.slice(0, nul)).replaceAll('"', '""')}"`;
    if (name.length <= 128) {
      if (quotedNames.size >= 4096) quotedNames.clear();
      quotedNames.set(name, quoted);
    }
  }
  return quoted;
}

/** Joins fragments with a separator (a keyword such as ', ' or ' AND '). */
export function join(parts: readonly Fragment[], separator: string): Fragment {
  if (parts.length === 0) return EMPTY;
  const chunks: Chunk[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) chunks.push(separator);
    if (parts[i]!.chunks.length > 0) chunks.push(parts[i]!);
  }
  return { chunks };
}

export const empty: Fragment = EMPTY;

/** Text with `$1..$n` placeholders and the values in order. */
export interface Compiled {
  readonly text: string;
  readonly values: unknown[];
}

/** Numbers the placeholders and returns the statement text and its values. */
export function compile(f: Fragment): Compiled {
  const out = { text: '', values: [] as unknown[] };
  render(f, out);
  return out;
}

function render(f: Fragment, out: { text: string; values: unknown[] }): void {
  for (const c of f.chunks) {
    if (typeof c === 'string') out.text += c;
    else if ('chunks' in c) render(c, out);
    else {
      out.values.push(c.value);
      out.text += `$${out.values.length}`;
    }
  }
}
