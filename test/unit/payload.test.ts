// Request bodies: JSON (objects, arrays, scalars, invalid), columns= pass-through, url-encoded, raw media types.
// Expected values follow PostgREST v16's body parser; CSV lives in payload-csv.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../src/errors/api-error.js';
import type { BodyMediaType } from '../../src/request/media-type.js';
import { type JsonText, keysText, type Payload, type PayloadOptions, parsePayload, payloadKeys } from '../../src/request/payload.js';
import { compareCodePoints } from '../../src/text/compare.js';

const TABLE: PayloadOptions = { isRpc: false };
const RPC: PayloadOptions = { isRpc: true };
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
const parse = (body: string | Buffer, ct: BodyMediaType = 'json', opts: PayloadOptions = TABLE): Payload =>
  parsePayload(typeof body === 'string' ? buf(body) : body, ct, opts);

const textOf = (j: JsonText): string => (typeof j === 'string' ? j : j.toString('utf8'));
/** The payload with its key set spread into an array and its JSON as a string, for deepEqual (a lone object's scalar members: json-scan.test.ts). */
const plain = (p: Payload): unknown => {
  if (p.kind === 'json') {
    const { scalars: _members, ...rest } = p;
    return { ...rest, json: textOf(p.json), keys: [...p.keys] };
  }
  return p.kind === 'raw-json' ? { ...p, json: textOf(p.json), keys: [...p.keys] } : 'keys' in p ? { ...p, keys: [...p.keys] } : p;
};
const json = (text: string, keys: readonly string[], isArray: boolean, rowCount: number) => ({ kind: 'json', json: text, keys, isArray, rowCount });

const rejects = (body: string | Buffer, message: string, ct: BodyMediaType = 'json', opts: PayloadOptions = TABLE): void => {
  assert.throws(
    () => parse(body, ct, opts),
    (e: unknown) => e instanceof ApiError && e.status === 400 && e.code === 'PGRST102' && e.message === message,
    `${String(body)} should fail with ${message}`,
  );
};

describe('parsePayload: JSON', () => {
  it('passes an object through verbatim, whitespace included', () => {
    const text = '\t \n \r { "id": 99 } \t \n \r ';
    assert.deepEqual(plain(parse(text)), json(text, ['id'], false, 1));
  });

  it('hands on the body itself as the JSON (its bytes go to PostgreSQL as they came), also with columns=', () => {
    for (const body of [buf('{"a": 1}'), buf('[{"a": 1}, {"a": 2}]')]) {
      const p = parsePayload(body, 'json', TABLE);
      assert.equal(p.kind === 'json' ? p.json : undefined, body);
      const q = parsePayload(body, 'json', { isRpc: false, columns: ['a'] });
      assert.equal(q.kind === 'raw-json' ? q.json : undefined, body);
    }
  });

  it('takes an array of objects with the same keys in any order; duplicate keys count once', () => {
    const text = '[{"id": 100, "body": "x"}, {"body": "y", "id": 111}, {"id": 1, "id": 2, "body": null}]';
    assert.deepEqual(plain(parse(text)), json(text, ['body', 'id'], true, 3));
  });

  it('rejects arrays whose objects have different keys or that hold non-objects', () => {
    rejects('[{"id": 100, "body": "xxxxx"}, {"id": 111, "body": "xxxx", "owner": "me"}]', 'All object keys must match');
    rejects('[{"id": 100, "body": "xxxxx"}, 123, "xxxx", {"id": 111, "body": "xxxx"}]', 'All object keys must match');
    rejects('[{"a": 1}, {"b": 1}]', 'All object keys must match');
    rejects('[{"a": 1, "b": 2}, {"a": 1}]', 'All object keys must match');
    rejects('[{"a": 1}, {"a": 1, "b": 2}]', 'All object keys must match');
    rejects('[1, 2]', 'All object keys must match');
    rejects('[[], {}]', 'All object keys must match');
    rejects('[null]', 'All object keys must match');
    rejects('[{}, []]', 'All object keys must match');
  });

  it('turns an empty array and every scalar into an empty array', () => {
    for (const text of ['[]', ' [ ] ', '5', '-1.5e3', '"text"', 'true', 'false', 'null', ' null ']) {
      assert.deepEqual(plain(parse(text)), json('[]', [], true, 0), text);
    }
  });

  it('accepts {} and arrays of empty objects', () => {
    assert.deepEqual(plain(parse('{}')), json('{}', [], false, 1));
    assert.deepEqual(plain(parse('[{}, {}]')), json('[{}, {}]', [], true, 2));
  });

  it('rejects empty, blank and invalid bodies with the generic message', () => {
    for (const text of ['', ' ', '\n', '}{ x = 2', '{name: "John"}', '{"a":1}x', '{"a":1}{"b":2}', "{'a':1}", '[1,]', '{"a":01}', 'NaN', '"\u0001"']) {
      rejects(text, 'Empty or invalid json');
    }
  });

  it('rejects a byte order mark, bytes that are not UTF-8 and lone surrogate escapes, as PostgREST does', () => {
    rejects('\ufeff{}', 'Empty or invalid json');
    rejects(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]), 'Empty or invalid json');
    rejects('["\\ud800"]', 'Empty or invalid json');
    rejects('{"a": {"b": ["x", "\\uDFAA"]}}', 'Empty or invalid json');
    rejects('{"\\udada": 1}', 'Empty or invalid json');
    rejects('["\\ud83d\\u0041"]', 'Empty or invalid json');
  });

  it('accepts escaped surrogate pairs, unicode, an escaped backslash before u and big numbers', () => {
    for (const text of ['{"a": "\\ud83d\\ude00"}', '{"k": "棋圍", "extra": "￥"}', '{"a": "\\\\ud800"}', '{"n": 1e400, "m": -123456789012345678901234567890}']) {
      assert.equal(parse(text).kind, 'json', text);
    }
  });

  it('reads an empty RPC body as {} but still rejects a blank one', () => {
    assert.deepEqual(plain(parse('', 'json', RPC)), json('{}', [], false, 1));
    rejects(' ', 'Empty or invalid json', 'json', RPC);
    const text = '[{"a": 1, "b": 2}, {"a": 4, "b": 6}]';
    assert.deepEqual(plain(parse(text, 'json', RPC)), json(text, ['a', 'b'], true, 2));
  });

  it('parses the same whether or not the function takes the raw body', () => {
    const opts: PayloadOptions = { isRpc: true, rawParamFunction: true };
    assert.deepEqual(plain(parse('"hello"', 'json', opts)), json('[]', [], true, 0));
    rejects('[1, 2]', 'All object keys must match', 'json', opts);
    assert.deepEqual(plain(parse('{"A": 1}', 'json', opts)), json('{"A": 1}', ['A'], false, 1));
  });

  it('orders keys by code point, as PostgREST does', () => {
    const p = parse('{"b": 1, "a": 2, "\ufffd": 3, "😀": 4, "B": 5}');
    assert.deepEqual([...payloadKeys(p)], ['B', 'a', 'b', '\ufffd', '😀']);
  });

  it('shares one sorted key set between bodies that list the same keys, and keeps differently listed ones apart', () => {
    const a = payloadKeys(parse('{"b": 1, "a": 2}'));
    assert.equal(payloadKeys(parse('[{"b": 3, "a": 4}]')), a);
    assert.equal(keysText(a), '["a","b"]');
    // another order of the same keys: the same sorted keys, whichever set carries them
    assert.deepEqual([...payloadKeys(parse('{"a": 1, "b": 2}'))], ['a', 'b']);
    // keys a separator could confuse, and an escaped key equal to a plain one
    assert.deepEqual([...payloadKeys(parse('{"a,b": 1}'))], ['a,b']);
    assert.deepEqual([...payloadKeys(parse('{"a": 1, "\\u0062": 2}'))], ['a', 'b']);
    assert.deepEqual([...payloadKeys(parse('{"\\u0061": 1}'))], ['a']);
    assert.deepEqual([...payloadKeys(parse('{"\\"": 1, "\\u0000": 2}'))], ['\u0000', '"']);
  });

  it('sorts a long key list (many keys, or long ones) each time, without keeping it', () => {
    const many = Array.from({ length: 400 }, (_, i) => `column_${399 - i}`);
    const long = Array.from({ length: 8 }, (_, i) => `${'x'.repeat(200)}${7 - i}`);
    for (const names of [many, long]) {
      const body = JSON.stringify(Object.fromEntries(names.map((n) => [n, 1])));
      const first = payloadKeys(parse(body));
      assert.deepEqual([...first], [...names].sort(compareCodePoints));
      assert.notEqual(payloadKeys(parse(body)), first);
      assert.equal(keysText(first), JSON.stringify([...names].sort(compareCodePoints)));
    }
  });
});

describe('parsePayload: columns=', () => {
  const cols: PayloadOptions = { isRpc: false, columns: ['id', 'body', 'id'] };

  it('passes the body on unparsed with the listed columns as keys', () => {
    const text = '[{"id": 201, "body": "y", "smth": "here"}, {"id": 202, "garbage": "%%$&"}, 333]';
    assert.deepEqual(plain(parse(text, 'json', cols)), { kind: 'raw-json', json: text, keys: ['body', 'id'], isArray: true });
    assert.deepEqual(plain(parse(' \n{"id": 1}', 'json', cols)), { kind: 'raw-json', json: ' \n{"id": 1}', keys: ['body', 'id'], isArray: false });
  });

  it('leaves invalid and empty JSON to PostgreSQL, also for RPC', () => {
    assert.deepEqual(plain(parse('}{ x', 'json', cols)), { kind: 'raw-json', json: '}{ x', keys: ['body', 'id'], isArray: true });
    assert.deepEqual(plain(parse('', 'json', { isRpc: true, columns: ['name'] })), { kind: 'raw-json', json: '', keys: ['name'], isArray: true });
  });

  it('rejects bytes that are not UTF-8', () => {
    rejects(Buffer.from([0x7b, 0xff, 0x7d]), 'Empty or invalid json', 'json', cols);
  });

  it('is ignored for url-encoded and CSV bodies', () => {
    assert.deepEqual(plain(parse('a=1&b=2', 'url-encoded', cols)), json('{"a":"1","b":"2"}', ['a', 'b'], false, 1));
    assert.deepEqual(plain(parse('a,b\n1,2', 'csv', cols)), json('[{"a":"1","b":"2"}]', ['a', 'b'], true, 1));
  });
});

describe('parsePayload: url-encoded', () => {
  it('makes one row of strings for a table', () => {
    const body = 'integer=7&double=2.71828&varchar=forms+are+fun&boolean=false&date=1900-01-01&money=$3.99&enum=foo';
    const p = parse(body, 'url-encoded');
    assert.deepEqual(JSON.parse((p as { json: string }).json), {
      integer: '7',
      double: '2.71828',
      varchar: 'forms are fun',
      boolean: 'false',
      date: '1900-01-01',
      money: '$3.99',
      enum: 'foo',
    });
    assert.deepEqual([...payloadKeys(p)], ['boolean', 'date', 'double', 'enum', 'integer', 'money', 'varchar']);
  });

  it('decodes like a query string: last value wins, ; separates, one leading ? dropped, bad escapes kept', () => {
    const p = parse('?x=%7Ba,b%7D&x=2;noeq&&a=b=c&s=%zz%4&e=%C3%A9%e2%82%ac&p=a%2Bb+c&', 'url-encoded');
    assert.deepEqual(plain(p), json('{"x":"2","noeq":"","":"","a":"b=c","s":"%zz%4","e":"é€","p":"a+b c"}', ['', 'a', 'e', 'noeq', 'p', 's', 'x'], false, 1));
    assert.deepEqual(plain(parse('', 'url-encoded')), json('{}', [], false, 1));
    assert.deepEqual(plain(parse('??a=1', 'url-encoded')), json('{"?a":"1"}', ['?a'], false, 1));
  });

  it('keeps every pair in order for a function', () => {
    const p = parse('v=hi&v=there&a=%7Ba,b,c%7D', 'url-encoded', RPC);
    assert.deepEqual(plain(p), {
      kind: 'url-encoded',
      params: [
        ['v', 'hi'],
        ['v', 'there'],
        ['a', '{a,b,c}'],
      ],
      keys: ['a', 'v'],
    });
    assert.deepEqual(plain(parse('', 'url-encoded', RPC)), { kind: 'url-encoded', params: [], keys: [] });
  });

  it('rejects keys or values that are not UTF-8 once decoded', () => {
    rejects('a=%FF', "Cannot decode byte '\\xff': Data.Text.Encoding: Invalid UTF-8 stream", 'url-encoded');
    rejects(Buffer.from([0x61, 0x3d, 0x31, 0x26, 0xc3, 0x28]), "Cannot decode byte '\\xc3': Data.Text.Encoding: Invalid UTF-8 stream", 'url-encoded', RPC);
  });
});

describe('parsePayload: raw bodies', () => {
  it('hands text and xml over as strings and octet-stream as the bytes', () => {
    assert.deepEqual(parse('unnamed text arg', 'text-plain', RPC), { kind: 'raw', bytes: 'unnamed text arg' });
    assert.deepEqual(parse('<note/>', 'text-xml', RPC), { kind: 'raw', bytes: '<note/>' });
    assert.deepEqual(parse('', 'text-plain', RPC), { kind: 'raw', bytes: '' });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const p = parse(png, 'octet-stream', RPC);
    assert.equal(p.kind, 'raw');
    assert.ok(Buffer.isBuffer(p.kind === 'raw' ? p.bytes : undefined));
    assert.deepEqual(p, { kind: 'raw', bytes: png });
    assert.deepEqual([...payloadKeys(p)], []);
  });

  it('keeps text that is not UTF-8 as bytes, for PostgreSQL to reject', () => {
    const bad = Buffer.from([0x61, 0xff]);
    assert.deepEqual(parse(bad, 'text-plain', RPC), { kind: 'raw', bytes: bad });
  });

  it('refuses raw media types on tables', () => {
    rejects('x', 'Content-Type not acceptable: text/plain', 'text-plain');
    rejects('x', 'Content-Type not acceptable: text/xml', 'text-xml');
    rejects('x', 'Content-Type not acceptable: application/octet-stream', 'octet-stream');
  });
});

describe('compareCodePoints', () => {
  it('sorts astral characters after the rest of the BMP', () => {
    assert.deepEqual(['😀', '\uffff', 'a', '\ue000', ''].sort(compareCodePoints), ['', 'a', '\ue000', '\uffff', '😀']);
    assert.ok(compareCodePoints('ab', 'abc') < 0);
    assert.equal(compareCodePoints('x', 'x'), 0);
  });
});

describe('parsePayload: properties', () => {
  const media: readonly BodyMediaType[] = ['json', 'csv', 'url-encoded', 'text-plain', 'text-xml', 'octet-stream'];
  const onlyPgrst102 = (run: () => unknown): void => {
    try {
      run();
    } catch (e) {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.code, 'PGRST102');
      assert.equal(e.status, 400);
    }
  };

  it('fails on arbitrary bytes only with PGRST102', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...media), fc.boolean(), fc.boolean(), (bytes, ct, isRpc, withColumns) => {
        const opts: PayloadOptions = withColumns ? { isRpc, columns: ['a'] } : { isRpc };
        onlyPgrst102(() => parsePayload(Buffer.from(bytes), ct, opts));
      }),
      { numRuns: 2000 },
    );
  });

  it('fails on arbitrary strings only with PGRST102', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom(...media), fc.boolean(), (text, ct, isRpc) => {
        onlyPgrst102(() => parse(text, ct, { isRpc }));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads any JSON value as PostgREST does', () => {
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    const keysOf = (v: Record<string, unknown>) => Object.keys(v).sort(compareCodePoints).join('\u0000');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        // A non-empty array must hold objects that all have the same keys; anything else is read.
        if (Array.isArray(value) && value.length > 0) {
          const first = value[0];
          const uniform = isObject(first) && value.every((v) => isObject(v) && keysOf(v) === keysOf(first));
          if (!uniform) {
            assert.throws(() => parse(text), (e: unknown) => e instanceof ApiError && e.code === 'PGRST102' && e.status === 400);
            return;
          }
        }
        const p = parse(text);
        assert.equal(p.kind, 'json');
        if (p.kind !== 'json') return;
        if (Array.isArray(value) && value.length > 0) assert.equal(textOf(p.json), text);
        else if (isObject(value)) {
          assert.deepEqual(plain(p), { kind: 'json', json: text, keys: Object.keys(value).sort(compareCodePoints), isArray: false, rowCount: 1 });
        } else assert.equal(p.json, '[]');
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts arrays of objects that share their keys, passing the text through', () => {
    const row = fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__', 'é'), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 });
    fc.assert(
      fc.property(row, fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }), (first, more) => {
        const keys = Object.keys(first);
        const rows = [first, ...more.map((v) => Object.fromEntries(keys.map((k) => [k, v])))];
        const text = JSON.stringify(rows);
        assert.deepEqual(plain(parse(text)), json(text, [...keys].sort(compareCodePoints), true, rows.length));
      }),
    );
  });
});
