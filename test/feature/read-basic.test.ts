import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.stop();
});

describe('reads end to end', () => {
  test('select columns with a filter', async () => {
    const r = await request(srv.url, '/items?select=id,name&id=lt.3&order=id');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(r.headers.get('content-range'), '0-1/*');
    assert.deepEqual(r.json(), [
      { id: 1, name: 'apple' },
      { id: 2, name: 'banana' },
    ]);
  });

  test('unknown table is 404 PGRST205 with a hint', async () => {
    const r = await request(srv.url, '/itemz');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), {
      code: 'PGRST205',
      details: null,
      hint: "Perhaps you meant the table 'test.items'",
      message: "Could not find the table 'test.itemz' in the schema cache",
    });
  });
});
