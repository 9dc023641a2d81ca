// response.headers names and values are checked as node:http checks them before writing (validateHeaderName /
// validateHeaderValue): what it would refuse is PGRST111 here, what it writes passes, character by character.
import assert from 'node:assert/strict';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import { gucHeaders } from '../../src/response/guc-headers.js';
import { headerBytes, headerText, isHeaderName, isHeaderValue } from '../../src/text/header-bytes.js';

/** A response.headers setting: a good header, then `name: value`. */
const guc = (name: string, value: string) => JSON.stringify([{ 'X-First': 'ok' }, { [name]: value }]);

function isPgrst111(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 'PGRST111');
    return true;
  }
}

function nodeAccepts(f: () => void): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

describe('response.headers validation', () => {
  it('rejects the brief cases and keeps good headers', () => {
    for (const [name, value] of [
      ['X-Bad Name', 'v'],
      ['', 'v'],
      ['X-Ü', 'v'],
      ['X:Colon', 'v'],
      ['X-Ok', 'a\r\nInjected: 1'],
      ['X-Ok', 'a\rb'],
      ['X-Ok', 'a\nb'],
      ['X-Ok', 'a\0b'],
      ['X-Ok', 'a\x7fb'],
    ]) {
      assert.ok(isPgrst111(() => gucHeaders(guc(name!, value!))), JSON.stringify([name, value]));
    }
    assert.deepEqual(gucHeaders(guc('X-Tab', 'a\tb')), [
      ['X-First', 'ok'],
      ['X-Tab', 'a\tb'],
    ]);
    assert.deepEqual(gucHeaders(guc("!#$%&'*+-.^_`|~09AZaz", 'héllo ☃')), [
      ['X-First', 'ok'],
      ["!#$%&'*+-.^_`|~09AZaz", headerBytes('héllo ☃')],
    ]);
    assert.deepEqual(gucHeaders(guc('X-Empty', '')), [
      ['X-First', 'ok'],
      ['X-Empty', ''],
    ]);
  });

  it('agrees with node:http on every character up to U+017F and a few beyond', () => {
    const chars = [...Array.from({ length: 0x180 }, (_, c) => String.fromCharCode(c)), '☃', '😀', '\u2028'];
    for (const ch of chars) {
      const name = `X-${ch}`;
      const value = `a${ch}b`;
      const at = `U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
      assert.equal(isHeaderName(name), nodeAccepts(() => validateHeaderName(name)), `name with ${at}`);
      assert.equal(isPgrst111(() => gucHeaders(guc(name, 'v'))), !nodeAccepts(() => validateHeaderName(name)), `guc name with ${at}`);
      // values go to node:http as their UTF-8 bytes (headerBytes), which node accepts unless a control character
      const bytes = headerBytes(value);
      assert.equal(isHeaderValue(bytes), nodeAccepts(() => validateHeaderValue('x', bytes)), `value with ${at}`);
      assert.equal(isPgrst111(() => gucHeaders(guc('X-V', value))), !nodeAccepts(() => validateHeaderValue('x', bytes)), `guc value with ${at}`);
    }
  });
});

describe('headerText', () => {
  it('reads a header’s latin1-spelt bytes as UTF-8', () => {
    assert.equal(headerText('plain'), 'plain');
    assert.equal(headerText(headerBytes('prof☃')), 'prof☃');
    assert.equal(headerText(headerBytes('profü')), 'profü');
    assert.equal(headerText('prof\xfc'), 'prof\ufffd');
  });
});
