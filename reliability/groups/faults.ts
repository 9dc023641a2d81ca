// Group "faults": PostgreSQL restarted under steady load, backends terminated under load, statement_timeout (57014),
// a schema change announced by NOTIFY, a reload storm, every pool connection held by slow queries (504 PGRST003), a
// server started while PostgreSQL is down — then every acknowledged write must be present exactly once.
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/embedded/embedded-postgres.js';
import { type Db, ledgerCounts } from '../lib/db.js';
import { signJwt } from '../lib/jwt.js';
import { type LoadResult, percentile, startLoad, statusSummary } from '../lib/load.js';
import { faultMix } from '../lib/mixes.js';
import { jsonBody, rawRequest } from '../lib/raw-http.js';
import type { GroupReport } from '../lib/report.js';
import { createRng } from '../lib/rng.js';
import { dbChannel, dbPool, spawnServer, type Target } from '../lib/server.js';
import { adminOddities, notifyStorm, startWhileDown } from './faults-extra.js';
import { describeOutcome, isErrorBody } from './hostile.js';

/** Polls `GET <adminUrl>/ready` every 100 ms, recording (ms since start, status) until stopped. */
function watchReady(adminUrl: string): { samples: Array<[number, number]>; stop(): void } {
  const samples: Array<[number, number]> = [];
  const t0 = performance.now();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      let status = 0;
      try {
        const r = await fetch(`${adminUrl}/ready`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        status = r.status;
      } catch {
        status = 0;
      }
      samples.push([performance.now() - t0, status]);
      await sleep(100);
    }
  })();
  return {
    samples,
    stop: () => {
      stopped = true;
    },
  };
}

/** Shared checks of a load that ran through a fault: no client errors, no 4xx, only 2xx/503/504, shaped error bodies. */
function checkFaultLoad(report: GroupReport, label: string, results: readonly LoadResult[], allowed: readonly number[], maxMs: number): void {
  report.note(`${label}: ${results.length} requests: ${statusSummary(results)}; p99 ${percentile(results.map((r) => r.ms), 99).toFixed(0)} ms, max ${Math.max(0, ...results.map((r) => r.ms)).toFixed(0)} ms`);
  const clientErrors = results.filter((r) => r.status >= 400 && r.status < 500);
  report.check(`${label}: a database outage is never reported as a client error (4xx)`, clientErrors.length === 0, () => statusSummary(clientErrors), `${label}: 4xx during a database fault`);
  const other = results.filter((r) => r.status !== 0 && !(r.status >= 200 && r.status < 300) && !allowed.includes(r.status) && !(r.status >= 400 && r.status < 500));
  report.check(`${label}: failures are only ${allowed.join('/')}`, other.length === 0, () => statusSummary(other), `${label}: unexpected 5xx during a database fault`);
  const noAnswer = results.filter((r) => r.status === 0);
  report.check(`${label}: every request is answered (no hang, no reset)`, noAnswer.length === 0, () => statusSummary(noAnswer), `${label}: requests without an answer`);
  const slow = results.filter((r) => r.ms > maxMs);
  report.check(`${label}: no request waits past the pool acquisition timeout (+1 s)`, slow.length === 0, () => `${slow.length} requests over ${maxMs} ms, slowest ${Math.max(...slow.map((r) => r.ms)).toFixed(0)} ms: ${statusSummary(slow)}`, `${label}: requests waited too long`);
  const shapeless = results.filter((r) => r.status >= 400 && !r.bodyShapeOk);
  report.check(`${label}: error bodies are {code,message,details,hint}`, shapeless.length === 0, () => statusSummary(shapeless));
}

/** Terminates the server's backends (pool and listener) `times` times, `everyMs` apart, while a load runs. */
export async function killBackendsUnderLoad(
  report: GroupReport,
  target: Target,
  db: Db,
  opts: { authenticator: string; run: string; times: number; everyMs: number; rate: number; maxMs: number },
): Promise<LoadResult[]> {
  const load = startLoad({ port: target.port, rate: opts.rate, mix: faultMix(opts.run), rng: createRng(7), timeoutMs: 15_000 });
  let killed = 0;
  await sleep(500);
  for (let i = 0; i < opts.times; i++) {
    const r = await db.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE usename = $1', [opts.authenticator]);
    killed += Number(r.rows[0]?.n ?? 0);
    await sleep(opts.everyMs);
  }
  // Recovery: after the last kill the server must serve again by itself.
  let recovered = false;
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const o = await rawRequest(target.port, { method: 'GET', target: '/items?id=eq.1&select=id' });
    if (o.kind === 'response' && o.status === 200) {
      recovered = true;
      break;
    }
    await sleep(200);
  }
  await sleep(1500);
  const recoveredAt = performance.now() - load.startedAt;
  const results = await load.stop();
  report.note(`backend kill: ${killed} backends terminated in ${opts.times} rounds`);
  report.check('backend kill: backends were terminated', killed > 0, 'pg_terminate_backend found no backend of the authenticator');
  report.check('backend kill: the server process survives', target.alive(), 'the server exited');
  report.check('backend kill: the server serves again by itself', recovered, 'no 200 within 15 s of the last kill');
  checkFaultLoad(report, 'backend kill', results, [503], opts.maxMs);
  const tail = results.filter((r) => r.at > recoveredAt - 1000 && r.status !== 0);
  const tailBad = tail.filter((r) => r.status < 200 || r.status >= 300);
  report.check('backend kill: requests after recovery succeed', tailBad.length === 0, () => statusSummary(tailBad));
  return results;
}

/** Checks that every acknowledged ledger write is present exactly once and no unacknowledged one twice. */
export async function checkAcknowledgedWrites(report: GroupReport, db: Db, label: string, results: readonly LoadResult[]): Promise<void> {
  const writes = results.filter((r) => r.reqId !== undefined);
  const acked = writes.filter((r) => r.status === 201).map((r) => r.reqId as string);
  const unacked = writes.filter((r) => r.status !== 201).map((r) => r.reqId as string);
  const counts = await ledgerCounts(db, [...acked, ...unacked]);
  const missing = acked.filter((id) => (counts.get(id) ?? 0) === 0);
  const dup = [...acked, ...unacked].filter((id) => (counts.get(id) ?? 0) > 1);
  report.note(`${label}: ${acked.length} acknowledged writes, ${unacked.length} not acknowledged (${unacked.filter((id) => counts.has(id)).length} of those committed anyway)`);
  report.check(`${label}: every acknowledged write is present`, missing.length === 0, () => `${missing.length} missing, e.g. ${missing.slice(0, 5).join(', ')}`);
  report.check(`${label}: no write is present twice`, dup.length === 0, () => `${dup.length} duplicated, e.g. ${dup.slice(0, 5).join(', ')}`);
}

/** Options of the faults group. */
export interface FaultOptions {
  /** Stops the suite's PostgreSQL (fast shutdown). */
  stopDb(): Promise<void>;
  /** Starts it again on the same port and data. */
  startDb(): Promise<void>;
  readonly authenticator: string;
}

/** Runs every fault against spawned servers (pool and NOTIFY channel as `baseEnv` sets them). */
export async function runFaults(report: GroupReport, baseEnv: Record<string, string>, db: Db, opts: FaultOptions): Promise<void> {
  const acquisitionS = 2;
  const maxMs = acquisitionS * 1000 + 1000;
  const channel = dbChannel(baseEnv);
  const adminPort = String(await freePort());
  const server = await spawnServer({ ...baseEnv, PGRST_DB_POOL_ACQUISITION_TIMEOUT: String(acquisitionS), PGRST_ADMIN_SERVER_PORT: adminPort }, '/items?limit=1');
  const all: LoadResult[] = [];
  try {
    // 1. PostgreSQL restarted under steady load.
    const load = startLoad({ port: server.port, rate: 50, mix: faultMix('restart'), rng: createRng(11), timeoutMs: 20_000 });
    const ready = watchReady(server.adminUrl ?? '');
    await sleep(2000);
    const downAt = performance.now() - load.startedAt;
    await opts.stopDb();
    await sleep(3000);
    await opts.startDb();
    const upAt = performance.now() - load.startedAt;
    let recoveredAt: number | undefined;
    const until = Date.now() + 45_000;
    while (Date.now() < until && recoveredAt === undefined) {
      const last = ready.samples[ready.samples.length - 1];
      if (last && last[1] === 200 && last[0] > upAt) recoveredAt = performance.now() - load.startedAt;
      await sleep(100);
    }
    await sleep(3000);
    ready.stop();
    const results = await load.stop();
    all.push(...results);
    const during = ready.samples.filter(([t]) => t > downAt && t < (recoveredAt ?? upAt));
    report.note(`restart: PostgreSQL down ${((upAt - downAt) / 1000).toFixed(1)} s; /ready back to 200 ${recoveredAt === undefined ? 'never' : `${((recoveredAt - upAt) / 1000).toFixed(1)} s after it returned`}`);
    report.check('restart: the server process survives', server.alive(), () => `the server exited:\n${server.output()}`);
    report.check('restart: /ready reports the outage (503)', during.some(([, s]) => s === 503), () => `/ready during the outage: ${[...new Set(during.map(([, s]) => s))].join(',')}`);
    report.check('restart: /ready is 200 again without a restart of the server', recoveredAt !== undefined, 'not within 45 s');
    checkFaultLoad(report, 'restart', results, [503, 504], maxMs);
    const after = results.filter((r) => recoveredAt !== undefined && r.at > recoveredAt + 1000);
    const afterBad = after.filter((r) => r.status < 200 || r.status >= 300);
    report.check('restart: requests after recovery succeed', after.length > 0 && afterBad.length === 0, () => `${after.length} requests after recovery: ${statusSummary(after)}`);

    // 2. Backends terminated under load.
    all.push(...(await killBackendsUnderLoad(report, server, db, { authenticator: opts.authenticator, run: 'kill', times: 3, everyMs: 1500, rate: 50, maxMs })));

    // 3. statement_timeout of the impersonated role: 57014 → 500, and the connection stays usable.
    const timeoutJwt = `Bearer ${signJwt({ role: 'postgrest_test_rel_timeout' })}`;
    for (let i = 0; i < 3; i++) {
      const o = await rawRequest(server.port, { method: 'GET', target: '/slow', headers: [['Authorization', timeoutJwt]], timeoutMs: 10_000 });
      const body = o.kind === 'response' ? jsonBody(o) : undefined;
      const ok = o.kind === 'response' && o.status === 500 && isErrorBody(body) && body.code === '57014' && o.ms < 1200;
      report.check(`statement_timeout ${i + 1}: 500 with code 57014 within the role's 250 ms`, ok, () => `GET /slow as postgrest_test_rel_timeout (ALTER ROLE … SET statement_timeout = '250ms')\nresponse: ${describeOutcome(o)}\nexpected: 500 {"code":"57014","message":"canceling statement due to statement timeout",…} in well under 1.5 s`);
    }
    const afterTimeout = await rawRequest(server.port, { method: 'GET', target: '/items?id=eq.1&select=id' });
    report.check('statement_timeout: the next request is served', afterTimeout.kind === 'response' && afterTimeout.status === 200, () => describeOutcome(afterTimeout));

    // 4. A schema change announced by NOTIFY is served without a restart (the listener survived the faults above).
    await schemaReload(report, server, db, opts.authenticator, channel);

    // 5. A storm of reloads under load; then the admin port under odd requests.
    await notifyStorm(report, server, db, { authenticator: opts.authenticator, pool: dbPool(baseEnv), channel });
    await adminOddities(report, server, server.adminUrl ?? '');

    report.check('faults: the server process is still running', server.alive(), () => server.output());
  } finally {
    await server.stop();
  }

  // 6. Slow queries hold every pool connection: the others fail fast with 504 PGRST003.
  await poolExhaustion(report, baseEnv);

  // 7. A server started while PostgreSQL is down recovers by itself.
  await startWhileDown(report, baseEnv, { stop: opts.stopDb, start: opts.startDb }, String(await freePort()));

  // 8. Every acknowledged write exactly once.
  await checkAcknowledgedWrites(report, db, 'faults', all);
}

async function schemaReload(report: GroupReport, server: Target, db: Db, authenticator: string, channel: string): Promise<void> {
  const listening = async () => {
    const r = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND query ILIKE 'listen%'", [authenticator]);
    return Number(r.rows[0]?.n ?? 0) > 0;
  };
  const until = Date.now() + 45_000;
  while (Date.now() < until && !(await listening())) await sleep(250);
  report.check('schema reload: the listener is connected again after the faults', await listening(), 'no LISTEN session of the authenticator within 45 s');
  const table = `late_${Date.now().toString(36)}`;
  const before = await rawRequest(server.port, { method: 'GET', target: `/${table}` });
  report.check('schema reload: the new table is unknown before', before.kind === 'response' && before.status === 404, () => describeOutcome(before));
  await db.query(`CREATE TABLE reliability.${table} (id int); INSERT INTO reliability.${table} VALUES (1); GRANT SELECT ON reliability.${table} TO postgrest_test_anonymous`);
  await db.query(`NOTIFY ${channel}, 'reload schema'`);
  const t0 = Date.now();
  let served = false;
  while (Date.now() - t0 < 10_000 && !served) {
    const o = await rawRequest(server.port, { method: 'GET', target: `/${table}` });
    served = o.kind === 'response' && o.status === 200 && o.body.toString('utf8') === '[{"id":1}]';
    if (!served) await sleep(100);
  }
  report.check('schema reload: a table created then announced by NOTIFY is served without restart', served, `GET /${table} did not return [{"id":1}] within 10 s`);
  if (served) report.note(`schema reload: served ${Date.now() - t0} ms after NOTIFY`);
}

async function poolExhaustion(report: GroupReport, baseEnv: Record<string, string>): Promise<void> {
  const server = await spawnServer({ ...baseEnv, PGRST_DB_POOL: '2', PGRST_DB_POOL_ACQUISITION_TIMEOUT: '1', PGRST_DB_CHANNEL_ENABLED: 'false' }, '/items?limit=1');
  try {
    const slow = [0, 1].map(() => rawRequest(server.port, { method: 'GET', target: '/slow_long', timeoutMs: 20_000 }));
    await sleep(300);
    const others = await Promise.all([0, 1, 2, 3].map(() => rawRequest(server.port, { method: 'GET', target: '/items?id=eq.1&select=id', timeoutMs: 20_000 })));
    others.forEach((o, i) => {
      const body = o.kind === 'response' ? jsonBody(o) : undefined;
      const ok = o.kind === 'response' && o.status === 504 && isErrorBody(body) && body.code === 'PGRST003' && o.ms >= 900 && o.ms < 1600;
      report.check(`pool exhausted ${i + 1}: 504 PGRST003 after the 1 s acquisition timeout`, ok, () => `GET /items while 2 × GET /slow_long (3 s) hold the pool of 2\nresponse: ${describeOutcome(o)}\nexpected: 504 PGRST003 after ~1 s`);
    });
    const done = await Promise.all(slow);
    report.check('pool exhausted: the slow requests themselves complete', done.every((o) => o.kind === 'response' && o.status === 200), () => done.map(describeOutcome).join('\n'));
    const after = await rawRequest(server.port, { method: 'GET', target: '/items?id=eq.1&select=id' });
    report.check('pool exhausted: service resumes once the slow queries end', after.kind === 'response' && after.status === 200, () => describeOutcome(after));
    report.check('pool exhausted: the server process survives', server.alive(), () => server.output());
  } finally {
    await server.stop();
  }
}
