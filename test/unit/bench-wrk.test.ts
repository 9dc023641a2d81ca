// The benchmark's wrk driver (bench/wrk.ts) against a small node:http server: the requests drawn from the scenario reach
// the server as sent (method, path, headers, body), and the result counts statuses, non-2xx answers and 200 answers
// carrying GraphQL errors as autocannon's driver does. Skipped where wrk is not installed.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Req, Rng, Scenario } from '../../bench/scenarios.js';
import { findWrk, runWrk } from '../../bench/wrk.js';

const wrk = findWrk();

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

describe('bench: wrk driver', { skip: wrk === undefined ? 'wrk is not installed' : false }, () => {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (seen.length < 1000) seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      if (req.url === '/missing') res.writeHead(404).end('{}');
      else if (req.url === '/graphql') res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errors":[{"message":"no"}]}');
      else if (req.method === 'POST') res.writeHead(201).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('[{"id":1}]');
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  /** A varying scenario cycling through `reqs` (the rng decides nothing here: the order is the draw order). */
  function scenario(reqs: readonly Req[], varies = true): Scenario {
    let k = 0;
    return {
      id: 'test',
      title: 'test',
      kind: 'load',
      varies,
      request: (_t, _rng: Rng) => reqs[k++ % reqs.length]!,
      check: () => undefined,
      fingerprint: () => '',
      graphql: { na: 'test' },
    };
  }

  test('sends the drawn requests as they are and counts the answers by status', async () => {
    seen.length = 0;
    const body = JSON.stringify({ name: 'ünïcode', n: 1 });
    const sc = scenario([
      { method: 'GET', path: '/items?id=eq.1' },
      { method: 'POST', path: '/items', headers: { 'Content-Type': 'application/json' }, body },
      { method: 'GET', path: '/missing' },
    ]);
    const r = await runWrk({ wrk: wrk!, url, scenario: sc, target: 'baseline', connections: 2, durationS: 1, seed: 1 });
    assert.ok(r.requests > 30, `only ${r.requests} requests in a second`);
    const codes = r.statusCodes;
    assert.deepEqual(Object.keys(codes).sort(), ['200', '201', '404'], `status codes ${JSON.stringify(codes)}`);
    assert.equal((codes['200'] ?? 0) + (codes['201'] ?? 0) + (codes['404'] ?? 0), r.requests, 'every answer counted once');
    assert.equal(r.non2xx, codes['404'], 'the 404s are the non-2xx');
    assert.ok(Math.abs(r.rps * r.durationS - (codes['200']! + codes['201']!)) < 1, 'req/s counts the 2xx answers');
    assert.equal(r.graphqlErrors, 0, 'no GraphQL errors');
    assert.equal(r.errors, 0, 'no socket errors');
    assert.ok(r.p99Ms >= r.p50Ms && r.p50Ms > 0, `latency p50 ${r.p50Ms} p99 ${r.p99Ms}`);
    const post = seen.find((s) => s.method === 'POST');
    assert.ok(post, 'a POST reached the server');
    assert.equal(post.url, '/items', 'its path');
    assert.equal(post.contentType, 'application/json', 'its headers');
    assert.equal(post.body, body, 'its body, byte for byte (Content-Length in bytes, not characters)');
    assert.ok(seen.some((s) => s.method === 'GET' && s.url === '/items?id=eq.1'), 'the GET with its query string');
  });

  test('a 200 answer carrying GraphQL errors is counted as one, not as a success', async () => {
    const sc = scenario([{ method: 'POST', path: '/graphql', headers: { 'Content-Type': 'application/json' }, body: '{"query":"{ x }"}' }], false);
    const r = await runWrk({ wrk: wrk!, url, scenario: sc, target: 'postgraphile', connections: 1, durationS: 1, seed: 1 });
    assert.ok(r.requests > 10, `only ${r.requests} requests`);
    assert.equal(r.graphqlErrors, r.statusCodes['200'], 'every 200 carried errors');
    assert.equal(r.rps, 0, 'none counts as a success');
  });
});
