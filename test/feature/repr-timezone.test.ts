// Feature tests of `Prefer: timezone` (schema `repr`): IANA names and numeric offsets change how timestamptz values are
// written, echoed in Preference-Applied with or without handling=strict; an invalid zone is PostgreSQL's 22023 (v16).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  // One connection: every request runs on the connection the zone was set on, so a zone left behind would show.
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'repr', PGRST_DB_POOL: '1' });
});
after(async () => {
  await srv.stop();
});

/** The moments rendered in a zone (as to_json renders timestamptz under that TimeZone). */
const LOS_ANGELES = [
  { id: 1, t: '2023-10-18T05:37:59.611-07:00' },
  { id: 2, t: '2023-10-18T07:37:59.611-07:00' },
];
const TOKYO = [
  { id: 1, t: '2023-10-18T21:37:59.611+09:00' },
  { id: 2, t: '2023-10-18T23:37:59.611+09:00' },
];

/** The moments as PostgreSQL renders them in its own (the server's) zone, asked of PostgreSQL without the server. */
const inServerZone = async (): Promise<unknown> =>
  (await adminQuery('SELECT json_agg(m ORDER BY id) AS j FROM repr.moments m')).rows[0]?.j;

const moments = (prefer?: string) => request(srv.url, '/moments?order=id', { headers: prefer === undefined ? {} : { Prefer: prefer } });

describe('Prefer: timezone', () => {
  test('without it the server\'s zone applies and nothing is echoed', async () => {
    const expected = await inServerZone();
    const r = await moments();
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('preference-applied'), null);
    assert.deepEqual(r.json(), expected);
    // a zone asked for by one request does not stay on the connection for the next ones
    assert.equal((await moments('timezone=Asia/Tokyo')).status, 200);
    for (let i = 0; i < 4; i++) assert.deepEqual((await moments()).json(), expected);
  });

  test('a zone name, echoed in Preference-Applied', async () => {
    const r = await moments('timezone=America/Los_Angeles');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), LOS_ANGELES);
    assert.equal(r.headers.get('preference-applied'), 'timezone=America/Los_Angeles');
  });

  test('with handling=strict', async () => {
    const r = await moments('handling=strict, timezone=America/Los_Angeles');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), LOS_ANGELES);
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
    const tokyo = { Prefer: 'timezone=Asia/Tokyo' };
    const call = await request(srv.url, '/rpc/get_moments?order=id', { headers: tokyo });
    assert.equal(call.status, 200, call.text);
    assert.deepEqual(call.json(), TOKYO);
    assert.equal(call.headers.get('preference-applied'), 'timezone=Asia/Tokyo');
    const scalar = await request(srv.url, '/rpc/moment_of?id=2', { headers: tokyo });
    assert.equal(scalar.status, 200, scalar.text);
    assert.deepEqual(scalar.json(), TOKYO[1]!.t);
    assert.equal(scalar.headers.get('preference-applied'), 'timezone=Asia/Tokyo');

    const write = await request(srv.url, '/plan_writes?id=eq.999', { method: 'DELETE', headers: tokyo });
    assert.equal(write.status, 204);
    assert.equal(write.headers.get('preference-applied'), 'timezone=Asia/Tokyo');
    // the representation of a write: the instant sent in UTC comes back in the zone (the row deleted first, so the
    // test can run again on the same database)
    await adminQuery('DELETE FROM repr.moment_writes WHERE id = 1');
    const insert = await request(srv.url, '/moment_writes', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=representation, timezone=Asia/Tokyo' },
      body: JSON.stringify({ id: 1, t: '2023-10-18T12:37:59.611Z' }),
    });
    assert.equal(insert.status, 201, insert.text);
    assert.deepEqual(insert.json(), [TOKYO[0]]);
    assert.equal(insert.headers.get('preference-applied'), 'return=representation, timezone=Asia/Tokyo');
    // stored as the same instant
    const stored = await adminQuery("SELECT t = '2023-10-18 12:37:59.611+00' AS same FROM repr.moment_writes WHERE id = 1");
    assert.equal(stored.rows[0]?.same, true);
  });
});
