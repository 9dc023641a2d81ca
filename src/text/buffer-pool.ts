// Reusable buffers for the two large byte arrays a request can need: its body and the batch of frontend messages
// carrying it to PostgreSQL. Allocated fresh, each would be a malloc'd block of ~100 kB per bulk insert that lives as
// long as the request (so it outlives young-generation collections) and is freed only by a full collection; the C
// heap then keeps the freed space, fragmented, and the process stays tens of MB larger after a burst of bulk inserts.
// A pooled buffer is reused instead; only sizes in [minSize, maxSize] are pooled, and at most `maxHeld` bytes wait in
// the pool (the rest are left to the collector).

export class BufferPool {
  /** Idle buffers, each a whole ArrayBuffer (byteOffset 0, its full capacity). */
  readonly #idle: ArrayBuffer[] = [];
  #held = 0;
  /** Buffers out on loan: release() takes back only these, once each. Weak, so one never released is collected. */
  readonly #lent = new WeakSet<ArrayBuffer>();

  constructor(
    readonly minSize: number,
    readonly maxSize: number,
    readonly maxHeld: number,
  ) {}

  /** A buffer of exactly `size` bytes, uninitialised: a view on a pooled block when `size` is in the pooled range. */
  take(size: number): Buffer {
    if (size < this.minSize || size > this.maxSize) return Buffer.allocUnsafe(size);
    const idle = this.#idle;
    let best = -1;
    for (let i = 0; i < idle.length; i++) {
      const cap = idle[i]!.byteLength;
      if (cap >= size && (best < 0 || cap < idle[best]!.byteLength)) best = i;
    }
    let block: ArrayBuffer;
    if (best < 0) {
      block = Buffer.allocUnsafeSlow(capacityFor(size, this.minSize)).buffer as ArrayBuffer;
    } else {
      block = idle[best]!;
      idle[best] = idle[idle.length - 1]!;
      idle.pop();
      this.#held -= block.byteLength;
    }
    this.#lent.add(block);
    return Buffer.from(block, 0, size);
  }

  /** Gives back a buffer from take(); anything else (a small or foreign buffer, a second release) is ignored. */
  release(buf: Buffer): void {
    const block = buf.buffer as ArrayBuffer;
    if (!this.#lent.delete(block)) return;
    if (this.#held + block.byteLength > this.maxHeld) return;
    this.#idle.push(block);
    this.#held += block.byteLength;
  }

  /** Bytes waiting in the pool. */
  get held(): number {
    return this.#held;
  }
}

/** Capacities are powers of two from `min`, so blocks fit a range of sizes and are reused across them. */
function capacityFor(size: number, min: number): number {
  let cap = min;
  while (cap < size) cap *= 2;
  return cap;
}
