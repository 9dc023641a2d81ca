// Hostile headers and HTTP framing: malformed JWTs, invalid Range/Prefer/Accept/profile headers, huge headers and
// URLs, odd methods, paths and request lines. Pure data.
import { b64url, JWT_SECRET, signJwt, signRaw } from '../lib/jwt.js';
import type { RawRequest } from '../lib/raw-http.js';
import { type Case, type Expect, repeat } from './types.js';

const READ = '/items?select=id&order=id&limit=3';

type HeaderCase = readonly [name: string, value: string | Buffer, expect: Expect];

function jwtCases(): HeaderCase[] {
  const anon = 'postgrest_test_anonymous';
  const now = Math.floor(Date.now() / 1000);
  const good = signJwt({ role: anon });
  const [h, p] = good.split('.');
  return [
    ['Authorization', 'Bearer', 'no5xx'],
    ['Authorization', 'Bearer a', 'error'],
    ['Authorization', 'Bearer a.b', 'error'],
    ['Authorization', 'Bearer a.b.c.d', 'error'],
    ['Authorization', 'Bearer ..', 'error'],
    ['Authorization', 'Bearer a.b.c', 'error'],
    ['Authorization', 'Bearer !!!.@@@.###', 'error'],
    ['Authorization', `Bearer ${h}.${p}.`, 'error'],
    ['Authorization', `Bearer ${h}.${p}.AAAA`, 'error'],
    ['Authorization', `Bearer ${b64url('{"alg":"none","typ":"JWT"}')}.${p}.`, 'error'],
    ['Authorization', `Bearer ${b64url('{"alg":"none"}')}.${p}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon }, 'a-completely-different-secret-0123456789')}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256"', JSON.stringify({ role: anon }))}`, 'error'],
    ['Authorization', `Bearer ${signRaw('[]', JSON.stringify({ role: anon }))}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256"}', 'not json')}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256"}', '[]')}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256"}', '"x"')}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256"}', 'null')}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256"}', '{"role":')}`, 'error'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS512"}', JSON.stringify({ role: anon }), JWT_SECRET, 'sha512')}`, 'no5xx'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256","kid":"nope"}', JSON.stringify({ role: anon }))}`, 'no5xx'],
    ['Authorization', `Bearer ${signRaw('{"alg":"HS256","crit":["exp"]}', JSON.stringify({ role: anon }))}`, 'no5xx'],
    ['Authorization', `Bearer ${signRaw('{"alg":"RS256"}', JSON.stringify({ role: anon }))}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, exp: 'tomorrow' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, exp: now - 3600 })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, exp: 1e300 })}`, 'no5xx'],
    ['Authorization', `Bearer ${signJwt({ role: anon, exp: -1 })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, nbf: now + 3600 })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, iat: now + 3600 })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, aud: 42 })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, aud: [1, 2] })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 42 })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: { a: 1 } })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: ['x'] })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: null })}`, 'no5xx'],
    ['Authorization', `Bearer ${signJwt({ role: '' })}`, 'no5xx'],
    ['Authorization', `Bearer ${signJwt({ role: 'nosuchrole' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'postgres' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'pg_read_all_data' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'pg_signal_backend' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'public' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'none' })}`, 'no5xx'],
    ['Authorization', `Bearer ${signJwt({ role: repeat('r', 200) })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'é😀\u202e' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: 'a\u0000b' })}`, 'error'],
    ['Authorization', `Bearer ${signJwt({ role: anon, big: repeat('x', 9000) })}`, 'no5xx'],
    ['Authorization', `Bearer ${signJwt({ role: anon, nested: JSON.parse(`${repeat('[', 500)}${repeat(']', 500)}`) })}`, 'no5xx'],
    ['Authorization', `Bearer ${good} extra`, 'error'],
    ['Authorization', `bearer ${good}`, 'no5xx'],
    ['Authorization', `BEARER ${good}`, 'no5xx'],
    ['Authorization', 'Basic dXNlcjpwYXNz', 'no5xx'],
    ['Authorization', 'Digest username="x"', 'no5xx'],
    ['Authorization', `Bearer ${repeat('a', 12_000)}`, 'error'],
    ['Authorization', `Bearer ${repeat('.', 5000)}`, 'error'],
    ['Authorization', Buffer.from([0x42, 0x65, 0x61, 0x72, 0x65, 0x72, 0x20, 0xff, 0xfe, 0x2e, 0x80, 0x2e, 0x81]), 'error'],
  ];
}

const RANGE: readonly HeaderCase[] = [
  ['Range', 'abc', 'no5xx'], ['Range', 'items=abc', 'no5xx'], ['Range', 'items=5-2', 'no5xx'], ['Range', '5-2', 'error'], ['Range', '0-1', 'no5xx'], ['Range', '10-', 'no5xx'], ['Range', 'items=-5', 'no5xx'],
  ['Range', 'items=0-1,3-4', 'no5xx'], ['Range', 'items=99999999999999999999999-', 'no5xx'], ['Range', 'bytes=0-1', 'no5xx'],
  ['Range', '=', 'no5xx'], ['Range', 'items=1-1-1', 'no5xx'], ['Range', 'items= 0-1', 'no5xx'], ['Range', 'items=0-99999999999999999999', 'no5xx'],
  ['Range', 'items=1000-1001', 'no5xx'], ['Range', repeat('0-1,', 2000), 'no5xx'], ['Range-Unit', 'garbage', 'no5xx'], ['Range', 'items=\u00e9-1', 'no5xx'],
];

const PREFER: readonly HeaderCase[] = [
  ['Prefer', 'return=garbage', 'no5xx'], ['Prefer', 'count=banana', 'no5xx'], ['Prefer', 'resolution=x', 'no5xx'],
  ['Prefer', 'missing=x', 'no5xx'], ['Prefer', 'tx=whatever', 'no5xx'], ['Prefer', 'max-affected=abc', 'no5xx'],
  ['Prefer', 'max-affected=-1', 'no5xx'], ['Prefer', 'timezone=Mars/Olympus', 'no5xx'], ['Prefer', "timezone='; select 1; --", 'no5xx'],
  ['Prefer', 'handling=lenient', 'no5xx'], ['Prefer', ';;;', 'no5xx'], ['Prefer', ',,,,', 'no5xx'], ['Prefer', '=', 'no5xx'],
  ['Prefer', repeat('count=exact, ', 600), 'no5xx'], ['Prefer', 'count=exact', 'no5xx'], ['Prefer', 'count=planned', 'no5xx'],
  ['Prefer', 'count=estimated', 'no5xx'], ['Prefer', 'return=é😀', 'no5xx'], ['Prefer', 'handling=strict, foo=bar', 'error'],
  ['Prefer', 'handling=strict, return=garbage', 'error'], ['Prefer', 'handling=strict, count=banana', 'error'],
  ['Prefer', 'handling=strict, handling=lenient', 'no5xx'], ['Prefer', 'handling=strict, timezone=Mars/Olympus', 'no5xx'],
  ['Prefer', 'params=single-object', 'no5xx'], ['Prefer', 'tx=commit, tx=rollback', 'no5xx'],
];

const ACCEPT: readonly HeaderCase[] = [
  ['Accept', 'garbage', 'error'], ['Accept', '*/*;q=abc', 'no5xx'], ['Accept', 'application/json;q=2', 'no5xx'], ['Accept', 'text/csv;;;', 'no5xx'],
  ['Accept', ';', 'no5xx'], ['Accept', ',,,', 'no5xx'], ['Accept', '/', 'no5xx'], ['Accept', 'application/', 'no5xx'], ['Accept', '*/json', 'no5xx'],
  ['Accept', 'application/vnd.pgrst.object+json', 'error'], ['Accept', 'application/vnd.pgrst.object', 'no5xx'],
  ['Accept', 'application/vnd.pgrst.plan+xml', 'no5xx'], ['Accept', 'application/vnd.pgrst.plan; for="nope"', 'no5xx'],
  ['Accept', 'application/vnd.pgrst.plan+json; options=nope', 'no5xx'], ['Accept', 'application/openapi+json', 'error'],
  ['Accept', 'text/html', 'error'], ['Accept', 'image/png', 'error'], ['Accept', 'application/xml', 'error'],
  ['Accept', Array.from({ length: 500 }, (_, i) => `x/y${i}`).join(', '), 'error'], ['Accept', 'application/json; charset=utf-16', 'no5xx'],
  ['Accept', 'application/geo+json', 'no5xx'], ['Accept', 'application/octet-stream', 'no5xx'], ['Accept', 'text/plain', 'no5xx'],
  ['Accept', 'application/vnd.pgrst.array+json;nulls=stripped', 'no5xx'], ['Accept', 'application/vnd.pgrst.array+json;nulls=garbage', 'no5xx'],
  ['Accept', 'é😀/x', 'no5xx'], ['Accept', repeat('a', 9000), 'no5xx'],
];

const PROFILE: readonly HeaderCase[] = [
  ['Accept-Profile', 'nope', 'error'], ['Accept-Profile', 'reliability_private', 'error'], ['Accept-Profile', 'pg_catalog', 'error'],
  ['Accept-Profile', 'information_schema', 'error'], ['Accept-Profile', 'RELIABILITY', 'error'], ['Accept-Profile', 'é😀', 'error'],
  ['Accept-Profile', repeat('s', 5000), 'error'], ['Accept-Profile', '', 'no5xx'], ['Accept-Profile', 'reliability, public', 'error'],
  ['Accept-Profile', '"reliability"', 'error'], ['Content-Profile', 'nope', 'no5xx'],
];

const OTHER: readonly HeaderCase[] = [
  ['Cookie', 'a=%zz; ;;; =; b', 'no5xx'], ['Cookie', repeat('c=1; ', 1500), 'no5xx'], ['Cookie', '\u00e9=\u00e9', 'no5xx'],
  ['X-Custom', Buffer.from([0x80, 0x81, 0xfe, 0xff]), 'no5xx'], ['X-Custom', repeat('v', 10_000), 'no5xx'],
  ['X-Forwarded-For', 'not-an-ip, ::::', 'no5xx'], ['Origin', 'null', 'no5xx'], ['Origin', repeat('o', 3000), 'no5xx'],
  ['Access-Control-Request-Method', 'FOO', 'no5xx'], ['Expect', '100-continue', 'no5xx'], ['Expect', 'the-unexpected', 'no5xx'],
  ['If-None-Match', '*', 'no5xx'], ['Accept-Encoding', 'gzip;q=abc, br', 'no5xx'], ['Content-Type', 'garbage', 'no5xx'],
  ['X-Ünïcode', '1', 'error'], ['X Space', '1', 'error'], ['X-Ctl', 'a\u0001b', 'error'], ['Content-Length', 'abc', 'error'],
  ['Content-Length', '-1', 'error'], ['Content-Length', '1, 2', 'error'], ['Transfer-Encoding', 'gzip', 'error'],
  ['Upgrade', 'websocket', 'no5xx'], ['Connection', 'Upgrade, close', 'no5xx'], ['Host', repeat('h', 5000), 'no5xx'],
  [repeat('X', 9000), 'v', 'no5xx'], ['X-Big', repeat('b', 20_000), [431]], ['Cookie', repeat('k=v; ', 4000), [431]],
];

function headerCase(family: string, i: number, h: HeaderCase, target = READ): Case {
  return { id: `headers/${family}/${i}`, family: `headers-${family}`, expect: h[2], request: { method: 'GET', target, headers: [[h[0], h[1]]] } };
}

const rawReq = (text: string | Buffer): RawRequest => ({ method: '', target: '', raw: typeof text === 'string' ? Buffer.from(text, 'utf8') : text });

/** Request lines, methods, paths and framing the HTTP layer must answer cleanly. */
function protocolCases(): Case[] {
  const list: Array<[string, RawRequest, Expect]> = [
    ['method-foo', { method: 'FOO', target: READ }, 'error'],
    ['method-propfind', { method: 'PROPFIND', target: READ }, 'error'],
    ['method-trace', { method: 'TRACE', target: READ }, 'error'],
    ['method-lower', { method: 'get', target: READ }, 'error'],
    ['method-connect', { method: 'CONNECT', target: '127.0.0.1:80' }, 'error'],
    ['method-search', { method: 'SEARCH', target: READ }, 'error'],
    ['method-purge', { method: 'PURGE', target: READ }, 'error'],
    ['options', { method: 'OPTIONS', target: '/items' }, 'no5xx'],
    ['options-star', { method: 'OPTIONS', target: '*' }, 'no5xx'],
    ['absolute-form', { method: 'GET', target: 'http://127.0.0.1/items?select=id&limit=1' }, 'no5xx'],
    ['http10', rawReq(`GET ${READ} HTTP/1.0\r\n\r\n`), 'no5xx'],
    ['http09', rawReq(`GET ${READ}\r\n\r\n`), 'no5xx'],
    ['http2-text', rawReq(`GET ${READ} HTTP/2.0\r\nHost: x\r\n\r\n`), 'no5xx'],
    ['http99', rawReq(`GET ${READ} HTTP/9.9\r\nHost: x\r\n\r\n`), 'no5xx'],
    ['no-version-crlf', rawReq(`GET ${READ} HTTP/1.1\n\n`), 'no5xx'],
    ['garbage-line', rawReq('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'), 'error'],
    ['tls-hello', rawReq(Buffer.from('1603010200010001fc0303', 'hex')), 'error'],
    ['header-no-colon', rawReq(`GET ${READ} HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n`), 'error'],
    ['header-folding', rawReq(`GET ${READ} HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\nConnection: close\r\n\r\n`), 'error'],
    ['cl-te', rawReq(`POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`), 'error'],
    ['two-cl', rawReq(`POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}`), 'error'],
    ['bad-chunk', rawReq(`POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`), 'error'],
    ['huge-chunk-size', rawReq(`POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n`), 'error'],
    ['get-with-body', { method: 'GET', target: READ, body: '{"not":"used"}', headers: [['Content-Type', 'application/json']] }, 'no5xx'],
    ['delete-no-filter-bad-accept', { method: 'DELETE', target: '/sink', headers: [['Accept', 'text/html']] }, 'error'],
    ['head-broken-filter', { method: 'HEAD', target: '/items?id=zz.1' }, 'error'],
    ['head-broken-logic', { method: 'HEAD', target: '/items?or=(id.eq' }, 'error'],
    ['head-bad-value', { method: 'HEAD', target: '/items?id=eq.abc' }, 'error'],
    ['head-unknown-table', { method: 'HEAD', target: '/nope' }, 'error'],
    ['head-count-hidden', { method: 'HEAD', target: '/vault', headers: [['Prefer', 'count=exact']] }, 'error'],
    ['options-unknown', { method: 'OPTIONS', target: '/nope' }, 'no5xx'],
    ['options-rpc', { method: 'OPTIONS', target: '/rpc/echo', headers: [['Origin', 'http://x'], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'x-a, ,,, é']] }, 'no5xx'],
    ['rpc-get-bad-arg', { method: 'GET', target: '/rpc/sleep_for?s=abc' }, 'error'],
    ['rpc-get-unknown-arg', { method: 'GET', target: '/rpc/echo?t=a&nope=1' }, 'error'],
    ['rpc-get-repeated-arg', { method: 'GET', target: '/rpc/echo?t=a&t=b' }, 'no5xx'],
    ['rpc-get-filter-result', { method: 'GET', target: '/rpc/echo?t=a&echo=zz.1' }, 'no5xx'],
    ['rpc-get-select-garbage', { method: 'GET', target: '/rpc/echo?t=a&select=(((' }, 'no5xx'],
    ['rpc-patch', { method: 'PATCH', target: '/rpc/echo', headers: [['Content-Type', 'application/json']], body: '{"t":"a"}' }, 'error'],
    ['rpc-delete', { method: 'DELETE', target: '/rpc/echo' }, 'error'],
    ['rpc-put', { method: 'PUT', target: '/rpc/echo', headers: [['Content-Type', 'application/json']], body: '{"t":"a"}' }, 'error'],
    ['rpc-csv-body', { method: 'POST', target: '/rpc/echo', headers: [['Content-Type', 'text/csv']], body: 't\n"unterminated' }, 'no5xx'],
    ['rpc-form-body', { method: 'POST', target: '/rpc/echo', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: '%zz=%%' }, 'no5xx'],
    ['rpc-octet-body', { method: 'POST', target: '/rpc/echo', headers: [['Content-Type', 'application/octet-stream']], body: Buffer.from([0, 1, 2, 255]) }, 'no5xx'],
    ['rpc-text-body', { method: 'POST', target: '/rpc/echo', headers: [['Content-Type', 'text/plain']], body: 'hello\u0000' }, 'no5xx'],
  ];
  const paths: Array<[string, Expect]> = [
    ['/items/..', 'error'], ['/%2e%2e/', 'error'], ['//items', 'no5xx'], ['/items/1', 'error'], ['/rpc/', 'error'], ['/rpc/../items', 'error'],
    ['/a/b/c/d/e/f', 'error'], ['/items%00', 'error'], ['/ite%ms', 'error'], ['/%F0%9F%98%80', 'error'], ['/items;x', 'error'],
    ['/items?', 'no5xx'], ['/.env', 'error'], ['/reliability.items', 'error'], ['/reliability_private.canary', 'error'], ['/canary', 'error'],
    ['/vault', 'error'], ['/%22items%22', 'error'], ['/items%22;select%201;--', 'error'], ['/rpc/nope', 'error'], ['/rpc/%00', 'error'],
    ['/rpc/echo/extra', 'error'], [`/${repeat('a', 3000)}`, 'error'], [`/${repeat('a/', 2000)}`, 'error'], ['/%', 'error'], ['/%zz', 'error'],
    ['/%C3%28', 'error'], ['/items/', 'no5xx'], ['/pg_catalog.pg_authid', 'error'], ['/items%2F..%2Fvault', 'error'],
  ];
  const out: Case[] = list.map(([name, request, expect]) => ({ id: `protocol/${name}`, family: 'protocol', expect, request }));
  paths.forEach(([target, expect], i) => {
    out.push({ id: `path/${i}`, family: 'path', expect, request: { method: 'GET', target } });
  });
  // Very long URLs: below the default limit they are served, above it 414 (or 431 when the header limit trips first).
  const longUrl = (n: number) => `/items?select=id&name=neq.${repeat('z', Math.max(0, n - 26))}`;
  out.push({ id: 'long-url/8k', family: 'long-url', expect: 'no5xx', request: { method: 'GET', target: longUrl(8000) } });
  out.push({ id: 'long-url/15k', family: 'long-url', expect: 'no5xx', request: { method: 'GET', target: longUrl(15_000) } });
  for (const n of [16_385, 20_000, 100_000, 1_000_000]) {
    out.push({ id: `long-url/${n}`, family: 'long-url', expect: [414, 431], request: { method: 'GET', target: longUrl(n) } });
  }
  return out;
}

/** Every header and protocol case. */
export function headerCases(): Case[] {
  const out: Case[] = [];
  jwtCases().forEach((h, i) => {
    out.push(headerCase('jwt', i, h));
  });
  RANGE.forEach((h, i) => {
    out.push(headerCase('range', i, h));
  });
  PREFER.forEach((h, i) => {
    out.push(headerCase('prefer', i, h));
  });
  ACCEPT.forEach((h, i) => {
    out.push(headerCase('accept', i, h));
  });
  PROFILE.forEach((h, i) => {
    out.push(headerCase('profile', i, h));
  });
  OTHER.forEach((h, i) => {
    out.push(headerCase('other', i, h));
  });
  // Many small headers: under the total limit they are fine, far over it 431.
  const many = (n: number): ReadonlyArray<readonly [string, string]> => Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v'] as const);
  out.push({ id: 'headers/many/300', family: 'headers-many', expect: 'no5xx', request: { method: 'GET', target: READ, headers: many(300) } });
  out.push({ id: 'headers/many/5000', family: 'headers-many', expect: [431], request: { method: 'GET', target: READ, headers: many(5000) } });
  out.push(...protocolCases());
  return out;
}
