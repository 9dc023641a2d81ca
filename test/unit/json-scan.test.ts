// The JSON body scanner against an oracle built on JSON.parse: the same verdict (invalid, keys mismatch, object,
// rows, no rows) and the same key sets for generated documents, for the same documents spelt differently (spaces,
// escapes, member order, repeated members) and for random edits of them, most of which break them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type JsonScan, type ScalarMembers, scanJson } from '../../src/request/json-scan.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasLoneSurrogate(v: Json): boolean {
  if (typeof v === 'string') return /\p{Cs}/u.test(v);
  if (Array.isArray(v)) return v.some(hasLoneSurrogate);
  if (isObject(v)) return Object.entries(v).some(([k, x]) => /\p{Cs}/u.test(k) || hasLoneSurrogate(x));
  return false;
}

/** What the scan should say, worked out with JSON.parse. */
function oracle(text: string): JsonScan {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return { kind: 'invalid' };
  }
  if (hasLoneSurrogate(value)) return { kind: 'invalid' };
  if (isObject(value)) return { kind: 'object', keys: Object.keys(value), scalars: undefined };
  if (!Array.isArray(value) || value.length === 0) return { kind: 'no-rows' };
  const first = value[0];
  if (!isObject(first)) return { kind: 'keys-mismatch' };
  const keys = new Set(Object.keys(first));
  for (const row of value) {
    if (!isObject(row)) return { kind: 'keys-mismatch' };
    const own = Object.keys(row);
    if (own.length !== keys.size || !own.every((k) => keys.has(k))) return { kind: 'keys-mismatch' };
  }
  return { kind: 'rows', keys: [...keys], rowCount: value.length };
}

/** A scan result with its keys sorted, to compare results whose keys came in another order (members checked apart). */
const canonical = (r: JsonScan): unknown => {
  if (!('keys' in r)) return r;
  const { scalars: _members, ...rest } = r as JsonScan & { scalars?: unknown };
  return { ...rest, keys: [...r.keys].sort() };
};

function assertSame(text: string): void {
  // Both see the same bytes: an edit may split a surrogate pair, which UTF-8 encodes as U+FFFD.
  const bytes = Buffer.from(text, 'utf8');
  const scan = scanJson(bytes);
  assert.deepEqual(canonical(scan), canonical(oracle(bytes.toString('utf8'))), JSON.stringify(text));
  if (scan.kind === 'object' && scan.scalars !== undefined) assertMembers(scan.scalars, JSON.parse(bytes.toString('utf8')) as Record<string, Json>, text);
}

/**
 * Members offered as scalars are exactly the parsed object's: no nested value, a string's text unescaped, a number's
 * text denoting the parsed number (as written: `1E+2` stays `1E+2`), `true`/`false`, null; an absent name is undefined.
 */
function assertMembers(scalars: ScalarMembers, parsed: Record<string, Json>, text: string): void {
  assert.ok(!text.includes('\\u0000'), text);
  for (const [k, v] of Object.entries(parsed)) {
    const got = scalars.text(k);
    if (typeof v === 'string') assert.equal(got, v, text);
    else if (typeof v === 'number') assert.ok(typeof got === 'string' && Object.is(Number(got), v) && /^-?[0-9]/.test(got), `${text}: ${got}`);
    else if (typeof v === 'boolean') assert.equal(got, String(v), text);
    else assert.equal(got, null, `${text}: ${k} is not a scalar`);
  }
  assert.equal(scalars.text('no such member \u0001'), undefined);
}

// Spellings that change no value: spaces around tokens and \u escapes for plain characters.
function respell(value: Json, rng: () => number): string {
  const ws = () => [' ', '\n', '\t', '\r', '', '', ''][Math.floor(rng() * 7)] as string;
  const str = (s: string) => {
    const plain = JSON.stringify(s);
    if (rng() < 0.7) return plain;
    return plain.replace(/[a-z]/g, (c) => (rng() < 0.5 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c));
  };
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => ws() + respell(v, rng) + ws()).join(',')}${ws()}]`;
  if (isObject(value)) {
    return `{${ws()}${Object.entries(value)
      .map(([k, v]) => `${ws()}${str(k)}${ws()}:${ws()}${respell(v, rng)}${ws()}`)
      .join(',')}}`;
  }
  return typeof value === 'string' ? str(value) : JSON.stringify(value);
}

const seeded = (seed: number) => {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
};

const keyArb = fc.constantFrom('id', 'name', 'a', 'b', 'A', 'é', '😀', 'with "quote"', 'back\\slash', '', '__proto__');
const rowArb = fc.dictionary(keyArb, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 4 });

describe('scanJson', () => {
  it('agrees with JSON.parse on hand-picked documents', () => {
    const cases = [
      '{}', '[]', '[{}]', '[{}, {}]', '{"a":1}', '[{"a":1},{"a":2}]', '[{"a":1,"b":2},{"b":3,"a":4}]', '[{"a":1,"a":2},{"a":3}]',
      '[{"a":1},{"a":2,"a":3}]', '[{"a":1,"b":1},{"a":1,"a":1}]', '[{"a":1},{"\\u0061":2}]', '[{"\\u0061":1},{"a":2}]',
      '[{"a":1},{"b":1}]', '[{"a":1},{}]', '[{},{"a":1}]', '[1,{"a":1}]', '[{"a":1},1]', '[[],{}]', '[null]', '[1,2]',
      '5', '-0', '-0.0e-0', '1E+2', '"s"', 'true', 'false', 'null', ' null ', '', ' ', '01', '1.', '.5', '+1', '-',
      '1e', '1e+', 'tru', 'nul', 'falsey', '"\\x"', '"\\u12"', '"\\u12g4"', '"a', '"\t"', '"\u007f"', '{"a"}', '{"a":}',
      '{"a":1,}', '[1,]', '[,1]', '{,}', '{"a":1 "b":2}', '[1 2]', '{"a":1}}', '[[1]', '[1]]', '{"a":[1,{"b":[]}]}',
      '["\\ud83d\\ude00"]', '["\\ud800"]', '["\\udc00"]', '["\\ud800\\u0041"]', '["\\ud800\\\\udc00"]', '{"\\ud800":1}',
      '["\\uD83D\\uDE00"]', '"\\/\\b\\f\\n\\r\\t\\"\\\\"', '\ufeff{}', '{"a":1}\u00a0', '[{"a":"x"}, {"a":"y"}] x',
    ];
    for (const text of cases) assertSame(text);
  });

  it('agrees with JSON.parse on generated documents, however spelt', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue() as fc.Arbitrary<Json>, rowArb, fc.array(rowArb, { maxLength: 6 })), fc.integer(), (value, seed) => {
        assertSame(JSON.stringify(value));
        assertSame(respell(value, seeded(seed)));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees on arrays of rows with the same members in other orders, repeated or escaped', () => {
    fc.assert(
      fc.property(rowArb, fc.integer({ min: 1, max: 5 }), fc.integer(), (row, copies, seed) => {
        const rng = seeded(seed);
        const entries = Object.entries(row);
        const rows = Array.from({ length: copies }, () => {
          const shuffled = [...entries].sort(() => rng() - 0.5);
          // a repeated member keeps the key set
          if (shuffled.length > 0 && rng() < 0.3) shuffled.push(shuffled[0] as [string, Json]);
          return `{${shuffled.map(([k, v]) => `${rng() < 0.3 ? JSON.stringify(k).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        });
        assertSame(`[${rows.join(',')}]`);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on random edits of valid documents', () => {
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', 'd', '8', '0', '-', '.', 'e', '+', ' ', '\n', 'a', 't', 'n', '\u0001', 'é'];
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, fc.array(rowArb, { maxLength: 4 })), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(2))), (value, edits) => {
        let text = JSON.stringify(value);
        for (const [at, pick, op] of edits) {
          const i = text.length === 0 ? 0 : at % (text.length + 1);
          const c = alphabet[pick % alphabet.length] as string;
          text = op === 0 ? text.slice(0, i) + c + text.slice(i) : op === 1 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + c + text.slice(i + 1);
        }
        assertSame(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('offers a lone object\'s members as text only when every value is a scalar, no name repeats and no \\u0000 is written', () => {
    const members = (text: string) => {
      const scan = scanJson(Buffer.from(text));
      return scan.kind === 'object' && scan.scalars ? Object.fromEntries(scan.keys.map((k) => [k, scan.scalars!.text(k)])) : undefined;
    };
    assert.deepEqual(members('{ "a" : 1E+2 , "b":"x\\"\\u00e9\\ud83d\\ude00", "c":true,"d":false,"e":null,"f":-0.50,"g":"" }'), {
      a: '1E+2', b: 'x"é😀', c: 'true', d: 'false', e: null, f: '-0.50', g: '',
    });
    assert.deepEqual(members('{}'), {});
    assert.equal(members('{"a":1,"b":[1]}'), undefined);
    assert.equal(members('{"a":{},"b":1}'), undefined);
    assert.equal(members('{"a":1,"a":2}'), undefined);
    assert.equal(members('{"a":1,"\\u0061":2}'), undefined);
    assert.equal(members('{"a":"\\u0000"}'), undefined);
    // conservative: the bytes \u0000 after an escaped backslash are no NUL, yet the members stay unoffered
    assert.equal(members('{"a":"\\\\u0000"}'), undefined);
    // an array's rows are never offered
    const rows = scanJson(Buffer.from('[{"a":1}]'));
    assert.ok(!('scalars' in rows));
  });

  it('walks any depth of nesting without recursion', () => {
    const depth = 200_000;
    assert.deepEqual(scanJson(Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)), { kind: 'keys-mismatch' });
    assert.deepEqual(scanJson(Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)), { kind: 'object', keys: ['a'], scalars: undefined });
    assert.deepEqual(scanJson(Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth - 1)}}`)), { kind: 'invalid' });
  });

  it('reads a large array of rows without building them', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `row ${i}`, tags: [i, { x: null }], ok: i % 2 === 0 }));
    assert.deepEqual(scanJson(Buffer.from(JSON.stringify(rows))), { kind: 'rows', keys: ['id', 'name', 'tags', 'ok'], rowCount: 5000 });
    // one row short of a member, far down
    const broken = JSON.stringify(rows).replace('{"id":4321,"name":"row 4321",', '{"id":4321,');
    assert.deepEqual(scanJson(Buffer.from(broken)), { kind: 'keys-mismatch' });
  });
});
