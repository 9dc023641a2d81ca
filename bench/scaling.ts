// Multi-worker scaling: the same load scenario against postgrest-ts started with `server-workers = 1` (one process)
// and with one worker per core (node:cluster), alternating in rounds, each started afresh and warmed up. Reports the
// req/s of each, their ratio, and CPU per request of the server's whole process tree and of PostgreSQL.
import { runLoad } from './load.js';
import { type ServerProcess, treeCpuMs } from './procs.js';
import { median } from './report.js';
import type { Scenario } from './scenarios.js';

export interface ScalingRun {
  readonly workers: number;
  readonly round: number;
  readonly rps: number;
  readonly errors: number;
  readonly non2xx: number;
  /** The server's process tree (primary and workers), ms per request. */
  readonly serverCpuMsPerReq: number | undefined;
  readonly dbCpuMsPerReq: number | undefined;
}

export interface ScalingResult {
  readonly scenario: string;
  /** The worker counts compared: one, then one per core. */
  readonly workers: readonly [number, number];
  readonly runs: readonly ScalingRun[];
  readonly medianRps: readonly [number, number];
  /** Median req/s with `workers[1]` workers over the median with one. */
  readonly ratio: number;
}

/** The median, NaN for no runs (printed as such, and a NaN ratio). */
const medianOf = (xs: readonly number[]): number => median(xs) ?? Number.NaN;

export async function timeScaling(opts: {
  scenario: Scenario;
  /** Starts postgrest-ts with this many workers. */
  start: (workers: number) => Promise<ServerProcess>;
  many: number;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** wrk's path when it drives the runs (see load.ts), else autocannon. */
  wrk?: string | undefined;
  /** The PostgreSQL postmaster, whose process tree is PostgreSQL's CPU. */
  postmaster: number | undefined;
  log: (msg: string) => void;
}): Promise<ScalingResult> {
  const counts = [1, opts.many] as const;
  const runs: ScalingRun[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const workers of round % 2 ? [...counts].reverse() : counts) {
      const srv = await opts.start(workers);
      try {
        const load = (durationS: number, seed: number) =>
          runLoad({ url: srv.url, scenario: opts.scenario, target: 'postgrest-ts', connections: opts.connections, durationS, seed, wrk: opts.wrk });
        if (opts.warmupS > 0) await load(opts.warmupS, 1);
        const cpu0 = treeCpuMs(srv.pid);
        const db0 = opts.postmaster === undefined ? undefined : treeCpuMs(opts.postmaster);
        const r = await load(opts.durationS, 2000 + round);
        const cpu1 = treeCpuMs(srv.pid);
        const db1 = opts.postmaster === undefined ? undefined : treeCpuMs(opts.postmaster);
        const perReq = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || r.requests === 0 ? undefined : (b - a) / r.requests);
        const run: ScalingRun = {
          workers,
          round,
          rps: r.rps,
          errors: r.errors,
          non2xx: r.non2xx,
          serverCpuMsPerReq: perReq(cpu0, cpu1),
          dbCpuMsPerReq: perReq(db0, db1),
        };
        runs.push(run);
        opts.log(
          `scaling round ${round + 1}/${opts.rounds} ${opts.scenario.id} ${workers} worker${workers === 1 ? '' : 's'}: ${r.rps.toFixed(0)} req/s` +
            ` err ${r.errors} non2xx ${r.non2xx} cpu ${run.serverCpuMsPerReq?.toFixed(3) ?? '?'} ms/req db ${run.dbCpuMsPerReq?.toFixed(3) ?? '?'} ms/req`,
        );
      } finally {
        await srv.stop();
      }
    }
  }
  const medianRps = counts.map((w) => medianOf(runs.filter((r) => r.workers === w && r.errors === 0 && r.non2xx === 0).map((r) => r.rps))) as [number, number];
  return { scenario: opts.scenario.id, workers: counts, runs, medianRps, ratio: medianRps[1] / medianRps[0] };
}

/** One line for the summary. */
export function formatScaling(s: ScalingResult, cpus: number): string {
  const cpu = (w: number) => medianOf(s.runs.filter((r) => r.workers === w && r.serverCpuMsPerReq !== undefined).map((r) => r.serverCpuMsPerReq!));
  const [one, many] = s.workers;
  return (
    `multi-worker scaling (${s.scenario}, ${cpus} CPUs shared with PostgreSQL and the load generator): ` +
    `1 worker ${s.medianRps[0].toFixed(0)} req/s (${cpu(one).toFixed(3)} ms CPU/req), ` +
    `${many} workers ${s.medianRps[1].toFixed(0)} req/s (${cpu(many).toFixed(3)} ms CPU/req) — ${s.ratio.toFixed(2)}×`
  );
}
