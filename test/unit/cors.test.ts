// Unit tests for src/http/cors.ts: the cases of PostgREST's CORS spec restated against corsHeaders, plus the edges of
// its permissive policy (failures ignored, requested headers echoed, origins compared exactly).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowedRequestHeaders,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  corsHeaders,
  parseHeaderNameList,
} from '../../src/http/cors.js';

const ANY: readonly string[] = [];
const LISTED = ['http://example.com', 'http://example2.com'];
const req = (method: string, headers: Record<string, string>) => ({ method, headers });

describe('corsHeaders with any origin allowed', () => {
  it('answers a preflight itself, echoing the requested headers between Authorization and the safelisted ones', () => {
    const r = corsHeaders(
      req('OPTIONS', {
        accept: '*/*',
        origin: 'http://example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Foo,Bar',
      }),
      ANY,
    );
    assert.deepEqual(r, {
      preflight: true,
      headers: {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD',
        'Access-Control-Allow-Headers': 'Authorization, Foo, Bar, Accept, Accept-Language, Content-Language',
        'Access-Control-Max-Age': '86400',
      },
    });
  });

  it('lists the exposed response headers on an ordinary request', () => {
    const r = corsHeaders(req('GET', { origin: 'http://example.com' }), ANY);
    assert.deepEqual(r, {
      preflight: false,
      headers: {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Expose-Headers':
          'Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit',
      },
    });
  });

  it('lets an OPTIONS with an Origin but no requested method through to the API', () => {
    const r = corsHeaders(
      req('OPTIONS', {
        host: 'localhost:3000',
        origin: 'http://localhost:8000',
        accept: 'text/csv, */*; q=0.01',
        'accept-language': 'en-US,en;q=0.5',
        referer: 'http://localhost:8000/',
      }),
      ANY,
    );
    assert.equal(r, undefined);
  });

  it('stays out of requests without an Origin', () => {
    assert.equal(corsHeaders(req('OPTIONS', { accept: 'application/json' }), ANY), undefined);
    assert.equal(corsHeaders(req('GET', {}), ANY), undefined);
  });

  it('allows every origin when the list is empty, and adds no credentials header', () => {
    const r = corsHeaders(
      req('OPTIONS', {
        origin: 'http://anyorigin.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type',
      }),
      ANY,
    );
    assert.equal(r?.preflight, true);
    assert.equal(r?.headers['Access-Control-Allow-Origin'], '*');
    assert.ok(r?.headers['Access-Control-Allow-Methods']?.includes('POST'));
    assert.equal(r?.headers['Access-Control-Allow-Credentials'], undefined);
  });

  it('omits Allow-Headers when no headers are requested, and never adds Vary', () => {
    const r = corsHeaders(req('OPTIONS', { origin: 'o', 'access-control-request-method': 'DELETE' }), ANY);
    assert.deepEqual(Object.keys(r?.headers ?? {}), [
      'Access-Control-Allow-Origin',
      'Access-Control-Allow-Methods',
      'Access-Control-Max-Age',
    ]);
  });

  it('fails (ignored) a preflight for a method outside the list, compared case-sensitively', () => {
    assert.equal(corsHeaders(req('OPTIONS', { origin: 'o', 'access-control-request-method': 'TRACE' }), ANY), undefined);
    assert.equal(corsHeaders(req('OPTIONS', { origin: 'o', 'access-control-request-method': 'post' }), ANY), undefined);
    for (const m of CORS_ALLOW_METHODS.split(', ')) {
      assert.equal(corsHeaders(req('OPTIONS', { origin: 'o', 'access-control-request-method': m }), ANY)?.preflight, true);
    }
  });

  it('leaves WebSocket upgrades alone', () => {
    assert.equal(corsHeaders(req('GET', { origin: 'o', upgrade: 'WebSocket' }), ANY), undefined);
  });

  it('treats any non-OPTIONS method as an actual request', () => {
    for (const m of ['POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']) {
      const r = corsHeaders(req(m, { origin: 'o', 'access-control-request-method': 'POST' }), ANY);
      assert.equal(r?.preflight, false);
      assert.equal(r?.headers['Access-Control-Expose-Headers'], CORS_EXPOSE_HEADERS);
    }
  });
});

describe('corsHeaders with server-cors-allowed-origins set', () => {
  it('echoes a listed origin with credentials on a preflight', () => {
    const r = corsHeaders(
      req('OPTIONS', {
        origin: 'http://example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type',
      }),
      LISTED,
    );
    assert.equal(r?.preflight, true);
    assert.equal(r?.headers['Access-Control-Allow-Origin'], 'http://example.com');
    assert.equal(r?.headers['Access-Control-Allow-Credentials'], 'true');
    assert.equal(r?.headers['Access-Control-Allow-Headers'], 'Authorization, Content-Type, Accept, Accept-Language, Content-Language');
  });

  it('echoes a listed origin with credentials on an ordinary request', () => {
    const r = corsHeaders(req('GET', { accept: '*/*', origin: 'http://example2.com' }), LISTED);
    assert.deepEqual(r?.headers, {
      'Access-Control-Allow-Origin': 'http://example2.com',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS,
    });
  });

  it('serves requests from other origins without any CORS header', () => {
    assert.equal(corsHeaders(req('GET', { origin: 'http://invalid.com' }), LISTED), undefined);
    const preflight = { origin: 'http://invalid.com', 'access-control-request-method': 'POST' };
    assert.equal(corsHeaders(req('OPTIONS', preflight), LISTED), undefined);
  });

  it('compares origins exactly (case and trailing slash matter)', () => {
    assert.equal(corsHeaders(req('GET', { origin: 'HTTP://EXAMPLE.COM' }), LISTED), undefined);
    assert.equal(corsHeaders(req('GET', { origin: 'http://example.com/' }), LISTED), undefined);
  });
});

describe('allowedRequestHeaders', () => {
  it('trims the requested names and keeps their spelling', () => {
    assert.deepEqual(allowedRequestHeaders(' x-One ,\tX-Two '), ['Authorization', 'x-One', 'X-Two', 'Accept', 'Accept-Language', 'Content-Language']);
  });

  it('drops safelisted names the client already asked for, in any case', () => {
    assert.deepEqual(allowedRequestHeaders('accept,Prefer'), ['Authorization', 'accept', 'Prefer', 'Accept-Language', 'Content-Language']);
  });

  it('keeps duplicates and a requested Authorization as sent', () => {
    assert.deepEqual(allowedRequestHeaders('Foo,Foo,authorization'), [
      'Authorization',
      'Foo',
      'Foo',
      'authorization',
      'Accept',
      'Accept-Language',
      'Content-Language',
    ]);
  });

  it('keeps empty items of the comma split, and nothing for an empty value', () => {
    assert.deepEqual(allowedRequestHeaders('Foo,'), ['Authorization', 'Foo', '', 'Accept', 'Accept-Language', 'Content-Language']);
    assert.deepEqual(allowedRequestHeaders(''), ['Authorization', 'Accept', 'Accept-Language', 'Content-Language']);
  });

  it('fails when a parsed name is not among the trimmed items (a name with an inner space)', () => {
    assert.equal(allowedRequestHeaders('Foo Bar'), undefined);
    const r = corsHeaders(
      req('OPTIONS', { origin: 'o', 'access-control-request-method': 'GET', 'access-control-request-headers': 'Foo Bar' }),
      ANY,
    );
    assert.equal(r, undefined);
  });
});

describe('parseHeaderNameList', () => {
  it('reads comma-separated tokens with optional white space after each', () => {
    assert.deepEqual(parseHeaderNameList('  a ,b\t,c '), ['a', 'b', 'c']);
  });

  it('stops quietly at white space after a comma or at a non-token character', () => {
    assert.deepEqual(parseHeaderNameList('a, b'), ['a']);
    assert.deepEqual(parseHeaderNameList('a,,b'), ['a']);
    assert.deepEqual(parseHeaderNameList('a(b'), ['a']);
    assert.deepEqual(parseHeaderNameList(''), []);
  });
});
