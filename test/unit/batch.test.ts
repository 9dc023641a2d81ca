// Unit tests for src/db/batch.ts against a stand-in for node-postgres's connection whose socket decodes what is
// written: the whole batch goes out in one write; a named statement is parsed and described once per connection, later
// batches reuse its row description; statements whose rows nobody reads are never described; after a failed batch, what
// was parsed stays known, what never ran is forgotten, and only the failing statement's name is left to deallocate.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BatchResult, BatchQuery, type BatchStatement } from '../../src/db/batch.js';
import { decodeFrontend } from '../support/frontend.js';

/** The frontend messages in `bytes`, named as the tests expect them (`parse <name>`, `bind <statement>`, …). */
function decode(bytes: Buffer): string[] {
  const names = { P: 'parse', B: 'bind', D: 'describe', E: 'execute', S: 'sync' } as const;
  return decodeFrontend(bytes).map((m) => (m.type === 'P' || m.type === 'B' ? `${names[m.type]} ${m.name}` : names[m.type]));
}

/** A stand-in for node-postgres's connection that records the messages of each write (one write per batch). */
function fakeConnection() {
  const calls: string[] = [];
  let writes = 0;
  return {
    calls,
    get writes() {
      return writes;
    },
    parsedStatements: {} as Record<string, string>,
    submittedNamedStatements: {} as Record<string, string>,
    stream: {
      writable: true,
      write: (chunk: Buffer) => {
        writes++;
        calls.push(...decode(chunk));
        return true;
      },
    },
  };
}

const settings: BatchStatement = { text: 'SELECT FROM (SELECT set_config($1, $2, true)) s', values: ['a.b', 'c'], name: 'pgrst_s', describe: false };
const main: BatchStatement = { text: 'SELECT $1::text AS body', values: ['x'], name: 'pgrst_m' };
const FIELDS = [{ name: 'body', dataTypeID: 25 }];

/** Submits a batch of [settings, main], feeds PostgreSQL's answer and returns the calls made and the results. */
function run(conn: ReturnType<typeof fakeConnection>, value: string, describeSent: boolean) {
  let out: { err: Error | null; results: BatchResult[] } | undefined;
  const q = new BatchQuery([settings, main], (err, results) => (out = { err, results }));
  conn.calls.length = 0;
  q.submit(conn as never);
  const calls = [...conn.calls];
  q.handleDataRow({ fields: [] });
  q.handleCommandComplete();
  if (describeSent) q.handleRowDescription({ fields: FIELDS });
  q.handleDataRow({ fields: [value] });
  q.handleCommandComplete();
  q.handleReadyForQuery(conn as never);
  return { calls, out };
}

describe('BatchQuery', () => {
  it('describes a named statement the first time only, and reads later rows with the remembered description', () => {
    const conn = fakeConnection();
    const first = run(conn, 'one', true);
    assert.deepEqual(first.calls, ['parse pgrst_s', 'bind pgrst_s', 'execute', 'parse pgrst_m', 'bind pgrst_m', 'describe', 'execute', 'sync']);
    assert.equal(conn.writes, 1, 'the whole batch goes out in one write');
    assert.deepEqual(first.out?.results[1]?.rows, [{ body: 'one' }]);
    const second = run(conn, 'two', false);
    assert.deepEqual(second.calls, ['bind pgrst_s', 'execute', 'bind pgrst_m', 'execute', 'sync']);
    assert.deepEqual(second.out?.results[1]?.rows, [{ body: 'two' }]);
    assert.deepEqual(second.out?.results[1]?.fields, FIELDS);
  });

  it('describes again on another connection', () => {
    run(fakeConnection(), 'one', true);
    const other = run(fakeConnection(), 'two', true);
    assert.ok(other.calls.includes('describe'));
    assert.deepEqual(other.out?.results[1]?.rows, [{ body: 'two' }]);
  });

  it('forgets a description learnt by a batch whose first parse failed', () => {
    const conn = fakeConnection();
    const q = new BatchQuery([main], () => {});
    q.submit(conn as never);
    q.handleRowDescription({ fields: FIELDS });
    q.handleError(new Error('boom'), conn as never);
    assert.equal(conn.parsedStatements['pgrst_m'], undefined);
    conn.calls.length = 0;
    new BatchQuery([main], () => {}).submit(conn as never);
    assert.deepEqual(conn.calls, ['parse pgrst_m', 'bind pgrst_m', 'describe', 'execute', 'sync']);
  });

  it('after a failure, keeps what was parsed before it, forgets what came after, and names only the failing one', () => {
    const conn = fakeConnection();
    const q = new BatchQuery([settings, main], () => {});
    q.submit(conn as never);
    q.handleCommandComplete();
    q.handleError(new Error('main failed'), conn as never);
    assert.equal(q.uncertain, 'pgrst_m');
    assert.equal(conn.parsedStatements['pgrst_s'], settings.text);
    assert.equal(conn.parsedStatements['pgrst_m'], undefined);
    assert.deepEqual(conn.submittedNamedStatements, {});
    conn.calls.length = 0;
    new BatchQuery([settings, main], () => {}).submit(conn as never);
    assert.deepEqual(conn.calls, ['bind pgrst_s', 'execute', 'parse pgrst_m', 'bind pgrst_m', 'describe', 'execute', 'sync']);
  });

  it('a statement after the failing one never reached PostgreSQL: it is neither kept nor left to deallocate', () => {
    const conn = fakeConnection();
    const q = new BatchQuery([settings, main], () => {});
    q.submit(conn as never);
    q.handleError(new Error('settings failed'), conn as never);
    assert.equal(q.uncertain, 'pgrst_s');
    assert.deepEqual(conn.parsedStatements, {});
    conn.calls.length = 0;
    new BatchQuery([settings, main], () => {}).submit(conn as never);
    assert.deepEqual(conn.calls, ['parse pgrst_s', 'bind pgrst_s', 'execute', 'parse pgrst_m', 'bind pgrst_m', 'describe', 'execute', 'sync']);
  });

  it("reports each statement's row count from its command tag", () => {
    const conn = fakeConnection();
    let results: BatchResult[] = [];
    const write: BatchStatement = { text: 'INSERT INTO t SELECT 1', values: [], name: undefined, describe: false };
    const q = new BatchQuery([settings, write, write, main], (_err, r) => (results = r));
    q.submit(conn as never);
    q.handleCommandComplete({ text: 'SELECT 1' });
    q.handleCommandComplete({ text: 'INSERT 0 1500' });
    q.handleCommandComplete({ text: 'SET' });
    q.handleRowDescription({ fields: FIELDS });
    q.handleDataRow({ fields: ['x'] });
    q.handleCommandComplete({ text: 'SELECT 1' });
    q.handleReadyForQuery(conn as never);
    assert.deepEqual(
      results.map((r) => r.rowCount),
      [1, 1500, 0, 1],
    );
  });
});
