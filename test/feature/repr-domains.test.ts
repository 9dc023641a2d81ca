// Feature tests of domain representations (schema `repr`): a domain's `domain → json` cast formats the column in
// responses (explicit columns, `*`, aliases, casts, nulls, embeds, calls, writes), its `text → domain` cast reads filter
// values (eq, in, not.in, across embeds), and its `json → domain` cast reads request bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'repr' });
});
after(async () => {
  await srv.stop();
});

async function getJson(path: string, headers: Record<string, string> = {}): Promise<unknown> {
  const r = await request(srv.url, path, { headers });
  assert.equal(r.status, 200, `${path} → ${r.text}`);
  return r.json();
}

const TODO_1 = { id: 1, name: 'report', label_color: '#000000', due_at: '2018-01-02T00:00:00Z' };
const TODO_2 = { id: 2, name: 'essay', label_color: '#000100', due_at: '2018-01-03T00:00:00Z' };
const TODO_3 = { id: 3, name: 'algebra', label_color: '#01E240', due_at: '2018-01-01T14:12:34Z' };

describe('formatting the output', () => {
  test('one column', async () => {
    assert.deepEqual(await getJson('/todos?select=id,label_color&id=lt.4&order=id'), [
      { id: 1, label_color: '#000000' },
      { id: 2, label_color: '#000100' },
      { id: 3, label_color: '#01E240' },
    ]);
  });

  test('two columns with different formatters', async () => {
    assert.deepEqual(await getJson('/todos?select=id,label_color,due_at&id=eq.3'), [{ id: 3, label_color: '#01E240', due_at: '2018-01-01T14:12:34Z' }]);
  });

  test('`*`, explicit or implicit, is expanded into formatted columns', async () => {
    assert.deepEqual(await getJson('/todos?select=*&id=lt.4&order=id'), [TODO_1, TODO_2, TODO_3]);
    assert.deepEqual(await getJson('/todos?id=lt.4&order=id'), [TODO_1, TODO_2, TODO_3]);
  });

  test('`*` mixed with explicit columns', async () => {
    const r = await request(srv.url, '/todos?select=due_at,*&id=eq.1');
    assert.equal(r.text, '[{"due_at":"2018-01-02T00:00:00Z","id":1,"name":"report","label_color":"#000000","due_at":"2018-01-02T00:00:00Z"}]');
  });

  test('renamed, and cast on top', async () => {
    assert.deepEqual(await getJson('/todos?select=id,clr:label_color&id=eq.2'), [{ id: 2, clr: '#000100' }]);
    assert.deepEqual(await getJson('/todos?select=id,clr:label_color::text&id=eq.2'), [{ id: 2, clr: '"#000100"' }]);
  });

  test('nulls go through the formatter', async () => {
    assert.deepEqual(await getJson('/todos?id=eq.4'), [{ id: 4, name: 'idle', label_color: null, due_at: null }]);
  });

  test('through an embed, with columns or `*`', async () => {
    assert.deepEqual(await getJson('/boards?select=id,todos(label_color,due_at)&order=id'), [
      { id: 1, todos: { label_color: '#000100', due_at: '2018-01-03T00:00:00Z' } },
      { id: 2, todos: { label_color: '#000000', due_at: '2018-01-02T00:00:00Z' } },
      { id: 3, todos: null },
    ]);
    assert.deepEqual(await getJson('/boards?select=name,todos(*)&id=eq.1'), [{ name: 'school', todos: TODO_2 }]);
  });

  test('through a to-one spread', async () => {
    assert.deepEqual(await getJson('/boards?select=id,...todos(label_color)&id=eq.1'), [{ id: 1, label_color: '#000100' }]);
    assert.deepEqual(await getJson('/boards?select=...todos(*)&id=eq.1'), [TODO_2]);
  });

  test('the result of a function returning the table', async () => {
    assert.deepEqual(await getJson('/rpc/get_todos?id=lt.3&order=id'), [TODO_1, TODO_2]);
  });

  test('CSV shows the formatted JSON value', async () => {
    const r = await request(srv.url, '/todos?select=id,label_color&id=eq.1', { headers: { Accept: 'text/csv' } });
    assert.equal(r.text, 'id,label_color\n1,"""#000000"""');
  });

  test('the singular object too', async () => {
    const r = await request(srv.url, '/todos?select=label_color&id=eq.3', { headers: { Accept: 'application/vnd.pgrst.object+json' } });
    assert.equal(r.text, '{"label_color":"#01E240"}');
  });
});

describe('parsing filter values', () => {
  test('eq and neq go through the text parser', async () => {
    assert.deepEqual(await getJson('/todos?select=id&label_color=eq.000100'), [{ id: 2 }]);
    assert.deepEqual(await getJson('/todos?select=id&label_color=eq.%2301E240'), [{ id: 3 }]);
    assert.deepEqual(await getJson('/todos?select=id&label_color=neq.000100&order=id'), [{ id: 1 }, { id: 3 }]);
  });

  test('in and not.in parse every item', async () => {
    assert.deepEqual(await getJson('/todos?select=id&label_color=in.(000100,01E240)&order=id'), [{ id: 2 }, { id: 3 }]);
    assert.deepEqual(await getJson('/todos?select=id&label_color=not.in.(000000,01E240)'), [{ id: 2 }]);
    assert.deepEqual(await getJson('/todos?select=id&label_color=in.()'), []);
  });

  test('in logic trees', async () => {
    assert.deepEqual(await getJson('/todos?select=id&or=(label_color.eq.000000,label_color.eq.01E240)&order=id'), [{ id: 1 }, { id: 3 }]);
  });

  test('across an embed', async () => {
    assert.deepEqual(await getJson('/boards?select=id,todos(label_color)&todos.label_color=neq.000100&order=id'), [
      { id: 1, todos: null },
      { id: 2, todos: { label_color: '#000000' } },
      { id: 3, todos: null },
    ]);
  });

  test('without a text parser the native literal is used (the JSON parser never is)', async () => {
    const r = await request(srv.url, '/todos?select=id&due_at=eq.Z');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: '22007',
      details: null,
      hint: null,
      message: 'invalid input syntax for type timestamp with time zone: "Z"',
    });
    assert.deepEqual(await getJson('/todos?select=id&due_at=eq.2018-01-02T00:00:00Z'), [{ id: 1 }]);
  });

  test('is and like are not parsed; ilike on the domain fails in PostgreSQL', async () => {
    assert.deepEqual(await getJson('/todos?select=id&label_color=is.null'), [{ id: 4 }]);
    const r = await request(srv.url, '/todos?select=id&label_color=ilike.*100');
    assert.equal(r.status, 404);
    assert.equal((r.json() as { code: string }).code, '42883');
  });

  test('filters of a write', async () => {
    // 123456 read as hex by the domain's text parser is #123456; read as an integer it would be #01E240.
    await adminQuery("INSERT INTO repr.todo_writes VALUES (10, 'hex', x'123456'::int), (11, 'decimal', 123456)");
    try {
      const r = await request(srv.url, '/todo_writes?label_color=eq.123456', { method: 'DELETE', headers: { Prefer: 'return=representation' } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json(), [{ id: 10, name: 'hex', label_color: '#123456' }]);
      // a value only the text parser reads (not an integer literal)
      const hex = await request(srv.url, '/todo_writes?label_color=eq.%2301E240&select=id', { method: 'DELETE', headers: { Prefer: 'return=representation' } });
      assert.equal(hex.status, 200, hex.text);
      assert.deepEqual(hex.json(), [{ id: 11 }]);
      assert.equal((await adminQuery('SELECT count(*)::int AS n FROM repr.todo_writes WHERE id IN (10, 11)')).rows[0]?.n, 0);
    } finally {
      await adminQuery('DELETE FROM repr.todo_writes WHERE id IN (10, 11)');
    }
  });
});

describe('parsing request bodies', () => {
  const headers = { 'Content-Type': 'application/json', Prefer: 'return=representation' };

  test('POST reads the value through the json parser and answers it formatted', async () => {
    const r = await request(srv.url, '/todo_writes', { method: 'POST', headers, body: JSON.stringify({ id: 1, name: 'green', label_color: '#00FF00' }) });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json(), [{ id: 1, name: 'green', label_color: '#00FF00' }]);
    const stored = await adminQuery('SELECT label_color::int AS c FROM repr.todo_writes WHERE id = 1');
    assert.equal(stored.rows[0]?.c, 0x00ff00);
  });

  test('PATCH, with a select and a filter through the text parser', async () => {
    await request(srv.url, '/todo_writes', { method: 'POST', headers, body: JSON.stringify({ id: 2, name: 'blue', label_color: '#0000FF' }) });
    const r = await request(srv.url, '/todo_writes?label_color=eq.0000FF&select=label_color', {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ label_color: '#FF0000' }),
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json(), [{ label_color: '#FF0000' }]);
  });

  test('columns= parses only the listed keys', async () => {
    const r = await request(srv.url, '/todo_writes?columns=id,name,label_color&select=id,label_color', {
      method: 'POST',
      headers,
      body: JSON.stringify([{ id: 3, name: 'gray', label_color: '808080', extra: 'ignored' }]),
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json(), [{ id: 3, label_color: '#808080' }]);
  });
});
