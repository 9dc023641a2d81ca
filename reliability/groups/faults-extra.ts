// More faults for group "faults": a storm of NOTIFY reloads under load (no failed request, the pool stays within
// db-pool), and a server started while PostgreSQL is down (503 with PostgREST's code, /ready 503, then recovery).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../lib/db.js';
import { percentile, startLoad, statusSummary } from '../lib/load.js';
import { faultMix } from '../lib/mixes.js';
import { jsonBody, rawRequest } from '../lib/raw-http.js';
import type { GroupReport } from '../lib/report.js';
import { createRng } from '../lib/rng.js';
import { spawnServer, type Target } from '../lib/server.js';
import { describeOutcome, isErrorBody } from './hostile.js';

/** 100 schema reloads and 20 config reloads announced within ~3 s while 50 req/s run. */
export async function notifyStorm(report: GroupReport, target: Target, db: Db, opts: { authenticator: string; pool: number; channel: string }): Promise<void> {
  const load = startLoad({ port: target.port, rate: 50, mix: faultMix('storm'), rng: createRng(13) });
  let maxBackends = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const r = await db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [opts.authenticator]);
      maxBackends = Math.max(maxBackends, Number(r.rows[0]?.n ?? 0));
      await sleep(50);
    }
  })();
  await sleep(500);
  for (let i = 0; i < 120; i++) {
    // Mostly schema reloads, some config reloads, and payloads the listener must ignore.
    const payload = i % 6 === 5 ? 'reload config' : i % 10 === 7 ? (i % 20 === 7 ? 'garbage' : 'reload schema; x') : 'reload schema';
    await db.query(`NOTIFY ${opts.channel}, '${payload}'`);
    await sleep(25);
  }
  await sleep(2000);
  const results = await load.stop();
  sampling = false;
  await sampler;
  report.note(`NOTIFY storm: ${results.length} requests: ${statusSummary(results)}; p99 ${percentile(results.map((r) => r.ms), 99).toFixed(0)} ms; at most ${maxBackends} sessions of the authenticator`);
  const failed = results.filter((r) => r.status < 200 || r.status >= 300);
  report.check('NOTIFY storm: every request during 120 reloads succeeds', failed.length === 0, () => statusSummary(failed));
  // db-pool connections, the listener and one schema-cache/config session (plus one closing) at a time.
  report.check(`NOTIFY storm: the server never holds more than db-pool + 3 sessions (${opts.pool + 3})`, maxBackends <= opts.pool + 3, `${maxBackends} sessions seen`);
  report.check('NOTIFY storm: the server process survives', target.alive(), 'the server exited');
}

/** Starts a server while PostgreSQL is down, then brings PostgreSQL back. */
export async function startWhileDown(
  report: GroupReport,
  baseEnv: Record<string, string>,
  db: { stop(): Promise<void>; start(): Promise<void> },
  adminPort: string,
): Promise<void> {
  await db.stop();
  const server = await spawnServer({ ...baseEnv, PGRST_ADMIN_SERVER_PORT: adminPort }, '/items?limit=1', 60_000, true).catch(async (err: unknown) => {
    await db.start();
    throw err;
  });
  try {
    try {
      const o = await rawRequest(server.port, { method: 'GET', target: '/items?limit=1' });
      const body = o.kind === 'response' ? jsonBody(o) : undefined;
      const ok = o.kind === 'response' && o.status === 503 && isErrorBody(body) && /^PGRST00[0-2]$/.test(body.code);
      report.check('started without a database: requests get 503 PGRST000/001/002', ok, () => describeOutcome(o));
      const ready = await fetch(`http://127.0.0.1:${adminPort}/ready`).then((r) => r.status, () => 0);
      report.check('started without a database: /ready is 503', ready === 503, `/ready answered ${ready}`);
      const live = await fetch(`http://127.0.0.1:${adminPort}/live`).then((r) => r.status, () => 0);
      report.check('started without a database: /live is 200', live === 200, `/live answered ${live}`);
    } finally {
      await db.start();
    }
    const t0 = Date.now();
    let up = false;
    while (Date.now() - t0 < 45_000 && !up) {
      const o = await rawRequest(server.port, { method: 'GET', target: '/items?id=eq.2&select=id' });
      up = o.kind === 'response' && o.status === 200;
      if (!up) await sleep(250);
    }
    report.check('started without a database: serves once PostgreSQL is up, without a restart', up, 'no 200 within 45 s');
    if (up) report.note(`started without a database: serving ${((Date.now() - t0) / 1000).toFixed(1)} s after PostgreSQL came up`);
    const ready = await fetch(`http://127.0.0.1:${adminPort}/ready`).then((r) => r.status, () => 0);
    report.check('started without a database: /ready is 200 after recovery', ready === 200, `/ready answered ${ready}`);
    report.check('started without a database: the server process survives', server.alive(), () => server.output());
  } finally {
    await server.stop();
  }
}

/** The admin port under odd requests: query strings are ignored (PostgREST matches the path only), nothing crashes. */
export async function adminOddities(report: GroupReport, target: Target, adminUrl: string): Promise<void> {
  const status = async (path: string): Promise<number> => {
    try {
      const r = await fetch(adminUrl + path, { signal: AbortSignal.timeout(5000) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      return 0;
    }
  };
  const ready = await status('/ready');
  for (const path of ['/ready?probe=1', '/ready?']) {
    const got = await status(path);
    report.check(
      `admin: GET ${path} answers like /ready (${ready})`,
      ready !== 0 && got === ready,
      ready === 0 ? `GET ${adminUrl}/ready got no answer: the admin port is unreachable` : `GET ${adminUrl}${path} → ${got}, /ready → ${ready} (PostgREST's admin matches the path only)`,
      'admin: a query string changes the answer',
    );
  }
  const live = await status('/live?x=1');
  report.check('admin: GET /live?x=1 is 200', live === 200, `→ ${live}`, 'admin: a query string changes the answer');
  const port = Number(new URL(adminUrl).port);
  const odd = [
    { method: 'GET', target: `/${'a'.repeat(20_000)}` },
    { method: 'GET', target: '/ready', headers: [['X-Big', 'b'.repeat(20_000)]] as const },
    { method: 'POST', target: '/metrics', body: '{'.repeat(10_000) },
    { method: 'GET', target: Buffer.from('/ready\0') },
    { method: 'BREW', target: '/ready' },
  ];
  for (const r of odd) await rawRequest(port, r);
  const after = await status('/live');
  report.check('admin: survives odd requests (/live still 200)', after === 200 && target.alive(), `/live → ${after}`);
}
