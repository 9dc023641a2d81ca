// Feature tests of `application/geo+json`: the FeatureCollection PostgREST builds around ST_AsGeoJSON for reads, calls and
// write representations. Without PostGIS (the embedded PostgreSQL has none) the body's shape is checked through the
// fixture's stand-in ST_AsGeoJSON and the real PostGIS tests are skipped with a message.
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import { adminQuery } from '../support/db.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

const GEO_JSON = 'application/geo+json; charset=utf-8';
let postgis = false;
let srv: TestServer;
before(async () => {
  postgis = (await adminQuery("SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'postgis'")).rowCount === 1;
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'repr' });
});
after(async () => {
  await srv.stop();
});

const geo = (path: string, init: RequestInit = {}) => request(srv.url, path, { ...init, accept: 'application/geo+json' });

/** Skips a test that needs (`wanted` true) or must not have PostGIS; true when skipped. */
function skipUnless(t: TestContext, wanted: boolean): boolean {
  if (postgis === wanted) return false;
  t.skip(postgis ? 'PostGIS is installed: the fixture creates no stand-in ST_AsGeoJSON' : 'PostGIS is not installed in this PostgreSQL');
  return true;
}

describe('the GeoJSON body (stand-in ST_AsGeoJSON)', () => {
  test('rows become the features of a FeatureCollection', async (t) => {
    if (skipUnless(t, false)) return;
    const r = await geo('/gadgets?select=id,name&id=lt.3&order=id');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), GEO_JSON);
    assert.deepEqual(r.json(), {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 1, name: 'lamp' } },
        { type: 'Feature', properties: { id: 2, name: 'desk' } },
      ],
    });
  });

  test('no rows: an empty features array', async (t) => {
    if (skipUnless(t, false)) return;
    const r = await geo('/gadgets?id=gt.100');
    assert.deepEqual(r.json(), { type: 'FeatureCollection', features: [] });
  });

  test('calls and write representations', async (t) => {
    if (skipUnless(t, false)) return;
    const call = await geo('/rpc/get_gadgets?select=id&id=eq.3');
    assert.equal(call.headers.get('content-type'), GEO_JSON);
    assert.deepEqual(call.json(), { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 3 } }] });
    const write = await geo('/plan_writes?id=eq.999', { method: 'DELETE', headers: { Prefer: 'return=representation' } });
    assert.equal(write.status, 200, write.text);
    assert.equal(write.headers.get('content-type'), GEO_JSON);
    assert.deepEqual(write.json(), { type: 'FeatureCollection', features: [] });
  });
});

describe('GeoJSON with PostGIS', () => {
  let gis: TestServer | undefined;

  before(async () => {
    if (!postgis) return;
    await adminQuery('CREATE SCHEMA IF NOT EXISTS repr_gis_ext');
    await adminQuery('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA repr_gis_ext');
    await adminQuery(`CREATE SCHEMA IF NOT EXISTS repr_gis;
      GRANT USAGE ON SCHEMA repr_gis, repr_gis_ext TO postgrest_test_anonymous;
      CREATE TABLE IF NOT EXISTS repr_gis.shops (id int PRIMARY KEY, address text, shop_geom repr_gis_ext.geometry(Point, 4326));
      INSERT INTO repr_gis.shops VALUES (1, 'first', repr_gis_ext.ST_SetSRID(repr_gis_ext.ST_MakePoint(-71.1, 42.3), 4326)) ON CONFLICT DO NOTHING;
      GRANT SELECT ON repr_gis.shops TO postgrest_test_anonymous`);
    gis = await startTestServer({ PGRST_DB_SCHEMAS: 'repr_gis', PGRST_DB_EXTRA_SEARCH_PATH: 'repr_gis_ext' });
  });
  after(async () => {
    await gis?.stop();
  });

  test('a table with a geometry column', async (t) => {
    if (skipUnless(t, true)) return;
    const r = await request(gis!.url, '/shops', { headers: { Accept: 'application/geo+json' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), GEO_JSON);
    assert.deepEqual(r.json(), {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [-71.1, 42.3] }, properties: { id: 1, address: 'first' } }],
    });
  });
});
