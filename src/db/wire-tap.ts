// Streams a large response body from PostgreSQL to the client without holding it in memory. Every statement that
// builds a response returns one row whose LAST column is the body, built whole by PostgreSQL. node-postgres reads each
// protocol message whole before handing it on, so a 100 MB body would become a 100 MB buffer plus a 200 MB string.
// The tap sits between the connection's socket and node-postgres's parser: it follows the message framing of every
// chunk (a few integer reads per message) and forwards the bytes untouched, except for a DataRow bigger than
// STREAM_THRESHOLD that the armed batch asks for. Of that row, the parser gets the leading columns with the body
// replaced by NULL, and the body's bytes go, as they arrive, to a Readable the HTTP layer pipes to the response —
// with backpressure: the socket is paused while the client is slow, so PostgreSQL waits instead of our memory growing.
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bodies at least this long (bytes) are streamed; smaller ones take the ordinary path. */
export const STREAM_THRESHOLD = 128 * 1024;

const DATA_ROW = 0x44; // 'D'

/**
 * Every socket read is a fresh 64 KiB buffer. Little JavaScript runs per chunk, so V8 sees no reason to collect, and
 * the read buffers of a streamed body would pile up as garbage (tens of MB) until external-memory pressure triggers
 * a collection. A young-generation collection every RECLAIM_BYTES streamed (about a millisecond each) frees them.
 */
const RECLAIM_BYTES = 4 * 1024 * 1024;
let collectYoung: ((options: { type: 'minor' }) => void) | null | undefined;

function reclaimReadBuffers(): void {
  if (collectYoung === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collectYoung = runInNewContext('gc') as (options: { type: 'minor' }) => void;
    } catch {
      collectYoung = null;
    }
  }
  collectYoung?.({ type: 'minor' });
}

/** What an armed batch answers when a large DataRow begins. */
export interface StreamRequest {
  /** True when the row now arriving belongs to the statement whose body may stream, and its last column is that body. */
  wants(): boolean;
  /** The leading columns reached the parser (body NULL); returns the stream the body's bytes go to. */
  start(length: number): BodyStream;
}

/** The body of one response, readable while it arrives; `byteLength` is known from the start. */
export class BodyStream extends Readable {
  readonly byteLength: number;
  readonly #resume: () => void;
  readonly #abandon: () => void;

  constructor(byteLength: number, resume: () => void, abandon: () => void) {
    super({ highWaterMark: 256 * 1024 });
    this.byteLength = byteLength;
    this.#resume = resume;
    this.#abandon = abandon;
  }

  override _read(): void {
    this.#resume();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // Nobody reads any more (client gone, response replaced): the rest of the body is read off the socket and dropped,
    // so the connection finishes its statement and goes back to the pool.
    this.#abandon();
    callback(err);
  }
}

type Mode = 'pass' | 'prefix' | 'body';

/** Installed once per connection, right after it connected (the stream is then between messages). */
export class WireTap {
  readonly #socket: Socket;
  readonly #forward: (chunk: Buffer) => void;
  #mode: Mode = 'pass';
  /** Bytes of the current message not yet seen (pass: to skip; body: to stream). */
  #remaining = 0;
  /** A message header cut by a chunk boundary (held back from the parser until complete). */
  readonly #header = Buffer.alloc(5);
  #held = 0;
  /** The large DataRow's leading bytes while its leading columns are collected. */
  #prefix: Buffer[] = [];
  #prefixLength = 0;
  #rowLength = 0;
  /**
   * One entry per batch in flight, in the order they were written (and so answered): its stream request, or null when
   * its body may not stream (or already does). The first is the batch whose messages are arriving.
   */
  readonly #requests: (StreamRequest | null)[] = [];
  /** The non-null entries of #requests. */
  #armed = 0;
  #sink: BodyStream | undefined;
  #dropping = false;
  #sinceReclaim = 0;

  private constructor(socket: Socket, forward: (chunk: Buffer) => void) {
    this.#socket = socket;
    this.#forward = forward;
    socket.removeListener('data', forward);
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
  }

  /** Puts a tap in front of the socket's only 'data' listener (node-postgres's parser); undefined when that is not so. */
  static install(socket: Socket | undefined): WireTap | undefined {
    const listeners = socket?.listeners('data');
    if (!socket || listeners?.length !== 1) return undefined;
    return new WireTap(socket, listeners[0] as (chunk: Buffer) => void);
  }

  /**
   * Every batch, as it is written: a large DataRow of it streams if `request` wants it (null: never). disarm() when the
   * batch is done; batches end in the order they were written, so the first entry is always the one being answered.
   */
  arm(request: StreamRequest | null): void {
    this.#requests.push(request);
    if (request) this.#armed++;
  }

  disarm(): void {
    if (this.#requests.shift()) this.#armed--;
  }

  #data(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    let from = 0; // first byte of this chunk not yet forwarded
    while (i < n) {
      if (this.#mode === 'body') {
        const k = Math.min(this.#remaining, n - i);
        this.#emit(chunk.subarray(i, i + k));
        i += k;
        from = i;
        this.#remaining -= k;
        if (this.#remaining === 0) this.#endBody();
        continue;
      }
      if (this.#mode === 'prefix') {
        const k = Math.min(this.#rowLength - this.#prefixLength, n - i);
        this.#prefix.push(chunk.subarray(i, i + k));
        this.#prefixLength += k;
        i += k;
        from = i;
        this.#tryStart();
        continue;
      }
      if (this.#remaining > 0) {
        const k = Math.min(this.#remaining, n - i);
        i += k;
        this.#remaining -= k;
        continue;
      }
      // A message header: type byte and length (the length counts itself, not the type byte).
      if (this.#held === 0 && n - i >= 5) {
        const start = i;
        const type = chunk[i]!;
        const length = chunk.readInt32BE(i + 1) - 4;
        i += 5;
        if (type === DATA_ROW && length >= STREAM_THRESHOLD && this.#armed > 0) {
          // Everything before this row reaches the parser first, so the batch knows which statement and columns it is.
          if (start > from) this.#forward(chunk.subarray(from, start));
          from = start;
          if (this.#beginRow(length, chunk.subarray(start, start + 5))) {
            from = i;
            continue;
          }
        }
        this.#remaining = length;
        continue;
      }
      // A header cut by a chunk boundary: held back from the parser until it is whole.
      if (this.#held === 0 && i > from) this.#forward(chunk.subarray(from, i));
      while (this.#held < 5 && i < n) this.#header[this.#held++] = chunk[i++]!;
      from = i;
      if (this.#held < 5) break;
      this.#held = 0;
      const header = Buffer.from(this.#header);
      const length = header.readInt32BE(1) - 4;
      if (header[0] === DATA_ROW && length >= STREAM_THRESHOLD && this.#armed > 0 && this.#beginRow(length, header)) continue;
      this.#forward(header);
      this.#remaining = length;
    }
    if (from < n) this.#forward(chunk.subarray(from));
  }

  /** A large DataRow begins (its header not forwarded): true when the batch wants it streamed. */
  #beginRow(length: number, header: Buffer): boolean {
    // asked only now: the messages before this row (the end of an earlier batch included) have reached the parser
    if (!this.#requests[0]?.wants()) return false;
    this.#mode = 'prefix';
    this.#rowLength = length;
    this.#prefix = [header];
    this.#prefixLength = 0;
    return true;
  }

  /**
   * Once the leading columns and the body's length are in: hands the parser the row with a NULL body and starts the
   * stream. A row whose body is not its last column (never built by us) is handed on whole.
   */
  #tryStart(): void {
    const bytes = this.#prefix.length === 2 ? this.#prefix[1]! : Buffer.concat(this.#prefix.slice(1));
    const header = this.#prefix[0]!;
    this.#prefix = [header, bytes];
    if (bytes.length < 2) return;
    const columns = bytes.readInt16BE(0);
    let at = 2;
    for (let c = 0; c < columns - 1; c++) {
      if (bytes.length < at + 4) return;
      at += 4 + Math.max(0, bytes.readInt32BE(at));
      if (bytes.length < at) return;
    }
    if (bytes.length < at + 4) return;
    const bodyLength = bytes.readInt32BE(at);
    at += 4;
    this.#prefix = [];
    if (columns < 1 || bodyLength < 0 || at + bodyLength !== this.#rowLength) {
      // Not the shape we stream: the parser gets the row as it came.
      this.#mode = 'pass';
      this.#forward(header);
      this.#forward(bytes);
      this.#remaining = this.#rowLength - bytes.length;
      return;
    }
    const row = Buffer.alloc(5 + at);
    row[0] = DATA_ROW;
    row.writeInt32BE(4 + at, 1);
    bytes.copy(row, 5, 0, at - 4);
    row.writeInt32BE(-1, 1 + at);
    this.#mode = 'body';
    this.#remaining = bodyLength;
    this.#forward(row);
    const request = this.#requests[0]!;
    this.#requests[0] = null;
    this.#armed--;
    this.#dropping = false;
    this.#sink = request.start(bodyLength);
    const early = bytes.subarray(at);
    if (early.length > 0) {
      this.#emit(early);
      this.#remaining -= early.length;
    }
    if (this.#remaining === 0) this.#endBody();
  }

  #emit(bytes: Buffer): void {
    this.#sinceReclaim += bytes.length;
    if (this.#sinceReclaim >= RECLAIM_BYTES) {
      this.#sinceReclaim = 0;
      reclaimReadBuffers();
    }
    if (this.#dropping || !this.#sink) return;
    if (!this.#sink.push(bytes)) this.#socket.pause();
  }

  #endBody(): void {
    this.#mode = 'pass';
    this.#remaining = 0;
    this.#sink = undefined;
    // The rest of the transaction's messages must not wait for this body's reader.
    this.#socket.resume();
  }

  /** `body`'s reader wants more (ignored once that body has all arrived: the socket serves the next one then). */
  resume(body: BodyStream): void {
    if (this.#sink === body) this.#socket.resume();
  }

  /** `body`'s reader is gone: drop the rest of it and keep the socket flowing (ignored once it has all arrived). */
  abandon(body: BodyStream): void {
    if (this.#sink !== body) return;
    this.#dropping = true;
    this.#socket.resume();
  }
}
