// Part of group "hostile": clients that go away — mid-headers, mid-body, while a slow query runs, before reading a
// response. The server must not crash, leak pool connections or log internal errors, and serves the next request.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../lib/db.js';
import { type RawOutcome, rawRequest } from '../lib/raw-http.js';
import type { GroupReport } from '../lib/report.js';
import type { Target } from '../lib/server.js';
import { describeOutcome } from './hostile.js';

/** What `GET /slow` takes: the fixture's view `reliability.slow` is `pg_sleep(1.5)`. */
const SLOW_MS = 1500;
// How long aborted requests may take to settle (their slow statement, then the server noticing the gone client).
const SETTLE_MS = SLOW_MS + 8000;

/** Options of the vanishing-clients checks. */
export interface AbortOptions {
  /** How many clients of each kind vanish at once (default 5). */
  readonly rounds?: number;
  /**
   * The server's db-pool. When given, that many slow requests are sent at once afterwards and every one must be
   * answered in about the time of one: a single leaked connection makes one of them wait for another.
   */
  readonly pool?: number;
  /**
   * Superuser access and the server's login role. When given, once the aborted requests have settled no session of
   * that role may be left `active` or `idle in transaction` (the LISTEN session aside).
   */
  readonly sessions?: { readonly db: Db; readonly authenticator: string };
}

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

/** Sessions of `authenticator` still running a statement or holding a transaction open, the LISTEN session aside. */
async function busySessions(db: Db, authenticator: string): Promise<string[]> {
  const r = await db.query(
    `SELECT pid, state, round(extract(epoch FROM now() - state_change) * 1000)::int AS ms, left(query, 200) AS query
       FROM pg_stat_activity
      WHERE usename = $1 AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)') AND query NOT ILIKE 'listen%'`,
    [authenticator],
  );
  return (r.rows as Array<{ pid: number; state: string; ms: number; query: string }>).map((x) => `pid ${x.pid} ${x.state} for ${x.ms} ms: ${x.query}`);
}

/** Runs every vanishing client a few times, concurrently, then checks the server is unharmed. */
export async function runClientAborts(report: GroupReport, target: Target, opts: AbortOptions = {}): Promise<void> {
  const rounds = opts.rounds ?? 5;
  const loggedBefore = target.unexpected().length;
  for (const [name, bytes, holdMs] of vanishing()) {
    await Promise.all(Array.from({ length: rounds }, () => sendAndVanish(target.port, bytes, holdMs)));
    await sleep(50);
    const o = await rawRequest(target.port, { method: 'GET', target: '/items?id=eq.3&select=id' });
    report.check(`client ${name} (×${rounds}): the next request is served`, o.kind === 'response' && o.status === 200, () => describeOutcome(o), 'a vanished client broke the next request');
  }
  // Abandoned slow queries still hold their connections until they finish (or are cancelled); then nothing of the
  // server may be left running or inside a transaction.
  if (opts.sessions) {
    const { db, authenticator } = opts.sessions;
    const until = Date.now() + SETTLE_MS;
    let busy = await busySessions(db, authenticator);
    while (busy.length > 0 && Date.now() < until) {
      await sleep(100);
      busy = await busySessions(db, authenticator);
    }
    report.check(
      'after vanished clients, no session of the authenticator stays active or idle in transaction',
      busy.length === 0,
      () => `still busy after waiting ${(SETTLE_MS / 1000).toFixed(1)} s for the aborted requests to settle:\n${busy.join('\n')}`,
      'a vanished client left a database session busy',
    );
  } else {
    await sleep(SLOW_MS + 300);
  }
  const burst: RawOutcome[] = await Promise.all(Array.from({ length: 20 }, () => rawRequest(target.port, { method: 'GET', target: '/items?id=eq.4&select=id' })));
  const bad = burst.filter((o) => o.kind !== 'response' || o.status !== 200);
  report.check('after vanished clients, 20 concurrent requests are served', bad.length === 0, () => bad.map(describeOutcome).join('\n'));
  if (opts.pool !== undefined) {
    // db-pool requests of SLOW_MS each, at once: all run in parallel only if every pool connection came back.
    const promptMs = SLOW_MS + 1000;
    const slow = await Promise.all(Array.from({ length: opts.pool }, () => rawRequest(target.port, { method: 'GET', target: '/slow', timeoutMs: 30_000 })));
    const late = slow.filter((o) => o.kind !== 'response' || o.status !== 200 || o.ms > promptMs);
    report.check(
      `after vanished clients, ${opts.pool} concurrent GET /slow (db-pool ${opts.pool}) are all answered within ${promptMs} ms (no leaked pool connections)`,
      late.length === 0,
      () => `${late.length} of ${opts.pool} late or failed (one query takes ${SLOW_MS} ms; a request that must wait for a free connection takes twice that):\n${late.map(describeOutcome).join('\n')}`,
      'a vanished client leaked a pool connection',
    );
  }
  report.check('the server process survives vanished clients', target.alive(), 'the server exited');
  const unexpected = target.unexpected().slice(loggedBefore);
  report.check('vanished clients are not logged as unexpected server errors', unexpected.length === 0, () => unexpected.slice(0, 5).join('\n'), 'client disconnects logged as "Unexpected error"');
}
