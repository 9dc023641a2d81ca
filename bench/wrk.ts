// wrk as the load generator where it is installed: a C program with an event loop per thread, it spends a fraction of
// the CPU per request autocannon (JavaScript) does, and on a 2-core machine that also runs the servers and PostgreSQL
// that CPU is taken from what is measured. wrk cannot pace its requests, so paced runs stay on autocannon.
//
// The requests of a run are drawn from the scenario up front (as autocannon draws them one by one) and written to a
// file of length-prefixed raw HTTP requests; a Lua script (wrk's scripting interface) cycles through them, counts the
// status codes and the 200 answers carrying GraphQL errors, and prints one JSON line at the end.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadOptions, LoadResult } from './load.js';
import { type Req, Rng, type Scenario, type TargetName } from './scenarios.js';

const run = promisify(execFile);

/** The wrk executable on PATH, or undefined. */
export function findWrk(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, 'wrk');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/** How many requests a varying scenario draws for one run; wrk cycles through them. */
const DRAWS = 10_000;

const SCRIPT = `-- written by the postgrest-ts bench (bench/wrk.ts)
local reqs, n, i = {}, 0, 0
codes, graphql_errors = {}, 0
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function init(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = data:find("\\n", pos, true)
    local len = tonumber(data:sub(pos, nl - 1))
    n = n + 1
    reqs[n] = data:sub(nl + 1, nl + len)
    pos = nl + 1 + len
  end
end
function request()
  i = i % n + 1
  return reqs[i]
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status == 200 and body and body:find('"errors":[', 1, true) then graphql_errors = graphql_errors + 1 end
end
function done(summary, latency, requests)
  local total, parts, g = {}, {}, 0
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("codes")) do total[code] = (total[code] or 0) + count end
    g = g + t:get("graphql_errors")
  end
  for code, count in pairs(total) do parts[#parts + 1] = string.format('"%d":%d', code, count) end
  local e = summary.errors
  io.write(string.format('\\nWRK_RESULT {"durationUs":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"graphqlErrors":%d,"codes":{%s}}\\n',
    summary.duration, e.connect, e.read, e.write, e.timeout, math.floor(latency:percentile(50)), math.floor(latency:percentile(99)), g,
    table.concat(parts, ",")))
end
`;

interface WrkOutput {
  readonly durationUs: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly timeout: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly graphqlErrors: number;
  readonly codes: Readonly<Record<string, number>>;
}

/** One request as bytes on the wire: HTTP/1.1, keep-alive (its default), a body with its Content-Length. */
function rawRequest(r: Req, host: string): Buffer {
  let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(r.headers ?? {})) head += `${k}: ${v}\r\n`;
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  if (body !== undefined) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  return body === undefined ? Buffer.from(head) : Buffer.concat([Buffer.from(head), body]);
}

/** The run's requests, each as `<length>\n<bytes>`. */
function requestsFile(scenario: Scenario, target: TargetName, seed: number, host: string): Buffer {
  const rng = new Rng(seed);
  const parts: Buffer[] = [];
  for (let k = 0; k < (scenario.varies ? DRAWS : 1); k++) {
    const raw = rawRequest(scenario.request(target, rng), host);
    parts.push(Buffer.from(`${raw.length}\n`), raw);
  }
  return Buffer.concat(parts);
}

/**
 * Runs `scenario` against `url` with wrk (one thread, `connections` connections) for `durationS` seconds, rounded up to
 * whole seconds (wrk's unit).
 */
export async function runWrk(opts: LoadOptions & { readonly wrk: string }): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  try {
    const script = join(dir, 'run.lua');
    const requests = join(dir, 'requests');
    writeFileSync(script, SCRIPT);
    writeFileSync(requests, requestsFile(opts.scenario, opts.target, opts.seed, new URL(opts.url).host));
    const seconds = Math.max(1, Math.ceil(opts.durationS));
    const args = ['-t1', `-c${opts.connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', script, opts.url, '--', requests];
    // a failure (non-zero exit) rejects with wrk's own output in the error
    const { stdout: out } = await run(opts.wrk, args, { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (line === undefined) throw new Error(`wrk printed no result: ${out.trim()}`);
    return toLoadResult(JSON.parse(line.slice('WRK_RESULT '.length)) as WrkOutput);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toLoadResult(w: WrkOutput): LoadResult {
  let completed = 0;
  let ok = 0;
  for (const [code, count] of Object.entries(w.codes)) {
    completed += count;
    if (Number(code) >= 200 && Number(code) < 300) ok += count;
  }
  const durationS = w.durationUs / 1e6;
  return {
    requests: completed,
    durationS,
    rps: durationS > 0 ? Math.max(0, ok - w.graphqlErrors) / durationS : 0,
    p50Ms: w.p50Us / 1000,
    p99Ms: w.p99Us / 1000,
    errors: w.connect + w.read + w.write,
    timeouts: w.timeout,
    non2xx: completed - ok,
    statusCodes: w.codes,
    graphqlErrors: w.graphqlErrors,
  };
}
