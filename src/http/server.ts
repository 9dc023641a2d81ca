// node:http front door: reads the request (with URL, header and body limits), hands a RawRequest to the pipeline and
// writes the ApiResponse it gets back. Knows no PostgREST semantics beyond turning errors into PostgREST-shaped bodies.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Duplex, pipeline as pipe, Readable } from 'node:stream';
import { ApiError } from '../errors/api-error.js';
import { pgrst117UnsupportedMethod, pgrstX00Internal } from '../errors/catalogue.js';
import { errorResponse } from '../response/error.js';
import { BufferPool } from '../text/buffer-pool.js';
import { hasNonAscii } from '../text/header-bytes.js';
import { type ApiResponse, bodyLength, type RawRequest } from './types.js';

/** Limits PostgREST leaves to a proxy and we apply ourselves. */
export interface HttpLimits {
  readonly maxBodyBytes: number;
  readonly maxUrlLength: number;
  readonly maxHeaderBytes: number;
}

export type Pipeline = (req: RawRequest) => Promise<ApiResponse>;

/** Headers added to every response (e.g. `Server`). */
export type CommonHeaders = () => Readonly<Record<string, string>>;

/** Creates the API server; `pipeline` never sees a request that broke a limit. */
export function createApiServer(pipeline: Pipeline, limits: HttpLimits, common: CommonHeaders, onUnexpected: (err: unknown) => void): Server {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // While shutting down (close() called, requests still in flight) answer with `Connection: close`, as PostgREST v16.
    const headers = () => (server.listening ? common() : { ...common(), Connection: 'close' });
    handle(req, res, pipeline, limits, headers).catch((err) => {
      onUnexpected(err);
      if (!res.headersSent) write(res, errorResponse(pgrstX00Internal('Internal server error')), headers(), false);
      else res.destroy();
    });
  };
  // Node counts the request line against its header limit; give it room for the URL limit too, so a long URL gets
  // 414 and large headers get 431 (checked in handle()).
  const server = createServer({ maxHeaderSize: limits.maxHeaderBytes + limits.maxUrlLength, requireHostHeader: false }, onRequest);
  // CONNECT is no method PostgREST serves: answer 405 PGRST117 instead of dropping the socket.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    answerOnSocket(socket, pgrst117UnsupportedMethod(req.method ?? 'CONNECT'), 'Method Not Allowed');
  });
  // An `Expect` other than 100-continue is served like any request (as PostgREST's server does), not answered 417.
  server.on('checkExpectation', onRequest);
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeouts
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    // Node's parser refused the request, before any handler saw it (no Proxy-Status: not a PostgREST error).
    if (err.code === 'HPE_HEADER_OVERFLOW') answerOnSocket(socket, headersTooLarge(), 'Request Header Fields Too Large', false);
    else answerOnSocket(socket, new ApiError(400, 'PGRSTX400', 'Malformed HTTP request', err.message, null), 'Bad Request', false);
  });
  return server;
}

const headersTooLarge = (): ApiError => new ApiError(431, 'PGRSTX431', 'Request header fields too large', null, null);

/** Writes an error answer straight to a socket no ServerResponse exists for, and closes it. */
function answerOnSocket(socket: Duplex, error: ApiError, reason: string, proxyStatus = true): void {
  const r = errorResponse(error);
  const body = String(r.body ?? '');
  const proxy = proxyStatus ? `Proxy-Status: ${r.headers['Proxy-Status']}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${r.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n${proxy}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function handle(req: IncomingMessage, res: ServerResponse, pipeline: Pipeline, limits: HttpLimits, common: CommonHeaders): Promise<void> {
  const url = req.url ?? '/';
  const isHead = req.method === 'HEAD';
  const scan = scanHeaders(req);
  if (scan.bytes > limits.maxHeaderBytes) {
    req.resume();
    return write(res, errorResponse(headersTooLarge()), common(), isHead, true);
  }
  if (url.length > limits.maxUrlLength) {
    req.resume();
    return write(res, errorResponse(new ApiError(414, 'PGRSTX414', 'URI too long', `The request URL exceeds ${limits.maxUrlLength} bytes`, null)), common(), isHead);
  }
  const read = readBody(req, limits.maxBodyBytes);
  const body = read instanceof Buffer ? read : await read;
  if (body === 'aborted') {
    // The client went away mid-body: nothing to answer, nothing to log.
    res.destroy();
    return;
  }
  if (body === 'too-large') {
    return write(
      res,
      errorResponse(new ApiError(413, 'PGRSTX413', 'Payload too large', `The request body exceeds ${limits.maxBodyBytes} bytes`, null)),
      common(),
      isHead,
      true,
    );
  }
  const q = url.indexOf('?');
  const raw: RawRequest = {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers as Record<string, string | undefined>,
    preferHeaders: scan.prefer,
    body,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
  try {
    const response = await pipeline(raw);
    write(res, response, common(), isHead);
  } finally {
    BODIES.release(body);
  }
}

const NO_PREFER: readonly string[] = [];

/**
 * One pass over the raw headers: the size of the header section as sent (names, values, `: ` and CRLF, without the
 * request line) and every `Prefer` header's value in order (node joins repeated ones in `req.headers`).
 */
function scanHeaders(req: IncomingMessage): { bytes: number; prefer: readonly string[] } {
  let bytes = 0;
  let prefer: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    bytes += name.length + raw[i + 1]!.length + 4;
    if (name.length === 6 && name.toLowerCase() === 'prefer') {
      prefer ??= [];
      prefer.push(raw[i + 1]!);
    }
  }
  return { bytes, prefer: prefer ?? NO_PREFER };
}

const EMPTY_BODY = Buffer.alloc(0);

/**
 * Request bodies of 16 kB to 1 MB are joined into reused buffers (see text/buffer-pool.ts); up to 4 MB of them stay
 * pooled, enough for a few dozen concurrent bulk inserts. handle() gives each back once its response is written.
 */
const BODIES = new BufferPool(16 * 1024, 1024 * 1024, 4 * 1024 * 1024);

/**
 * Reads the whole body up to `max` bytes; beyond that, drains and reports 'too-large'; a client abort is 'aborted'.
 * Memory follows the bytes received, not the Content-Length announced: the chunks are kept as they come and joined at
 * the end (into a pooled buffer when the total is in the pooled range, so node's chunks are dropped while young).
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> | Buffer {
  // Neither Content-Length nor Transfer-Encoding: the request has no body (RFC 9112 §6.3), nothing to wait for.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return EMPTY_BODY;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : chunks.length === 1 && size < BODIES.minSize ? chunks[0]! : joinChunks(chunks, size)));
    req.on('error', () => resolve('aborted'));
  });
}

function joinChunks(chunks: readonly Buffer[], size: number): Buffer {
  const out = BODIES.take(size);
  let at = 0;
  for (const c of chunks) at += c.copy(out, at);
  return out;
}

function write(res: ServerResponse, r: ApiResponse, common: Readonly<Record<string, string>>, isHead: boolean, close = false): void {
  // A flat [name, value, …] list: the response's headers win over the common ones of the same name.
  // Content-Length and (when closing) Connection are decided here.
  const own = r.headers;
  const length = r.body !== null && !isHead ? String(bodyLength(r.body)) : undefined;
  const decided = (name: string) => (length !== undefined && name === 'Content-Length') || (close && name === 'Connection');
  const headers: string[] = [];
  for (const name in common) if (!(name in own) && !decided(name)) headers.push(name, common[name]!);
  for (const name in own) if (!decided(name)) headers.push(name, own[name]!);
  if (length !== undefined) headers.push('Content-Length', length);
  if (close) headers.push('Connection', 'close');
  if (close || (own['Connection'] ?? common['Connection']) === 'close') res.shouldKeepAlive = false;
  res.writeHead(r.status, headers);
  if (r.body instanceof Readable) {
    // A streamed body: backpressure from the client reaches PostgreSQL; a failure after the headers cuts the
    // connection (the client sees fewer bytes than Content-Length), as nothing else can be said any more.
    if (isHead) {
      r.body.destroy();
      res.end();
    } else {
      pipe(r.body, res, () => {});
    }
  } else if (r.body === null || isHead) {
    res.end();
  } else {
    res.end(typeof r.body === 'string' && hasWideValue(headers) ? Buffer.from(r.body, 'utf8') : r.body);
  }
}

/**
 * Whether a header value holds a character beyond ASCII: raw bytes as latin1 characters (a non-ASCII relation name in
 * Content-Location or Location, a function's response.headers). node:http writes headers as latin1, except when it
 * joins them to a string body: then both go out in the body's encoding (UTF-8), which would encode those bytes twice.
 */
function hasWideValue(headers: readonly string[]): boolean {
  for (let i = 1; i < headers.length; i += 2) if (hasNonAscii(headers[i]!)) return true;
  return false;
}
