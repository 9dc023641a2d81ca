// The interactive docs page (server-docs-path): page and swagger-ui-dist assets served with the right types and caching,
// never shadowing `/` or a table; then headless Chromium renders it, authorizes with a JWT and runs "Try it out".
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Browser, findChromium } from '../support/chromium.js';
import { request, startTestServer, type TestServer, testEnv } from '../support/server.js';
import { hsToken } from '../support/tokens.js';

const DOCS = '/_/docs';
const uiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const uiVersion = (JSON.parse(readFileSync(join(uiDir, 'package.json'), 'utf8')) as { version: string }).version;

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_SERVER_DOCS_PATH: DOCS });
});
after(() => srv.stop());

describe('docs page over HTTP', () => {
  test('the page is HTML with a CSP, loading Swagger UI from our own server', async () => {
    const r = await request(srv.url, DOCS);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    assert.ok(r.text.includes(`src="docs/swagger-ui-bundle.js?v=${uiVersion}"`), r.text);
    assert.ok(r.text.includes(`href="docs/swagger-ui.css?v=${uiVersion}"`));
    assert.ok(r.text.includes('{"docsPath":"/_/docs","schemas":["test"]}'));
    assert.doesNotMatch(r.text, /https?:\/\//, 'no CDN or other absolute URL');
  });

  test('with a trailing slash, asset URLs stay relative to the docs path', async () => {
    const r = await request(srv.url, `${DOCS}/`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(`src="./swagger-ui-bundle.js?v=${uiVersion}"`));
  });

  test('every asset the page references is served with its type and caching', async () => {
    const page = (await request(srv.url, DOCS)).text;
    const refs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(refs.length, 6, refs.join(' '));
    const types: Record<string, string> = {
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      png: 'image/png',
    };
    for (const ref of refs) {
      const url = new URL(ref, `${srv.url}${DOCS}`);
      const res = await fetch(url);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, ref);
      const ext = url.pathname.slice(url.pathname.lastIndexOf('.') + 1);
      assert.equal(res.headers.get('content-type'), types[ext], ref);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const file = url.pathname.slice(`${DOCS}/`.length);
      if (file.startsWith('docs-page.')) {
        assert.equal(res.headers.get('cache-control'), 'no-cache', ref);
      } else {
        assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', ref);
        assert.ok(body.equals(readFileSync(join(uiDir, file))), `${ref} is swagger-ui-dist's file`);
      }
    }
  });

  test('HEAD answers without a body; other methods are 405 PGRST117; OPTIONS lists the methods', async () => {
    const head = await request(srv.url, DOCS, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    const post = await request(srv.url, DOCS, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal((post.json() as { code: string }).code, 'PGRST117');
    const options = await request(srv.url, `${DOCS}/swagger-ui.css`, { method: 'OPTIONS' });
    assert.equal(options.headers.get('allow'), 'OPTIONS,GET,HEAD');
  });

  test('only allow-listed files: anything else under the path is routed as the API routes it', async () => {
    for (const path of [`${DOCS}/package.json`, `${DOCS}/%2e%2e%2fpackage.json`, `${DOCS}/swagger-ui-bundle.js.map`, `${DOCS}x`]) {
      const r = await request(srv.url, path);
      assert.equal(r.status, 404, path);
      assert.equal((r.json() as { code: string }).code, 'PGRST125', path);
    }
  });

  test('`/` and the tables are untouched', async () => {
    assert.equal((await request(srv.url, '/')).headers.get('content-type'), 'application/openapi+json; charset=utf-8');
    assert.equal((await request(srv.url, '/items?limit=1')).status, 200);
  });
});

describe('server-docs-path', () => {
  test('another path serves the page there; "" disables it', async () => {
    const custom = await startTestServer({ PGRST_SERVER_DOCS_PATH: '/api/reference/' });
    const off = await startTestServer({ PGRST_SERVER_DOCS_PATH: '' });
    try {
      const r = await request(custom.url, '/api/reference');
      assert.equal(r.status, 200);
      assert.ok(r.text.includes('"docsPath":"/api/reference"') && r.text.includes('src="reference/swagger-ui-bundle.js'));
      assert.equal((await request(custom.url, DOCS)).status, 404);
      for (const path of [DOCS, '/docs']) {
        const o = await request(off.url, path);
        assert.equal(o.status, 404, path);
        assert.match((o.json() as { code: string }).code, /^PGRST(125|205)$/);
      }
    } finally {
      await Promise.all([custom.stop(), off.stop()]);
    }
  });
});

const chromium = findChromium();
const skip = chromium === undefined ? 'Chromium is not installed (apt-get install chromium, or set PGRST_TEST_CHROMIUM)' : false;

describe('docs page in headless Chromium', { skip }, () => {
  let browser: Browser;
  const problems: string[] = [];
  before(async () => {
    browser = await Browser.launch(chromium ?? '', 1280, 1400);
    browser.on((method, params) => {
      const entry = params['entry'] as { level?: string; text?: string } | undefined;
      if (method === 'Log.entryAdded' && entry?.level === 'error') problems.push(entry.text ?? '');
      if (method === 'Runtime.exceptionThrown') problems.push(JSON.stringify(params['exceptionDetails']));
    });
  });
  after(() => browser?.close());

  /** Authorizes through the dialog, typing a JWT for postgrest_test_user as a user would. */
  async function authorize(): Promise<void> {
    const token = hsToken('HS256', testEnv()['PGRST_JWT_SECRET'] ?? '', { role: 'postgrest_test_user' });
    await browser.evaluate("document.querySelector('.auth-wrapper .authorize').click()");
    await browser.waitFor("document.querySelector('.auth-container input') !== null", 'the Authorize dialog');
    await browser.evaluate("document.querySelector('.auth-container input').focus()");
    await browser.send('Input.insertText', { text: token });
    await browser.evaluate("document.querySelector('.auth-container .auth-btn-wrapper .authorize').click()");
    await browser.evaluate("document.querySelector('.auth-container .auth-btn-wrapper .btn-done, .modal-ux .close-modal')?.click()");
  }

  /** Writes a screenshot under the temp folder (to look at) and checks it is a non-trivial PNG of the window's size. */
  async function saveScreenshot(name: string): Promise<void> {
    const png = await browser.screenshot();
    const file = join(tmpdir(), name);
    writeFileSync(file, png);
    assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
    assert.equal(png.readUInt32BE(16), 1280, 'width');
    assert.equal(png.readUInt32BE(20), 1400, 'height');
    assert.ok(png.length > 30000, `a non-trivial picture (${png.length} bytes, ${file})`);
  }

  test('renders the test schema, authorizes with a JWT, and "Try it out" sends it', async () => {
    await browser.navigate(`${srv.url}${DOCS}`);
    await browser.waitFor('document.querySelector(\'.opblock [data-path="/items"]\') !== null', 'the /items operations');
    const title = await browser.evaluate<string>("document.querySelector('.info .title')?.textContent ?? ''");
    assert.match(title, /PostgREST API/);
    assert.equal(await browser.evaluate('document.querySelector(\'[data-path="/secret"]\') === null'), true, 'anonymous: no /secret');
    await saveScreenshot('postgrest-ts-docs-page.png');

    await authorize();

    // follow-privileges: the document is read again with the token, and now lists test.secret.
    await browser.waitFor('document.querySelector(\'.opblock [data-path="/secret"]\') !== null', '/secret after authorizing');
    const op = 'document.querySelector(\'[data-path="/secret"]\').closest(\'.opblock\')';
    await browser.evaluate(`${op}.querySelector('.opblock-summary-control').click()`);
    await browser.waitFor(`${op}.querySelector('.try-out__btn') !== null`, 'the Try it out button');
    await browser.evaluate(`${op}.querySelector('.try-out__btn').click()`);
    await browser.waitFor(`${op}.querySelector('.execute') !== null`, 'the Execute button');
    await browser.evaluate(`${op}.querySelector('.execute').click()`);
    const status = await browser.waitFor<string>(
      `${op}.querySelector('.live-responses-table .response .response-col_status')?.textContent`,
      'the live response',
    );
    const live = await browser.evaluate<string>(`${op}.querySelector('.live-responses-table').textContent`);
    assert.equal(status.trim(), '200', live);
    assert.match(live, /hidden/, 'the row of test.secret, readable only with the token');
    const curl = await browser.evaluate<string>(`${op}.querySelector('.curl-command, .request-url')?.parentElement?.textContent ?? ''`);
    assert.match(curl, /Authorization: Bearer/);

    await browser.evaluate(`${op}.querySelector('.responses-wrapper').scrollIntoView(); window.scrollBy(0, -300)`);
    await saveScreenshot('postgrest-ts-docs-try-it-out.png');
    assert.deepEqual(problems, [], 'no script errors and no Content-Security-Policy violations');
  });

  test('with several db-schemas, a picker switches the schema (Accept-Profile)', async () => {
    const multi = await startTestServer({ PGRST_SERVER_DOCS_PATH: DOCS, PGRST_DB_SCHEMAS: 'test,public' });
    try {
      await browser.navigate(`${multi.url}${DOCS}?schema=public`);
      await browser.waitFor('document.querySelector(\'.opblock [data-path="/"]\') !== null', 'the document of public');
      const options = await browser.evaluate<string[]>("[...document.querySelectorAll('#pgrst-schema option')].map((o) => o.value)");
      assert.deepEqual(options, ['test', 'public']);
      assert.equal(await browser.evaluate("document.querySelector('#pgrst-schema').value"), 'public');
      assert.equal(await browser.evaluate('document.querySelector(\'[data-path="/items"]\') === null'), true, 'items is in test');
      await browser.evaluate("const s = document.querySelector('#pgrst-schema'); s.value = 'test'; s.dispatchEvent(new Event('change'))");
      await browser.waitFor('document.querySelector(\'.opblock [data-path="/items"]\') !== null', 'the document of test');
      assert.match(await browser.evaluate<string>('location.search'), /schema=test/);
    } finally {
      await multi.stop();
    }
  });

  test('without an anonymous role the page says why, and Authorize loads the document', async () => {
    const noAnon = await startTestServer({ PGRST_SERVER_DOCS_PATH: DOCS, PGRST_DB_ANON_ROLE: '' });
    try {
      // A fresh origin (another port), so no token is remembered from the test above.
      await browser.navigate(`${noAnon.url}${DOCS}`);
      const error = await browser.waitFor<string>("document.querySelector('#pgrst-docs-error:not([hidden])')?.textContent", 'the error');
      assert.match(error, /GET \/ answered 401/);
      await browser.waitFor("document.querySelector('.auth-wrapper .authorize') !== null", 'the Authorize button');
      await authorize();
      await browser.waitFor('document.querySelector(\'.opblock [data-path="/secret"]\') !== null', 'the document after authorizing');
      assert.equal(await browser.evaluate("document.querySelector('#pgrst-docs-error').hidden"), true);
    } finally {
      await noAnon.stop();
    }
  });
});
