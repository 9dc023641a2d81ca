// Unit tests for src/db/frontend.ts: a batch's messages decoded back field by field — Parse only when asked, Bind with
// per-parameter formats (text, binary for bytes), null as length -1, values measured in UTF-8 bytes, Describe only
// when asked, Execute of the unnamed portal without a row limit, one Sync at the end, and every length exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frontendMessages } from '../../src/db/frontend.js';
import { type Decoded, decodeFrontend as decode } from '../support/frontend.js';

describe('frontendMessages', () => {
  it('parses, binds, describes and executes each statement, then syncs once', () => {
    const buf = frontendMessages([
      { name: 'pgrst_1', text: 'SELECT set_config($1, $2, true)', values: ['a.b', 'ünïcödé ✓'], describe: false },
      { name: '', text: 'SELECT $1::bytea, $2::text', values: [Buffer.from([0, 255, 16]), null], describe: true },
    ]);
    assert.deepEqual(decode(buf), [
      { type: 'P', name: 'pgrst_1', text: 'SELECT set_config($1, $2, true)', types: 0 },
      { type: 'B', portal: '', name: 'pgrst_1', formats: [0, 0], values: ['a.b', 'ünïcödé ✓'], resultFormats: [0] },
      { type: 'E', portal: '', rows: 0 },
      { type: 'P', name: '', text: 'SELECT $1::bytea, $2::text', types: 0 },
      { type: 'B', portal: '', name: '', formats: [1, 0], values: ['bytes:00ff10', null], resultFormats: [0] },
      { type: 'D', target: 'P', name: '' },
      { type: 'E', portal: '', rows: 0 },
      { type: 'S' },
    ]);
  });

  it('a statement already parsed is only bound; no parameters and empty texts are fine', () => {
    const buf = frontendMessages([
      { name: 'pgrst_7', text: undefined, values: [], describe: false },
      { name: 'pgrst_8', text: undefined, values: ['', 'x'.repeat(70_000)], describe: true },
    ]);
    const msgs = decode(buf);
    assert.deepEqual(
      msgs.map((m) => m.type),
      ['B', 'E', 'B', 'D', 'E', 'S'],
    );
    assert.deepEqual(msgs[0], { type: 'B', portal: '', name: 'pgrst_7', formats: [], values: [], resultFormats: [0] });
    const big = msgs[2] as Extract<Decoded, { type: 'B' }>;
    assert.deepEqual([big.values[0], big.values[1]?.length], ['', 70_000]);
  });

  it('an empty batch is a lone Sync', () => {
    assert.deepEqual([...frontendMessages([])], [0x53, 0, 0, 0, 4]);
  });
});
