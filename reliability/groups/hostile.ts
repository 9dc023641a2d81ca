// Group "hostile": sends every corpus case over a raw socket and checks the answer (a 4xx or the documented status,
// a PostgREST error body, no hang, no 5xx), that a valid request is served right after, and that no data changed.
import type { Case } from '../corpus/corpus.js';
import { type Db, PROTECTED_TABLES, protectedChecksum, restoreSink } from '../lib/db.js';
import { jsonBody, type RawOutcome, type RawRequest, rawRequest } from '../lib/raw-http.js';
import { clip, type GroupReport } from '../lib/report.js';
import type { Target } from '../lib/server.js';

/** SQLSTATEs PostgREST itself answers with a 5xx for input a client controls (program limits), so we may too. */
const DOCUMENTED_5XX: Readonly<Record<string, string>> = {
  '54001': 'stack depth limit exceeded: PostgREST maps class 54 to 500',
  '21000': 'e.g. PUT with two rows for the same key: ON CONFLICT affects a row twice; PostgREST maps 21000 to 500',
};

/** Strings only rows hidden from the API roles contain. */
export const SECRET_MARKERS = ['VAULTSECRET', 'TOPSECRET'] as const;

const VALID: RawRequest = { method: 'GET', target: '/items?id=eq.7&select=id,name' };
const VALID_BODY = '[{"id":7,"name":"item 7"}]';

/** Describes a request for a failure report. */
export function describeRequest(r: RawRequest): string {
  if (r.raw) return `raw bytes: ${clip(r.raw.toString('latin1'), 400)}`;
  const target = typeof r.target === 'string' ? r.target : r.target.toString('latin1');
  const lines = [`${r.method} ${clip(target, 300)}`];
  for (const [n, v] of r.headers ?? []) lines.push(`${clip(n, 60)}: ${clip(typeof v === 'string' ? v : v.toString('latin1'), 200)}`);
  if (r.body !== undefined) lines.push(`body: ${clip(typeof r.body === 'string' ? r.body : r.body.toString('latin1'), 300)}`);
  return lines.join('\n');
}

/** Describes an outcome for a failure report. */
export function describeOutcome(o: RawOutcome): string {
  if (o.kind === 'timeout') return `no response within ${Math.round(o.ms)} ms`;
  if (o.kind === 'closed') return `connection closed after ${Math.round(o.ms)} ms without a complete response (${o.error}; ${o.received} bytes)`;
  return `${o.status} (${Math.round(o.ms)} ms) content-type=${o.headers['content-type'] ?? '-'} body: ${clip(o.body.toString('utf8'), 400)}`;
}

/** Whether `body` is exactly PostgREST's error object. */
export function isErrorBody(body: unknown): body is { code: string; message: string; details: unknown; hint: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body).sort().join(',');
  const b = body as Record<string, unknown>;
  return keys === 'code,details,hint,message' && typeof b.code === 'string' && typeof b.message === 'string';
}

/** Why an answer is wrong for a case (a short key and a sentence), or undefined when it is right. */
export function judge(c: Pick<Case, 'expect' | 'request'>, o: RawOutcome): { key: string; why: string } | undefined {
  const method = c.request.raw ? '' : c.request.method;
  if (o.kind === 'timeout') return { key: 'hang: no response', why: 'the server did not answer' };
  if (o.kind === 'closed') return { key: 'connection closed without a response', why: 'expected an HTTP response' };
  if (o.status < 100) return { key: 'malformed HTTP response', why: 'the status line did not parse' };
  const text = o.body.toString('utf8');
  for (const s of SECRET_MARKERS) if (text.includes(s)) return { key: 'hidden rows leaked', why: `the body contains ${s}` };
  const body = o.status >= 300 ? jsonBody(o) : undefined;
  const code = isErrorBody(body) ? body.code : '-';
  const documented = o.status >= 500 && DOCUMENTED_5XX[code] !== undefined;
  if (o.status >= 500 && !documented) return { key: `5xx: ${o.status} ${code}`, why: 'a 5xx for client input' };
  if (documented) {
    // PostgREST answers this database error with the same 5xx.
  } else if (Array.isArray(c.expect)) {
    if (!c.expect.includes(o.status)) return { key: `expected ${c.expect.join('/')}, got ${o.status} ${code}`, why: `expected ${c.expect.join(' or ')}` };
  } else if (c.expect === 'error' && (o.status < 400 || o.status >= 500)) {
    return { key: `expected a 4xx, got ${o.status}`, why: 'expected a 4xx error' };
  }
  // HEAD answers carry no body, errors included.
  if (method === 'HEAD') return undefined;
  if (o.status >= 400 && !isErrorBody(body)) return { key: `${o.status} without a {code,message,details,hint} body`, why: 'error bodies are PostgREST-shaped JSON' };
  if (o.status >= 400 && !(o.headers['content-type'] ?? '').startsWith('application/json')) {
    return { key: `${o.status} error body not labelled application/json`, why: 'error bodies are application/json' };
  }
  return undefined;
}

/** Options of a hostile run. */
export interface HostileOptions {
  readonly timeoutMs?: number;
  /** Print progress every N cases (0: never). */
  readonly progressEvery?: number;
}

/**
 * Sends the read-only cases again, `concurrency` at a time, `rounds` times: every answer must be as right as in the
 * sequential pass, and (when `rssKb` is given) memory after the last round within a small bound of the first.
 */
export async function runConcurrentPass(
  report: GroupReport,
  target: Target,
  cases: readonly Case[],
  opts: { concurrency: number; rounds: number; rssKb?: () => number | undefined; knownBad?: ReadonlySet<string> },
): Promise<void> {
  const reads = cases.filter((c) => !c.writes);
  const rss: number[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const wrong: string[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        for (let i = next++; i < reads.length; i = next++) {
          const c = reads[i] as Case;
          const o = await rawRequest(target.port, { ...c.request, timeoutMs: 20_000 });
          const bad = judge(c, o);
          if (bad && !opts.knownBad?.has(c.id)) wrong.push(`${c.id}: ${bad.key}: ${describeOutcome(o).slice(0, 200)}`);
        }
      }),
    );
    const kb = opts.rssKb?.();
    if (kb !== undefined) rss.push(kb);
    report.note(`concurrent round ${round}: ${reads.length} cases, ${opts.concurrency} at a time, ${((performance.now() - t0) / 1000).toFixed(1)} s${kb !== undefined ? `, server RSS ${(kb / 1024).toFixed(0)} MiB` : ''}`);
    // Cases wrong in the sequential pass already are reported there; here only new ones count.
    report.check(`concurrent round ${round}: answers as right as one at a time`, wrong.length === 0, () => wrong.slice(0, 10).join('\n'), 'concurrent hostile requests answered wrongly');
  }
  report.check('the server survives concurrent hostile requests', target.alive(), 'the server exited');
  if (rss.length >= 2) {
    const growth = (rss[rss.length - 1] as number) - (rss[0] as number);
    report.check('hostile requests do not grow memory round over round (≤ 16 MiB)', growth <= 16 * 1024, `RSS by round (MiB): ${rss.map((k) => (k / 1024).toFixed(0)).join(', ')}`);
  }
}

/** Runs the corpus against `target`, one case at a time, each followed by a valid request. */
export async function runHostile(report: GroupReport, target: Target, db: Db, cases: readonly Case[], opts: HostileOptions = {}): Promise<Set<string>> {
  const failedIds = new Set<string>();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const before = await protectedChecksum(db);
  let sink = await protectedChecksum(db, ['reliability.sink']);
  const statuses = new Map<number, number>();
  let n = 0;
  for (const c of cases) {
    n++;
    if (opts.progressEvery && n % opts.progressEvery === 0) process.stdout.write(`  hostile: ${n}/${cases.length}\n`);
    const o = await rawRequest(target.port, { ...c.request, timeoutMs });
    if (o.kind === 'response') statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    const bad = judge(c, o);
    if (bad) failedIds.add(c.id);
    report.check(
      `${c.id} answers correctly`,
      bad === undefined,
      () => `request: ${describeRequest(c.request)}\nresponse: ${describeOutcome(o)}\nexpected: ${bad?.why ?? ''}`,
      `${bad?.key ?? ''} [${c.family}]`,
    );
    const after = await rawRequest(target.port, { ...VALID, timeoutMs });
    const ok = after.kind === 'response' && after.status === 200 && after.body.toString('utf8') === VALID_BODY;
    if (!ok) {
      report.check(`valid request served after ${c.id}`, false, () => `after: ${describeRequest(c.request)}\nvalid request got: ${describeOutcome(after)}`, 'valid request failed right after a hostile one');
    }
    if (c.writes) {
      const now = await protectedChecksum(db, ['reliability.sink']);
      if (now !== sink) {
        report.check(`${c.id} changed no data`, false, () => `request: ${describeRequest(c.request)}\nresponse: ${describeOutcome(o)}\nthe sink table changed`, 'a refused write changed data');
        await restoreSink(db);
        sink = await protectedChecksum(db, ['reliability.sink']);
      }
    }
    if (!target.alive()) {
      report.check('server process survives the corpus', false, `the server exited during ${c.id}: ${describeRequest(c.request)}`, 'server crashed');
      return failedIds;
    }
  }
  report.note(`statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, k]) => `${s}×${k}`).join(' ')}`);
  report.check('server process survives the corpus', target.alive(), 'the server exited');
  const after = await protectedChecksum(db);
  report.check('no data changed (protected tables checksum)', after === before, () => `before: ${before}\nafter:  ${after}\ntables: ${PROTECTED_TABLES.join(', ')}`);
  const unexpected = target.unexpected();
  report.check('the server logged no unexpected errors', unexpected.length === 0, () => unexpected.slice(0, 5).join('\n'));
  return failedIds;
}
