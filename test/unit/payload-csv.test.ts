// CSV request bodies: conversion to JSON rows, PostgREST's quirks, every parser message and the helpers behind them.
// Messages are those of PostgREST v16 (its CSV parser's text, with the rest of the input shown as a Haskell string).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../src/errors/api-error.js';
import { csvToJson, firstInvalidUtf8, showRemaining, utf8ErrorText } from '../../src/request/payload-csv.js';
import { parsePayload } from '../../src/request/payload.js';

const rows = (body: string | Buffer): unknown => JSON.parse(csvToJson(typeof body === 'string' ? Buffer.from(body) : body).json);

const rejects = (body: string | Buffer, message: string): void => {
  assert.throws(
    () => csvToJson(typeof body === 'string' ? Buffer.from(body) : body),
    (e: unknown) => e instanceof ApiError && e.code === 'PGRST102' && e.status === 400 && e.message === message,
    `${JSON.stringify(String(body))} should fail with ${message}`,
  );
};

describe('csvToJson: rows', () => {
  it('zips each row with the header row; NULL is null, an empty field the empty string', () => {
    assert.deepEqual(csvToJson(Buffer.from('a,b\nbar,baz')), { json: '[{"a":"bar","b":"baz"}]', keys: ['a', 'b'], rowCount: 1 });
    assert.deepEqual(rows('a,b\nNULL,foo'), [{ a: null, b: 'foo' }]);
    assert.deepEqual(rows('id,name,client_id\n8,Xenix,1\n9,Windows NT,1'), [
      { id: '8', name: 'Xenix', client_id: '1' },
      { id: '9', name: 'Windows NT', client_id: '1' },
    ]);
    assert.deepEqual(rows('a,b,c\n,"",NULL\n"NULL",null, NULL'), [
      { a: '', b: '', c: null },
      { a: null, b: 'null', c: ' NULL' },
    ]);
  });

  it('reads RFC 4180 quoting and all three line breaks', () => {
    assert.deepEqual(rows('a,b\r\n"x,""y""","line1\nline2\r\n"\r3,4\n'), [
      { a: 'x,"y"', b: 'line1\nline2\r\n' },
      { a: '3', b: '4' },
    ]);
    assert.deepEqual(rows('"h 1","h""2"\n1,2'), [{ 'h 1': '1', 'h"2': '2' }]);
  });

  it('skips blank lines, also a lone empty field in a one-column body', () => {
    assert.deepEqual(rows('a,b\n\n1,2\n\r\n\n3,4\n\n'), [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
    assert.deepEqual(rows('a\nx\n\n""\ny'), [{ a: 'x' }, { a: 'y' }]);
  });

  it('returns no rows for a header alone', () => {
    for (const body of ['a,b\n', 'a,b\r\n\n\n', 'a,b\r']) assert.deepEqual(csvToJson(Buffer.from(body)), { json: '[]', keys: [], rowCount: 0 });
  });

  it('cuts rows longer than the header and keeps rows that are all equally short', () => {
    assert.deepEqual(rows('a,b\n1,2,3\n4,5'), [
      { a: '1', b: '2' },
      { a: '4', b: '5' },
    ]);
    assert.deepEqual(csvToJson(Buffer.from('a,b,c\n1\n2')), { json: '[{"a":"1"},{"a":"2"}]', keys: ['a'], rowCount: 2 });
  });

  it('keeps the last value of a repeated header name', () => {
    assert.deepEqual(csvToJson(Buffer.from('a,b,a\n1,2,3')), { json: '[{"a":"3","b":"2"}]', keys: ['a', 'b'], rowCount: 1 });
    // Widths 2 and 3 give the same key set {a, b}, so the rows match.
    assert.deepEqual(rows('a,b,a\n1,2\n4,5,6'), [
      { a: '1', b: '2' },
      { a: '6', b: '5' },
    ]);
  });

  it('keeps a byte order mark and odd names such as __proto__ as they are', () => {
    assert.deepEqual(csvToJson(Buffer.from('\ufeffa,__proto__\n1,2')), { json: '[{"\ufeffa":"1","__proto__":"2"}]', keys: ['\ufeffa', '__proto__'], rowCount: 1 });
  });

  it('reads UTF-8 text', () => {
    assert.deepEqual(rows('ключ,"名"\nзначение,"値,😀"'), [{ ключ: 'значение', 名: '値,😀' }]);
  });

  it('drops the last byte of a quoted field left open at the end of the body', () => {
    assert.deepEqual(rows('a\n"abc'), [{ a: 'ab' }]);
    assert.deepEqual(rows('a\n"ab"""'), [{ a: 'ab"' }]);
    assert.deepEqual(rows('a,b\n"x'), []);
  });
});

describe('csvToJson: errors', () => {
  it('needs the same key set on every row', () => {
    rejects('a,b\nfoo,bar\nbaz', 'All lines must have same number of fields');
    rejects('a,b\nbaz\nfoo,bar', 'All lines must have same number of fields');
  });

  it('needs a line break after the header', () => {
    rejects('', 'parse error (not enough input) at ""');
    rejects('a,b', 'parse error (not enough input) at ""');
    rejects('"a', 'parse error (not enough input) at ""');
  });

  it('rejects a quote inside an unquoted field and text after a closing quote', () => {
    rejects('a,b\n1,x"y\n', 'parse error (Failed reading: satisfy) at "\\"y\\n"');
    rejects('a,b\n"x"y,2', 'parse error (Failed reading: satisfy) at "y,2"');
    rejects('a"b\n1', 'parse error (Failed reading: satisfy) at "\\"b\\n1"');
    rejects('a\n""x', 'parse error (Failed reading: satisfy) at "x"');
  });

  it('rejects a lone quote at the end and an open field ending in an escaped quote', () => {
    rejects('a,b\n1,"', 'parse error (Failed reading: trailing double quote) at ""');
    rejects('a\n"ab""', 'parse error (Failed reading: insufficient input) at ""');
  });

  it('shows a long rest as its first 100 bytes, unquoted', () => {
    const rest = `"${'y'.repeat(150)}`;
    rejects(`a\nx${rest}`, `parse error (Failed reading: satisfy) at ${rest.slice(0, 100)} (truncated)`);
  });

  it('shows the rest as a Haskell string literal', () => {
    rejects('a,b\n1,2"é1\u000eH\u007f\\\t', 'parse error (Failed reading: satisfy) at "\\"\\195\\169\\&1\\SO\\&H\\DEL\\\\\\t"');
  });

  it('rejects header names that are not UTF-8 once a row reaches them', () => {
    const body = Buffer.concat([Buffer.from('a,'), Buffer.from([0xff]), Buffer.from('\n1\n2,3\n4,5')]);
    rejects(body, "parse error (Failed reading: conversion error: Cannot decode byte '\\xff': Data.Text.Encoding: Invalid UTF-8 stream) at \"\\n4,5\"");
    assert.deepEqual(rows(Buffer.concat([Buffer.from('a,'), Buffer.from([0xff]), Buffer.from('\n')])), []);
  });

  it('rejects values that are not UTF-8', () => {
    const body = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    rejects(body, "parse error (Failed reading: conversion error: Cannot decode byte '\\xc3': Data.Text.Encoding: Invalid UTF-8 stream) at \"\\n\"");
    rejects('a\n"é', "parse error (Failed reading: conversion error: Cannot decode byte '\\xc3': Data.Text.Encoding: Invalid UTF-8 stream) at \"\"");
  });

  it('reaches callers through parsePayload as PGRST102', () => {
    assert.throws(() => parsePayload(Buffer.from('a,b\nfoo,bar\nbaz'), 'csv', { isRpc: true }), {
      code: 'PGRST102',
      message: 'All lines must have same number of fields',
    });
  });
});

describe('showRemaining', () => {
  it('renders bytes the way Haskell shows a string', () => {
    const show = (bytes: number[], pos = 0): string => showRemaining(Buffer.from(bytes), pos);
    assert.equal(show([]), '""');
    assert.equal(show([0x61, 0x22, 0x5c]), '"a\\"\\\\"');
    assert.equal(show([0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 27, 31, 127]), '"\\NUL\\a\\b\\t\\n\\v\\f\\r\\SO\\SI\\ESC\\US\\DEL"');
    assert.equal(show([200, 0x35, 200, 0x41, 14, 0x48, 14, 0x49]), '"\\200\\&5\\200A\\SO\\&H\\SOI"');
    assert.equal(show([0x78, 0x79, 0x7a], 1), '"yz"');
  });

  it('cuts rests longer than 100 bytes', () => {
    assert.equal(showRemaining(Buffer.from('z'.repeat(101)), 0), `${'z'.repeat(100)} (truncated)`);
    assert.equal(showRemaining(Buffer.from('z'.repeat(100)), 0), `"${'z'.repeat(100)}"`);
  });
});

describe('UTF-8 checks', () => {
  it('finds the first byte of the first ill-formed sequence', () => {
    const cases: readonly (readonly [number[], number])[] = [
      [[0x61, 0x62], -1],
      [[0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
      [[0x61, 0xff], 1],
      [[0x61, 0xc0, 0x80], 1],
      [[0xe0, 0x80, 0x80], 0],
      [[0xed, 0xa0, 0x80], 0],
      [[0xf4, 0x90, 0x80, 0x80], 0],
      [[0x61, 0xe2, 0x82], 1],
      [[0xe2, 0x41, 0x41], 0],
      [[0x80], 0],
    ];
    for (const [bytes, at] of cases) assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), at, bytes.join(','));
  });

  it('words the error as the Haskell text library does', () => {
    assert.equal(utf8ErrorText(Uint8Array.from([0x61, 0xe9])), "Cannot decode byte '\\xe9': Data.Text.Encoding: Invalid UTF-8 stream");
  });

  it('agrees with Node on what is UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const valid = Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf8').equals(Buffer.from(bytes));
        assert.equal(firstInvalidUtf8(bytes) < 0, valid);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('csvToJson: properties', () => {
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;

  it('reads back any table written with RFC 4180 quoting', () => {
    const names = fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(names, fc.array(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constant('NULL')), { minLength: 4, maxLength: 4 }), { maxLength: 5 }), fc.constantFrom('\n', '\r\n', '\r'), (header, table, eol) => {
        const body = [header, ...table.map((r) => r.slice(0, header.length))].map((r) => `${r.map(quote).join(',')}${eol}`).join('');
        // A one-column row holding the empty string is a blank line, which is skipped.
        const kept = table.map((r) => r.slice(0, header.length)).filter((r) => !(header.length === 1 && r[0] === ''));
        const expected = kept.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === 'NULL' ? null : r[i]])));
        assert.deepEqual(JSON.parse(csvToJson(Buffer.from(body)).json), expected);
      }),
    );
  });

  it('fails on arbitrary bytes only with PGRST102', () => {
    const alphabet = fc.constantFrom(0x22, 0x2c, 0x0a, 0x0d, 0x61, 0x4e, 0xc3, 0xa9, 0xff);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 60 }), fc.array(alphabet, { maxLength: 60 }).map((a) => Uint8Array.from(a))), (bytes) => {
        try {
          csvToJson(Buffer.from(bytes));
        } catch (e) {
          assert.ok(e instanceof ApiError && e.code === 'PGRST102', String(e));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
