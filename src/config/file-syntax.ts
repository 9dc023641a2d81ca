// Reads the config-file syntax PostgREST uses (Haskell `configurator`): `key = value` bindings, `name { … }`
// groups, `import "file"`, `#` comments, `#;` commented-out directives, typed values and `$(NAME)` interpolation.
// It knows nothing about PostgREST's keys: it returns every binding under its full dotted name.

import { ConfigError } from './config-error.js';
import { interpolationText } from './scientific.js';

/** A value as written in the file; numbers keep their exact source text. */
export type FileValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'list'; readonly items: readonly FileValue[] };

/** Where the text came from and how to resolve what it refers to. */
export interface FileSyntaxOptions {
  /** Path of the file, for messages and for `import` paths relative to it. */
  readonly file?: string | undefined;
  /** Environment consulted by `$(NAME)` when NAME is not an earlier binding. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads an imported file; without it `import` is an error. */
  readonly readImport?: ((path: string) => string) | undefined;
}

type Directive =
  | { readonly kind: 'bind'; readonly key: string; readonly value: FileValue; readonly at: number }
  | { readonly kind: 'group'; readonly key: string; readonly body: readonly Directive[] }
  | { readonly kind: 'import'; readonly path: string; readonly at: number }
  | { readonly kind: 'comment' };

const IMPORT_KEYWORD = /import(?![\p{L}\p{N}_.-])/uy;
const KEY = /\p{L}[\p{L}\p{N}_-]*(?:\.\p{L}[\p{L}\p{N}_-]*)*/uy;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const SPACE = /\s/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const BOOLEANS: readonly (readonly [string, boolean])[] = [
  ['on', true],
  ['off', false],
  ['true', true],
  ['false', false],
];
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
const MAX_IMPORT_DEPTH = 32;

/** Parses and evaluates config-file text into a map from full key (`app.settings.x`) to value; later bindings win. */
export function parseConfigText(text: string, options: FileSyntaxOptions): ReadonlyMap<string, FileValue> {
  const out = new Map<string, FileValue>();
  const file = options.file;
  evaluate(new Cursor(text, file).document(), { options, out, prefix: '', file, text, depth: 0 });
  return out;
}

/** Builds a ConfigError pointing at a character offset of `text`. */
function errorAt(text: string, file: string | undefined, offset: number, message: string): ConfigError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return new ConfigError(`${file ?? 'config'}:${line}:${column}: ${message}`, undefined, { file, line, column });
}

/** A position in the text being parsed; one per file. */
class Cursor {
  private readonly src: string;
  private readonly file: string | undefined;
  private pos = 0;

  constructor(src: string, file: string | undefined) {
    this.src = src;
    this.file = file;
  }

  document(): Directive[] {
    this.skipLines();
    const body = this.directives();
    if (this.pos < this.src.length) this.fail(`unexpected ${this.describe()}, expected a key, 'import' or a comment`);
    return body;
  }

  private fail(message: string, at = this.pos): never {
    throw errorAt(this.src, this.file, at, message);
  }

  private peek(ahead = 0): string {
    return this.src.charAt(this.pos + ahead);
  }

  private describe(): string {
    const c = this.peek();
    if (c === '') return 'end of input';
    if (c === '\n' || c === '\r') return 'end of line';
    return `'${c}'`;
  }

  private sticky(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** Skips white space (newlines included) and `#` comments, but not `#;` directive comments. */
  private skipLines(): void {
    for (;;) {
      const c = this.peek();
      if (c !== '' && SPACE.test(c)) this.pos++;
      else if (c === '#' && this.peek(1) !== ';') this.skipToLineEnd(true);
      else return;
    }
  }

  /** Skips spaces, tabs and a trailing `#` comment on the current line. */
  private skipInline(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '#') this.skipToLineEnd(false);
      else return;
    }
  }

  private skipToLineEnd(stopAtCr: boolean): void {
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === '\n' || (stopAtCr && c === '\r')) return;
      this.pos++;
    }
  }

  /** Directives separated by line breaks; stops (without error) where no directive can start. */
  private directives(): Directive[] {
    const out: Directive[] = [];
    for (;;) {
      const d = this.directive();
      if (d === undefined) break;
      out.push(d);
      this.skipInline();
      if (this.peek() === '\n') this.pos += 1;
      else if (this.peek() === '\r' && this.peek(1) === '\n') this.pos += 2;
      else break;
      this.skipLines();
    }
    this.skipLines();
    return out;
  }

  private directive(): Directive | undefined {
    if (this.sticky(IMPORT_KEYWORD) !== undefined) {
      this.skipLines();
      const at = this.pos;
      return { kind: 'import', path: this.string(), at };
    }
    const at = this.pos;
    const key = this.sticky(KEY);
    if (key !== undefined) {
      this.skipLines();
      const c = this.peek();
      if (c === '=') {
        this.pos++;
        this.skipLines();
        return { kind: 'bind', key, value: this.value(), at };
      }
      if (c === '{') {
        this.pos++;
        this.skipLines();
        const body = this.directives();
        if (this.peek() !== '}') this.fail(`unexpected ${this.describe()}, expected '}' closing group '${key}'`);
        this.pos++;
        return { kind: 'group', key, body };
      }
      this.fail(`unexpected ${this.describe()}, expected '=' or '{' after '${key}'`);
    }
    if (this.peek() === '#' && this.peek(1) === ';') {
      this.pos += 2;
      this.skipInline();
      if (this.directive() === undefined) this.fail(`unexpected ${this.describe()}, expected a directive after '#;'`);
      return { kind: 'comment' };
    }
    return undefined;
  }

  private value(): FileValue {
    for (const [word, value] of BOOLEANS) {
      if (this.src.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: 'bool', value };
      }
    }
    const c = this.peek();
    if (c === '"') return { kind: 'string', value: this.string() };
    if (c === '[') return this.list();
    const number = this.sticky(NUMBER);
    if (number !== undefined) return { kind: 'number', text: number };
    return this.fail(`unexpected ${this.describe()}, expected a value: "string", number, true/false/on/off or [list]`);
  }

  private list(): FileValue {
    this.pos++;
    this.skipLines();
    const items: FileValue[] = [];
    if (this.peek() !== ']') {
      for (;;) {
        items.push(this.value());
        this.skipLines();
        if (this.peek() !== ',') break;
        this.pos++;
        this.skipLines();
      }
    }
    if (this.peek() !== ']') this.fail(`unexpected ${this.describe()}, expected ',' or ']' in list`);
    this.pos++;
    return { kind: 'list', items };
  }

  /** A double-quoted string with `\n \t \r \" \\ \uXXXX` escapes; raw line breaks are kept. */
  private string(): string {
    const open = this.pos;
    if (this.peek() !== '"') this.fail(`unexpected ${this.describe()}, expected a "string"`);
    this.pos++;
    const parts: string[] = [];
    let chunk = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail('unterminated string', open);
      if (c === '"') break;
      if (c !== '\\') {
        this.pos++;
        continue;
      }
      parts.push(this.src.slice(chunk, this.pos));
      this.pos++;
      parts.push(this.escape());
      chunk = this.pos;
    }
    parts.push(this.src.slice(chunk, this.pos));
    this.pos++;
    return parts.join('');
  }

  private escape(): string {
    const c = this.peek();
    const simple = ESCAPES[c];
    if (simple !== undefined) {
      this.pos++;
      return simple;
    }
    if (c !== 'u') this.fail(`invalid escape sequence '\\${c}' (allowed: \\n \\t \\r \\" \\\\ \\uXXXX)`);
    this.pos++;
    const first = this.hex4();
    if (first < 0xd800 || first > 0xdfff) return String.fromCharCode(first);
    if (!this.src.startsWith('\\u', this.pos)) this.fail('invalid UTF-16 surrogates: expected a second \\uXXXX');
    this.pos += 2;
    const second = this.hex4();
    if (first > 0xdbff || second < 0xdc00 || second > 0xdfff) this.fail('invalid UTF-16 surrogates');
    return String.fromCharCode(first, second);
  }

  private hex4(): number {
    const digits = this.src.slice(this.pos, this.pos + 4);
    if (!HEX4.test(digits)) this.fail('expected four hexadecimal digits after \\u');
    this.pos += 4;
    return Number.parseInt(digits, 16);
  }
}

interface EvalState {
  readonly options: FileSyntaxOptions;
  readonly out: Map<string, FileValue>;
  readonly prefix: string;
  readonly file: string | undefined;
  readonly text: string;
  readonly depth: number;
}

function evaluate(directives: readonly Directive[], state: EvalState): void {
  for (const d of directives) {
    if (d.kind === 'bind') {
      const key = state.prefix + d.key;
      const value =
        d.value.kind === 'string' && d.value.value.includes('$')
          ? { kind: 'string' as const, value: interpolate(d.value.value, key, d.at, state) }
          : d.value;
      state.out.set(key, value);
    } else if (d.kind === 'group') {
      evaluate(d.body, { ...state, prefix: `${state.prefix}${d.key}.` });
    } else if (d.kind === 'import') {
      evaluateImport(d.path, d.at, state);
    }
  }
}

function evaluateImport(relative: string, at: number, state: EvalState): void {
  const { readImport } = state.options;
  if (readImport === undefined) throw errorAt(state.text, state.file, at, 'import is not supported here');
  if (state.depth >= MAX_IMPORT_DEPTH) throw errorAt(state.text, state.file, at, 'imports nested too deeply');
  const path = relative.startsWith('/') ? relative : (state.file ?? '').replace(/[^/]*$/, '') + relative;
  let text: string;
  try {
    text = readImport(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw errorAt(state.text, state.file, at, `cannot read imported file '${path}': ${reason}`);
  }
  evaluate(new Cursor(text, path).document(), { ...state, file: path, text, depth: state.depth + 1 });
}

/** Expands `$$` to `$` and `$(NAME)` to an earlier binding (innermost group first) or an environment variable. */
function interpolate(raw: string, key: string, at: number, state: EvalState): string {
  const fail = (why: string): never => {
    throw errorAt(state.text, state.file, at, `in the value of '${key}': ${why}`);
  };
  let out = '';
  let i = 0;
  for (;;) {
    const dollar = raw.indexOf('$', i);
    if (dollar < 0) return out + raw.slice(i);
    out += raw.slice(i, dollar);
    const next = raw.charAt(dollar + 1);
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '(') {
      const close = raw.indexOf(')', dollar + 2);
      if (close < 0) fail("'$(' without a closing ')' (write $$ for a literal '$')");
      if (close === dollar + 2) fail("empty variable name in '$()'");
      out += lookupVariable(raw.slice(dollar + 2, close), state, fail);
      i = close + 1;
    } else {
      fail("'$' must be followed by '$' or '(' (write $$ for a literal '$')");
    }
  }
}

function lookupVariable(name: string, state: EvalState, fail: (why: string) => never): string {
  const scopes = state.prefix.split('.').filter((s) => s !== '');
  for (let n = scopes.length; n >= 0; n--) {
    const found = state.out.get([...scopes.slice(0, n), name].join('.'));
    if (found === undefined) continue;
    if (found.kind === 'string') return found.value;
    if (found.kind === 'number') return interpolationText(found.text);
    return fail(`variable '${name}' is not a string or number`);
  }
  const fromEnv = state.options.env[name];
  return fromEnv ?? fail(`no such variable: '${name}'`);
}
