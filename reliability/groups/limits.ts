// Group "limits": the request-body (413), URL (414) and header (431) limits, with their defaults and with small
// configured values, each answered with a PostgREST error body and followed by a request that is served.
import { encodeRequest, type RawRequest, rawRequest } from '../lib/raw-http.js';
import type { GroupReport } from '../lib/report.js';
import { spawnServer, type Target } from '../lib/server.js';
import { describeOutcome, describeRequest, isErrorBody } from './hostile.js';
import { jsonBody } from '../lib/raw-http.js';

/** Defaults postgrest-ts documents for its own limit keys. */
export const DEFAULT_LIMITS = { body: 100 * 1024 * 1024, url: 16_384, header: 16_384 } as const;

const row = (id: number, size: number) => JSON.stringify({ id, name: 'n'.repeat(Math.max(1, size - 30)) });

/** Sends `req` and checks status (one of `statuses`), error body and that a valid request is served after it. */
async function expectStatus(report: GroupReport, target: Target, name: string, req: RawRequest, statuses: readonly number[], code?: string): Promise<void> {
  const o = await rawRequest(target.port, { timeoutMs: 30_000, ...req });
  const body = o.kind === 'response' ? jsonBody(o) : undefined;
  const ok =
    o.kind === 'response' &&
    statuses.includes(o.status) &&
    (o.status < 400 || (isErrorBody(body) && (code === undefined || body.code === code)));
  report.check(name, ok, () => `request: ${describeRequest({ ...req, body: req.body === undefined ? undefined : `<${req.body.length} bytes>` })}\nresponse: ${describeOutcome(o)}\nexpected: ${statuses.join('/')}${code ? ` ${code}` : ''} with an error body`);
  const after = await rawRequest(target.port, { method: 'GET', target: '/items?id=eq.1&select=id' });
  report.check(`${name}: a valid request is served after it`, after.kind === 'response' && after.status === 200, () => describeOutcome(after));
}

/** Streams a chunked body of `total` bytes (no Content-Length), as a client that does not announce its size. */
function chunked(target: string, total: number): RawRequest {
  const head = Buffer.from(`POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const parts: Buffer[] = [head];
  for (let sent = 0; sent < total; sent += chunk.length) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n\r\n'));
  return { method: 'POST', target, raw: Buffer.concat(parts) };
}

/** Runs the limit checks on a server with default limits and on one with small ones. */
export async function runLimits(report: GroupReport, baseEnv: Record<string, string>): Promise<void> {
  const defaults = await spawnServer(baseEnv, '/items?limit=1');
  try {
    await expectStatus(report, defaults, 'default: a URL of 20,000 bytes is refused with 414', { method: 'GET', target: `/items?select=id&name=neq.${'u'.repeat(20_000)}` }, [414]);
    await expectStatus(report, defaults, 'default: a URL of 12,000 bytes is served', { method: 'GET', target: `/items?select=id&name=neq.${'u'.repeat(12_000)}` }, [200]);
    await expectStatus(report, defaults, 'default: a header of 20,000 bytes is refused with 431', { method: 'GET', target: '/items?limit=1', headers: [['X-Big', 'h'.repeat(20_000)]] }, [431]);
    await expectStatus(report, defaults, 'default: a header of 8,000 bytes is served', { method: 'GET', target: '/items?limit=1', headers: [['X-Big', 'h'.repeat(8000)]] }, [200]);
    // Announced size over the default limit: refused before any byte of the body is read.
    const announced: RawRequest = {
      method: 'POST',
      target: '/sink',
      raw: Buffer.concat([Buffer.from(`POST /sink HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${DEFAULT_LIMITS.body + 1}\r\n\r\n`), Buffer.from('[')]),
    };
    await expectStatus(report, defaults, 'default: a body announced over 100 MiB is refused with 413', announced, [413], 'PGRSTX413');
    // Large bodies under the limit: parsed and refused without harm.
    const rows = Array.from({ length: 200_000 }, (_, i) => `{"id":${i + 1000},"name":"row ${i} ${'p'.repeat(100)}"}`).join(',');
    await expectStatus(report, defaults, 'default: a 30 MB truncated JSON body is refused with 400', { method: 'POST', target: '/sink', headers: [['Content-Type', 'application/json']], body: `[${rows}` }, [400], 'PGRST102');
    await expectStatus(report, defaults, 'default: a 30 MB JSON body with one bad row is refused with 400 (nothing inserted)', { method: 'POST', target: '/sink', headers: [['Content-Type', 'application/json']], body: `[${rows},{"id":"bad","name":"x"}]` }, [400]);
    const big = encodeRequest({ method: 'POST', target: '/sink', headers: [['Content-Type', 'application/json']], body: `[${row(1, 1000)}]` });
    await expectStatus(report, defaults, 'default: a 1 kB body is accepted (409: duplicate key)', { method: 'POST', target: '/sink', raw: big }, [409]);
  } finally {
    await defaults.stop();
  }

  const small = await spawnServer(
    { ...baseEnv, PGRST_SERVER_MAX_BODY_SIZE: '4096', PGRST_SERVER_MAX_URL_LENGTH: '1024', PGRST_SERVER_MAX_HEADER_SIZE: '4096' },
    '/items?limit=1',
  );
  try {
    const json = (n: number) => `[${row(1, n)}]`;
    await expectStatus(report, small, 'small: a 5 kB body (Content-Length) is refused with 413', { method: 'POST', target: '/sink', headers: [['Content-Type', 'application/json']], body: json(5000) }, [413], 'PGRSTX413');
    await expectStatus(report, small, 'small: a 1 MB chunked body is refused with 413', chunked('/sink', 1024 * 1024), [413], 'PGRSTX413');
    await expectStatus(report, small, 'small: a 4,000-byte body is accepted (409: duplicate key)', { method: 'POST', target: '/sink', headers: [['Content-Type', 'application/json']], body: json(4000) }, [409]);
    await expectStatus(report, small, 'small: a URL of 1,100 bytes is refused with 414', { method: 'GET', target: `/items?select=id&name=neq.${'u'.repeat(1100)}` }, [414], 'PGRSTX414');
    await expectStatus(report, small, 'small: a URL of 900 bytes is served', { method: 'GET', target: `/items?select=id&name=neq.${'u'.repeat(860)}` }, [200]);
    await expectStatus(report, small, 'small: a header of 5,000 bytes is refused with 431', { method: 'GET', target: '/items?limit=1', headers: [['X-Big', 'h'.repeat(5000)]] }, [431]);
    await expectStatus(report, small, 'small: a header of 2,000 bytes is served', { method: 'GET', target: '/items?limit=1', headers: [['X-Big', 'h'.repeat(2000)]] }, [200]);
    report.check('servers survive the limit checks', small.alive(), 'the server exited');
  } finally {
    await small.stop();
  }
}
