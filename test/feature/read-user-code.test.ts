// A read during which nothing of the user's can run (ordinary tables without row-level security, columns of built-in
// types or plain enums, no computed fields, casts or full-text search) cannot have set response.headers or
// response.status: its statement does not read them. Every kind of user code a read can run still answers through
// them, and so do db-pre-request and an authenticator whose sessions begin with them set.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectMetricDelta } from '../support/metrics.js';
import { ALWAYS_READ_SETTINGS, callRecorded, startWriteEnv, type WriteEnv } from './write-support.js';

let w: WriteEnv;
before(async () => {
  w = await startWriteEnv({ PGRST_DB_SCHEMAS: 'ruc' });
});
after(async () => {
  await w.stop();
});

const readsSettings = (texts: readonly string[]) => texts.some((t) => t.includes("current_setting('response."));

/** One GET's (or HEAD's) response and the statements it sent. */
const sent = (env: WriteEnv, path: string, headers: Record<string, string> = {}, method = 'GET') => callRecorded(env, method, path, undefined, headers);

describe('reads where nothing of the user can run: the response settings are not read', () => {
  const cases: { path: string; headers?: Record<string, string>; method?: string; status?: number; body: string; range?: string }[] = [
    {
      path: '/bare?id=eq.1',
      body: '[{"id":1,"note":"one","mood":"calm","moods":["calm","loud"],"tags":["a","b"],"doc":{"k": 1},"twice":2}]',
    },
    {
      path: '/bare?select=id,note,child(id,n)&mood=eq.calm&doc->>k=eq.1&order=id.desc',
      body: '[{"id":1,"note":"one","child":[{"id":10,"n":5}, \n {"id":11,"n":6}]}]',
    },
    { path: '/child?select=n,bare(note,mood)&bare_id=in.(1,2)&order=id', body: '[{"n":5,"bare":{"note":"one","mood":"calm"}}, \n {"n":6,"bare":{"note":"one","mood":"calm"}}, \n {"n":7,"bare":{"note":"two","mood":"loud"}}]' },
    { path: '/bare?select=id&or=(moods.cs.{loud},tags.ov.{a})&order=id', body: '[{"id":1}, \n {"id":3}]' },
    { path: '/parted?order=id', body: '[{"id":1,"k":1}, \n {"id":2,"k":1}]' },
    { path: '/bare_mat?id=eq.2', body: '[{"id":2,"note":"two"}]' },
    { path: '/bare?select=id,note&order=id', headers: { Accept: 'text/csv' }, body: 'id,note\n1,one\n2,two\n3,three' },
    { path: '/bare?select=id&order=id', headers: { Prefer: 'count=exact', Range: '0-1' }, status: 206, range: '0-1/3', body: '[{"id":1}, \n {"id":2}]' },
    { path: '/bare?id=eq.2&select=id,note', headers: { Accept: 'application/vnd.pgrst.object+json' }, body: '{"id":2,"note":"two"}' },
    { path: '/bare?id=eq.1', method: 'HEAD', body: '' },
  ];
  for (const c of cases) {
    test(`${c.method ?? 'GET'} ${c.path} ${JSON.stringify(c.headers ?? {})}`, async () => {
      for (const round of [1, 2]) {
        // the second request of the shape is served from the shape cache
        const { res, texts } =
          round === 1
            ? await sent(w, c.path, c.headers, c.method)
            : await expectMetricDelta(w.srv, 'postgrest_ts_shape_cache_hits_total', 1, () => sent(w, c.path, c.headers, c.method));
        assert.equal(res.status, c.status ?? 200, `round ${round}: status`);
        assert.equal(res.text, c.body, `round ${round}: body`);
        if (c.range) assert.equal(res.headers.get('content-range'), c.range, `round ${round}: Content-Range`);
        assert.ok(texts.length > 0, `round ${round}: statements recorded`);
        assert.ok(!readsSettings(texts), texts.join('\n'));
      }
    });
  }
});

describe('reads that run user code: the response settings are read, and reach the response', () => {
  const cases: { what: string; path: string; body: unknown }[] = [
    { what: 'a row-level security policy', path: '/policed?select=id&order=id', body: [{ id: 1 }, { id: 2 }] },
    { what: "a view's query", path: '/viewed?id=eq.1', body: [{ id: 1, note: 'one' }] },
    { what: 'a computed field selected', path: '/bare?select=id,shout&id=eq.1', body: [{ id: 1, shout: 'ONE' }] },
    { what: 'a computed field filtered on', path: '/bare?select=id&shout=eq.TWO', body: [{ id: 2 }] },
    { what: 'a computed field ordered by', path: '/bare?select=id&order=shout.desc&limit=1', body: [{ id: 2 }] },
    { what: "an embedded resource's computed field filtered on", path: '/child?select=id,bare!inner(id)&bare.shout=eq.TWO', body: [{ id: 12, bare: { id: 2 } }] },
    { what: 'an embedded table with a policy', path: '/bare?select=id,policed(id)&id=eq.1', body: [{ id: 1, policed: [{ id: 1 }] }] },
    { what: 'a junction table with a policy', path: '/bare?select=id,label(name)&id=eq.2', body: [{ id: 2, label: [{ name: 'blue' }] }] },
    { what: 'a computed relationship', path: '/bare?select=id,first_child(id)&id=eq.1', body: [{ id: 1, first_child: { id: 10 } }] },
    { what: "a cast to a domain whose CHECK calls a function", path: '/bare?select=id,note::answering_text&id=eq.3', body: [{ id: 3, note: 'three' }] },
    { what: "an enum's own cast to json", path: '/leveled', body: [{ id: 1, level: 'level high' }] },
  ];
  for (const c of cases) {
    test(`${c.what}: ${c.path}`, async () => {
      const { res, texts } = await sent(w, c.path);
      assert.equal(res.status, 200, `status: ${res.text}`);
      assert.deepEqual(res.json(), c.body);
      assert.ok(readsSettings(texts), texts.join('\n'));
      assert.equal(res.headers.get('x-read'), 'yes');
    });
  }

  test('full-text search: read (its configuration may use the parsers and dictionaries of the user)', async () => {
    const { res, texts } = await sent(w, '/bare?select=id&note=fts.three');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), [{ id: 3 }]);
    assert.ok(readsSettings(texts), texts.join('\n'));
  });
});

describe('response settings read whatever the read runs', () => {
  for (const { what, header, env } of ALWAYS_READ_SETTINGS) {
    test(`${what}: read${header ? ', and in the response' : ''}`, async () => {
      const other = await startWriteEnv({ PGRST_DB_SCHEMAS: 'ruc', ...env() });
      try {
        const { res, texts } = await sent(other, '/bare?select=id&id=eq.1');
        assert.equal(res.status, 200);
        assert.deepEqual(res.json(), [{ id: 1 }]);
        assert.ok(readsSettings(texts), texts.join('\n'));
        if (header) assert.equal(res.headers.get(header), 'yes');
      } finally {
        await other.stop();
      }
    });
  }
});
