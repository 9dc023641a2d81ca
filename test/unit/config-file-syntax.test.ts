// Unit tests of the config-file syntax reader (src/config/file-syntax.ts): values, groups, comments,
// interpolation, imports and the exact error messages with line/column.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { type FileValue, parseConfigText } from '../../src/config/file-syntax.js';

const env = { HOME: '/home/me', EMPTY: '' };
const read = (text: string, file?: string): Record<string, FileValue> =>
  Object.fromEntries(parseConfigText(text, { env, file }));
const str = (value: string): FileValue => ({ kind: 'string', value });
const num = (text: string): FileValue => ({ kind: 'number', text });
const bool = (value: boolean): FileValue => ({ kind: 'bool', value });

describe('config file syntax: values and structure', () => {
  const cases: [string, string, Record<string, FileValue>][] = [
    ['quoted string', 'a = "x y"', { a: str('x y') }],
    ['empty file', '', {}],
    ['only comments and blank lines', '# one\n\n   # two\n', {}],
    ['bare integer', 'n = 42', { n: num('42') }],
    ['fraction and exponent kept as written', 'f = 1.50e3', { f: num('1.50e3') }],
    ['booleans', 'a = true\nb = false\nc = on\nd = off', { a: bool(true), b: bool(false), c: bool(true), d: bool(false) }],
    ['trailing comment', 'a = 1 # note\nb = 2', { a: num('1'), b: num('2') }],
    ['spaces and line breaks around "="', 'a\n=\n  "v"', { a: str('v') }],
    ['dotted key', 'app.settings.jwt_secret = "s"', { 'app.settings.jwt_secret': str('s') }],
    ['key characters', 'Ké_y-2.x = 1', { 'Ké_y-2.x': num('1') }],
    [
      'group block with nested group',
      'app.settings {\n  a = "1"\n  inner { b = 2 }\n}\nz = 3',
      { 'app.settings.a': str('1'), 'app.settings.inner.b': num('2'), z: num('3') },
    ],
    ['one-line group', 'g { a = 1 }', { 'g.a': num('1') }],
    ['lists', 'l = [1, "a", [true], []]', {
      l: { kind: 'list', items: [num('1'), str('a'), { kind: 'list', items: [bool(true)] }, { kind: 'list', items: [] }] },
    }],
    ['escapes', 'a = "q\\"b\\\\s\\n\\t\\r\\u00e9\\ud83d\\ude00"', { a: str('q"b\\s\n\t\ré😀') }],
    ['raw line break inside a string', 'a = "x\ny"', { a: str('x\ny') }],
    ['later binding wins', 'a = 1\na = "2"', { a: str('2') }],
    ['CRLF line endings', 'a = 1\r\nb = 2\r\n', { a: num('1'), b: num('2') }],
    ['directive comment "#;" hides a binding', '#; a = 1\nb = 2', { b: num('2') }],
    ['"important" is a key, not the import keyword', 'important = 1', { important: num('1') }],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(read(text), expected));
  }
});

describe('config file syntax: interpolation', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['environment variable', 'a = "$(HOME)/x"', { a: '/home/me/x' }],
    ['empty environment variable', 'a = "<$(EMPTY)>"', { a: '<>' }],
    ['$$ is a literal dollar', 'a = "$$.role"', { a: '$.role' }],
    ['earlier binding', 'base = "/srv"\na = "$(base)/logs"', { base: '/srv', a: '/srv/logs' }],
    ['integer binding', 'n = 1e3\na = "$(n)"', { a: '1000' }],
    ['fractional binding', 'n = 1.5\na = "$(n)"', { a: '1.5' }],
    ['small fraction in exponent form', 'n = 0.05\na = "$(n)"', { a: '5.0e-2' }],
    ['innermost group first', 'x = "top"\ng {\n  x = "inner"\n  a = "$(x)"\n}', { 'g.a': 'inner' }],
    ['outer scope from a group', 'x = "top"\ng {\n  a = "$(x)"\n}', { 'g.a': 'top' }],
    ['binding shadows the environment', 'HOME = "mine"\na = "$(HOME)"', { a: 'mine' }],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const got = read(text);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(got[k], str(v));
    });
  }
});

describe('config file syntax: imports', () => {
  it('reads imported files relative to the importing file, under the current group', () => {
    const files: Record<string, string> = { 'conf/common.conf': 'a = 1\nsecrets { import "more.conf" }', 'conf/more.conf': 'b = "2"' };
    const reads: string[] = [];
    const got = parseConfigText('g {\n  import "common.conf"\n}\nz = "$(g.a)"', {
      env: {},
      file: 'conf/main.conf',
      readImport: (path) => {
        reads.push(path);
        return files[path] ?? '';
      },
    });
    assert.deepEqual(Object.fromEntries(got), { 'g.a': num('1'), 'g.secrets.b': str('2'), z: str('1') });
    assert.deepEqual(reads, ['conf/common.conf', 'conf/more.conf']);
  });
});

describe('config file syntax: errors', () => {
  const cases: [string, string, string][] = [
    ['missing value', 'a = ', 'config:1:5: unexpected end of input, expected a value: "string", number, true/false/on/off or [list]'],
    ['negative numbers are not values', 'a = -1', 'config:1:5: unexpected \'-\', expected a value: "string", number, true/false/on/off or [list]'],
    ['bare word value', 'a = abc', 'config:1:5: unexpected \'a\', expected a value: "string", number, true/false/on/off or [list]'],
    ['two bindings on one line', 'a = 1 b = 2', "config:1:7: unexpected 'b', expected a key, 'import' or a comment"],
    ['junk after a boolean', 'a = true1', "config:1:9: unexpected '1', expected a key, 'import' or a comment"],
    ['key without "="', 'x = 1\nname "v"', "config:2:6: unexpected '\"', expected '=' or '{' after 'name'"],
    ['key ending in a dot', 'a. = 1', "config:1:2: unexpected '.', expected '=' or '{' after 'a'"],
    ['unterminated string', 'a = 1\nb = "open', 'config:2:5: unterminated string'],
    ['unknown escape', 'a = "\\q"', "config:1:7: invalid escape sequence '\\q' (allowed: \\n \\t \\r \\\" \\\\ \\uXXXX)"],
    ['short \\u escape', 'a = "\\u12"', 'config:1:8: expected four hexadecimal digits after \\u'],
    ['lone surrogate', 'a = "\\ud83d"', 'config:1:12: invalid UTF-16 surrogates: expected a second \\uXXXX'],
    ['unclosed group', 'g {\n  a = 1\n', "config:3:1: unexpected end of input, expected '}' closing group 'g'"],
    ['list missing an item', 'l = [1,]', 'config:1:8: unexpected \']\', expected a value: "string", number, true/false/on/off or [list]'],
    ['unclosed list', 'l = [1 2]', "config:1:8: unexpected '2', expected ',' or ']' in list"],
    ['"#;" before something that is not a directive', '#;;', "config:1:3: unexpected ';', expected a directive after '#;'"],
    ['unknown variable', 'x = 1\na = "$(NOPE)"', "config:2:1: in the value of 'a': no such variable: 'NOPE'"],
    ['lone dollar', 'a = "pa$s"', "config:1:1: in the value of 'a': '$' must be followed by '$' or '(' (write $$ for a literal '$')"],
    ['unclosed $(', 'a = "$(HOME"', "config:1:1: in the value of 'a': '$(' without a closing ')' (write $$ for a literal '$')"],
    ['empty $()', 'a = "$()"', "config:1:1: in the value of 'a': empty variable name in '$()'"],
    ['boolean variable', 'b = true\ng { a = "$(b)" }', "config:2:5: in the value of 'g.a': variable 'b' is not a string or number"],
    ['import without a reader', 'import "x.conf"', 'config:1:8: import is not supported here'],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => assert.throws(() => read(text), { name: 'ConfigError', message }));
  }

  it('carries the file name, line and column', () => {
    const err = (() => {
      try {
        read('a = 1\n  b = ', 'my.conf');
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ConfigError);
    assert.equal(err.key, undefined);
    assert.deepEqual(err.position, { file: 'my.conf', line: 2, column: 7 });
    assert.equal(err.message.split(':').slice(0, 3).join(':'), 'my.conf:2:7');
  });

  it('reports unreadable imports at the import directive', () => {
    const readImport = (path: string): string => {
      throw new Error(`ENOENT: ${path}`);
    };
    assert.throws(() => parseConfigText('\nimport "/abs/x.conf"', { env: {}, readImport }), {
      message: "config:2:8: cannot read imported file '/abs/x.conf': ENOENT: /abs/x.conf",
    });
  });
});
