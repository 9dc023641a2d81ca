// A POSTed lone object whose values are all scalars goes to PostgreSQL as one text parameter per column
// (`INSERT ... SELECT b."a"::type FROM (SELECT $1::text AS "a" OFFSET 0) AS b`) where the column's input function on the value's text is all json_to_record would do,
// and as the one JSON parameter (json_to_record) everywhere else. Run alone on a table where nothing of the user's runs
// during an insert, the values go as parameters of their columns' types in a VALUES list, the fenced form answering
// any data exception. Checked against json_to_record itself: for every column and a spread of JSON values, the row
// written (or the error) is the one the JSON form gives.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectMetricDelta } from '../support/metrics.js';
import { recordQueries } from '../support/queries.js';
import { startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
before(async () => {
  w = await startWriteEnv({ PGRST_DB_SCHEMAS: 'wvals' });
});
after(async () => {
  await w.stop();
});

const MEMBER_BY_MEMBER = ['i2', 'i4', 'i8', 'num', 'num41', 'r4', 'f8', 't', 'vc', 'vc3', 'ch3', 'ch', 'b', 'u', 'd', 'ts', 'tstz', 'by', 'ip', 'net', 'mac', 'm', 'dpos', 'dnum'];
const FROM_JSON = ['j', 'jb', 'arr', 'iv_min', 'ts0', 'tm', 'dcode'];

// JSON values as written in a body: numbers in several spellings, strings that parse as numbers, dates, addresses...
const VALUES = [
  '0', '-0', '1', '-17', '42', '1.5', '1.25', '-0.50', '1e2', '1E+2', '2.5e-3', '12345678901234567890', '3.5e38', '1e400',
  '""', '"abc"', '"abcd"', '"abc  "', '"ab"', '" 42 "', '"4e1"', '"NaN"', '"-Infinity"', '"true"', '"yes"', '"t"',
  '"2020-02-30"', '"2020-01-02"', '"2020-01-02 03:04:05.678+02"', '"a\\u00e9\\n\\"q\\"\\ud83d\\ude00"', '"\\\\x41ff"',
  '"10.0.0.1/8"', '"10.0.0.0/8"', '"08:00:2b:01:02:03"', '"e4d2f1b0-8b9c-4f5a-9d1e-2a3b4c5d6e7f"', '"happy"', '"meh"',
  '"50"', '"{1,2}"', '"01:02"', 'true', 'false', 'null',
];

const types = new Map<string, string>();

/** What the JSON form gives `{"<column>": <value>}`: the written column as JSON, or the error's code and message. */
async function viaJson(column: string, value: string): Promise<unknown> {
  const type = types.get(column)!;
  try {
    // the server's search_path: a type's name in an error is written as the server's session would
    await w.exec("BEGIN; SET LOCAL search_path = wvals");
    const rows = await w.rows(
      `INSERT INTO wvals.scalars ("${column}") SELECT b."${column}" FROM json_to_record($1::json) AS b("${column}" ${type}) RETURNING json_build_object('${column}', "${column}") AS row`,
      [`{"${column}":${value}}`],
    );
    return [rows[0]!.row];
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  } finally {
    await w.exec('ROLLBACK');
  }
}

/** What the server gives the same body, as the written row or the error's code and message. */
async function viaServer(column: string, value: string): Promise<unknown> {
  const r = await w.call('POST', `/scalars?select=${column}`, `{"${column}":${value}}`, {
    'Content-Type': 'application/json',
    Prefer: 'return=representation',
  });
  const body = JSON.parse(r.text) as { code?: string; message?: string };
  if (r.status === 201) return body;
  assert.ok(r.status >= 400 && r.status < 500, `${column} ${value}: ${r.status} ${r.text}`);
  return { code: body.code, message: body.message };
}

/** The INSERT a request sends and how many values it carries. */
async function insertOf(path: string, body: string, headers: Record<string, string> = {}) {
  let status = 0;
  const sent = await recordQueries(w.srv.app, async () => {
    status = (await w.call('POST', path, body, { 'Content-Type': 'application/json', ...headers })).status;
  });
  const insert = sent.find((q) => q.text.includes('INSERT INTO'))!;
  return { status, text: insert.text, values: insert.values };
}

describe('a lone object of scalars, member by member', () => {
  before(async () => {
    const rows = await w.rows(
      `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'wvals.scalars'::regclass AND attnum > 0 AND NOT attisdropped`,
    );
    for (const r of rows) types.set(r.attname as string, r.type as string);
  });

  test('writes what json_to_record writes, or fails as it fails, for every column and value', async () => {
    for (const column of [...MEMBER_BY_MEMBER, ...FROM_JSON]) {
      for (const value of VALUES) {
        assert.deepEqual(await viaServer(column, value), await viaJson(column, value), `${column} = ${value}`);
      }
    }
    // the cases above do reach both outcomes
    assert.deepEqual(await viaServer('vc3', '"abcd"'), { code: '22001', message: 'value too long for type character varying(3)' });
    assert.deepEqual(await viaServer('num41', '1.25'), [{ num41: 1.3 }]);
  });

  test('the columns taken as text get one parameter each', async () => {
    for (const column of MEMBER_BY_MEMBER) {
      const { status, text, values } = await insertOf('/scalars', `{"${column}":null}`, { Prefer: 'return=minimal' });
      assert.ok(status === 201 || status === 400, `${column}: ${status}`);
      assert.match(text, new RegExp(`^INSERT INTO "wvals"\\."scalars" \\("${column}"\\) SELECT pgrst_body\\."${column}"::[^,]+ FROM \\(SELECT \\$1::text AS "${column}" OFFSET 0\\) AS pgrst_body$`), column);
      assert.equal(values, 1);
    }
    const several = await insertOf('/scalars?select=id', '{"t":"x","i4":7,"b":true,"m":"ok"}', { Prefer: 'return=representation' });
    assert.equal(several.status, 201);
    assert.match(
      several.text,
      /INSERT INTO "wvals"\."scalars" \("b", "i4", "m", "t"\) SELECT pgrst_body\."b"::boolean, pgrst_body\."i4"::integer, pgrst_body\."m"::wvals\.mood, pgrst_body\."t"::text FROM \(SELECT \$1::text AS "b", \$2::text AS "i4", \$3::text AS "m", \$4::text AS "t" OFFSET 0\) AS pgrst_body RETURNING/,
    );
    // a domain by its own name, a typmod left to the assignment, character as bpchar (character alone is character(1))
    const typed = await insertOf('/scalars', '{"ch3":"x","dpos":5,"vc3":"x"}', { Prefer: 'return=minimal' });
    assert.match(typed.text, /SELECT pgrst_body\."ch3"::bpchar, pgrst_body\."dpos"::wvals\.small_pos, pgrst_body\."vc3"::character varying FROM/);
    assert.equal(several.values, 4);
  });

  test('a value is read when the statement runs: without INSERT, a bad value still gets 42501', async () => {
    for (const body of ['{"i":"not a number"}', '{"i":1}']) {
      const r = await w.call('POST', '/locked', body, { 'Content-Type': 'application/json' });
      assert.equal(r.status, 401, r.text);
      assert.equal(JSON.parse(r.text).code, '42501');
    }
  });

  test('json, jsonb, arrays and typmods read at input keep the JSON parameter', async () => {
    for (const column of FROM_JSON) {
      const { text } = await insertOf('/scalars', `{"${column}":null}`, { Prefer: 'return=minimal' });
      assert.match(text, /json_to_record\(\$1::json\)/, column);
    }
    // one such column among others is enough
    assert.match((await insertOf('/scalars', '{"t":"x","j":1}')).text, /json_to_record/);
  });

  test('a nested value, a repeated member, \\u0000, an array body, missing=default and PUT keep the JSON parameter', async () => {
    for (const [body, headers] of [
      ['{"t":{"x":1}}', {}],
      ['{"t":[1]}', {}],
      ['{"t":"a","t":"b"}', {}],
      ['{"t":"a\\u0000b"}', {}],
      ['[{"t":"a"}]', {}],
      ['{"t":"a"}', { Prefer: 'missing=default' }],
    ] as const) {
      const { text } = await insertOf('/scalars', body, headers);
      assert.match(text, /json_to(set)?_record(set)?\(|jsonb_to_record/, body);
    }
    // what they write is still json_to_record's: a nested value's JSON text, the last of repeated members
    const r = await w.call('POST', '/scalars?select=t', '{"t":{"x":[1, 2]}}', { 'Content-Type': 'application/json', Prefer: 'return=representation' });
    assert.deepEqual(JSON.parse(r.text), [{ t: '{"x":[1, 2]}' }]);
    const dup = await w.call('POST', '/scalars?select=t', '{"t":"a","t":"b"}', { 'Content-Type': 'application/json', Prefer: 'return=representation' });
    assert.deepEqual(JSON.parse(dup.text), [{ t: 'b' }]);
    const nul = await w.call('POST', '/scalars', '{"t":"a\\u0000b"}', { 'Content-Type': 'application/json' });
    assert.equal(nul.status, 400);
    assert.equal(JSON.parse(nul.text).code, '22P05');
    const put = await recordQueries(w.srv.app, async () => {
      assert.equal((await w.call('PUT', '/scalars?id=eq.900001', { id: 900001, t: 'put' })).status, 204);
    });
    assert.match(put.find((q) => q.text.includes('INSERT INTO'))!.text, /json_to_record/);
  });

  test('the shape cache fills each request’s own values in, and tells an object of scalars from a nested one', async () => {
    const post = (body: string) => w.call('POST', '/scalars?select=t,i4', body, { 'Content-Type': 'application/json', Prefer: 'return=representation' });
    assert.deepEqual(JSON.parse((await post('{"t":"first","i4":1}')).text), [{ t: 'first', i4: 1 }]);
    await expectMetricDelta(w.srv, 'postgrest_ts_shape_cache_hits_total', 3, async () => {
      // the same keys in another order, escapes, a null: the same shape
      assert.deepEqual(JSON.parse((await post('{"i4":2,"t":"sec\\u006fnd"}')).text), [{ t: 'second', i4: 2 }]);
      assert.deepEqual(JSON.parse((await post('{"t":null,"i4":-3}')).text), [{ t: null, i4: -3 }]);
      const bad = await post('{"t":"x","i4":"four"}');
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.text).message, 'invalid input syntax for type integer: "four"');
    });
    // a nested value is another shape (the JSON form), learnt then served from the cache in turn
    await expectMetricDelta(w.srv, 'postgrest_ts_shape_cache_hits_total', 0, async () => {
      assert.deepEqual(JSON.parse((await post('{"t":["n"],"i4":4}')).text), [{ t: '["n"]', i4: 4 }]);
    });
    await expectMetricDelta(w.srv, 'postgrest_ts_shape_cache_hits_total', 1, async () => {
      assert.deepEqual(JSON.parse((await post('{"t":{"n":5},"i4":5}')).text), [{ t: '{"n":5}', i4: 5 }]);
    });
  });
});

describe('a lone object of scalars run alone where nothing of the user runs: a VALUES list read at Bind', () => {
  const BARE = MEMBER_BY_MEMBER.filter((c) => c !== 'dpos' && c !== 'dnum');
  const inserts = (texts: readonly { text: string }[]) => texts.map((q) => q.text).filter((t) => t.includes('INSERT INTO'));

  /** What the server writes for the body without a representation: the row read back, or the error's code and message. */
  async function viaBind(column: string, value: string): Promise<unknown> {
    const r = await w.call('POST', '/bare_scalars', `{"${column}":${value}}`, { 'Content-Type': 'application/json', Prefer: 'return=minimal' });
    if (r.status === 201) {
      const rows = await w.rows(
        `SELECT json_build_object('${column}', "${column}") AS row FROM wvals.bare_scalars ORDER BY id DESC LIMIT 1`,
      );
      return [rows[0]!.row];
    }
    assert.ok(r.status >= 400 && r.status < 500, `${column} ${value}: ${r.status} ${r.text}`);
    const body = JSON.parse(r.text) as { code?: string; message?: string };
    return { code: body.code, message: body.message };
  }

  test('writes what json_to_record writes, or fails as it fails, for every column and value', async () => {
    for (const column of BARE) {
      for (const value of VALUES) {
        assert.deepEqual(await viaBind(column, value), await viaJson(column, value), `${column} = ${value}`);
      }
    }
    // both outcomes reached, the typmod ones included
    assert.deepEqual(await viaBind('vc3', '"abcd"'), { code: '22001', message: 'value too long for type character varying(3)' });
    assert.deepEqual(await viaBind('num41', '1.25'), [{ num41: 1.3 }]);
    assert.deepEqual(await viaBind('num41', '1e400'), await viaJson('num41', '1e400'));
  });

  test('one typed parameter per column; after a data exception the fenced form runs, and nothing is written', async () => {
    const good = await recordQueries(w.srv.app, async () => {
      const r = await w.call('POST', '/bare_scalars', { t: 'x', i4: 7, b: true, m: 'ok' }, { Prefer: 'return=minimal' });
      assert.equal(r.status, 201);
    });
    assert.deepEqual(inserts(good), [
      'INSERT INTO "wvals"."bare_scalars" ("b", "i4", "m", "t") VALUES ($1::boolean, $2::integer, $3::wvals.mood, $4::text)',
    ]);
    const before = await w.rows('SELECT count(*)::int AS n FROM wvals.bare_scalars');
    const bad = await recordQueries(w.srv.app, async () => {
      const r = await w.call('POST', '/bare_scalars', { t: 'x', i4: 'seven' }, { Prefer: 'return=minimal' });
      assert.equal(r.status, 400);
      assert.deepEqual(JSON.parse(r.text), { code: '22P02', message: 'invalid input syntax for type integer: "seven"', details: null, hint: null });
    });
    const texts = inserts(bad);
    assert.equal(texts.length, 2, texts.join('\n'));
    assert.match(texts[0]!, /VALUES \(\$1::integer, \$2::text\)$/);
    assert.match(texts[1]!, /FROM \(SELECT \$1::text AS "i4", \$2::text AS "t" OFFSET 0\) AS pgrst_body$/);
    assert.deepEqual(await w.rows('SELECT count(*)::int AS n FROM wvals.bare_scalars'), before);
  });

  test('without INSERT, a bad value or one too long for its typmod still gets 42501 (the VALUES form tried first)', async () => {
    for (const body of ['{"i":"not a number"}', '{"vc3":"abcd"}', '{"n41":12345}', '{"n41":1e400}', '{"i":1}']) {
      const sent = await recordQueries(w.srv.app, async () => {
        const r = await w.call('POST', '/bare_locked', body, { 'Content-Type': 'application/json' });
        assert.equal(r.status, 401, `${body}: ${r.text}`);
        assert.equal(JSON.parse(r.text).code, '42501', body);
      });
      assert.match(inserts(sent)[0] ?? '', /^INSERT INTO "wvals"\."bare_locked" \("\w+"\) VALUES/, body);
    }
  });

  test('ignore-duplicates: VALUES ... ON CONFLICT DO NOTHING', async () => {
    for (const round of [1, 2]) {
      const sent = await recordQueries(w.srv.app, async () => {
        const r = await w.call('POST', '/bare_scalars', { id: 700001, t: `round ${round}` }, { Prefer: 'resolution=ignore-duplicates' });
        assert.equal(r.status, 201, `round ${round}`);
      });
      assert.match(inserts(sent)[0] ?? '', /VALUES \(\$1::integer, \$2::text\) ON CONFLICT \("id"\) DO NOTHING$/);
    }
    assert.deepEqual(await w.rows('SELECT t FROM wvals.bare_scalars WHERE id = 700001'), [{ t: 'round 1' }]);
  });

  test('from the shape cache: each request’s own values, and a bad one answered by the fenced form', async () => {
    const post = (body: string) => w.call('POST', '/bare_scalars', body, { 'Content-Type': 'application/json', Prefer: 'return=minimal' });
    assert.equal((await post('{"t":"sc first","i8":1}')).status, 201);
    await expectMetricDelta(w.srv, 'postgrest_ts_shape_cache_hits_total', 3, async () => {
      assert.equal((await post('{"i8":2,"t":"sc sec\\u006fnd"}')).status, 201);
      const bad = await post('{"t":"sc bad","i8":"three"}');
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.text).message, 'invalid input syntax for type bigint: "three"');
      assert.equal((await post('{"t":null,"i8":-4}')).status, 201);
    });
    assert.deepEqual(await w.rows("SELECT t, i8::int AS i8 FROM wvals.bare_scalars WHERE t LIKE 'sc %' OR i8 = -4 ORDER BY id"), [
      { t: 'sc first', i8: 1 },
      { t: 'sc second', i8: 2 },
      { t: null, i8: -4 },
    ]);
  });
});
