// Unit tests for src/db/wire-tap.ts: whatever the chunking of the PostgreSQL message stream, the parser receives exactly
// the messages it would have, except a large DataRow the batch wants streamed, which it receives with a NULL body while
// the body's bytes go to the stream; backpressure pauses the socket; an abandoned body is dropped.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { BodyStream, STREAM_THRESHOLD, WireTap } from '../../src/db/wire-tap.js';

function message(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([head, payload]);
}

function dataRow(columns: readonly (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0]!.writeInt16BE(columns.length);
  for (const c of columns) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(c === null ? -1 : c.length);
    parts.push(len);
    if (c) parts.push(c);
  }
  return message('D', Buffer.concat(parts));
}

class FakeSocket extends EventEmitter {
  resumed = 0;
  isPaused = false;
  pause(): this {
    this.isPaused = true;
    return this;
  }
  resume(): this {
    this.resumed++;
    this.isPaused = false;
    return this;
  }
}

const body = Buffer.from('[{"label":"ünïcødé ✓ 日本語"}'.repeat(Math.ceil((STREAM_THRESHOLD * 2) / 30)), 'utf8');
const small = dataRow([Buffer.from('1'), null, Buffer.from('[]')]);
const big = dataRow([Buffer.from('20000'), null, Buffer.from('[{"X-Items":"all"}]'), body]);
const stream = Buffer.concat([
  message('1', Buffer.alloc(0)),
  message('2', Buffer.alloc(0)),
  message('T', Buffer.from('fake row description')),
  small,
  message('C', Buffer.from('SELECT 1\0')),
  message('T', Buffer.from('fake row description')),
  big,
  message('C', Buffer.from('SELECT 1\0')),
  message('Z', Buffer.from('I')),
]);
const expectedForward = Buffer.concat([
  stream.subarray(0, stream.indexOf(big)),
  dataRow([Buffer.from('20000'), null, Buffer.from('[{"X-Items":"all"}]'), null]),
  stream.subarray(stream.indexOf(big) + big.length),
]);

/** Sends bytes [from, to) of `stream` to the socket in chunks of `size`. */
function feed(socket: FakeSocket, from: number, to: number, size: number): void {
  for (let at = from; at < to; at += size) socket.emit('data', stream.subarray(at, Math.min(at + size, to)));
}

/** Arms `tap` for one body, read as it comes (or not at all); returns the body's stream and what it delivered. */
function armOnce(tap: WireTap, read: boolean) {
  const got: { sink?: BodyStream; chunks: Buffer[] } = { chunks: [] };
  tap.arm({
    wants: () => true,
    start: (length) => {
      const sink: BodyStream = new BodyStream(length, () => tap.resume(sink), () => tap.abandon(sink));
      if (read) sink.on('data', (c: Buffer) => got.chunks.push(c));
      got.sink = sink;
      return sink;
    },
  });
  return got;
}

/**
 * A tapped socket fed up to the middle of the large body (past the body stream's 256 KiB buffer, before its end) with
 * nobody reading the body: the socket is paused by then. `onData` is the parser's listener.
 */
function pausedMidBody(onData: (chunk: Buffer) => void = () => {}) {
  const socket = new FakeSocket();
  socket.on('data', onData);
  const got = armOnce(WireTap.install(socket as unknown as Socket)!, false);
  const middle = stream.indexOf(big) + big.length - 1000;
  feed(socket, 0, middle, 16 * 1024);
  assert.ok(socket.isPaused, 'paused while the body is unread');
  return { socket, got, middle };
}

/** Feeds `stream` in chunks of the given sizes (cycled); returns what the parser got and the streamed body. */
async function run(sizes: readonly number[], wants = true) {
  const socket = new FakeSocket();
  const forwarded: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => forwarded.push(Buffer.from(chunk)));
  const tap = WireTap.install(socket as unknown as Socket);
  assert.ok(tap);
  let sink: BodyStream | undefined;
  const streamed: Buffer[] = [];
  let asked = 0;
  tap.arm({
    wants: () => {
      asked++;
      // The parser has everything before the row by now (so the batch knows which statement's row it is).
      assert.ok(Buffer.concat(forwarded).equals(stream.subarray(0, stream.indexOf(big))));
      return wants;
    },
    start: (length) => {
      assert.equal(length, body.length);
      const created: BodyStream = new BodyStream(length, () => tap.resume(created), () => tap.abandon(created));
      sink = created;
      sink.on('data', (c: Buffer) => streamed.push(c));
      return sink;
    },
  });
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const n = sizes[i % sizes.length]!;
    socket.emit('data', stream.subarray(at, at + n));
    at += n;
  }
  if (sink) {
    // The batch ends the stream once PostgreSQL has finished (ReadyForQuery); here, at the end of the input.
    sink.push(null);
    await once(sink, 'end');
  }
  return { forwarded: Buffer.concat(forwarded), body: Buffer.concat(streamed), asked };
}

describe('WireTap', () => {
  for (const sizes of [[stream.length], [1], [2], [3], [4], [5], [6], [7], [64], [1000], [65536], [5, 1, 9, 2, 3000, 13, 65536, 4]]) {
    it(`streams the large body with chunks of ${sizes.join('/')} bytes`, async () => {
      const out = await run(sizes);
      assert.ok(out.forwarded.equals(expectedForward), 'the parser gets the messages with the body replaced by NULL');
      assert.ok(out.body.equals(body), 'the stream gets the body bytes');
    });
  }

  it('random chunkings agree', async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 30; round++) {
      const sizes = Array.from({ length: 50 }, () => 1 + Math.floor(rand() * (rand() < 0.5 ? 8 : 70000)));
      const out = await run(sizes);
      assert.ok(out.forwarded.equals(expectedForward));
      assert.ok(out.body.equals(body));
    }
  });

  for (const sizes of [[stream.length], [1], [3], [4096]]) {
    it(`hands a row the batch does not want to the parser unchanged (chunks of ${sizes[0]})`, async () => {
      const out = await run(sizes, false);
      assert.ok(out.forwarded.equals(stream));
      assert.equal(out.body.length, 0);
      assert.equal(out.asked, 1, 'the batch is asked once about the row, however it is chunked');
    });
  }

  it('pauses the socket while nobody reads and resumes on read', () => {
    const { socket, got } = pausedMidBody();
    got.sink!.read();
    assert.equal(socket.isPaused, false, 'a read resumes the socket');
  });

  it('pauses the socket while nobody reads, and drops the rest of the body once abandoned', () => {
    const forwarded: Buffer[] = [];
    const { socket, got, middle } = pausedMidBody((chunk) => forwarded.push(Buffer.from(chunk)));
    // The reader goes away without reading: only the abandon can resume the socket now.
    got.sink!.destroy();
    assert.ok(got.sink!.destroyed);
    const buffered = got.sink!.readableLength;
    assert.equal(socket.isPaused, false, 'an abandoned body does not hold the socket');
    // The rest arrives as a real socket delivers it: only while it is not paused.
    for (let at = middle; at < stream.length; at += 64) {
      assert.equal(socket.isPaused, false, `the socket flows at byte ${at} of ${stream.length}`);
      socket.emit('data', stream.subarray(at, Math.min(at + 64, stream.length)));
    }
    assert.equal(socket.isPaused, false, 'the socket flows once the body has passed');
    assert.equal(got.sink!.readableLength, buffered, 'the rest of the body went nowhere');
    // The parser got the messages after the body (CommandComplete, ReadyForQuery): the statement can finish.
    assert.ok(Buffer.concat(forwarded).equals(expectedForward), 'the parser gets every message, the body replaced by NULL');
  });

  it('a body that has all arrived no longer steers the socket: the next body on the connection is not cut short', async () => {
    const socket = new FakeSocket();
    socket.on('data', () => {});
    const tap = WireTap.install(socket as unknown as Socket)!;
    const first = armOnce(tap, false);
    feed(socket, 0, stream.length, 16 * 1024);
    assert.equal(socket.isPaused, false, 'the rest of the transaction is read although the body is unread');
    tap.disarm(); // the first batch is done (its ReadyForQuery arrived), as runBatch says
    const second = armOnce(tap, true);
    const middle = stream.indexOf(big) + big.length / 2;
    feed(socket, 0, middle, 16 * 1024);
    // The first body's reader wakes up or goes away only now (a slow client, long after its transaction).
    const resumed = socket.resumed;
    first.sink!.read();
    first.sink!.destroy();
    assert.equal(socket.resumed, resumed, 'the old body does not resume the socket');
    feed(socket, middle, stream.length, 16 * 1024);
    second.sink!.push(null);
    await once(second.sink!, 'end');
    assert.ok(Buffer.concat(second.chunks).equals(body), 'the second body arrives whole');
  });

  it('batches in flight take their turns: a large row of a batch that may not stream passes, the next one streams', async () => {
    // Two batches written one behind the other (db-pool-pipeline-depth): the parser's ReadyForQuery ends each, as
    // runBatch's done callback disarms it then.
    const socket = new FakeSocket();
    const parsed: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      parsed.push(chunk);
      if (Buffer.concat(parsed).lastIndexOf(message('Z', Buffer.from('I'))) >= 0 && !ended) {
        ended = true;
        tap.disarm();
      }
    });
    let ended = false;
    const tap = WireTap.install(socket as unknown as Socket)!;
    tap.arm(null);
    const second = armOnce(tap, true);
    const both = Buffer.concat([stream, stream]);
    for (let at = 0; at < both.length; at += 7000) socket.emit('data', both.subarray(at, Math.min(at + 7000, both.length)));
    second.sink!.push(null);
    await once(second.sink!, 'end');
    assert.ok(Buffer.concat(second.chunks).equals(body), "the second batch's body streamed whole");
    assert.ok(Buffer.concat(parsed).equals(Buffer.concat([stream, expectedForward])), 'the first batch reached the parser untouched');
  });

  it('is not installed when the socket has no single data listener', () => {
    assert.equal(WireTap.install(new FakeSocket() as unknown as Socket), undefined);
    assert.equal(WireTap.install(undefined), undefined);
  });
});
