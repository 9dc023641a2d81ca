// Group "load": a spawned server under a fixed rate of mixed reads and writes on loopback for REL_LOAD_SECONDS:
// zero 5xx and zero failed requests, p50/p99 recorded, resident memory at the end within a small bound of the start
// (sampled each second after a warm-up), and every acknowledged write present exactly once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../lib/db.js';
import { type LoadResult, percentile, startLoad, statusSummary } from '../lib/load.js';
import { loadMix } from '../lib/mixes.js';
import type { GroupReport } from '../lib/report.js';
import { createRng } from '../lib/rng.js';
import { spawnServer } from '../lib/server.js';
import { checkAcknowledgedWrites } from './faults.js';

const median = (xs: readonly number[]) => percentile(xs, 50);

/** Options of the load group. */
export interface LoadGroupOptions {
  readonly seconds: number;
  readonly rate: number;
  readonly seed: number;
  /** Warm-up before the measured run (JIT, pool filled), in seconds (default 10). */
  readonly warmupSeconds?: number;
}

/** Allowed RSS growth from start to end of the measured run: 24 MiB plus 10 % of the start. */
export function rssBoundKb(startKb: number): number {
  return 24 * 1024 + Math.round(startKb * 0.1);
}

/** Runs warm-up then the measured load against a fresh spawned server. */
export async function runLoad(report: GroupReport, baseEnv: Record<string, string>, db: Db, opts: LoadGroupOptions): Promise<void> {
  const server = await spawnServer(baseEnv, '/items?limit=1');
  try {
    const warm = startLoad({ port: server.port, rate: opts.rate, mix: loadMix('warmup'), rng: createRng(opts.seed), durationMs: (opts.warmupSeconds ?? 10) * 1000 });
    const warmResults = await warm.finished;
    report.note(`warm-up: ${warmResults.length} requests (${statusSummary(warmResults)})`);

    const rss: Array<[number, number]> = [];
    const load = startLoad({ port: server.port, rate: opts.rate, mix: loadMix('load'), rng: createRng(opts.seed + 1), durationMs: opts.seconds * 1000 });
    const sampler = setInterval(() => {
      const kb = server.rssKb();
      if (kb !== undefined) rss.push([performance.now() - load.startedAt, kb]);
    }, 1000);
    const results = await load.finished;
    clearInterval(sampler);
    await sleep(1000);
    const endKb = server.rssKb();
    if (endKb !== undefined) rss.push([performance.now() - load.startedAt, endKb]);

    summarize(report, results, opts);
    const fivexx = results.filter((r) => r.status >= 500);
    report.check('load: zero 5xx', fivexx.length === 0, () => statusSummary(fivexx));
    const failed = results.filter((r) => r.status === 0 || r.status >= 400);
    report.check('load: every request succeeds', failed.length === 0, () => statusSummary(failed));
    const expected = opts.rate * opts.seconds;
    report.check('load: the fixed rate was sustained (≥ 95 % of the scheduled requests sent)', results.length >= expected * 0.95, `${results.length} of ${expected}`);
    report.check('load: the server process survives', server.alive(), () => server.output());
    await checkAcknowledgedWrites(report, db, 'load', [...warmResults, ...results]);

    if (rss.length >= 6) {
      const first = median(rss.slice(0, 5).map(([, kb]) => kb));
      const last = median(rss.slice(-5).map(([, kb]) => kb));
      const growth = last - first;
      const perRequestBytes = (growth * 1024) / Math.max(1, results.length);
      report.note(`RSS: start ${(first / 1024).toFixed(1)} MiB, end ${(last / 1024).toFixed(1)} MiB, growth ${(growth / 1024).toFixed(1)} MiB over ${results.length} requests (${perRequestBytes.toFixed(0)} B/request), peak ${(Math.max(...rss.map(([, kb]) => kb)) / 1024).toFixed(1)} MiB`);
      const every = Math.max(1, Math.floor(rss.length / 12));
      report.note(`RSS trajectory (s: MiB): ${rss.filter((_, i) => i % every === 0 || i === rss.length - 1).map(([t, kb]) => `${(t / 1000).toFixed(0)}:${(kb / 1024).toFixed(0)}`).join(' ')}`);
      report.check(
        `load: resident memory at the end within ${(rssBoundKb(first) / 1024).toFixed(0)} MiB of the start`,
        growth <= rssBoundKb(first),
        () => `RSS samples (s: MiB): ${rss.map(([t, kb]) => `${(t / 1000).toFixed(0)}:${(kb / 1024).toFixed(0)}`).join(' ')}`,
      );
    } else {
      report.note('RSS: not measurable here (no /proc); memory check skipped');
    }
  } finally {
    await server.stop();
  }
  report.note(`ledger rows by run: ${await collectLedgerRuns(db)}`);
}

function summarize(report: GroupReport, results: readonly LoadResult[], opts: LoadGroupOptions): void {
  const ms = results.map((r) => r.ms);
  const kinds = new Map<string, number[]>();
  for (const r of results) kinds.set(r.kind, [...(kinds.get(r.kind) ?? []), r.ms]);
  report.note(`${opts.seconds} s at ${opts.rate} req/s: ${results.length} requests: ${statusSummary(results)}`);
  report.note(`latency: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${Math.max(0, ...ms).toFixed(1)} ms`);
  report.note(`p99 by kind: ${[...kinds].map(([k, v]) => `${k} ${percentile(v, 99).toFixed(1)} ms`).join(', ')}`);
}

async function collectLedgerRuns(db: Db): Promise<string> {
  const r = await db.query("SELECT split_part(req_id, '-', 1) AS run, count(*)::int AS n FROM reliability.ledger GROUP BY 1 ORDER BY 1");
  return (r.rows as Array<{ run: string; n: number }>).map((x) => `${x.run}=${x.n}`).join(', ');
}
