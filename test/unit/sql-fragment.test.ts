import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compile, ident, join, keyword, param, qualified, quoteIdent, sql } from '../../src/sql/fragment.js';

test('fragments number placeholders once, in order', () => {
  const where = join([sql`${ident('a')} = ${param(1)}`, sql`${ident('b')} = ANY(${param(['x', 'y'])})`], ' AND ');
  const q = compile(sql`SELECT * FROM ${qualified('s', 't')} WHERE ${where} LIMIT ${param(3)}`);
  assert.equal(q.text, 'SELECT * FROM "s"."t" WHERE "a" = $1 AND "b" = ANY($2) LIMIT $3');
  assert.deepEqual(q.values, [1, ['x', 'y'], 3]);
});

test('identifiers are always quoted and escaped', () => {
  assert.equal(quoteIdent('plain'), '"plain"');
  assert.equal(quoteIdent('we"ird'), '"we""ird"');
  assert.equal(quoteIdent('x"; DROP TABLE t; --'), '"x""; DROP TABLE t; --"');
  assert.equal(quoteIdent('nul\0byte'), '"nul"');
  assert.equal(compile(keyword(' AND ')).text, ' AND ');
});

test('property: a quoted identifier is one token whose unquoting gives the name back', () => {
  fc.assert(
    fc.property(fc.string(), (name) => {
      const q = quoteIdent(name);
      assert.ok(q.startsWith('"') && q.endsWith('"'));
      const inner = q.slice(1, -1);
      assert.ok(!/(^|[^"])"([^"]|$)/.test(inner.replaceAll('""', '')), 'no lone quote inside');
      assert.equal(inner.replaceAll('""', '"'), name.split('\0')[0]);
    }),
  );
});
