// BufferPool (text/buffer-pool.ts): exact sizes, reuse of released blocks, and nothing taken back that it did not lend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BufferPool } from '../../src/text/buffer-pool.js';

const KB = 1024;

describe('BufferPool', () => {
  test('a buffer of exactly the size asked, on a block reused once released', () => {
    const pool = new BufferPool(16 * KB, 1024 * KB, 4096 * KB);
    const a = pool.take(20 * KB);
    assert.equal(a.length, 20 * KB);
    assert.equal(a.buffer.byteLength, 32 * KB, 'capacities are powers of two from the minimum');
    pool.release(a);
    assert.equal(pool.held, 32 * KB);
    const b = pool.take(30 * KB);
    assert.equal(b.length, 30 * KB);
    assert.equal(b.buffer, a.buffer, 'the same block');
    assert.equal(pool.held, 0);
    const c = pool.take(30 * KB);
    assert.notEqual(c.buffer, b.buffer, 'a block out on loan is not lent twice');
  });

  test('the smallest idle block that fits', () => {
    const pool = new BufferPool(16 * KB, 1024 * KB, 4096 * KB);
    const big = pool.take(200 * KB);
    const small = pool.take(17 * KB);
    pool.release(big);
    pool.release(small);
    assert.equal(pool.take(18 * KB).buffer, small.buffer);
    assert.equal(pool.take(18 * KB).buffer, big.buffer);
    assert.equal(pool.held, 0);
  });

  test('sizes outside the range are plain allocations, never pooled', () => {
    const pool = new BufferPool(16 * KB, 64 * KB, 4096 * KB);
    for (const size of [0, 100, 16 * KB - 1, 64 * KB + 1]) {
      const b = pool.take(size);
      assert.equal(b.length, size);
      pool.release(b);
      assert.equal(pool.held, 0, String(size));
    }
  });

  test('foreign buffers and second releases are ignored', () => {
    const pool = new BufferPool(16 * KB, 1024 * KB, 4096 * KB);
    pool.release(Buffer.allocUnsafeSlow(32 * KB));
    pool.release(Buffer.alloc(20 * KB));
    assert.equal(pool.held, 0);
    const a = pool.take(20 * KB);
    pool.release(a);
    pool.release(a);
    pool.release(a.subarray(0, 10));
    assert.equal(pool.held, 32 * KB);
    const b = pool.take(20 * KB);
    const c = pool.take(20 * KB);
    assert.notEqual(b.buffer, c.buffer, 'released once, lent once');
  });

  test('a view on a lent block gives the block back', () => {
    const pool = new BufferPool(16 * KB, 1024 * KB, 4096 * KB);
    const a = pool.take(40 * KB);
    pool.release(a.subarray(0, 10 * KB));
    assert.equal(pool.held, 64 * KB);
  });

  test('no more than maxHeld bytes wait in the pool', () => {
    const pool = new BufferPool(16 * KB, 1024 * KB, 100 * KB);
    const lent = [pool.take(20 * KB), pool.take(20 * KB), pool.take(20 * KB), pool.take(20 * KB)];
    for (const b of lent) pool.release(b);
    assert.equal(pool.held, 96 * KB, 'three 32 kB blocks; the fourth is left to the collector');
  });
});
