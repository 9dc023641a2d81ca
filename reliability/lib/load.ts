// A fixed-rate HTTP load generator over keep-alive connections: requests are issued on schedule whether or not earlier
// ones have answered (so a stalled server shows as latency, not as fewer requests), each result recorded with its
// status, PostgREST error code, latency and, for ledger writes, the id that was or was not acknowledged.
import { Agent, request as httpRequest } from 'node:http';
import type { Rng } from './rng.js';

/** One request of the mix. `reqId` marks a ledger write whose acknowledgement is tracked. */
export interface LoadRequest {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly reqId?: string;
}

/** A weighted request maker; `seq` is the request's number in the run. */
export interface MixEntry {
  readonly weight: number;
  readonly make: (rng: Rng, seq: number) => LoadRequest;
}

/** What happened to one request. */
export interface LoadResult {
  readonly kind: string;
  /** HTTP status, or 0 when the client timed out or the connection failed. */
  readonly status: number;
  readonly code: string | undefined;
  readonly error: string | undefined;
  /** ms since the run started, when it was sent. */
  readonly at: number;
  readonly ms: number;
  readonly reqId: string | undefined;
  readonly bodyShapeOk: boolean;
}

export interface LoadOptions {
  readonly port: number;
  readonly rate: number;
  readonly mix: readonly MixEntry[];
  readonly rng: Rng;
  /** Client-side timeout per request (default 15 s). */
  readonly timeoutMs?: number;
  /** Stop by itself after this long (default: until stop()). */
  readonly durationMs?: number;
  readonly connections?: number;
}

/** A running load; `stop` ends issuing and waits for the requests in flight. */
export interface RunningLoad {
  readonly results: LoadResult[];
  readonly startedAt: number;
  stop(): Promise<LoadResult[]>;
  /** Resolves when durationMs has passed and every request has settled. */
  readonly finished: Promise<LoadResult[]>;
}

function pick(mix: readonly MixEntry[], rng: Rng): MixEntry {
  const total = mix.reduce((s, m) => s + m.weight, 0);
  let x = rng.next() * total;
  for (const m of mix) {
    x -= m.weight;
    if (x < 0) return m;
  }
  return mix[mix.length - 1] as MixEntry;
}

const errorShape = (text: string): { ok: boolean; code: string | undefined } => {
  try {
    const b = JSON.parse(text) as Record<string, unknown>;
    const ok = typeof b === 'object' && b !== null && Object.keys(b).sort().join(',') === 'code,details,hint,message';
    return { ok, code: typeof b.code === 'string' ? b.code : undefined };
  } catch {
    return { ok: false, code: undefined };
  }
};

/** Starts issuing `rate` requests per second. */
export function startLoad(opts: LoadOptions): RunningLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections ?? 64 });
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const results: LoadResult[] = [];
  const inflight = new Set<Promise<void>>();
  const startedAt = performance.now();
  let issued = 0;
  let stopped = false;
  let resolveFinished: (r: LoadResult[]) => void = () => {};
  const finished = new Promise<LoadResult[]>((res) => {
    resolveFinished = res;
  });

  const send = (req: LoadRequest) => {
    const at = performance.now() - startedAt;
    const t0 = performance.now();
    const p = new Promise<void>((done) => {
      let settled = false;
      const finish = (status: number, text: string, error?: string) => {
        if (settled) return;
        settled = true;
        const shape = status >= 400 ? errorShape(text) : { ok: true, code: undefined };
        results.push({ kind: req.kind, status, code: shape.code, error, at, ms: performance.now() - t0, reqId: req.reqId, bodyShapeOk: shape.ok });
        done();
      };
      const body = req.body === undefined ? undefined : Buffer.from(req.body);
      const r = httpRequest(
        { host: '127.0.0.1', port: opts.port, method: req.method, path: req.path, agent, timeout: timeoutMs, headers: { ...req.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          res.on('error', (err) => finish(0, '', err.message));
        },
      );
      r.on('timeout', () => {
        r.destroy(new Error('client timeout'));
      });
      r.on('error', (err) => finish(0, '', err.message));
      r.end(body);
    });
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  };

  const tick = () => {
    if (stopped) return;
    const elapsed = performance.now() - startedAt;
    if (opts.durationMs !== undefined && elapsed >= opts.durationMs) {
      void stop().then(resolveFinished);
      return;
    }
    const due = Math.floor((elapsed / 1000) * opts.rate);
    while (issued < due) send(pick(opts.mix, opts.rng).make(opts.rng, issued++));
  };
  const timer = setInterval(tick, 5);

  async function stop(): Promise<LoadResult[]> {
    if (!stopped) {
      stopped = true;
      clearInterval(timer);
    }
    while (inflight.size > 0) await Promise.all([...inflight]);
    agent.destroy();
    return results;
  }
  return { results, startedAt, stop, finished };
}

/** The p-th percentile (0–100) of `values`, or NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** `status(code)×count` summary of results, for notes. */
export function statusSummary(results: readonly LoadResult[]): string {
  const m = new Map<string, number>();
  for (const r of results) {
    const k = r.status === 0 ? `client-error(${r.error ?? '?'})` : r.code ? `${r.status}(${r.code})` : String(r.status);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].sort().map(([k, n]) => `${k}×${n}`).join(' ');
}
