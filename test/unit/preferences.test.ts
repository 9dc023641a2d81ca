// Prefer parsing (first value wins, trimming, invalid tokens), strict handling (PGRST122) and Preference-Applied rendering.
// Tables only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import {
  type PreferenceAction,
  type Preferences,
  appliedPreferences,
  checkStrictHandling,
  parsePreferences,
  preferenceAppliedHeader,
} from '../../src/request/preferences.js';

describe('parsePreferences', () => {
  const rows: readonly (readonly [string, readonly string[], Preferences])[] = [
    ['one header, comma list', ['resolution=ignore-duplicates, count=exact, timezone=America/Los_Angeles, max-affected=100'], { resolution: 'ignore-duplicates', count: 'exact', timezone: 'America/Los_Angeles', maxAffected: 100, invalid: [] }],
    ['several headers', ['resolution=ignore-duplicates', 'count=exact', 'missing=null', 'handling=lenient', 'invalid', 'max-affected=5999'], { resolution: 'ignore-duplicates', count: 'exact', missing: 'null', handling: 'lenient', maxAffected: 5999, invalid: ['invalid'] }],
    ['first wins in one header', ['tx=commit, tx=rollback'], { tx: 'commit', invalid: [] }],
    ['first wins across headers', ['resolution=ignore-duplicates', 'resolution=merge-duplicates'], { resolution: 'ignore-duplicates', invalid: [] }],
    ['arbitrary spacing', ['count=exact,    tx=commit   ,return=representation , missing=default, handling=strict, anything'], { count: 'exact', tx: 'commit', return: 'representation', missing: 'default', handling: 'strict', invalid: ['anything'] }],
    ['every value of every preference (first of each)', ['return=minimal, return=headers-only, count=planned, count=estimated, missing=null, handling=lenient, resolution=merge-duplicates, tx=rollback'], { return: 'minimal', count: 'planned', missing: 'null', handling: 'lenient', resolution: 'merge-duplicates', tx: 'rollback', invalid: [] }],
    ['return=headers-only', ['return=headers-only'], { return: 'headers-only', invalid: [] }],
    ['count=estimated', ['count=estimated'], { count: 'estimated', invalid: [] }],
    ['tabs and NBSP are trimmed', ['\tcount=exact\u00a0'], { count: 'exact', invalid: [] }],
    ['params=single-object is gone', ['params=single-object'], { invalid: ['params=single-object'] }],
    ['case matters', ['RETURN=minimal, return=Minimal'], { invalid: ['RETURN=minimal', 'return=Minimal'] }],
    ['count=none is not a preference', ['count=none'], { invalid: ['count=none'] }],
    ['semicolon parameters are not split', ['return=representation; foo'], { invalid: ['return=representation; foo'] }],
    ['invalid tokens keep their order and duplicates', ['a, b', 'a'], { invalid: ['a', 'b', 'a'] }],
    ['no headers', [], { invalid: [] }],
    ['empty header', [''], { invalid: [] }],
    ['trailing comma leaves an empty token', ['count=exact,'], { count: 'exact', invalid: [''] }],
    ['blank header', ['  '], { invalid: [''] }],
    ['empty timezone', ['timezone='], { timezone: '', invalid: [] }],
    ['timezone offsets', ['timezone=+05:30, timezone=-4'], { timezone: '+05:30', invalid: [] }],
    ['timezone is not validated here', ['timezone=Invalid/Timezone'], { timezone: 'Invalid/Timezone', invalid: [] }],
    ['first max-affected wins even when unreadable', ['max-affected=abc, max-affected=5'], { invalid: [] }],
    ['negative max-affected', ['max-affected=-5'], { maxAffected: -5, invalid: [] }],
    ['max-affected with inner space', ['max-affected= 7'], { maxAffected: 7, invalid: [] }],
    ['max-affected in parentheses', ['max-affected=(12)'], { maxAffected: 12, invalid: [] }],
    ['max-affected hex', ['max-affected=0x10'], { maxAffected: 16, invalid: [] }],
    ['max-affected with plus sign', ['max-affected=+5'], { invalid: [] }],
    ['max-affected fractional', ['max-affected=1.5'], { invalid: [] }],
    ['max-affected wraps at 64 bits', ['max-affected=9223372036854775808'], { maxAffected: -(2 ** 63), invalid: [] }],
  ];
  for (const [name, headers, expected] of rows) {
    it(name, () => assert.deepEqual(parsePreferences(headers), expected));
  }

  it('tx is accepted but dropped when db-tx-end forbids overrides', () =>
    assert.deepEqual(parsePreferences(['tx=rollback, count=exact'], { allowTxOverride: false }), { count: 'exact', invalid: [] }));
  it('tx is kept when overrides are allowed', () =>
    assert.deepEqual(parsePreferences(['tx=rollback'], { allowTxOverride: true }), { tx: 'rollback', invalid: [] }));
});

describe('checkStrictHandling', () => {
  const refused: readonly (readonly [readonly string[], string])[] = [
    [['handling=strict, anything'], 'Invalid preferences: anything'],
    [['handling=strict', 'something, else'], 'Invalid preferences: something, else'],
    [['return=representation, handling=strict, anything'], 'Invalid preferences: anything'],
    [['anything, handling=strict, handling=lenient'], 'Invalid preferences: anything'],
  ];
  for (const [headers, details] of refused) {
    it(`PGRST122 for ${JSON.stringify(headers)}`, () =>
      assert.throws(
        () => checkStrictHandling(parsePreferences(headers)),
        (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.status, 400);
          assert.deepEqual(e.body(), { code: 'PGRST122', message: 'Invalid preferences given with handling=strict', details, hint: null });
          return true;
        },
      ));
  }

  const allowed: readonly (readonly string[])[] = [
    ['handling=lenient, anything'],
    ['handling=lenient', 'anything'],
    ['anything'],
    ['handling=strict, count=exact, timezone=UTC, max-affected=1'],
    ['handling=lenient, handling=strict, anything'],
  ];
  for (const headers of allowed) {
    it(`no error for ${JSON.stringify(headers)}`, () => assert.doesNotThrow(() => checkStrictHandling(parsePreferences(headers))));
  }
});

describe('Preference-Applied', () => {
  const insertKeyed: PreferenceAction = { kind: 'insert', resolutionApplies: true };
  const insertKeyless: PreferenceAction = { kind: 'insert', resolutionApplies: false };
  const rows: readonly (readonly [string, PreferenceAction, string | undefined])[] = [
    ['resolution=merge-duplicates, return=representation', insertKeyed, 'resolution=merge-duplicates, return=representation'],
    ['resolution=ignore-duplicates, return=representation', insertKeyless, 'return=representation'],
    ['return=representation, missing=default, resolution=ignore-duplicates', insertKeyed, 'resolution=ignore-duplicates, missing=default, return=representation'],
    ['return=representation, count=exact', { kind: 'read' }, 'count=exact'],
    ['count=exact, return=representation', { kind: 'update' }, 'return=representation, count=exact'],
    ['missing=default, return=representation', { kind: 'update' }, 'missing=default, return=representation'],
    ['missing=default, return=minimal', { kind: 'delete' }, 'return=minimal'],
    ['return=headers-only, missing=default, resolution=merge-duplicates', { kind: 'single-upsert' }, 'return=headers-only'],
    ['handling=strict, max-affected=10', { kind: 'delete' }, 'handling=strict, max-affected=10'],
    ['handling=strict, max-affected=1', { kind: 'update' }, 'handling=strict, max-affected=1'],
    ['handling=lenient, max-affected=10', { kind: 'delete' }, 'handling=lenient'],
    ['max-affected=10', { kind: 'delete' }, undefined],
    ['handling=strict, max-affected=20', { kind: 'call' }, 'handling=strict, max-affected=20'],
    ['handling=strict, max-affected=10', { kind: 'read' }, 'handling=strict'],
    ['handling=strict, timezone=America/Los_Angeles', { kind: 'read' }, 'handling=strict, timezone=America/Los_Angeles'],
    ['timezone=-4', { kind: 'read' }, 'timezone=-4'],
    ['tx=commit', { kind: 'read' }, 'tx=commit'],
    ['timezone=UTC, tx=rollback, handling=strict, count=planned, return=minimal, missing=null, resolution=ignore-duplicates, max-affected=3', { kind: 'update' }, 'missing=null, return=minimal, count=planned, tx=rollback, handling=strict, timezone=UTC, max-affected=3'],
    ['return=representation', { kind: 'call' }, undefined],
    ['anything', { kind: 'read' }, undefined],
    ['', { kind: 'read' }, undefined],
  ];
  for (const [prefer, action, expected] of rows) {
    it(`${action.kind}: ${prefer || '(none)'}`, () =>
      assert.equal(preferenceAppliedHeader(appliedPreferences(parsePreferences([prefer]), action)), expected));
  }

  it('renders what it is given, in the fixed order', () =>
    assert.equal(
      preferenceAppliedHeader({ maxAffected: 2, handling: 'strict', timezone: 'UTC', tx: 'commit', count: 'exact', return: 'minimal', missing: 'default', resolution: 'merge-duplicates' }),
      'resolution=merge-duplicates, missing=default, return=minimal, count=exact, tx=commit, handling=strict, timezone=UTC, max-affected=2',
    ));
});
