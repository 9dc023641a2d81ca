// Unit tests for src/observe/access-log.ts: the Apache-style access line as PostgREST prints it (address forms, missing
// role/size/referer/agent), and the Server-Timing value with Haskell's one-decimal rounding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AccessLogFields, accessLogLine, formatRemoteAddress, serverTimingHeader, showFixed1 } from '../../src/observe/access-log.js';
import { logTimestamp } from '../../src/observe/log.js';

const NOW = new Date(2021, 6, 26, 1, 56, 38);
const STAMP = logTimestamp(NOW);
const BASE: AccessLogFields = {
  remoteAddress: '127.0.0.1',
  role: 'user',
  method: 'GET',
  target: '/clients',
  httpVersion: '1.1',
  status: 200,
  contentLength: '56',
  referer: undefined,
  userAgent: 'curl/7.64.0',
};

describe('accessLogLine', () => {
  it('prints the combined format with the role as the user field', () => {
    assert.equal(accessLogLine(BASE, NOW), `127.0.0.1 - user [${STAMP}] "GET /clients HTTP/1.1" 200 56 "" "curl/7.64.0"`);
  });

  it('uses the local-time stamp of the diagnostics log', () => {
    assert.match(STAMP, /^26\/Jul\/2021:01:56:38 [+-]\d{4}$/);
  });

  it('prints - for a missing role, size and unix-socket peer; empty quotes for missing headers', () => {
    const line = accessLogLine(
      { ...BASE, remoteAddress: undefined, role: undefined, contentLength: undefined, userAgent: undefined, status: 500 },
      NOW,
    );
    assert.equal(line, `- - - [${STAMP}] "GET /clients HTTP/1.1" 500 - "" ""`);
  });

  it('keeps the raw target with its query string and the HTTP version sent', () => {
    const line = accessLogLine({ ...BASE, method: 'PATCH', target: '/items?id=eq.1&select=a%20b', httpVersion: '1.0' }, NOW);
    assert.match(line, / "PATCH \/items\?id=eq\.1&select=a%20b HTTP\/1\.0" /);
    assert.match(accessLogLine({ ...BASE, httpVersion: undefined }, NOW), / HTTP\/1\.1" /);
  });

  it('prints referer and user agent verbatim, quotes included', () => {
    const line = accessLogLine({ ...BASE, referer: 'http://localhost:8000/', userAgent: 'a "quoted" agent' }, NOW);
    assert.ok(line.endsWith(`"http://localhost:8000/" "a "quoted" agent"`));
  });

  it('prints the size only when Content-Length is a whole number', () => {
    const size = (contentLength: AccessLogFields['contentLength']) => accessLogLine({ ...BASE, contentLength }, NOW).split(' ')[9];
    assert.equal(size(0), '0');
    assert.equal(size('0'), '0');
    assert.equal(size('007'), '7');
    assert.equal(size('12x'), '-');
    assert.equal(size(''), '-');
  });
});

describe('formatRemoteAddress', () => {
  it('keeps IPv4 and ::1, and unwraps IPv4-mapped IPv6', () => {
    assert.equal(formatRemoteAddress('10.0.0.7'), '10.0.0.7');
    assert.equal(formatRemoteAddress('::1'), '::1');
    assert.equal(formatRemoteAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(formatRemoteAddress('::ffff:7f00:1'), '127.0.0.1');
  });

  it('writes other IPv6 addresses as eight uncompressed groups without leading zeros', () => {
    assert.equal(formatRemoteAddress('2001:db8::1'), '2001:db8:0:0:0:0:0:1');
    assert.equal(formatRemoteAddress('fe80::0a:B%eth0'), 'fe80:0:0:0:0:0:a:b');
    assert.equal(formatRemoteAddress('::'), '0:0:0:0:0:0:0:0');
  });

  it('prints - when there is no address', () => {
    assert.equal(formatRemoteAddress(undefined), '-');
    assert.equal(formatRemoteAddress(''), '-');
  });
});

describe('serverTimingHeader', () => {
  it('lists the five stages in order with one decimal', () => {
    assert.equal(
      serverTimingHeader({ plan: 0.1, transaction: 0.2, response: 0.3, jwt: 0.4, parse: 0.5 }),
      'jwt;dur=0.4, parse;dur=0.5, plan;dur=0.1, transaction;dur=0.2, response;dur=0.3',
    );
    assert.equal(
      serverTimingHeader({ jwt: 12.345, parse: 0.0004, plan: 3, transaction: 1234.56, response: 0.96 }),
      'jwt;dur=12.3, parse;dur=0.0, plan;dur=3.0, transaction;dur=1234.6, response;dur=1.0',
    );
  });

  it('leaves an empty item for a stage without a duration, as PostgREST would', () => {
    assert.equal(serverTimingHeader({ jwt: 1, parse: 2, response: 3 }), 'jwt;dur=1.0, parse;dur=2.0, , , response;dur=3.0');
  });
});

describe('showFixed1', () => {
  it('rounds the shortest decimal digits, ties to even', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [0.05, '0.0'],
      [0.06, '0.1'],
      [0.15, '0.2'],
      [0.25, '0.2'],
      [0.35, '0.4'],
      [2.5, '2.5'],
      [2.45, '2.4'],
      [2.55, '2.6'],
      [9.95, '10.0'],
      [99.96, '100.0'],
      [100, '100.0'],
      [0.0096, '0.0'],
      [1e-7, '0.0'],
      [123456789.25, '123456789.2'],
    ];
    for (const [x, s] of cases) assert.equal(showFixed1(x), s, String(x));
  });

  it('signs negatives and spells non-finite values as Haskell does', () => {
    assert.equal(showFixed1(-1.25), '-1.2');
    assert.equal(showFixed1(-0), '-0.0');
    assert.equal(showFixed1(Number.NaN), 'NaN');
    assert.equal(showFixed1(Number.POSITIVE_INFINITY), 'Infinity');
  });
});
