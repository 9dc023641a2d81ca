// Feature tests of `Prefer: timezone` (schema `repr`): IANA names and numeric offsets change how timestamptz values are
// written, echoed in Preference-Applied with or without handling=strict; an invalid zone is PostgreSQL's 22023 (v16).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'repr' });
});
after(async () => {
  await srv.stop();
});

const moments = (prefer?: string) => request(srv.url, '/moments?order=id', { headers: prefer === undefined ? {} : { Prefer: prefer } });

describe('Prefer: timezone', () => {
  test('without it the server\'s zone applies and nothing is echoed', async () => {
    const r = await moments();
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('preference-applied'), null);
  });

  test('a zone name, echoed in Preference-Applied', async () => {
    const r = await moments('timezone=America/Los_Angeles');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      { id: 1, t: '2023-10-18T05:37:59.611-07:00' },
      { id: 2, t: '2023-10-18T07:37:59.611-07:00' },
    ]);
    assert.equal(r.headers.get('preference-applied'), 'timezone=America/Los_Angeles');
  });

  test('with handling=strict', async () => {
    const r = await moments('handling=strict, timezone=America/Los_Angeles');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('preference-applied'), 'handling=strict, timezone=America/Los_Angeles');
  });

  test('numeric offsets, with PostgreSQL\'s POSIX sign convention', async () => {
    const plus = await moments('timezone=+05:30');
    assert.deepEqual(plus.json(), [
      { id: 1, t: '2023-10-18T07:07:59.611-05:30' },
      { id: 2, t: '2023-10-18T09:07:59.611-05:30' },
    ]);
    assert.equal(plus.headers.get('preference-applied'), 'timezone=+05:30');
    const minus = await moments('timezone=-4');
    assert.deepEqual(minus.json(), [
      { id: 1, t: '2023-10-18T08:37:59.611-04:00' },
      { id: 2, t: '2023-10-18T10:37:59.611-04:00' },
    ]);
    assert.equal(minus.headers.get('preference-applied'), 'timezone=-4');
  });

  test('an invalid zone is a 400 whatever the handling', async () => {
    for (const prefer of ['timezone=Invalid/Timezone', 'handling=strict, timezone=Invalid/Timezone', 'handling=lenient, timezone=Invalid/Timezone']) {
      const r = await moments(prefer);
      assert.equal(r.status, 400, prefer);
      assert.deepEqual(r.json(), { code: '22023', details: null, hint: null, message: 'invalid value for parameter "TimeZone": "Invalid/Timezone"' });
    }
  });

  test('leap seconds are refused by PostgreSQL', async () => {
    const r = await moments('timezone=05:30:15');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      code: '22023',
      details: 'PostgreSQL does not support leap seconds.',
      hint: null,
      message: 'time zone "05:30:15" appears to use leap seconds',
    });
  });

  test('calls and writes apply it too', async () => {
    const call = await request(srv.url, '/rpc/get_todos?select=id&id=eq.1', { headers: { Prefer: 'timezone=Asia/Tokyo' } });
    assert.equal(call.headers.get('preference-applied'), 'timezone=Asia/Tokyo');
    const write = await request(srv.url, '/plan_writes?id=eq.999', { method: 'DELETE', headers: { Prefer: 'timezone=Asia/Tokyo' } });
    assert.equal(write.status, 204);
    assert.equal(write.headers.get('preference-applied'), 'timezone=Asia/Tokyo');
  });
});
