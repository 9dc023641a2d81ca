// The benchmark's summary (bench/report.ts): paced runs are kept out of the full-load figures and give their own CPU
// ratios (server alone, and with PostgreSQL's CPU), which are left out when a paced run failed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LoadResult } from '../../bench/load.js';
import { formatSummary, type RunRecord, summarise } from '../../bench/report.js';
import type { TargetName } from '../../bench/scenarios.js';

const PK = { id: 'pk', title: 'single row', kind: 'load', rssLimitMb: undefined, graphql: { na: 'not compared here' } } as const;

function load(requests: number, rps: number, failures = 0): LoadResult {
  return { requests, durationS: 5, rps, p50Ms: 1, p99Ms: 2, errors: 0, timeouts: 0, non2xx: failures, statusCodes: { '200': requests }, graphqlErrors: 0 };
}

/** A run of `requests` requests costing `cpuMs` of server CPU and `dbCpuMs` of PostgreSQL's, paced when `rate` is set. */
function run(target: TargetName, round: number, rps: number, cpuMs: number, dbCpuMs: number, rate?: number, failures = 0): RunRecord {
  const requests = 1000;
  return {
    scenario: 'pk',
    target,
    round,
    load: load(requests, rps, failures),
    serverCpuMs: cpuMs,
    dbCpuMs,
    clientCpuMs: 1,
    ...(rate !== undefined ? { pacedRate: rate } : {}),
  };
}

const checks = (['postgrest-ts', 'baseline'] as const).map((target) => ({ scenario: 'pk', target, status: 200, problem: undefined, fingerprint: 'same' }));
const NO_GRAPHILE = { reason: 'skipped', deliberate: true };

const near = (actual: number | undefined, expected: number): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);
};

describe('bench summary: paced runs', () => {
  const full = [run('postgrest-ts', 0, 800, 120, 90), run('baseline', 0, 1000, 100, 60)];
  const paced = [run('postgrest-ts', 0, 560, 110, 100, 560), run('baseline', 0, 560, 100, 50, 560)];

  test('are left out of throughput and the full-load CPU ratio, and give their own ratios', () => {
    const s = summarise([PK], [...full, ...paced], checks, NO_GRAPHILE);
    const sc = s.scenarios[0]!;
    assert.equal(sc.targets['postgrest-ts'].rps, 800);
    near(sc.throughputRatio, 0.8);
    near(sc.cpuRatio, 1.2);
    near(sc.pacedCpuRatio, 1.1);
    near(sc.pacedTotalCpuRatio, 1.4);
    assert.deepEqual(sc.targets.baseline.paced, { rounds: 1, rate: 560, rps: 560, failures: 0, cpuMsPerReq: 0.1, dbCpuMsPerReq: 0.05 });
    assert.deepEqual(s.paced.counted, ['pk']);
    near(s.paced.geomeanCpuRatio, 1.1);
    const text = formatSummary(s);
    assert.match(text, /paced, 560 req\/s\s+server CPU\/req 1\.10× \(0\.110 vs 0\.100 ms\), with PostgreSQL's 1\.40×/);
    assert.match(text, /at equal request rates \(paced, 1 scenarios\): 1\.10×; with PostgreSQL's CPU 1\.40×/);
  });

  test('without paced runs there is no paced ratio', () => {
    const s = summarise([PK], full, checks, NO_GRAPHILE);
    assert.equal(s.scenarios[0]!.pacedCpuRatio, undefined);
    assert.equal(s.paced.geomeanCpuRatio, undefined);
    assert.doesNotMatch(formatSummary(s), /paced/);
  });

  test('a paced run with failed answers leaves the ratio out', () => {
    const failing = [run('postgrest-ts', 0, 560, 110, 100, 560, 3), paced[1]!];
    const s = summarise([PK], [...full, ...failing], checks, NO_GRAPHILE);
    assert.equal(s.scenarios[0]!.targets['postgrest-ts'].paced?.failures, 3);
    assert.equal(s.scenarios[0]!.pacedCpuRatio, undefined);
    assert.deepEqual(s.paced.counted, []);
  });
});

describe('bench summary: CPU readings under the clock tick', () => {
  const RPC = { ...PK, id: 'rpc' } as const;
  const of = (scenario: string, target: TargetName, cpuMs: number): RunRecord => ({ ...run(target, 0, 1000, cpuMs, 10), scenario });
  const records = [of('pk', 'postgrest-ts', 120), of('pk', 'baseline', 100), of('rpc', 'postgrest-ts', 0), of('rpc', 'baseline', 30)];
  const both = [...checks, ...checks.map((c) => ({ ...c, scenario: 'rpc' }))];

  test('a reading of 0 ms gives no ratio and leaves the geomean to the scenarios measured', () => {
    const s = summarise([PK, RPC], records, both, NO_GRAPHILE);
    assert.equal(s.scenarios[1]!.cpuRatio, undefined);
    near(s.geomeanCpuRatio, 1.2);
    assert.equal(s.cpuCounted, 1);
    assert.match(formatSummary(s), /server CPU per request ratios over 1 scenarios: 1\.20×/);
  });
});
