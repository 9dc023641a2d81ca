// Turns the per-round measurements into the summary: per scenario and target the median over rounds, the
// postgrest-ts/baseline ratios, their geometric mean and the flags; and prints it as a text table.
import type { LoadResult, SequentialResult } from './load.js';
import type { TargetName } from './scenarios.js';

/** One target's measurement of one scenario in one round. */
export interface RunRecord {
  readonly scenario: string;
  readonly target: TargetName;
  readonly round: number;
  readonly load?: LoadResult;
  readonly sequential?: SequentialResult;
  /** CPU ms the server process used during the run (undefined off Linux). */
  readonly serverCpuMs: number | undefined;
  /** CPU ms of the PostgreSQL postmaster and its backends during the run. */
  readonly dbCpuMs: number | undefined;
  /** CPU ms of this process (the load generator) during the run. */
  readonly clientCpuMs: number;
  /** Peak RSS of the server during the run, kB (sequential scenarios). */
  readonly peakRssKb?: number | undefined;
  /** RSS of the server right before the run, kB. */
  readonly rssBeforeKb?: number | undefined;
  /** 1-minute load average when the run ended (noise indicator). */
  readonly load1?: number;
}

/** Outcome of the correctness check of one scenario on one target. */
export interface CheckRecord {
  readonly scenario: string;
  readonly target: TargetName;
  readonly status: number | undefined;
  /** undefined = passed. */
  readonly problem: string | undefined;
  readonly fingerprint: string | undefined;
}

export interface TargetSummary {
  readonly target: TargetName;
  readonly ok: boolean;
  readonly problem: string | undefined;
  readonly rounds: number;
  /** load: 2xx req/s; big: 1000 / median time to last byte. */
  readonly rps: number | undefined;
  /** (max − min) / median of the per-round throughput, in % (noise indicator; 0 with one round). */
  readonly spreadPct: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly ttlbMedianMs?: number | undefined;
  readonly ttlbMaxMs?: number | undefined;
  readonly responseBytes?: number | undefined;
  readonly peakRssMb?: number | undefined;
  readonly rssBeforeMb?: number | undefined;
  readonly errors: number;
  readonly non2xx: number;
  readonly requests: number;
  readonly cpuMsPerReq: number | undefined;
  readonly dbCpuMsPerReq: number | undefined;
  readonly clientCpuMsPerReq: number | undefined;
}

export interface ScenarioSummary {
  readonly id: string;
  readonly title: string;
  readonly kind: 'load' | 'big';
  readonly targets: Readonly<Record<TargetName, TargetSummary>>;
  /** postgrest-ts / baseline throughput; undefined when either failed. */
  readonly throughputRatio: number | undefined;
  /** postgrest-ts / baseline server CPU per request (higher = postgrest-ts costs more). */
  readonly cpuRatio: number | undefined;
  /** Both targets returned the same content for the same request. */
  readonly sameContent: boolean | undefined;
  readonly flagged: boolean;
}

export interface Summary {
  readonly scenarios: readonly ScenarioSummary[];
  readonly geomeanThroughputRatio: number | undefined;
  readonly geomeanCpuRatio: number | undefined;
  /** Scenarios counted in the geomeans. */
  readonly counted: readonly string[];
  readonly flaggedScenarios: readonly string[];
  readonly geomeanFlagged: boolean;
  readonly failed: readonly string[];
}

export const SCENARIO_FLAG = 0.8;
export const GEOMEAN_FLAG = 0.9;

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
}

function geomean(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

const defined = <T>(xs: readonly (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

function spread(xs: readonly number[]): number | undefined {
  const m = median(xs);
  return m === undefined || m === 0 ? undefined : ((Math.max(...xs) - Math.min(...xs)) / m) * 100;
}

function perRequest(ms: number | undefined, n: number): number | undefined {
  return ms === undefined || n === 0 ? undefined : ms / n;
}

function summariseTarget(kind: 'load' | 'big', target: TargetName, recs: readonly RunRecord[], check: CheckRecord | undefined): TargetSummary {
  const checkProblem = check?.problem;
  if (kind === 'load') {
    const loads = defined(recs.map((r) => r.load));
    const errors = loads.reduce((a, l) => a + l.errors, 0);
    const non2xx = loads.reduce((a, l) => a + l.non2xx, 0);
    const requests = loads.reduce((a, l) => a + l.requests, 0);
    const problem = checkProblem ?? (loads.length === 0 ? 'not run' : errors + non2xx > 0 ? `${errors} errors, ${non2xx} non-2xx under load` : undefined);
    return {
      target,
      ok: problem === undefined,
      problem,
      rounds: loads.length,
      rps: median(loads.map((l) => l.rps)),
      spreadPct: spread(loads.map((l) => l.rps)),
      p50Ms: median(loads.map((l) => l.p50Ms)),
      p99Ms: median(loads.map((l) => l.p99Ms)),
      errors,
      non2xx,
      requests,
      cpuMsPerReq: median(defined(recs.map((r) => perRequest(r.serverCpuMs, r.load?.requests ?? 0)))),
      dbCpuMsPerReq: median(defined(recs.map((r) => perRequest(r.dbCpuMs, r.load?.requests ?? 0)))),
      clientCpuMsPerReq: median(defined(recs.map((r) => perRequest(r.clientCpuMs, r.load?.requests ?? 0)))),
    };
  }
  const seqs = defined(recs.map((r) => r.sequential));
  const times = seqs.flatMap((s) => s.ttlbMs);
  const requests = seqs.reduce((a, s) => a + s.statuses.length + s.errors, 0);
  const errors = seqs.reduce((a, s) => a + s.errors, 0);
  const non2xx = seqs.reduce((a, s) => a + s.statuses.filter((c) => c < 200 || c >= 300).length, 0);
  const problem = checkProblem ?? (seqs.length === 0 ? 'not run' : errors + non2xx > 0 ? `${errors} errors, ${non2xx} non-2xx` : undefined);
  const ttlb = median(times);
  const peaks = defined(recs.map((r) => r.peakRssKb));
  const n = (r: RunRecord) => (r.sequential ? r.sequential.statuses.length : 0);
  return {
    target,
    ok: problem === undefined,
    problem,
    rounds: seqs.length,
    rps: ttlb ? 1000 / ttlb : undefined,
    spreadPct: spread(defined(seqs.map((x) => median(x.ttlbMs)))),
    p50Ms: ttlb,
    p99Ms: times.length ? Math.max(...times) : undefined,
    ttlbMedianMs: ttlb,
    ttlbMaxMs: times.length ? Math.max(...times) : undefined,
    responseBytes: seqs.at(-1)?.bytes,
    peakRssMb: peaks.length ? Math.max(...peaks) / 1024 : undefined,
    rssBeforeMb: (() => {
      const m = median(defined(recs.map((r) => r.rssBeforeKb)));
      return m === undefined ? undefined : m / 1024;
    })(),
    errors,
    non2xx,
    requests,
    cpuMsPerReq: median(defined(recs.map((r) => perRequest(r.serverCpuMs, n(r))))),
    dbCpuMsPerReq: median(defined(recs.map((r) => perRequest(r.dbCpuMs, n(r))))),
    clientCpuMsPerReq: median(defined(recs.map((r) => perRequest(r.clientCpuMs, n(r))))),
  };
}

export function summarise(
  defs: readonly { id: string; title: string; kind: 'load' | 'big' }[],
  records: readonly RunRecord[],
  checks: readonly CheckRecord[],
): Summary {
  const scenarios: ScenarioSummary[] = defs.map((d) => {
    const targets = Object.fromEntries(
      (['postgrest-ts', 'baseline'] as const).map((t) => [
        t,
        summariseTarget(
          d.kind,
          t,
          records.filter((r) => r.scenario === d.id && r.target === t),
          checks.find((c) => c.scenario === d.id && c.target === t),
        ),
      ]),
    ) as Record<TargetName, TargetSummary>;
    const p = targets['postgrest-ts'];
    const b = targets.baseline;
    const both = p.ok && b.ok && p.rps !== undefined && b.rps !== undefined && b.rps > 0 && p.rps > 0;
    const throughputRatio = both ? p.rps! / b.rps! : undefined;
    const cpuRatio = both && p.cpuMsPerReq !== undefined && b.cpuMsPerReq ? p.cpuMsPerReq / b.cpuMsPerReq : undefined;
    const fp = checks.filter((c) => c.scenario === d.id && c.problem === undefined);
    const sameContent = fp.length === 2 ? fp[0]!.fingerprint === fp[1]!.fingerprint : undefined;
    return {
      id: d.id,
      title: d.title,
      kind: d.kind,
      targets,
      throughputRatio,
      cpuRatio,
      sameContent,
      flagged: throughputRatio !== undefined && throughputRatio < SCENARIO_FLAG,
    };
  });
  const counted = scenarios.filter((s) => s.throughputRatio !== undefined);
  const g = geomean(counted.map((s) => s.throughputRatio!));
  const cpu = defined(counted.map((s) => s.cpuRatio));
  return {
    scenarios,
    geomeanThroughputRatio: g,
    geomeanCpuRatio: cpu.length === counted.length ? geomean(cpu) : undefined,
    counted: counted.map((s) => s.id),
    flaggedScenarios: scenarios.filter((s) => s.flagged).map((s) => s.id),
    geomeanFlagged: g !== undefined && g < GEOMEAN_FLAG,
    failed: scenarios.filter((s) => !s.targets['postgrest-ts'].ok || !s.targets.baseline.ok).map((s) => s.id),
  };
}

// ---- text output ----------------------------------------------------------------------------------------------

function fmt(n: number | undefined, digits = 1): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/** The summary as text: one block per scenario, then the geomean and the flags. */
export function formatSummary(s: Summary): string {
  const out: string[] = [];
  const loadHead = ['scenario', 'target', 'req/s', '±%', 'p50 ms', 'p99 ms', 'err/non2xx', 'cpu ms/req', 'db ms/req'];
  const bigHead = ['scenario', 'target', 'ttlb ms', '±%', 'max ms', 'MB', 'RSS MB→peak', 'cpu ms/req', 'db ms/req'];
  const widths = [14, 13, 10, 5, 9, 9, 11, 11, 10];
  for (const kind of ['load', 'big'] as const) {
    const group = s.scenarios.filter((x) => x.kind === kind);
    if (group.length === 0) continue;
    out.push('', pad(kind === 'load' ? loadHead : bigHead, widths), '-'.repeat(widths.reduce((a, w) => a + w + 2, -2)));
    for (const sc of group) {
      let first = true;
      for (const t of ['postgrest-ts', 'baseline'] as const) {
        const x = sc.targets[t];
        const cells =
          kind === 'load'
            ? [first ? sc.id : '', t, fmt(x.rps, 0), fmt(x.spreadPct, 0), fmt(x.p50Ms), fmt(x.p99Ms), `${x.errors}/${x.non2xx}`, fmt(x.cpuMsPerReq, 3), fmt(x.dbCpuMsPerReq, 3)]
            : [
                first ? sc.id : '',
                t,
                fmt(x.ttlbMedianMs),
                fmt(x.spreadPct, 0),
                fmt(x.ttlbMaxMs),
                fmt(x.responseBytes === undefined ? undefined : x.responseBytes / 1e6, 2),
                `${fmt(x.rssBeforeMb, 0)}→${fmt(x.peakRssMb, 0)}`,
                fmt(x.cpuMsPerReq, 1),
                fmt(x.dbCpuMsPerReq, 1),
              ];
        out.push(pad(cells, widths) + (x.ok ? '' : `   FAILED: ${x.problem}`));
        first = false;
      }
      const ratio = sc.throughputRatio === undefined ? 'n/a (a target failed)' : `${fmt(sc.throughputRatio, 2)}×${sc.flagged ? `  ⚠ below ${SCENARIO_FLAG}×` : ''}`;
      const cpu = sc.cpuRatio === undefined ? '' : `   server CPU/req ${fmt(sc.cpuRatio, 2)}×`;
      const same = sc.sameContent === false ? '   ⚠ the two targets returned different content' : '';
      out.push(`${''.padEnd(widths[0]!)}  ${'ratio'.padEnd(widths[1]!)}  throughput ${ratio}${cpu}${same}`);
    }
  }
  out.push('');
  const g = s.geomeanThroughputRatio;
  out.push(
    `geometric mean of throughput ratios (postgrest-ts/baseline) over ${s.counted.length} scenarios: ${g === undefined ? 'n/a' : `${fmt(g, 2)}×`}` +
      (s.geomeanFlagged ? `  ⚠ below ${GEOMEAN_FLAG}×` : ''),
  );
  if (s.geomeanCpuRatio !== undefined) out.push(`geometric mean of server CPU per request ratios: ${fmt(s.geomeanCpuRatio, 2)}×`);
  if (s.flaggedScenarios.length) out.push(`⚠ scenarios under ${SCENARIO_FLAG}×: ${s.flaggedScenarios.join(', ')}`);
  if (s.failed.length) out.push(`✗ failed (excluded from the geomean): ${s.failed.join(', ')}`);
  return out.join('\n');
}
