// Unit tests for src/auth/cache.ts (SIEVE eviction order, request/hit/eviction counters, failed loads)
// and for how the authenticator uses it: good signatures are cached, bad ones never, time re-checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAuthenticator } from '../../src/auth/authenticate.js';
import { SieveCache } from '../../src/auth/cache.js';
import { assertApiError, hsToken, invalidToken } from '../support/tokens.js';

function cacheOf(max: number): { cache: SieveCache<string>; get: (k: string) => string; loads: string[] } {
  const cache = new SieveCache<string>(max);
  const loads: string[] = [];
  const get = (k: string): string =>
    cache.getOrLoad(k, (key) => {
      loads.push(key);
      return `value:${key}`;
    });
  return { cache, get, loads };
}

describe('SieveCache', () => {
  it('counts requests and hits and returns cached values', () => {
    const { cache, get, loads } = cacheOf(10);
    assert.equal(get('a'), 'value:a');
    assert.equal(get('a'), 'value:a');
    assert.equal(get('b'), 'value:b');
    assert.deepEqual(loads, ['a', 'b']);
    assert.deepEqual(cache.stats(), { requests: 3, hits: 1, evictions: 0, size: 2, maxEntries: 10 });
  });

  it('evicts the oldest unvisited entry when nothing was hit', () => {
    const { cache, get } = cacheOf(2);
    for (const k of ['j1', 'j2', 'j3', 'j1', 'j2', 'j3']) get(k);
    assert.deepEqual(cache.stats(), { requests: 6, hits: 0, evictions: 4, size: 2, maxEntries: 2 });
    assert.deepEqual(cache.keys(), ['j2', 'j3']);
  });

  it('is not FIFO: a visited entry survives and the next unvisited one goes', () => {
    const { cache, get } = cacheOf(2);
    get('j1');
    get('j2');
    get('j1'); // hit: j1 is marked visited
    get('j3'); // the hand clears j1's mark and evicts j2
    assert.deepEqual(cache.keys(), ['j1', 'j3']);
    get('j1');
    get('j3');
    assert.deepEqual(cache.stats(), { requests: 6, hits: 3, evictions: 1, size: 2, maxEntries: 2 });
  });

  it('still evicts when every entry was hit, wrapping around to the oldest', () => {
    const { cache, get } = cacheOf(2);
    for (const k of ['j1', 'j2', 'j1', 'j2', 'j3']) get(k);
    assert.deepEqual(cache.keys(), ['j2', 'j3']);
    get('j2');
    get('j3');
    assert.deepEqual(cache.stats(), { requests: 7, hits: 4, evictions: 1, size: 2, maxEntries: 2 });
  });

  it('keeps its hand where it stopped, so an entry inserted behind it is looked at first', () => {
    const { cache, get } = cacheOf(3);
    for (const k of ['a', 'b', 'c']) get(k);
    get('a');
    get('b');
    get('d'); // clears the marks of a and b, evicts c; the hand stays just after b
    assert.deepEqual(cache.keys(), ['a', 'b', 'd']);
    get('e'); // d was inserted right where the hand points, and is unvisited: it goes
    assert.deepEqual(cache.keys(), ['a', 'b', 'e']);
    get('e');
    get('f'); // e is visited: clear it, pass the newest entry, wrap around and evict a
    assert.deepEqual(cache.keys(), ['b', 'e', 'f']);
    assert.deepEqual(cache.stats(), { requests: 9, hits: 3, evictions: 3, size: 3, maxEntries: 3 });
  });

  it('stores nothing when the load throws, but counts the request', () => {
    const cache = new SieveCache<number>(2);
    assert.throws(() => cache.getOrLoad('bad', () => { throw new Error('boom'); }), /boom/);
    assert.throws(() => cache.getOrLoad('bad', () => { throw new Error('boom'); }), /boom/);
    assert.equal(cache.has('bad'), false);
    assert.deepEqual(cache.stats(), { requests: 2, hits: 0, evictions: 0, size: 0, maxEntries: 2 });
  });

  it('shrinks on the next insertion after its bound is lowered', () => {
    const { cache, get } = cacheOf(4);
    for (const k of ['a', 'b', 'c', 'd']) get(k);
    cache.setMaxEntries(2);
    assert.equal(cache.stats().size, 4);
    get('e');
    assert.deepEqual(cache.keys(), ['d', 'e']);
    assert.equal(cache.stats().evictions, 3);
  });

  it('tells its listener about every lookup and eviction', () => {
    const events: string[] = [];
    const cache = new SieveCache<number>(1, { lookup: (hit) => events.push(hit ? 'hit' : 'miss'), evict: () => events.push('evict') });
    cache.getOrLoad('a', () => 1);
    cache.getOrLoad('a', () => 1);
    cache.getOrLoad('b', () => 2);
    assert.deepEqual(events, ['miss', 'hit', 'miss', 'evict']);
  });

  it('treats a bound below 1 as 1', () => {
    const { cache, get } = cacheOf(0);
    get('a');
    get('b');
    assert.deepEqual(cache.keys(), ['b']);
  });
});

describe('JWT cache in the authenticator', () => {
  const SECRET = 'a-plain-shared-secret-of-32-chars';
  const NOW = 1_700_000_000;
  const make = (jwtCacheMaxEntries: number) =>
    createAuthenticator({ jwtSecret: SECRET, jwtSecretIsBase64: false, jwtRoleClaimKey: '$.role', jwtCacheMaxEntries, dbAnonRole: 'anon' });

  it('caches a valid token and hits on the second request', () => {
    const auth = make(10);
    const header = `Bearer ${hsToken('HS256', SECRET, { role: 'r', exp: NOW + 100 })}`;
    auth.authenticateSync(header, NOW);
    auth.authenticateSync(header, NOW);
    assert.deepEqual(auth.cacheStats(), { requests: 2, hits: 1, evictions: 0, size: 1, maxEntries: 10 });
  });

  it('shares one result, with its claims JSON, per cached token; each token keeps its own', () => {
    const auth = make(10);
    const header = `Bearer ${hsToken('HS256', SECRET, { role: 'r', sub: 'a' })}`;
    const first = auth.authenticateSync(header, NOW);
    assert.equal(auth.authenticateSync(header, NOW), first);
    assert.equal(first.claimsJson, '{"role":"r","sub":"a"}');
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.claims));
    const other = auth.authenticateSync(`Bearer ${hsToken('HS256', SECRET, { role: 's', sub: 'b' })}`, NOW);
    assert.equal(other.claimsJson, '{"role":"s","sub":"b"}');
    assert.equal(other.role, 's');
  });

  it('never caches a token that fails signature checks', () => {
    const auth = make(10);
    for (const token of ['some random bytes', hsToken('HS256', 'another-secret-of-at-least-32-chars!', {})]) {
      for (let i = 0; i < 2; i++) assert.throws(() => auth.authenticateSync(`Bearer ${token}`, NOW));
    }
    assert.deepEqual(auth.cacheStats(), { requests: 4, hits: 0, evictions: 0, size: 0, maxEntries: 10 });
  });

  it('caches expired tokens but re-checks time claims on every request', () => {
    const auth = make(10);
    const header = `Bearer ${hsToken('HS256', SECRET, { role: 'r', exp: NOW })}`;
    assert.equal(auth.authenticateSync(header, NOW).role, 'r');
    assert.throws(() => auth.authenticateSync(header, NOW + 31), (e) => assertApiError(e, invalidToken('PGRST303', 'JWT expired')));
    assert.throws(() => auth.authenticateSync(header, NOW + 31), (e) => assertApiError(e, invalidToken('PGRST303', 'JWT expired')));
    assert.deepEqual(auth.cacheStats(), { requests: 3, hits: 2, evictions: 0, size: 1, maxEntries: 10 });
  });

  it('does not cache (nor count) anything when jwt-cache-max-entries is 0, nor for requests without a token', () => {
    const auth = make(0);
    const header = `Bearer ${hsToken('HS256', SECRET, { role: 'r' })}`;
    auth.authenticateSync(header, NOW);
    auth.authenticateSync(header, NOW);
    assert.deepEqual(auth.cacheStats(), { requests: 0, hits: 0, evictions: 0, size: 0, maxEntries: 0 });
    const cached = make(5);
    cached.authenticateSync(undefined, NOW);
    cached.authenticateSync('Basic abc', NOW);
    assert.equal(cached.cacheStats().requests, 0);
  });
});
