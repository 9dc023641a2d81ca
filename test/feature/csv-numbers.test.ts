// CSV of reads whose every column is a NOT NULL number or boolean of a table (schema `csvnum`, 95-csv-numbers.sql):
// the rows are built by joining the values with commas instead of printing a record per row, and must be the very
// bytes the record form gives — checked against the same rows in a table with nullable columns and in a view, both
// of which keep the record form — and the plan shows which form ran.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'csvnum', PGRST_DB_PLAN_ENABLED: 'true' });
});
after(async () => {
  await srv.stop();
});

async function csv(path: string): Promise<string> {
  const res = await request(srv.url, path, { accept: 'text/csv' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  return res.text;
}

async function verbosePlan(path: string): Promise<string> {
  const res = await request(srv.url, path, { accept: 'application/vnd.pgrst.plan+text; for="text/csv"; options=verbose' });
  assert.equal(res.status, 200, res.text);
  return res.text;
}

const EXPECTED = [
  'id,s,b,n,r,d,f,o',
  '1,-32768,9223372036854775807,12345.678900,1.5,-1e-06,t,4294967295',
  '2,0,-9223372036854775808,NaN,Infinity,-Infinity,f,0',
  '3,7,0,-0.00000000000000000001,3.4e+38,1e+308,t,1',
].join('\n');

describe('CSV of number-only table reads', () => {
  test('the same bytes as the record form of the same rows', async () => {
    const strict = await csv('/strict_nums?order=id');
    assert.equal(strict, EXPECTED);
    assert.equal(await csv('/loose_nums?order=id&id=lte.3'), EXPECTED);
    assert.equal(await csv('/strict_view?order=id'), EXPECTED);
  });

  test('selected, renamed and reordered columns', async () => {
    const path = '?select=dd:d,id,f,n&order=id.desc';
    const strict = await csv(`/strict_nums${path}`);
    assert.equal(strict, 'dd,id,f,n\n1e+308,3,t,-0.00000000000000000001\n-Infinity,2,f,NaN\n-1e-06,1,t,12345.678900');
    assert.equal(await csv(`/loose_nums${path}&id=lte.3`), strict);
  });

  test('no rows', async () => {
    const strict = await csv('/strict_nums?id=gt.100');
    assert.equal(strict, await csv('/loose_nums?id=gt.100'));
    assert.equal(strict, '\n');
  });

  test('nullable, text and view columns keep the record form (nulls empty, text quoted)', async () => {
    assert.equal(await csv('/loose_nums?id=eq.4'), 'id,s,b,n,r,d,f,o\n4,,,,,,,');
    assert.equal(await csv('/with_text?order=id'), 'id,label\n1,plain\n2,"a, ""quoted"" one"\n3,""');
    for (const path of ['/loose_nums?order=id', '/strict_view?order=id', '/with_text?order=id', '/strict_nums?select=id,n::text']) {
      assert.doesNotMatch(await verbosePlan(path), /concat_ws/, path);
    }
  });

  test('the plan of a number-only read joins the values', async () => {
    assert.match(await verbosePlan('/strict_nums?order=id'), /concat_ws\(','::text, strict_nums\.id, strict_nums\.s, strict_nums\.b/);
    assert.match(await verbosePlan('/strict_nums?select=x:b'), /concat_ws\(','::text, strict_nums\.b\)/);
  });

  test('a repeated output name keeps the record form', async () => {
    const body = await csv('/strict_nums?select=id,id&order=id&limit=1');
    assert.equal(body, 'id,id\n1,1');
    assert.doesNotMatch(await verbosePlan('/strict_nums?select=id,id'), /concat_ws/);
  });
});
