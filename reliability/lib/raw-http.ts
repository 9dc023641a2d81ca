// A raw HTTP/1.1 client over one TCP socket per request: it sends exactly the bytes it is given (NUL bytes, broken
// percent-encoding, invalid header names) and reports a response, a timeout or a connection closed without an answer.
import { connect } from 'node:net';

/** What to send. `target` and header values are written as UTF-8 unless given as bytes. */
export interface RawRequest {
  readonly method: string;
  readonly target: string | Buffer;
  readonly headers?: ReadonlyArray<readonly [string, string | Buffer]>;
  readonly body?: string | Buffer;
  /** Adds `Content-Length` for the body (default true when there is a body). */
  readonly contentLength?: boolean;
  /** Replaces the whole request (request line, headers and body) with these bytes. */
  readonly raw?: Buffer;
  readonly timeoutMs?: number;
}

/** A parsed response. Header names are lower-cased; repeated headers are joined with ", ". */
export interface RawResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly ms: number;
}

export type RawOutcome =
  | RawResponse
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'closed'; readonly ms: number; readonly error: string; readonly received: number };

const CRLF = '\r\n';

/** Serialises a request (always `Connection: close`, so the server ends the exchange). */
export function encodeRequest(req: RawRequest): Buffer {
  if (req.raw) return req.raw;
  const parts: Buffer[] = [];
  const target = typeof req.target === 'string' ? Buffer.from(req.target, 'utf8') : req.target;
  parts.push(Buffer.from(`${req.method} `, 'latin1'), target, Buffer.from(` HTTP/1.1${CRLF}`, 'latin1'));
  const headers = req.headers ?? [];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  if (!has('host')) parts.push(Buffer.from(`Host: 127.0.0.1${CRLF}`, 'latin1'));
  if (!has('connection')) parts.push(Buffer.from(`Connection: close${CRLF}`, 'latin1'));
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  if (body && req.contentLength !== false && !has('content-length') && !has('transfer-encoding')) {
    parts.push(Buffer.from(`Content-Length: ${body.length}${CRLF}`, 'latin1'));
  }
  for (const [name, value] of headers) {
    parts.push(Buffer.from(`${name}: `, 'utf8'), typeof value === 'string' ? Buffer.from(value, 'utf8') : value, Buffer.from(CRLF, 'latin1'));
  }
  parts.push(Buffer.from(CRLF, 'latin1'));
  if (body) parts.push(body);
  return Buffer.concat(parts);
}

interface Head {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyStart: number;
}

function parseHead(buf: Buffer): Head | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return { status: -1, headers: {}, bodyStart: end + 4 };
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), headers, bodyStart: end + 4 };
}

/** Decodes a complete chunked body, or undefined while incomplete. */
function dechunk(buf: Buffer): Buffer | undefined {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return undefined;
    const size = Number.parseInt(buf.subarray(pos, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(out);
    if (buf.length < eol + 2 + size + 2) return undefined;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
}

/** A complete response from the bytes so far (or at end of stream when `ended`). */
function complete(buf: Buffer, method: string, ended: boolean): Omit<RawResponse, 'ms' | 'kind'> | undefined {
  let head = parseHead(buf);
  // Interim answers (100 Continue) precede the real one.
  while (head && head.status >= 100 && head.status < 200 && head.status !== 101) {
    buf = buf.subarray(head.bodyStart);
    head = parseHead(buf);
  }
  if (!head) return undefined;
  const rest = buf.subarray(head.bodyStart);
  const noBody = method === 'HEAD' || head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200);
  if (noBody) return { status: head.status, headers: head.headers, body: Buffer.alloc(0) };
  const cl = head.headers['content-length'];
  if (cl !== undefined) {
    const n = Number(cl);
    if (rest.length >= n) return { status: head.status, headers: head.headers, body: rest.subarray(0, n) };
    return undefined;
  }
  if ((head.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const body = dechunk(rest);
    return body ? { status: head.status, headers: head.headers, body } : undefined;
  }
  return ended ? { status: head.status, headers: head.headers, body: rest } : undefined;
}

/** Sends one request to host:port and waits for its response (default timeout 10 s). */
export function rawRequest(port: number, req: RawRequest, host = '127.0.0.1'): Promise<RawOutcome> {
  const t0 = performance.now();
  const timeoutMs = req.timeoutMs ?? 10_000;
  const method = req.raw ? (req.raw.toString('latin1', 0, 16).split(' ')[0] ?? '') : req.method;
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    let lastError = '';
    const finish = (outcome: RawOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', ms: performance.now() - t0 }), timeoutMs);
    const tryComplete = (ended: boolean) => {
      const buf = Buffer.concat(chunks);
      const r = complete(buf, method, ended);
      if (r) finish({ kind: 'response', ...r, ms: performance.now() - t0 });
      else if (ended) finish({ kind: 'closed', ms: performance.now() - t0, error: lastError || 'connection closed', received });
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      tryComplete(false);
    });
    socket.on('error', (err) => {
      // EPIPE/ECONNRESET while we were still sending: the server may already have answered.
      lastError = err.message;
    });
    socket.on('close', () => tryComplete(true));
    socket.on('connect', () => {
      socket.write(encodeRequest(req), () => {});
    });
  });
}

/** The parsed JSON body, or undefined. */
export function jsonBody(r: RawResponse): unknown {
  try {
    return JSON.parse(r.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
