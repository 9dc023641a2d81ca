// GET / on the test schema with the default settings (openapi-mode = follow-privileges): the Swagger 2.0 and OpenAPI 3.1
// documents validate with a real validator, list what the requesting role may use, and follow Accept and Accept-Profile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { VERSION } from '../../src/app/version.js';
import { request, startTestServer, type TestServer, testEnv } from '../support/server.js';
import { hsToken } from '../support/tokens.js';

const OAS31 = 'application/vnd.oai.openapi+json;version=3.1';

let srv: TestServer;
let userToken: string;
before(async () => {
  // `public` is exposed too, so a second schema can be chosen with Accept-Profile.
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'test,public' });
  const secret = testEnv()['PGRST_JWT_SECRET'] ?? '';
  userToken = hsToken('HS256', secret, { role: 'postgrest_test_user' });
});
after(() => srv.stop());

interface Doc {
  swagger?: string;
  openapi?: string;
  paths: Record<string, Record<string, unknown>>;
  definitions?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

async function getDoc(headers: Record<string, string> = {}): Promise<{ doc: Doc; contentType: string | null }> {
  const r = await request(srv.url, '/', { headers });
  assert.equal(r.status, 200, r.text);
  return { doc: r.json() as Doc, contentType: r.headers.get('content-type') };
}

/** Validates a copy (the validator dereferences in place) and fails with the validator's own message. */
async function assertValid(doc: Doc): Promise<void> {
  await SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document);
}

describe('Swagger 2.0 (the default)', () => {
  test('served as application/openapi+json and valid Swagger 2.0', async () => {
    const { doc, contentType } = await getDoc();
    assert.equal(contentType, 'application/openapi+json; charset=utf-8');
    assert.equal(doc.swagger, '2.0');
    await assertValid(doc);
  });

  test('Accept: application/openapi+json and application/json both give the document', async () => {
    for (const accept of ['application/openapi+json', 'application/json']) {
      const { doc, contentType } = await getDoc({ Accept: accept });
      assert.equal(doc.swagger, '2.0', accept);
      assert.equal(contentType, 'application/openapi+json; charset=utf-8', accept);
    }
  });

  test('another Accept is 406 PGRST107', async () => {
    const r = await request(srv.url, '/', { headers: { Accept: 'text/csv' } });
    assert.equal(r.status, 406);
    assert.equal((r.json() as { code: string }).code, 'PGRST107');
  });

  test("PostgREST's structure: tables, definitions, row filters and the parameters section", async () => {
    const { doc } = await getDoc();
    const d = doc as unknown as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(doc).slice(0, 2), ['swagger', 'info']);
    assert.equal(d['info']?.['version'], VERSION);
    assert.deepEqual(d['externalDocs'], {
      description: 'PostgREST Documentation',
      url: 'https://postgrest.org/en/v16/references/api.html',
    });
    assert.equal(d['basePath'] as unknown, '/');
    assert.deepEqual(d['schemes'] as unknown, ['http']);
    assert.ok('/' in doc.paths && '/items' in doc.paths);
    assert.ok('items' in (doc.definitions ?? {}));
    assert.deepEqual(doc.paths['/']?.['get'] && (doc.paths['/']['get'] as { tags: string[] }).tags, ['Introspection']);
    const params = d['parameters'] ?? {};
    for (const name of ['select', 'order', 'range', 'rangeUnit', 'offset', 'limit', 'preferCount', 'rowFilter.items.id', 'body.items']) {
      assert.ok(name in params, name);
    }
    assert.equal(d['securityDefinitions'], undefined, 'openapi-security-active is off by default');
  });

  test('HEAD / answers like GET without a body', async () => {
    const r = await request(srv.url, '/', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/openapi+json; charset=utf-8');
    assert.equal(r.text, '');
  });
});

describe('follow-privileges: what the requesting role may use', () => {
  test('anonymous: no test.secret; a JWT for postgrest_test_user: test.secret listed', async () => {
    const anon = (await getDoc()).doc;
    assert.ok(!('/secret' in anon.paths) && !('secret' in (anon.definitions ?? {})));
    const user = (await getDoc({ Authorization: `Bearer ${userToken}` })).doc;
    assert.ok('/secret' in user.paths && 'secret' in (user.definitions ?? {}));
    assert.ok('/items' in user.paths);
    await assertValid(user);
  });

  test('the same holds for the OpenAPI 3.1 document', async () => {
    const anon = (await getDoc({ Accept: OAS31 })).doc;
    assert.ok(!('/secret' in anon.paths));
    const user = (await getDoc({ Accept: OAS31, Authorization: `Bearer ${userToken}` })).doc;
    assert.ok('/secret' in user.paths && 'secret' in (user.components?.schemas ?? {}));
  });

  test('an invalid JWT is 401, not a document', async () => {
    const r = await request(srv.url, '/', { headers: { Authorization: `Bearer ${userToken}x` } });
    assert.equal(r.status, 401);
  });
});

describe('OpenAPI 3.1 (opt-in by Accept)', () => {
  test('valid OpenAPI 3.1, labelled with the asked-for media type, with bearerAuth defined', async () => {
    const { doc, contentType } = await getDoc({ Accept: OAS31 });
    assert.equal(contentType, OAS31);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components?.securitySchemes?.['bearerAuth'], {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A JWT whose role claim selects the database role; without it requests run as the anonymous role',
    });
    await assertValid(doc);
  });

  test('the 3.1 type wins over a generic type in the same Accept header', async () => {
    const { doc } = await getDoc({ Accept: `application/json, ${OAS31}` });
    assert.equal(doc.openapi, '3.1.0');
  });
});

describe('Accept-Profile', () => {
  test('an exposed schema is described and echoed in Content-Profile', async () => {
    const r = await request(srv.url, '/', { headers: { 'Accept-Profile': 'public' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-profile'), 'public');
    const doc = r.json() as Doc;
    assert.ok(!('/items' in doc.paths), 'test.items is not in public');
    await assertValid(doc);
    const t = await request(srv.url, '/', { headers: { 'Accept-Profile': 'test', Accept: OAS31 } });
    assert.equal(t.headers.get('content-profile'), 'test');
    assert.ok('/items' in (t.json() as Doc).paths);
  });

  test('an unexposed schema is 406 PGRST106', async () => {
    const r = await request(srv.url, '/', { headers: { 'Accept-Profile': 'pg_catalog' } });
    assert.equal(r.status, 406);
    const body = r.json() as { code: string; message: string; hint: string };
    assert.equal(body.code, 'PGRST106');
    assert.equal(body.message, 'Invalid schema: pg_catalog');
    assert.equal(body.hint, 'Only the following schemas are exposed: test, public');
  });
});
