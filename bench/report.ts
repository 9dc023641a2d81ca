// Turns the per-round measurements into the summary: per scenario and target the median over rounds, the
// postgrest-ts/baseline and postgrest-ts/PostGraphile ratios, their geometric means and the flags, the peak RSS of
// the 1M-row reads against their limit; and prints it as a text table.
import type { LoadResult, SequentialResult } from './load.js';
import { notApplicable, type Scenario, type TargetName } from './scenarios.js';

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
  /** Set when the server process died during the run (e.g. out of memory). */
  readonly crashed?: string;
  /** A paced run: the request rate asked for (req/s over all connections). Left out of throughput and latency. */
  readonly pacedRate?: number;
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
  /** Why the target did not run the scenario (n/a, or the target is absent from this run): not a failure. */
  readonly skipped?: string | undefined;
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
  /** The paced runs (load scenarios, postgrest-ts and the baseline), when there were any. */
  readonly paced?: PacedSummary | undefined;
}

/** A target's paced runs: all at one rate, the same for postgrest-ts and the baseline. */
export interface PacedSummary {
  readonly rounds: number;
  /** The rate asked for, req/s. */
  readonly rate: number;
  /** The rate reached (median over rounds), req/s. */
  readonly rps: number;
  /** Errors and non-2xx answers in the paced runs (a paced run with any is left out of the CPU ratio). */
  readonly failures: number;
  readonly cpuMsPerReq: number | undefined;
  readonly dbCpuMsPerReq: number | undefined;
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
  /** postgrest-ts / baseline server CPU per request in the paced runs (both at the same rate). */
  readonly pacedCpuRatio?: number | undefined;
  /** The same with PostgreSQL's CPU added to each side's: the whole cost of a request on this machine. */
  readonly pacedTotalCpuRatio?: number | undefined;
  /** Both targets returned the same content for the same request. */
  readonly sameContent: boolean | undefined;
  readonly flagged: boolean;
  /** postgrest-ts / PostGraphile throughput; undefined when either failed or PostGraphile has no equivalent. */
  readonly postgraphileRatio: number | undefined;
  readonly postgraphileCpuRatio: number | undefined;
  readonly postgraphileSameContent: boolean | undefined;
  readonly postgraphileFlagged: boolean;
  /** Peak-RSS limit of postgrest-ts (1M-row reads), MB, and whether it was exceeded (or not measured). */
  readonly rssLimitMb?: number | undefined;
  readonly rssFlagged: boolean;
}

/** postgrest-ts against one other target (the baseline or PostGraphile) over the scenarios both ran and passed. */
export interface Comparison {
  readonly geomeanThroughputRatio: number | undefined;
  readonly geomeanCpuRatio: number | undefined;
  /** How many scenarios the CPU geomean counts (those whose CPU time both servers' clock ticks measured). */
  readonly cpuCounted: number;
  /** Scenarios counted in the geomeans. */
  readonly counted: readonly string[];
  readonly flaggedScenarios: readonly string[];
  readonly geomeanFlagged: boolean;
  /** Scenarios where a target of the comparison ran but failed (check or errors under load). */
  readonly failed: readonly string[];
}

/** The comparison with PostGraphile over the scenarios both run. */
export interface PostgraphileSummary extends Comparison {
  /** Why PostGraphile was not part of the run at all. */
  readonly skipped: string | undefined;
  /**
   * The ≥ 4× target could not be measured although the run has scenarios with a PostGraphile equivalent: PostGraphile
   * was not run for another reason than BENCH_SKIP (failed install or start-up), or none of those scenarios passed on
   * both servers. Such a target counts as flagged (`geomeanFlagged`).
   */
  readonly unmeasured: boolean;
  /** Scenarios without a PostGraphile equivalent. */
  readonly notApplicable: readonly string[];
  /**
   * For scale: the hand-written baseline's throughput over PostGraphile's, geomean over the same scenarios. On a
   * machine where PostgreSQL and the load generator share the cores, this bounds what any server can reach.
   */
  readonly baselineGeomean: number | undefined;
}

/** Why PostGraphile is absent from a run; `deliberate` when BENCH_SKIP asked for it (then its target is not judged). */
export interface PostgraphileAbsence {
  readonly reason: string;
  readonly deliberate: boolean;
}

export interface Summary extends Comparison {
  readonly scenarios: readonly ScenarioSummary[];
  /** Geomeans of the paced CPU ratios against the baseline, over the scenarios that have one. */
  readonly paced: { readonly counted: readonly string[]; readonly geomeanCpuRatio: number | undefined; readonly geomeanTotalCpuRatio: number | undefined };
  readonly postgraphile: PostgraphileSummary;
  /** 1M-row scenarios where postgrest-ts's peak RSS was above the limit (or could not be read). */
  readonly rssFlagged: readonly string[];
}

export const SCENARIO_FLAG = 0.8;
export const GEOMEAN_FLAG = 0.9;
/** The project's target against PostGraphile: postgrest-ts at least 4× its throughput on the equivalent queries. */
export const POSTGRAPHILE_TARGET = 4;
/** Scenario flag against PostGraphile: the same 0.8 tolerance as against the baseline, applied to the 4× target. */
export const POSTGRAPHILE_SCENARIO_FLAG = POSTGRAPHILE_TARGET * SCENARIO_FLAG;

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

const SKIPPED_TARGET = { ok: false, problem: undefined, rounds: 0, rps: undefined, spreadPct: undefined, p50Ms: undefined, p99Ms: undefined } as const;

function summariseTarget(kind: 'load' | 'big', target: TargetName, all: readonly RunRecord[], check: CheckRecord | undefined, skipped: string | undefined): TargetSummary {
  if (skipped !== undefined) {
    return { target, skipped, ...SKIPPED_TARGET, errors: 0, non2xx: 0, requests: 0, cpuMsPerReq: undefined, dbCpuMsPerReq: undefined, clientCpuMsPerReq: undefined };
  }
  const recs = all.filter((r) => r.pacedRate === undefined);
  const checkProblem = check?.problem ?? recs.find((r) => r.crashed)?.crashed;
  if (kind === 'load') {
    const loads = defined(recs.map((r) => r.load));
    const errors = loads.reduce((a, l) => a + l.errors, 0);
    const non2xx = loads.reduce((a, l) => a + l.non2xx, 0);
    const gqlErrors = loads.reduce((a, l) => a + l.graphqlErrors, 0);
    const requests = loads.reduce((a, l) => a + l.requests, 0);
    const problem =
      checkProblem ??
      (loads.length === 0
        ? 'not run'
        : errors + non2xx + gqlErrors > 0
          ? `${errors} errors, ${non2xx} non-2xx${gqlErrors ? `, ${gqlErrors} GraphQL errors` : ''} under load`
          : undefined);
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
      paced: summarisePaced(all.filter((r) => r.pacedRate !== undefined && r.load)),
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

function summarisePaced(recs: readonly RunRecord[]): PacedSummary | undefined {
  if (recs.length === 0) return undefined;
  const n = (r: RunRecord) => r.load?.requests ?? 0;
  return {
    rounds: recs.length,
    rate: median(recs.map((r) => r.pacedRate!))!,
    rps: median(recs.map((r) => r.load!.rps))!,
    failures: recs.reduce((a, r) => a + r.load!.errors + r.load!.non2xx + (r.crashed ? 1 : 0), 0),
    cpuMsPerReq: median(defined(recs.map((r) => perRequest(r.serverCpuMs, n(r))))),
    dbCpuMsPerReq: median(defined(recs.map((r) => perRequest(r.dbCpuMs, n(r))))),
  };
}

/** postgrest-ts / baseline CPU per request in their paced runs: the server's alone, and with PostgreSQL's added. */
function pacedRatios(p: TargetSummary, b: TargetSummary): { cpu: number | undefined; total: number | undefined } {
  const x = p.paced;
  const y = b.paced;
  if (!x || !y || x.failures > 0 || y.failures > 0 || x.cpuMsPerReq === undefined || !y.cpuMsPerReq) return { cpu: undefined, total: undefined };
  const total = x.dbCpuMsPerReq !== undefined && y.dbCpuMsPerReq !== undefined ? (x.cpuMsPerReq + x.dbCpuMsPerReq) / (y.cpuMsPerReq + y.dbCpuMsPerReq) : undefined;
  return { cpu: x.cpuMsPerReq / y.cpuMsPerReq, total };
}

/** The targets postgrest-ts is compared with. */
type Other = 'baseline' | 'postgraphile';

/** How each comparison is judged and worded. */
const VERSUS: Readonly<Record<Other, { scenarioFlag: number; geomeanFlag: number; target: string; differs: string }>> = {
  baseline: { scenarioFlag: SCENARIO_FLAG, geomeanFlag: GEOMEAN_FLAG, target: '', differs: 'the two targets' },
  postgraphile: {
    scenarioFlag: POSTGRAPHILE_SCENARIO_FLAG,
    geomeanFlag: POSTGRAPHILE_TARGET,
    target: ` (target ${POSTGRAPHILE_TARGET}×)`,
    differs: 'postgrest-ts and postgraphile',
  },
};

/** postgrest-ts against one other target in one scenario. */
interface ScenarioVs {
  /** Throughput ratio; undefined unless both ran and passed. */
  readonly ratio: number | undefined;
  /** Server CPU per request ratio (higher = postgrest-ts costs more). */
  readonly cpuRatio: number | undefined;
  readonly sameContent: boolean | undefined;
  readonly flagged: boolean;
}

/** postgrest-ts (`p`) against `o` in one scenario; `sameContent` from the fingerprints of their checks. */
function versus(other: Other, p: TargetSummary, o: TargetSummary, sameContent: boolean | undefined): ScenarioVs {
  const both = p.ok && o.ok && p.rps !== undefined && o.rps !== undefined && o.rps > 0 && p.rps > 0;
  const ratio = both ? p.rps! / o.rps! : undefined;
  return {
    ratio,
    // A reading of 0 ms is under the clock tick of /proc/<pid>/stat (10 ms; a few large reads): no ratio to take.
    cpuRatio: both && p.cpuMsPerReq && o.cpuMsPerReq ? p.cpuMsPerReq / o.cpuMsPerReq : undefined,
    sameContent,
    flagged: ratio !== undefined && ratio < VERSUS[other].scenarioFlag,
  };
}

/** A scenario's comparison with `other`, from its (flat, as in latest.json) fields. */
function scenarioVs(s: ScenarioSummary, other: Other): ScenarioVs {
  return other === 'baseline'
    ? { ratio: s.throughputRatio, cpuRatio: s.cpuRatio, sameContent: s.sameContent, flagged: s.flagged }
    : { ratio: s.postgraphileRatio, cpuRatio: s.postgraphileCpuRatio, sameContent: s.postgraphileSameContent, flagged: s.postgraphileFlagged };
}

/** Geomeans and flags of postgrest-ts against `other` over `scenarios`; `failed` says which count as failures. */
function compare(scenarios: readonly ScenarioSummary[], other: Other, failed: (s: ScenarioSummary) => boolean): Comparison {
  const vs = scenarios.map((s) => ({ id: s.id, ...scenarioVs(s, other) }));
  const counted = vs.filter((v) => v.ratio !== undefined);
  const g = geomean(counted.map((v) => v.ratio!));
  const cpu = defined(counted.map((v) => v.cpuRatio));
  return {
    geomeanThroughputRatio: g,
    geomeanCpuRatio: geomean(cpu),
    cpuCounted: cpu.length,
    counted: counted.map((v) => v.id),
    flaggedScenarios: vs.filter((v) => v.flagged).map((v) => v.id),
    geomeanFlagged: g !== undefined && g < VERSUS[other].geomeanFlag,
    failed: scenarios.filter(failed).map((s) => s.id),
  };
}

export function summarise(
  defs: readonly Pick<Scenario, 'id' | 'title' | 'kind' | 'rssLimitMb' | 'graphql'>[],
  records: readonly RunRecord[],
  checks: readonly CheckRecord[],
  /** Why PostGraphile is absent from the run (undefined: it took part). */
  postgraphileAbsent: PostgraphileAbsence | undefined,
): Summary {
  const scenarios: ScenarioSummary[] = defs.map((d) => {
    const na = notApplicable(d, 'postgraphile');
    const skipped = (t: TargetName): string | undefined =>
      t !== 'postgraphile' ? undefined : na !== undefined ? `n/a: ${na}` : postgraphileAbsent === undefined ? undefined : 'not run';
    const targets = Object.fromEntries(
      (['postgrest-ts', 'baseline', 'postgraphile'] as const).map((t) => [
        t,
        summariseTarget(
          d.kind,
          t,
          records.filter((r) => r.scenario === d.id && r.target === t),
          checks.find((c) => c.scenario === d.id && c.target === t),
          skipped(t),
        ),
      ]),
    ) as Record<TargetName, TargetSummary>;
    const p = targets['postgrest-ts'];
    const fp = (t: TargetName) => checks.find((c) => c.scenario === d.id && c.target === t && c.problem === undefined)?.fingerprint;
    const same = (t: TargetName) => {
      const a = fp('postgrest-ts');
      const b = fp(t);
      return a === undefined || b === undefined ? undefined : a === b;
    };
    const vsBaseline = versus('baseline', p, targets.baseline, same('baseline'));
    const vsGraphile = versus('postgraphile', p, targets.postgraphile, same('postgraphile'));
    const rssFlagged = d.rssLimitMb !== undefined && p.ok && !(p.peakRssMb !== undefined && p.peakRssMb <= d.rssLimitMb);
    const paced = pacedRatios(p, targets.baseline);
    return {
      id: d.id,
      title: d.title,
      kind: d.kind,
      targets,
      throughputRatio: vsBaseline.ratio,
      cpuRatio: vsBaseline.cpuRatio,
      pacedCpuRatio: paced.cpu,
      pacedTotalCpuRatio: paced.total,
      sameContent: vsBaseline.sameContent,
      flagged: vsBaseline.flagged,
      postgraphileRatio: vsGraphile.ratio,
      postgraphileCpuRatio: vsGraphile.cpuRatio,
      postgraphileSameContent: vsGraphile.sameContent,
      postgraphileFlagged: vsGraphile.flagged,
      rssLimitMb: d.rssLimitMb,
      rssFlagged,
    };
  });
  const naIds = defs.filter((d) => notApplicable(d, 'postgraphile') !== undefined).map((d) => d.id);
  const vsGraphile = compare(scenarios, 'postgraphile', (s) => s.targets.postgraphile.skipped === undefined && !s.targets.postgraphile.ok);
  const unmeasured = postgraphileAbsent?.deliberate !== true && naIds.length < defs.length && vsGraphile.geomeanThroughputRatio === undefined;
  const pacedCounted = scenarios.filter((s) => s.pacedCpuRatio !== undefined);
  const pacedTotals = defined(pacedCounted.map((s) => s.pacedTotalCpuRatio));
  return {
    scenarios,
    ...compare(scenarios, 'baseline', (s) => !s.targets['postgrest-ts'].ok || !s.targets.baseline.ok),
    paced: {
      counted: pacedCounted.map((s) => s.id),
      geomeanCpuRatio: geomean(pacedCounted.map((s) => s.pacedCpuRatio!)),
      geomeanTotalCpuRatio: pacedTotals.length === pacedCounted.length ? geomean(pacedTotals) : undefined,
    },
    postgraphile: {
      skipped: postgraphileAbsent?.reason,
      ...vsGraphile,
      geomeanFlagged: vsGraphile.geomeanFlagged || unmeasured,
      unmeasured,
      notApplicable: naIds,
      baselineGeomean: geomean(
        defined(
          scenarios
            .filter((s) => vsGraphile.counted.includes(s.id))
            .map((s) => {
              const b = s.targets.baseline;
              const g = s.targets.postgraphile;
              return b.ok && g.ok && b.rps && g.rps ? b.rps / g.rps : undefined;
            }),
        ),
      ),
    },
    rssFlagged: scenarios.filter((s) => s.rssFlagged).map((s) => s.id),
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

/** The `ratio vs <other>` line of a scenario: throughput ratio and its flag, CPU ratio, content mismatch. */
function ratioLine(indent: string, other: Other, vs: ScenarioVs): string {
  const v = VERSUS[other];
  const ratio = vs.ratio === undefined ? 'n/a (a target failed)' : `${fmt(vs.ratio, 2)}×${vs.flagged ? `  ⚠ below ${fmt(v.scenarioFlag, 1)}×${v.target}` : ''}`;
  const cpu = vs.cpuRatio === undefined ? '' : `   server CPU/req ${fmt(vs.cpuRatio, 2)}×`;
  const same = vs.sameContent === false ? `   ⚠ ${v.differs} returned different content` : '';
  return `${indent}  ${`ratio vs ${other}`.padEnd(21)}  throughput ${ratio}${cpu}${same}`;
}

/** The summary as text: one block per scenario, then the geomeans and the flags. */
export function formatSummary(s: Summary): string {
  const out: string[] = [];
  const loadHead = ['scenario', 'target', 'req/s', '±%', 'p50 ms', 'p99 ms', 'err/non2xx', 'cpu ms/req', 'db ms/req'];
  const bigHead = ['scenario', 'target', 'ttlb ms', '±%', 'max ms', 'MB', 'RSS MB→peak', 'cpu ms/req', 'db ms/req'];
  const widths = [14, 13, 10, 5, 9, 9, 11, 11, 10];
  const indent = ''.padEnd(widths[0]!);
  const showGraphile = s.postgraphile.skipped === undefined;
  for (const kind of ['load', 'big'] as const) {
    const group = s.scenarios.filter((x) => x.kind === kind);
    if (group.length === 0) continue;
    out.push('', pad(kind === 'load' ? loadHead : bigHead, widths), '-'.repeat(widths.reduce((a, w) => a + w + 2, -2)));
    for (const sc of group) {
      let first = true;
      for (const t of ['postgrest-ts', 'baseline', 'postgraphile'] as const) {
        const x = sc.targets[t];
        if (t === 'postgraphile' && !showGraphile) continue;
        if (x.skipped !== undefined) {
          out.push(`${first ? sc.id.padEnd(widths[0]!) : indent}  ${t.padEnd(widths[1]!)}  ${x.skipped.length > 110 ? `${x.skipped.slice(0, 110)}…` : x.skipped}`);
          first = false;
          continue;
        }
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
      out.push(ratioLine(indent, 'baseline', scenarioVs(sc, 'baseline')));
      const paced = sc.targets['postgrest-ts'].paced;
      if (paced && sc.pacedCpuRatio !== undefined) {
        const b = sc.targets.baseline.paced!;
        const total = sc.pacedTotalCpuRatio === undefined ? '' : `, with PostgreSQL's ${fmt(sc.pacedTotalCpuRatio, 2)}×`;
        out.push(
          `${indent}  ${`paced, ${fmt(paced.rate, 0)} req/s`.padEnd(21)}  server CPU/req ${fmt(sc.pacedCpuRatio, 2)}× (${fmt(paced.cpuMsPerReq, 3)} vs ${fmt(b.cpuMsPerReq, 3)} ms)${total}`,
        );
      }
      if (showGraphile && sc.targets.postgraphile.skipped === undefined) out.push(ratioLine(indent, 'postgraphile', scenarioVs(sc, 'postgraphile')));
      if (sc.rssLimitMb !== undefined) {
        const peaks = (['postgrest-ts', 'baseline'] as const)
          .map((t) => {
            const x = sc.targets[t];
            if (x.peakRssMb === undefined) return `${t} ${x.ok ? '?' : 'failed'}`;
            const growth = x.rssBeforeMb === undefined ? '' : ` (${fmt(x.rssBeforeMb, 0)} before the request)`;
            return `${t} ${fmt(x.peakRssMb, 0)} MB${growth}`;
          })
          .join(', ');
        const verdict = !sc.targets['postgrest-ts'].ok ? 'postgrest-ts failed' : sc.rssFlagged ? '⚠ ABOVE' : 'ok';
        out.push(`${indent}  ${'peak RSS'.padEnd(21)}  ${peaks} — postgrest-ts target ≤ ${sc.rssLimitMb} MB: ${verdict}`);
      }
    }
  }
  out.push('');
  const g = s.geomeanThroughputRatio;
  out.push(
    `geometric mean of throughput ratios (postgrest-ts/baseline) over ${s.counted.length} scenarios: ${g === undefined ? 'n/a' : `${fmt(g, 2)}×`}` +
      (s.geomeanFlagged ? `  ⚠ below ${GEOMEAN_FLAG}×` : ''),
  );
  if (s.geomeanCpuRatio !== undefined) out.push(`geometric mean of server CPU per request ratios over ${s.cpuCounted} scenarios: ${fmt(s.geomeanCpuRatio, 2)}×`);
  if (s.paced.geomeanCpuRatio !== undefined) {
    const total = s.paced.geomeanTotalCpuRatio === undefined ? '' : `; with PostgreSQL's CPU ${fmt(s.paced.geomeanTotalCpuRatio, 2)}×`;
    out.push(`geometric mean of server CPU per request ratios at equal request rates (paced, ${s.paced.counted.length} scenarios): ${fmt(s.paced.geomeanCpuRatio, 2)}×${total}`);
  }
  if (s.flaggedScenarios.length) out.push(`⚠ scenarios under ${SCENARIO_FLAG}×: ${s.flaggedScenarios.join(', ')}`);
  if (s.failed.length) out.push(`✗ failed (excluded from the geomean): ${s.failed.join(', ')}`);
  const pg = s.postgraphile;
  const unmeasured = pg.unmeasured ? `  ⚠ NOT MEASURED (target ≥ ${POSTGRAPHILE_TARGET}×)` : '';
  if (pg.skipped !== undefined) out.push(`postgraphile: not run (${pg.skipped})${unmeasured}`);
  else {
    const gg = pg.geomeanThroughputRatio;
    out.push(
      `geometric mean of throughput ratios (postgrest-ts/postgraphile) over ${pg.counted.length} scenarios (${pg.counted.join(', ') || 'none'}): ` +
        `${gg === undefined ? 'n/a' : `${fmt(gg, 2)}×`} — target ≥ ${POSTGRAPHILE_TARGET}×${gg === undefined ? (pg.unmeasured ? '  ⚠ NOT MEASURED' : '') : pg.geomeanFlagged ? '  ⚠ MISSED' : ' ok'}`,
    );
    if (pg.geomeanCpuRatio !== undefined) out.push(`geometric mean of server CPU per request ratios (postgrest-ts/postgraphile) over ${pg.cpuCounted} scenarios: ${fmt(pg.geomeanCpuRatio, 2)}×`);
    if (pg.baselineGeomean !== undefined) {
      out.push(`  for scale: the hand-written baseline reaches ${fmt(pg.baselineGeomean, 2)}× PostGraphile's throughput on the same scenarios, on this machine`);
    }
    if (pg.flaggedScenarios.length) out.push(`⚠ scenarios under ${fmt(POSTGRAPHILE_SCENARIO_FLAG, 1)}× postgraphile: ${pg.flaggedScenarios.join(', ')}`);
    if (pg.failed.length) out.push(`✗ postgraphile failed (excluded from its geomean): ${pg.failed.join(', ')}`);
    if (pg.notApplicable.length) out.push(`postgraphile n/a (no equivalent request): ${pg.notApplicable.join(', ')}`);
  }
  if (s.rssFlagged.length) out.push(`⚠ postgrest-ts peak RSS above the limit: ${s.rssFlagged.join(', ')}`);
  return out.join('\n');
}
