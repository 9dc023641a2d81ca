// Hostile request bodies against /sink: malformed JSON (hand-written and seeded corruptions that JSON.parse rejects),
// JSON of the wrong shape or types, broken CSV and form bodies, wrong content types, invalid write filters and
// on_conflict/columns. Every case must be refused, so the sink table's checksum never changes. Pure data.
import type { Rng } from '../lib/rng.js';
import { type Case, type Expect, repeat } from './types.js';

const JSON_TYPE = 'application/json';

const MALFORMED_JSON: readonly (string | Buffer)[] = [
  '{', '[', '}', ']', '{"id":}', '[{"id":100,"name":"a"},]', "{'id':100,'name':'a'}", '{"id":NaN,"name":"a"}', '{"id":Infinity,"name":"a"}',
  '{"id":100,"name":"a",}', '{"id":0100,"name":"a"}', '{"id":100,"name":"a"}}', '{"id":100,"name":"a"}{"id":101,"name":"b"}',
  '\ufeff{"id":100,"name":"a"}', '{"id":100,"name":"a\u0000"}', '{"id":100,"name":"a\nb"}', '{"id":100,"name":"a', '{"id":100 "name":"a"}',
  '{id:100,name:"a"}', '{"id":100,"name":"\\x41"}', '{"id":100,"name":"\\u12"}', '{"id":100,"name":"\\"}', '[{"id":100,"name":"a"}',
  '{"id":1e,"name":"a"}', '{"id":-,"name":"a"}', '{"id":.5,"name":"a"}', '{"id":+1,"name":"a"}', '{"id":100,"name":"a"} x', 'nul',
  'tru', '{"a":[1,2}', `${repeat('[', 5000)}`, `{"id":100,"name":"${repeat('a', 1000)}`, '{"id":100,"name":"a"}\u0000',
  Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x31, 0x30, 0x30, 0x2c, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]),
];

/** Valid JSON the sink must still refuse (types, constraints, shapes); `expect` error. */
const REFUSED_JSON: readonly string[] = [
  '{"id":"abc","name":"x"}', '{"id":1e400,"name":"x"}', '{"id":100,"name":"x","qty":-1}', '{"id":100}', '{"nope":1}', '{"id":100,"name":null}',
  '[{"id":100,"name":"a"},{"id":101}]', '[{"id":100,"name":"a"},{"name":"b","id":101,"extra":1}]', '{"id":1,"name":"dup"}',
  '[{"id":100,"name":"a"},{"id":100,"name":"b"}]', '{}', '[{}]', '[[1,2]]', '[1,2]', '{"id":100,"name":"\\ud800"}', '{"id":100,"name":"\\u0000"}',
  '{"id":100.5,"name":"x"}', '{"id":true,"name":"x"}', '{"id":[100],"name":"x"}', '{"id":{"a":1},"name":"x"}', '{"id":100,"name":"x","qty":"many"}',
  '{"id":2147483648,"name":"x"}', `{"id":100,"name":"x","qty":${repeat('[', 100_000)}${repeat(']', 100_000)}}`,
  `[${repeat('{"a":', 20_000)}1${repeat('}', 20_000)}]`, '{"id":100,"name":"x","qty":1e10}', `{"id":1,"name":"${repeat('a', 300_000)}"}`,
  `[${Array.from({ length: 3000 }, (_, i) => `{"id":${1000 + i},"name":"n"}`).join(',')},{"id":"bad","name":"n"}]`,
  `{"id":100,"name":"x","qty":${repeat('[', 3000)}${repeat(']', 3000)}}`, '{"id":100,"name":"x","\\u0000":1}', '{"":1}',
];

/** Bodies that would insert a duplicate of row 1 if accepted, sent with unsupported or odd content types. */
const CONTENT_TYPES: ReadonlyArray<readonly [string, Expect]> = [
  ['text/html', 'error'], ['application/xml', 'error'], ['text/plain', 'error'], ['image/png', 'error'], ['application/octet-stream', 'error'],
  ['application/jsonx', 'error'], ['application/json; charset=latin1', 'error'], ['multipart/form-data', 'error'],
  ['multipart/form-data; boundary=x', 'error'], ['', 'error'], [';', 'error'], ['application/json, text/csv', 'error'], ['*/*', 'error'],
  ['application/*', 'error'], [repeat('a', 2000), 'error'], ['application/vnd.pgrst.object+json', 'error'], ['é😀', 'error'],
  ['application/json;;;;', 'error'], ['APPLICATION/JSON', 'error'], ['text/csv', 'error'], ['application/x-www-form-urlencoded', 'error'],
];

const CSV: readonly (readonly [string, Expect])[] = [
  ['id,name\n100', 'error'], ['id,name\n1,a,b', 'error'], ['id,name\n"100,a', 'error'], ['', 'no5xx'], ['id,name', 'no5xx'],
  ['nope\n1', 'error'], ['id,name\nabc,x', 'error'], ['id,name\n1,one', 'error'], ['\u0000,\u0000\n', 'no5xx'], ['id,,name\n100,,a', 'error'],
  ['id;name\n100;x', 'error'], ['\ufeffid,name\n100,x', 'error'], ['id,name\r100,one\r1,one', 'error'], ['id,name\n1,"a""b\n', 'error'],
  ['id,name,qty\n100,a,-1', 'error'], ['id,name\n100,a\n101', 'error'], ['"id,name\n100,a', 'error'], ['id,id\n100,101', 'error'],
  [`id,name\n${Array.from({ length: 2000 }, (_, i) => `${1000 + i},n`).join('\n')}\nbad,n`, 'error'],
];

const FORM: readonly string[] = ['id=1&name=one', '%zz=1', '=&=&', 'id=abc&name=x', 'id=100&name=x&qty=-3', 'nope=1', 'id=1&id=1&name=x'];

const WRITE_FILTERS: ReadonlyArray<readonly [method: string, target: string, body: string]> = [
  ['PATCH', '/sink?id=zz.1', '{"qty":5}'], ['PATCH', '/sink?or=(', '{"qty":5}'], ['PATCH', '/sink?id=eq.abc', '{"qty":5}'],
  ['PATCH', '/sink?id=eq.1', '{"qty":-5}'], ['PATCH', '/sink?id=eq.1', '{"nope":5}'], ['PATCH', '/sink?id=eq.1', '{"id":"x"}'],
  ['PATCH', '/sink?id=eq.1', '{"qty":'], ['PATCH', '/sink?id=eq.1&select=nope', '{"qty":-5}'], ['PATCH', '/sink?id=eq.1', '{"id":2}'],
  ['PATCH', '/sink?not.id=eq', '{"qty":5}'], ['PATCH', '/sink?id=in.(1,2', '{"qty":5}'], ['PATCH', '/sink?qty=gt.a', '{"qty":5}'],
  ['PUT', '/sink?id=gt.1', '{"id":2,"name":"x","qty":2,"note":null}'], ['PUT', '/sink', '{"id":2,"name":"x","qty":2,"note":null}'],
  ['PUT', '/sink?id=eq.1', '{"id":2,"name":"x","qty":2,"note":null}'], ['PUT', '/sink?id=eq.1', '{"id":1'],
  ['PUT', '/sink?id=eq.1&limit=1', '{"id":1,"name":"x","qty":1,"note":null}'], ['PUT', '/sink?id=eq.1&name=eq.one', '{"id":1,"name":"x","qty":1,"note":null}'],
  ['PUT', '/sink?id=eq.1', '[{"id":1,"name":"x","qty":1,"note":null},{"id":1,"name":"y","qty":1,"note":null}]'],
  ['PUT', '/sink?id=eq.1', '{"id":1,"name":"x","qty":-1,"note":null}'], ['PUT', '/sink?id=eq.abc', '{"id":1,"name":"x","qty":1,"note":null}'],
  ['DELETE', '/sink?id=zz.1', ''], ['DELETE', '/sink?id=eq.abc', ''], ['DELETE', '/sink?or=(', ''], ['DELETE', '/sink?id=in.(1', ''],
  ['DELETE', '/sink?and=(id.eq.1', ''], ['DELETE', '/sink?id=not.', ''], ['DELETE', '/sink?id=eq.abc&limit=1', ''],
  ['DELETE', '/sink?nope=eq.1', ''], ['DELETE', '/sink?id=eq.abc&order=nope', ''],
  ['POST', '/sink?columns=id,', '{"id":100,"name":"a"}'], ['POST', '/sink?columns=(', '{"id":100,"name":"a"}'],
  ['POST', '/sink?columns=nope', '{"id":100,"name":"a"}'], ['POST', '/sink?columns=id', '{"id":1,"name":"a"}'],
  ['POST', '/sink?on_conflict=nope', '{"id":1,"name":"a"}'], ['POST', '/sink?on_conflict=id,', '{"id":1,"name":"a"}'],
  ['POST', '/sink?on_conflict=(', '{"id":1,"name":"a"}'], ['POST', '/sink?select=nope', '{"id":1,"name":"a"}'],
  ['POST', '/sink?select=id,', '{"id":1,"name":"a"}'], ['POST', '/sink?id=eq.1', '{"id":1,"name":"a"}'],
  ['POST', '/sink?columns=id,name', '[{"id":1,"name":"a"}]'], ['POST', '/items', '{"id":999,"name":"nope"}'],
];

const post = (target: string, contentType: string | undefined, body: string | Buffer, expect: Expect, id: string, family: string, method = 'POST'): Case => ({
  id,
  family,
  expect,
  writes: true,
  request: { method, target, body, headers: contentType === undefined ? [] : [['Content-Type', contentType]] },
});

function corrupt(rng: Rng, text: string): string {
  let s = text;
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    const at = rng.int(s.length + 1);
    const piece = rng.pick(['{', '}', '[', ']', ',', ':', '"', "'", '\\', 'x', '\u0000', '\u001f', ' ', 'NaN', '/*', '1e', '-', '"\\u']);
    s = rng.chance(0.3) ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + piece + s.slice(at);
  }
  return s;
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Every body case plus `randomCount` seeded corruptions of valid JSON (kept only when JSON.parse rejects them). */
export function bodyCases(rng: Rng, randomCount: number): Case[] {
  const out: Case[] = [];
  MALFORMED_JSON.forEach((b, i) => {
    out.push(post('/sink', JSON_TYPE, b, 'error', `body/malformed/post/${i}`, 'body-malformed'));
    out.push(post('/sink?id=eq.1', JSON_TYPE, b, 'error', `body/malformed/patch/${i}`, 'body-malformed', 'PATCH'));
  });
  REFUSED_JSON.forEach((b, i) => {
    out.push(post('/sink', JSON_TYPE, b, 'error', `body/refused/${i}`, 'body-refused'));
  });
  CONTENT_TYPES.forEach(([t, e], i) => {
    out.push(post('/sink', t, '{"id":1,"name":"one","qty":1}', e, `body/content-type/${i}`, 'body-content-type'));
  });
  out.push(post('/sink', undefined, '{"id":1,"name":"one","qty":1}', 'error', 'body/content-type/none', 'body-content-type'));
  CSV.forEach(([b, e], i) => {
    out.push(post('/sink', 'text/csv', b, e, `body/csv/${i}`, 'body-csv'));
  });
  FORM.forEach((b, i) => {
    out.push(post('/sink', 'application/x-www-form-urlencoded', b, 'error', `body/form/${i}`, 'body-form'));
  });
  WRITE_FILTERS.forEach(([m, t, b], i) => {
    out.push(post(t, b ? JSON_TYPE : undefined, b, 'error', `body/write-filter/${i}`, 'body-write-filter', m));
  });
  // RPC bodies: malformed arguments (RPC may still be under construction; anything but a 5xx).
  const rpcBodies = ['{', '{"t":}', '[', '{"t":1,"t":2', '{"nope":1}', '"x"', `${repeat('[', 3000)}`, `{"t":${repeat('[', 100_000)}${repeat(']', 100_000)}}`];
  for (const [i, b] of rpcBodies.entries()) {
    out.push({ id: `body/rpc/${i}`, family: 'body-rpc', expect: 'error', request: { method: 'POST', target: '/rpc/echo', body: b, headers: [['Content-Type', JSON_TYPE]] } });
  }

  const valid = ['{"id":100,"name":"x","qty":1}', '[{"id":100,"name":"a"},{"id":101,"name":"b"}]', '{"id":100,"name":"x","note":"n"}'];
  let made = 0;
  for (let tries = 0; made < randomCount && tries < randomCount * 20; tries++) {
    const text = corrupt(rng, rng.pick(valid));
    if (isJson(text)) continue;
    const method = rng.pick(['POST', 'POST', 'PATCH']);
    out.push(post(method === 'POST' ? '/sink' : '/sink?id=eq.2', JSON_TYPE, text, 'error', `body/random/${made}`, 'body-random', method));
    made++;
  }
  return out;
}
