// Load generation: wrk (bench/wrk.ts) when given, else autocannon (programmatic), at fixed connections for a fixed
// duration, with per-request parameters drawn from a seeded generator; a sequential client that measures time to last
// byte of big responses; and the one-off fetch used by the correctness check.
import autocannon, { type AutocannonRequest } from 'autocannon';
import { Agent, request as httpRequest } from 'node:http';
import { type Req, Rng, type Sample, type Scenario, type TargetName } from './scenarios.js';
import { runWrk } from './wrk.js';

export interface LoadResult {
  /** Completed responses (any status). */
  readonly requests: number;
  readonly durationS: number;
  /** Completed 2xx responses per second. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /**
   * 200 responses carrying GraphQL errors (counted as failures, and not in `rps`). Only PostGraphile's can, but every
   * target's answers are looked at, so the load generator does the same work per response for all of them.
   */
  readonly graphqlErrors: number;
}

/** One run at fixed connections for a fixed duration; the requests are drawn from the scenario with `seed`. */
export interface LoadOptions {
  readonly url: string;
  readonly scenario: Scenario;
  readonly target: TargetName;
  readonly connections: number;
  readonly durationS: number;
  readonly seed: number;
}

function toAutocannon(r: Req): AutocannonRequest {
  return { method: r.method, path: r.path, ...(r.headers ? { headers: { ...r.headers } } : {}), ...(r.body !== undefined ? { body: r.body } : {}) };
}

/**
 * Runs `scenario` against `url` for `durationS` seconds with `connections` connections: as fast as the server answers,
 * or at `rate` requests per second over all connections (a paced run). With `wrk` (its path) a run at full speed is
 * driven by wrk; a paced one always by autocannon (wrk cannot pace).
 */
export function runLoad(opts: LoadOptions & { rate?: number | undefined; wrk?: string | undefined }): Promise<LoadResult> {
  if (opts.wrk !== undefined && !opts.rate) return runWrk({ ...opts, wrk: opts.wrk });
  const rng = new Rng(opts.seed);
  let graphqlErrors = 0;
  // GraphQL reports errors in a 200 answer, so the one-off check cannot vouch for the answers under load: the bodies
  // are looked at (small ones: the load scenarios). On every target, not only PostGraphile, to give the load generator
  // the same work per response whichever server it measures (REST rows never contain that text).
  const onResponse: AutocannonRequest['onResponse'] = (status, body) => {
    if (status === 200 && body.includes('"errors":[')) graphqlErrors++;
  };
  const first = { ...toAutocannon(opts.scenario.request(opts.target, rng)), onResponse };
  const requests: AutocannonRequest[] = [
    opts.scenario.varies ? { ...first, setupRequest: (req) => ({ ...req, ...toAutocannon(opts.scenario.request(opts.target, rng)) }) } : first,
  ];
  return new Promise((resolve, reject) => {
    autocannon(
      { url: opts.url, connections: opts.connections, duration: opts.durationS, requests, timeout: 30, ...(opts.rate ? { overallRate: opts.rate } : {}) },
      (err, r) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = Number(count);
        const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
        resolve({
          requests: completed,
          durationS: r.duration,
          rps: Math.max(0, r['2xx'] - graphqlErrors) / r.duration,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          statusCodes,
          graphqlErrors,
        });
      },
    );
  });
}

export interface SequentialResult {
  /** Time to last byte of each request, ms. */
  readonly ttlbMs: readonly number[];
  /** Bytes of the last response body. */
  readonly bytes: number;
  readonly statuses: readonly number[];
  readonly errors: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

// How a GraphQL response with errors begins (PostGraphile answers 200 with them).
const GRAPHQL_ERRORS = Buffer.from('{"errors":[');

/**
 * One request, timing until the last body byte; the body is counted and dropped, but for its first chunk: a GraphQL
 * answer that begins with errors is a failure even with status 200 (as under load).
 */
function timedRequest(base: string, r: Req): Promise<{ ms: number; status: number; bytes: number; graphqlError: boolean }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const u = new URL(r.path, base);
    const req = httpRequest(u, { method: r.method, headers: r.headers, agent }, (res) => {
      let bytes = 0;
      let graphqlError = false;
      res.on('data', (c: Buffer) => {
        if (bytes === 0) graphqlError = c.subarray(0, GRAPHQL_ERRORS.length).equals(GRAPHQL_ERRORS);
        bytes += c.length;
      });
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, bytes, graphqlError }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** `count` sequential requests of a non-varying scenario. */
export async function runSequential(url: string, scenario: Scenario, target: TargetName, count: number, seed: number): Promise<SequentialResult> {
  const r = scenario.request(target, new Rng(seed));
  const ttlbMs: number[] = [];
  const statuses: number[] = [];
  let bytes = 0;
  let errors = 0;
  for (let i = 0; i < count; i++) {
    try {
      const res = await timedRequest(url, r);
      bytes = res.bytes;
      if (res.graphqlError) {
        errors++;
        continue;
      }
      statuses.push(res.status);
      if (res.status >= 200 && res.status < 300) ttlbMs.push(res.ms);
    } catch {
      errors++;
    }
  }
  return { ttlbMs, bytes, statuses, errors };
}

/** The one response the correctness check looks at. */
export async function fetchSample(url: string, r: Req): Promise<Sample> {
  const res = await fetch(url + r.path, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(60_000) });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: await res.text() };
}
