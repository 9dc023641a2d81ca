// Part of group "hostile": clients that go away — mid-headers, mid-body, while a slow query runs, before reading a
// response. The server must not crash, leak pool connections or log internal errors, and serves the next request.
import { connect } from 'node:net';
import { type RawOutcome, rawRequest } from '../lib/raw-http.js';
import type { GroupReport } from '../lib/report.js';
import type { Target } from '../lib/server.js';
import { describeOutcome } from './hostile.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `bytes`, waits `holdMs`, then destroys the socket without reading anything. */
function sendAndVanish(port: number, bytes: Buffer, holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => {});
    s.on('connect', () => {
      s.write(bytes);
      setTimeout(() => {
        s.destroy();
        resolve();
      }, holdMs);
    });
  });
}

const head = (method: string, path: string, extra = '') => `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}`;

/** The ways a client can vanish; each as [name, bytes, ms to wait before closing]. */
function vanishing(): Array<[string, Buffer, number]> {
  return [
    ['closes mid request line', Buffer.from('GET /items?sel'), 50],
    ['closes mid headers', Buffer.from(head('GET', '/items', 'X-Partial: aaa')), 50],
    ['closes mid body (Content-Length)', Buffer.from(`${head('POST', '/sink', 'Content-Type: application/json\r\nContent-Length: 1000\r\n')}\r\n{"id":`), 100],
    ['closes mid chunked body', Buffer.from(`${head('POST', '/sink', 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n')}\r\n5\r\n{"id"`), 100],
    ['closes while a slow query runs', Buffer.from(`${head('GET', '/slow')}\r\n`), 200],
    ['closes before reading a large response', Buffer.from(`${head('GET', '/item_notes?select=*,items(*)')}\r\n`), 5],
    ['closes right after a write request', Buffer.from(`${head('POST', '/scratch', 'Content-Type: application/json\r\nContent-Length: 14\r\n')}\r\n{"name":"bye"}`), 5],
  ];
}

/** Runs every vanishing client a few times, concurrently, then checks the server is unharmed. */
export async function runClientAborts(report: GroupReport, target: Target, opts: { rounds?: number } = {}): Promise<void> {
  const rounds = opts.rounds ?? 5;
  const loggedBefore = target.unexpected().length;
  for (const [name, bytes, holdMs] of vanishing()) {
    await Promise.all(Array.from({ length: rounds }, () => sendAndVanish(target.port, bytes, holdMs)));
    await sleep(50);
    const o = await rawRequest(target.port, { method: 'GET', target: '/items?id=eq.3&select=id' });
    report.check(`client ${name} (×${rounds}): the next request is served`, o.kind === 'response' && o.status === 200, () => describeOutcome(o), 'a vanished client broke the next request');
  }
  // Abandoned slow queries still hold their connections until they finish; afterwards the pool is whole again.
  await sleep(1800);
  const burst: RawOutcome[] = await Promise.all(Array.from({ length: 20 }, () => rawRequest(target.port, { method: 'GET', target: '/items?id=eq.4&select=id' })));
  const bad = burst.filter((o) => o.kind !== 'response' || o.status !== 200);
  report.check('after vanished clients, 20 concurrent requests are served (no leaked pool connections)', bad.length === 0, () => bad.map(describeOutcome).join('\n'));
  report.check('the server process survives vanished clients', target.alive(), 'the server exited');
  const unexpected = target.unexpected().slice(loggedBefore);
  report.check('vanished clients are not logged as unexpected server errors', unexpected.length === 0, () => unexpected.slice(0, 5).join('\n'), 'client disconnects logged as "Unexpected error"');
}
