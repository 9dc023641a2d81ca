// A small PostgreSQL lexer for the injection checks: splits logged statement text into code, quoted identifiers,
// string literals, dollar-quoted strings and comments, so the suite can tell where an injected marker ended up.

export type SqlContext = 'code' | 'ident' | 'string' | 'dollar' | 'comment';

/** A run of statement text in one lexical context; `end` is exclusive. */
export interface Span {
  readonly ctx: SqlContext;
  readonly start: number;
  readonly end: number;
}

const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Lexes `sql` (standard_conforming_strings on); an unterminated token runs to the end. */
export function lexSql(sql: string): Span[] {
  const spans: Span[] = [];
  let i = 0;
  let codeStart = 0;
  const push = (ctx: SqlContext, start: number, end: number) => {
    if (codeStart < start) spans.push({ ctx: 'code', start: codeStart, end: start });
    spans.push({ ctx, start, end });
    codeStart = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'") {
      const escaped = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isIdentChar(sql[i - 2]);
      let j = i + 1;
      while (j < sql.length) {
        if (escaped && sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      push('string', escaped ? i - 1 : i, Math.min(j + 1, sql.length));
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2;
        else if (sql[j] === '"') break;
        else j++;
      }
      push('ident', i, Math.min(j + 1, sql.length));
      i = j + 1;
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      const end = nl < 0 ? sql.length : nl;
      push('comment', i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      push('comment', i, j);
      i = j;
    } else if (c === '$' && !isIdentChar(sql[i - 1])) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (!m) {
        i++;
        continue;
      }
      const tag = m[0];
      const close = sql.indexOf(tag, i + tag.length);
      const end = close < 0 ? sql.length : close + tag.length;
      push('dollar', i, end);
      i = end;
    } else {
      i++;
    }
  }
  if (codeStart < sql.length) spans.push({ ctx: 'code', start: codeStart, end: sql.length });
  return spans;
}

/** Every occurrence of `marker` with its lexical context ('mixed' when it crosses a token boundary). */
export function markerOccurrences(sql: string, marker: string): Array<{ readonly at: number; readonly ctx: SqlContext | 'mixed' }> {
  const spans = lexSql(sql);
  const out: Array<{ at: number; ctx: SqlContext | 'mixed' }> = [];
  for (let at = sql.indexOf(marker); at >= 0; at = sql.indexOf(marker, at + 1)) {
    const span = spans.find((s) => s.start <= at && at < s.end);
    if (span) out.push({ at, ctx: at + marker.length <= span.end ? span.ctx : 'mixed' });
  }
  return out;
}

/** True when the text holds more than one statement (a `;` in code followed by more code). */
export function hasSeveralStatements(sql: string): boolean {
  const spans = lexSql(sql);
  for (let k = 0; k < spans.length; k++) {
    const s = spans[k]!;
    if (s.ctx !== 'code') continue;
    const text = sql.slice(s.start, s.end);
    const semi = text.indexOf(';');
    if (semi < 0) continue;
    const rest = text.slice(semi + 1).replace(/;/g, '');
    if (rest.trim() !== '') return true;
    if (spans.slice(k + 1).some((t) => t.ctx !== 'comment' && (t.ctx !== 'code' || sql.slice(t.start, t.end).replace(/;/g, '').trim() !== ''))) return true;
  }
  return false;
}

/** The first keyword of a statement, upper-cased (comments and parentheses skipped). */
export function firstKeyword(sql: string): string {
  for (const s of lexSql(sql)) {
    if (s.ctx === 'comment') continue;
    if (s.ctx !== 'code') return '';
    const text = sql.slice(s.start, s.end).replace(/^[\s(]+/, '');
    if (text === '') continue;
    const m = /^[A-Za-z]+/.exec(text);
    return m ? m[0].toUpperCase() : '';
  }
  return '';
}
