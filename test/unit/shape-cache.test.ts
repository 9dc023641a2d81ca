// The shape cache's key (src/http/shape-cache.ts): which values are masked, which requests are left to the full path,
// and that everything else that steers parsing and planning keeps shapes apart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Shape, shapeOf } from '../../src/http/shape-cache.js';
import type { RawRequest } from '../../src/http/types.js';

function raw(rawQuery: string, over: Partial<RawRequest> = {}): RawRequest {
  return { method: 'GET', path: '/items', rawQuery, headers: {}, preferHeaders: [], body: Buffer.alloc(0), remoteAddress: '', ...over };
}

const shape = (q: string, over: Partial<RawRequest> = {}, role = 'anon'): Shape => {
  const s = shapeOf(raw(q, over), role);
  assert.ok(s, `${q} has a shape`);
  return s;
};

describe('masked values', () => {
  test('eq, neq, gt, gte, lt and lte values are masked, decoded, in URL order', () => {
    const a = shape('id=eq.5&name=neq.a%20b&x=gt.1&y=gte.+2&z=lt.3&w=lte.4&select=id');
    const b = shape('id=eq.6&name=neq.c&x=gt.0&y=gte.9&z=lt.8&w=lte.7&select=id');
    assert.equal(a.key, b.key);
    assert.deepEqual(a.values, ['5', 'a b', '1', ' 2', '3', '4']);
    assert.deepEqual(b.values, ['6', 'c', '0', '9', '8', '7']);
  });

  test('embedded filters and JSON paths are masked too', () => {
    assert.deepEqual(shape('orders.status=eq.new&data->>a=eq.1').values, ['new', '1']);
  });

  test('an empty value is a value', () => {
    assert.equal(shape('name=eq.').key, shape('name=eq.x').key);
  });

  test('other operators, negations, logic trees and reserved parameters stay literal', () => {
    for (const q of ['name=like.a*', 'id=in.(1,2)', 'id=not.eq.5', 'or=(id.eq.1,id.eq.2)', 'limit=5', 'offset=eq.1', 'order=id', 'select=eq.x', 'columns=eq.a', 'on_conflict=eq.a', 'orders.limit=eq.1', 'id=is.null']) {
      assert.deepEqual(shape(q).values, [], q);
    }
    assert.notEqual(shape('limit=5').key, shape('limit=6').key);
    assert.notEqual(shape('name=like.a*').key, shape('name=like.b*').key);
    assert.notEqual(shape('id=not.eq.5').key, shape('id=not.eq.6').key);
  });

  test('a percent-encoded parameter name is not masked (it might decode to a reserved one)', () => {
    assert.deepEqual(shape('sel%65ct=eq.x').values, []);
    assert.deepEqual(shape('i%64=eq.5').values, []);
  });
});

describe('GET calls', () => {
  test('digits-only arguments and filter values are masked', () => {
    const call = { path: '/rpc/fn' };
    const a = shape('id=42&x=eq.a&select=y', call);
    const b = shape('id=007&x=eq.b&select=y', call);
    assert.equal(a.key, b.key);
    assert.deepEqual(a.values, ['42', 'a']);
    assert.deepEqual(b.values, ['007', 'b']);
  });

  test('other arguments stay literal, and an argument is never confused with a filter value', () => {
    const call = { path: '/rpc/fn' };
    for (const q of ['id=abc', 'id=4a', 'id=-4', 'id=1.5', 'id=%31', `id=${'9'.repeat(19)}`]) assert.deepEqual(shape(q, call).values, [], q);
    assert.notEqual(shape('id=abc', call).key, shape('id=abd', call).key);
    assert.notEqual(shape('id=5', call).key, shape('id=eq.5', call).key);
  });

  test('outside /rpc, digits-only values are not masked (they are PGRST100 errors there)', () => {
    assert.deepEqual(shape('id=5').values, []);
  });
});

describe('writes', () => {
  const write = (method: string, q: string, text: string, over: Partial<RawRequest> = {}) =>
    shape(q, { method, body: Buffer.from(text), ...over });
  /** The URL's values and then the body's JSON, as text. */
  const masked = (s: Shape) => [...s.values, ...(s.body ? [String(s.body.json)] : [])];

  test('a JSON body is one more value, after the URL’s; its key set and form are part of the key', () => {
    const body = Buffer.from('{"b":1,"a":"x"}');
    const a = shape('id=eq.1', { method: 'PATCH', body });
    const b = write('PATCH', 'id=eq.2', ' { "a": null, "b": [1] } ');
    assert.equal(a.key, b.key);
    assert.equal(a.body?.json, body, 'the body itself, not a copy or a string');
    assert.deepEqual(masked(a), ['1', '{"b":1,"a":"x"}']);
    assert.deepEqual(masked(b), ['2', ' { "a": null, "b": [1] } ']);
    assert.notEqual(write('PATCH', 'id=eq.1', '{"a":1}').key, a.key);
    assert.notEqual(write('PATCH', 'id=eq.1', '[{"b":1,"a":"x"}]').key, a.key);
    assert.equal(write('POST', '', '[{"a":1,"b":2},{"b":3,"a":4}]').key, write('POST', '', '[{"b":0,"a":0}]').key);
  });

  test('a DELETE has no body value; a POST call’s digits-only query items are not arguments', () => {
    const del = shape('id=eq.7', { method: 'DELETE' });
    assert.equal(del.body, undefined);
    assert.deepEqual(masked(del), ['7']);
    const call = write('POST', 'x=5', '{"a":1}', { path: '/rpc/fn' });
    assert.deepEqual(masked(call), ['{"a":1}']);
    assert.notEqual(call.key, write('POST', 'x=6', '{"a":1}', { path: '/rpc/fn' }).key);
  });

  test('the body’s content type is part of the key', () => {
    const plain = write('POST', '', '{"a":1}');
    const charset = write('POST', '', '{"a":1}', { headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.notEqual(plain.key, charset.key);
    assert.deepEqual(masked(charset), ['{"a":1}']);
  });
});

describe('requests left to the full path', () => {
  test('PUT, bodies the planner would not read as JSON, `;` separators, NULs and non-ASCII values', () => {
    const body = (text: string) => Buffer.from(text);
    assert.equal(shapeOf(raw('id=eq.1', { method: 'PUT', body: body('{"id":1}') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('id=eq.1', { body: body('x') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('id=eq.1', { method: 'DELETE', body: body('{}') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('', { method: 'POST', body: body('{"a":') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('', { method: 'POST', body: body('[{"a":1},{"b":1}]') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('', { method: 'POST', body: body('a,b\n1,2'), headers: { 'content-type': 'text/csv' } }), 'anon'), undefined);
    assert.equal(shapeOf(raw('', { method: 'POST', body: body('a=1'), headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'anon'), undefined);
    assert.equal(shapeOf(raw('columns=a', { method: 'POST', body: body('{"a":1}') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('select=a&columns=a', { method: 'PATCH', body: body('{"a":1}') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('%63olumns=a', { method: 'POST', body: body('{"a":1}') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('columns', { method: 'POST', body: body('{"a":1}') }), 'anon'), undefined);
    assert.equal(shapeOf(raw('', { path: '/rpc/fn', method: 'POST' }), 'anon'), undefined);
    assert.equal(shapeOf(raw('', { path: '/rpc/fn', method: 'POST', body: body('hello'), headers: { 'content-type': 'text/plain' } }), 'anon'), undefined);
    assert.equal(shapeOf(raw('id=eq.1;name=eq.a'), 'anon'), undefined);
    assert.equal(shapeOf(raw('name=eq.a%00b'), 'anon'), undefined);
    assert.equal(shapeOf(raw('name=eq.%C3%A9'), 'anon'), undefined);
    assert.equal(shapeOf(raw('name=eq.é'), 'anon'), undefined);
  });

  test('very long keys', () => {
    assert.equal(shapeOf(raw(`select=${'a,'.repeat(2000)}a`), 'anon'), undefined);
  });
});

describe('what keeps shapes apart', () => {
  test('method, path and role', () => {
    const base = shape('id=eq.1').key;
    assert.notEqual(shape('id=eq.1', { method: 'HEAD' }).key, base);
    assert.notEqual(shape('id=eq.1', { path: '/other' }).key, base);
    assert.notEqual(shape('id=eq.1', {}, 'other').key, base);
  });

  test('the headers that steer parsing and planning, present or absent', () => {
    const base = shape('id=eq.1').key;
    const keys = new Set([base]);
    for (const name of ['accept', 'range', 'accept-profile', 'content-profile', 'content-type']) {
      for (const v of ['', 'x']) keys.add(shape('id=eq.1', { headers: { [name]: v } }).key);
    }
    keys.add(shape('id=eq.1', { preferHeaders: ['count=exact'] }).key);
    keys.add(shape('id=eq.1', { preferHeaders: ['count=exact', 'return=minimal'] }).key);
    keys.add(shape('id=eq.1', { preferHeaders: ['count=exact, return=minimal'] }).key);
    assert.equal(keys.size, 14);
  });

  test('other headers (cookies, tokens, custom ones) do not: they only go into the request settings', () => {
    assert.equal(shape('id=eq.1', { headers: { cookie: 'a=1', 'x-custom': 'y', authorization: 'Bearer t' } }).key, shape('id=eq.1').key);
  });

  test('a role holding newlines cannot pass for another request', () => {
    const plain = shape('id=eq.1', { path: '/a' }, 'r');
    const forged = shapeOf(raw('id=eq.1', { path: '/b' }), `r\nGET\n/a\nid=eq.\0`);
    assert.ok(forged);
    assert.notEqual(forged.key, plain.key);
  });

  test('a header value holding a newline is not cached', () => {
    assert.equal(shapeOf(raw('id=eq.1', { headers: { accept: 'a\nb' } }), 'anon'), undefined);
    assert.equal(shapeOf(raw('id=eq.1', { preferHeaders: ['a\nb'] }), 'anon'), undefined);
  });
});
