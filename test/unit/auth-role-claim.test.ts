// Unit tests for src/auth/role-claim.ts and the JSONPath modules: which role a jwt-role-claim-key finds,
// the deprecated pre-v16 syntax, invalid keys, and the normalised text --dump-config prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { showScientific } from '../../src/auth/jsonpath-dump.js';
import { dumpRoleClaimKey, extractRole, parseRoleClaimKey, roleClaimKeyWarning } from '../../src/auth/role-claim.js';

const claims = {
  role: 'plain_user',
  app: { user_role: 'app_editor', roles: ['viewer', 'editor', 'owner'] },
  'https://example.org/claims': { role: 'namespaced_role' },
  'urn:app': [{ name: 'first_in_list' }, { name: 'second_in_list' }],
  groups: ['team-red', 'editor-team', 'staff'],
  grants: [
    { role: 'inactive_role', active: false, level: 5, kind: 'db' },
    { role: 'active_role', active: true, level: 1, kind: 'db' },
    { role: 'api_role', active: true, level: 3, kind: 'api' },
  ],
  byName: { zeta: 'from_zeta', alpha: 'from_alpha' },
  flags: { count: 7, on: true, nothing: null, obj: { b: 1 } },
  "it's": 'quoted_key_role',
  'a"b': 'double_quoted_key_role',
  é: 'accented_role',
};

function roleFor(key: string, from: Record<string, unknown> = claims): string | undefined {
  const path = parseRoleClaimKey(key);
  assert.equal(path.deprecated, false, `${key} should use the v16 syntax`);
  return extractRole(from, path);
}

function deprecatedRoleFor(key: string, from: Record<string, unknown> = claims): string | undefined {
  const path = parseRoleClaimKey(key);
  assert.equal(path.deprecated, true, `${key} should be the deprecated syntax`);
  return extractRole(from, path);
}

describe('jwt-role-claim-key: RFC 9535 JSONPath', () => {
  it('follows member names and indexes', () => {
    assert.equal(roleFor('$.role'), 'plain_user');
    assert.equal(roleFor('$.app.user_role'), 'app_editor');
    assert.equal(roleFor('$.app.roles[1]'), 'editor');
    assert.equal(roleFor('$.app.roles[-1]'), 'owner');
    assert.equal(roleFor('$.app.roles[3]'), undefined);
    assert.equal(roleFor('$.missing'), undefined);
    assert.equal(roleFor('$.app.roles.user_role'), undefined);
  });

  it('accepts quoted names for keys that are not identifiers, with escapes', () => {
    assert.equal(roleFor("$['https://example.org/claims'].role"), 'namespaced_role');
    assert.equal(roleFor('$["urn:app"][0].name'), 'first_in_list');
    assert.equal(roleFor("$['urn:app'][1]['name']"), 'second_in_list');
    assert.equal(roleFor("$['it\\'s']"), 'quoted_key_role');
    assert.equal(roleFor('$["it\'s"]'), 'quoted_key_role');
    assert.equal(roleFor('$["a\\"b"]'), 'double_quoted_key_role');
    assert.equal(roleFor("$['\\u00e9']"), 'accented_role');
    assert.equal(roleFor('$.é'), 'accented_role');
  });

  it('filters arrays by equality and by search(), using the first match', () => {
    assert.equal(roleFor("$.app.roles[?(@ == 'editor')]"), 'editor');
    assert.equal(roleFor('$.app.roles[?@ == "editor"]'), 'editor');
    assert.equal(roleFor("$.app.roles[?(@ != 'viewer')]"), 'editor');
    assert.equal(roleFor("$.app.roles[?search(@, '^ow')]"), 'owner');
    assert.equal(roleFor("$.groups[?search(@, 'team')]"), 'team-red');
    assert.equal(roleFor("$.groups[?search(@, '^editor')]"), 'editor-team');
    assert.equal(roleFor("$.app.roles[?(@ == 'nobody')]"), undefined);
  });

  it('filters objects by their members, with && || ! and comparisons', () => {
    assert.equal(roleFor('$.grants[?@.active == true].role'), 'active_role');
    assert.equal(roleFor("$.grants[?@.level > 2 && @.kind == 'api'].role"), 'api_role');
    assert.equal(roleFor("$.grants[?@.kind == 'none' || @.level <= 1].role"), 'active_role');
    assert.equal(roleFor('$.grants[?!(@.active == true)].role'), 'inactive_role');
    assert.equal(roleFor('$.grants[?@.missing].role'), undefined);
    assert.equal(roleFor('$.grants[?!@.missing].role'), 'inactive_role');
    assert.equal(roleFor('$.grants[?@.level >= 3].role'), 'inactive_role');
  });

  it('visits object members in code-point order of their keys', () => {
    assert.equal(roleFor('$.byName.*'), 'from_alpha');
    assert.equal(roleFor('$.byName[*]'), 'from_alpha');
    assert.equal(roleFor("$.byName[?search(@, '^from')]"), 'from_alpha');
  });

  it('supports descendant segments, slices and unions', () => {
    // Pre-order over sorted keys: "app" comes before "grants" and the top-level "role".
    assert.equal(roleFor('$..user_role'), 'app_editor');
    assert.equal(roleFor('$..role'), 'plain_user');
    assert.equal(roleFor('$.grants..role'), 'inactive_role');
    assert.equal(roleFor('$.app.roles[1:]'), 'editor');
    assert.equal(roleFor('$.app.roles[::-1]'), 'owner');
    assert.equal(roleFor('$.app.roles[-2:]'), 'editor');
    assert.equal(roleFor('$.app.roles[5, 2, 0]'), 'owner');
  });

  it('returns non-string values as JSON text', () => {
    assert.equal(roleFor('$.flags.count'), '7');
    assert.equal(roleFor('$.flags.on'), 'true');
    assert.equal(roleFor('$.flags.nothing'), 'null');
    assert.equal(roleFor('$.flags.obj'), '{"b":1}');
    assert.equal(roleFor('$', { a: 1 }), '{"a":1}');
  });

  it('only sees own members of the claims', () => {
    assert.equal(roleFor('$.constructor', {}), undefined);
    assert.equal(roleFor('$.toString', { role: 'x' }), undefined);
  });
});

describe('jwt-role-claim-key: deprecated JSPath', () => {
  it('follows keys, quoted keys and indexes', () => {
    assert.equal(deprecatedRoleFor('.role'), 'plain_user');
    assert.equal(deprecatedRoleFor('.app.user_role'), 'app_editor');
    assert.equal(deprecatedRoleFor('.app.roles[2]'), 'owner');
    assert.equal(deprecatedRoleFor('."https://example.org/claims".role'), 'namespaced_role');
    assert.equal(deprecatedRoleFor('."urn:app"[1].name'), 'second_in_list');
    assert.equal(deprecatedRoleFor('.app.roles[7]'), undefined);
    assert.equal(deprecatedRoleFor('.app[0]'), undefined);
    assert.equal(deprecatedRoleFor('.groups.name'), undefined);
  });

  it('supports a final filter with ==, !=, ^==, ==^ and *==', () => {
    assert.equal(deprecatedRoleFor('.app.roles[?(@ == "editor")]'), 'editor');
    assert.equal(deprecatedRoleFor('.app.roles[?(@ != "viewer")]'), 'editor');
    assert.equal(deprecatedRoleFor('.groups[?(@ ^== "editor")]'), 'editor-team');
    assert.equal(deprecatedRoleFor('.groups[?(@ ==^ "-red")]'), 'team-red');
    assert.equal(deprecatedRoleFor('.groups[?(@ *== "ta")]'), 'staff');
    assert.equal(deprecatedRoleFor('.groups[?(@==^"team")]'), 'editor-team');
  });

  it('never matches non-string elements', () => {
    assert.equal(deprecatedRoleFor('.grants[?(@ != "x")]'), undefined);
    assert.equal(deprecatedRoleFor('.list[?(@ == "1")]', { list: [1, '1'] }), '1');
  });

  it('comes with PostgREST’s deprecation warning, showing the normalised key', () => {
    assert.equal(roleClaimKeyWarning(parseRoleClaimKey('$.role')), undefined);
    const lines = roleClaimKeyWarning(parseRoleClaimKey('.app.role'));
    assert.equal(lines?.length, 2);
    assert.equal(lines?.[0], 'WARNING: The config `jwt-role-claim-key=."app"."role"` is using the deprecated JSPath syntax.');
    assert.match(lines?.[1] ?? '', /^Update `jwt-role-claim-key=\."app"\."role"` to the new JSONPath syntax/);
  });

  it('returns non-string values as JSON text', () => {
    assert.equal(deprecatedRoleFor('.flags.count'), '7');
    assert.equal(deprecatedRoleFor('.flags.nothing'), 'null');
  });
});

describe('jwt-role-claim-key: invalid keys', () => {
  const invalid = [
    '', '$.my_role;;domain', '@@.role.other', 'role', '$.', '$..', '$[', '$[]', ' $.role', '$.role ', '$.a b',
    '$[01]', '$[-0]', "$['open", "$.a[?(@ == 'x')", '$.a[?foo(@)]', '$.a[?@ === 1]', '$.1abc',
    '.a[?(@ == "x")].b', '.a[?(@ = "x")]', '.a-b', '.a[x]', '.', '."unterminated',
  ];
  for (const key of invalid) {
    it(`rejects ${JSON.stringify(key)}`, () => {
      assert.throws(() => parseRoleClaimKey(key), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /^failed to parse role-claim-key value \(/);
        return true;
      });
    });
  }

  it('prefers the v16 reading when a key is valid in both syntaxes', () => {
    const path = parseRoleClaimKey('$.role');
    assert.equal(path.kind, 'jsonpath');
  });
});

describe('dumpRoleClaimKey', () => {
  const dumps: readonly [string, string][] = [
    ['$.role', '$.role'],
    ['$["urn:app"][0].name', "$['urn:app'][0].name"],
    ['$.app.roles[?(@ == "editor")]', "$.app.roles[?(@ == 'editor')]"],
    ["$.groups[?search(@,'^ed')]", "$.groups[?search(@, '^ed')]"],
    ['$.grants[?@.level>2&&@.kind=="api"]', "$.grants[?@.level > 2.0 && @.kind == 'api']"],
    ['$.a[1:]', '$.a[1::1]'],
    ['$..role', '$..role'],
    ['$.a.*', '$.a.*'],
    ["$['it\\'s']", "$['it\\'s']"],
    ['.app.roles[?(@ ^== "ed")]', '."app"."roles"[?(@ ^== "ed")]'],
    ['.x[0]', '."x"[0]'],
  ];
  for (const [key, dumped] of dumps) {
    it(`prints ${key} as ${dumped}`, () => {
      assert.equal(dumpRoleClaimKey(parseRoleClaimKey(key)), dumped);
      if (key.startsWith('$')) assert.equal(dumpRoleClaimKey(parseRoleClaimKey(dumped)), dumped);
    });
  }

  it('prints numbers as Haskell shows a Scientific', () => {
    const cases: readonly [number, string][] = [
      [0, '0.0'], [1, '1.0'], [-3, '-3.0'], [0.5, '0.5'], [2.25, '2.25'], [1234567, '1234567.0'],
      [12345678, '1.2345678e7'], [1e7, '1.0e7'], [0.05, '5.0e-2'], [0.1, '0.1'],
    ];
    for (const [n, text] of cases) assert.equal(showScientific(n), text);
  });
});

describe('jwt-role-claim-key: properties', () => {
  const pathChars = fc.constantFrom(...'$@.[]()?*,:\'"!=<>&|-0123456789abcé _\\'.split(''), 'search', '..', '$.', '[?');
  const keyText = fc.oneof(fc.string(), fc.array(pathChars, { maxLength: 24 }).map((a) => a.join('')));

  it('either parses or throws a plain Error, and extraction never throws', () => {
    fc.assert(
      fc.property(keyText, fc.jsonValue(), (key, value) => {
        let path: ReturnType<typeof parseRoleClaimKey>;
        try {
          path = parseRoleClaimKey(key);
        } catch (e) {
          return e instanceof Error && e.message.startsWith('failed to parse role-claim-key value (');
        }
        const role = extractRole({ v: value, role: value }, path);
        return role === undefined || typeof role === 'string';
      }),
      { numRuns: 3000 },
    );
  });

  it('prints every v16 key so that it parses back to the same text', () => {
    fc.assert(
      fc.property(keyText, (key) => {
        let path: ReturnType<typeof parseRoleClaimKey>;
        try {
          path = parseRoleClaimKey(key);
        } catch {
          return true;
        }
        if (path.deprecated) return true;
        const dumped = dumpRoleClaimKey(path);
        return dumpRoleClaimKey(parseRoleClaimKey(dumped)) === dumped;
      }),
      { numRuns: 3000 },
    );
  });
});
