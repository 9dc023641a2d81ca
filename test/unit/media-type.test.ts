// Media types: tokenizing, parsing, Accept ordering, negotiation, Content-Type rendering and request body types.
// Tables only; the offers stand in for what the planner allows on a table, a function or the root.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import {
  MT,
  type MediaType,
  type MediaTypeTokens,
  bodyMediaType,
  contentTypeHeader,
  negotiate,
  parseAccept,
  parseContentType,
  parseMediaType,
  sortAccept,
  tokenizeMediaType,
  toMime,
} from '../../src/request/media-type.js';

const plan = (forType: MediaType, format: 'json' | 'text', options: readonly ('analyze' | 'verbose' | 'settings' | 'buffers' | 'wal')[] = []): MediaType => ({
  kind: 'plan',
  for: forType,
  format,
  options,
});
const other = (raw: string): MediaType => ({ kind: 'other', raw });

describe('tokenizeMediaType', () => {
  const rows: readonly (readonly [string, MediaTypeTokens | undefined])[] = [
    ['application/vnd.pgrst.plan+json;for="text/csv"', { type: 'application', subtype: 'vnd.pgrst.plan+json', params: [['for', 'text/csv']] }],
    ['*/*', { type: '*', subtype: '*', params: [] }],
    ['application/vnd.pgrst.plan;wat="application/json;text/csv"', { type: 'application', subtype: 'vnd.pgrst.plan', params: [['wat', 'application/json;text/csv']] }],
    [
      'application/vnd.pgrst.plan+text; for="text/xml"; options=analyze|verbose|settings|buffers|wal',
      { type: 'application', subtype: 'vnd.pgrst.plan+text', params: [['for', 'text/xml'], ['options', 'analyze|verbose|settings|buffers|wal']] },
    ],
    ['text/csv ;  charset = utf-8 ; ', { type: 'text', subtype: 'csv', params: [['charset', 'utf-8']] }],
    ['a/b; k="unterminated', { type: 'a', subtype: 'b', params: [] }],
    ['a/b;k=v;x', { type: 'a', subtype: 'b', params: [['k', 'v']] }],
    ['a/b;k=v trailing garbage', { type: 'a', subtype: 'b', params: [['k', 'v']] }],
    ['a/b;k=1.5', { type: 'a', subtype: 'b', params: [['k', '1']] }],
    ['a/b;k=""', { type: 'a', subtype: 'b', params: [['k', '']] }],
    ['noslash', undefined],
    ['/json', undefined],
    ['application/', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of rows) {
    it(JSON.stringify(input), () => assert.deepEqual(tokenizeMediaType(input), expected));
  }
});

describe('parseMediaType', () => {
  const rows: readonly (readonly [string, MediaType])[] = [
    ['application/json', MT.json],
    ['APPLICATION/JSON', MT.json],
    ['application/json; charset=utf-8', MT.json],
    ['application/geo+json', MT.geoJson],
    ['text/csv', MT.csv],
    ['text/csv; version=1', MT.csv],
    ['text/plain', MT.textPlain],
    ['text/xml', MT.textXml],
    ['application/openapi+json', MT.openapi],
    ['application/x-www-form-urlencoded', MT.urlEncoded],
    ['application/octet-stream', MT.octetStream],
    ['*/*', MT.any],
    ['application/vnd.pgrst.array+json;nulls=stripped', MT.arrayStripped],
    ['application/vnd.pgrst.array;nulls=stripped', MT.arrayStripped],
    ['application/vnd.pgrst.array+json', MT.json],
    ['application/vnd.pgrst.object+json;nulls=stripped', MT.objectStripped],
    ['application/vnd.pgrst.object+json; NULLS=stripped', MT.objectStripped],
    ['application/vnd.pgrst.object+json;nulls=STRIPPED', MT.object],
    ['application/vnd.pgrst.object+json', MT.object],
    ['application/vnd.pgrst.object', MT.object],
    ['ApplicatIon/vnd.PgRsT.object+json', MT.object],
    ['application/vnd.pgrst.plan;', plan(MT.json, 'text')],
    ['application/vnd.pgrst.plan;for="application/json"', plan(MT.json, 'text')],
    ['application/vnd.pgrst.plan ; for="text/xml" ; options=analyze', plan(MT.textXml, 'text', ['analyze'])],
    ['application/vnd.pgrst.plan+json;for="text/csv"', plan(MT.csv, 'json')],
    ['application/vnd.pgrst.plan+text; for="text/xml"; options=analyze|verbose|settings|buffers|wal', plan(MT.textXml, 'text', ['analyze', 'verbose', 'settings', 'buffers', 'wal'])],
    ['application/vnd.pgrst.plan+json; options=wal|bogus|analyze', plan(MT.json, 'json', ['analyze', 'wal'])],
    ['application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; options=verbose', plan(MT.object, 'json', ['verbose'])],
    ['application/vnd.pgrst.plan;wat="application/json;text/csv"', plan(MT.json, 'text')],
    ['application/vnd.pgrst.plan; for=application/json', plan(other('application'), 'text')],
    ['application/vnd.twkb', other('application/vnd.twkb')],
    ['Application/Vnd.Twkb', other('Application/Vnd.Twkb')],
    ['text/html;level=1', other('text/html;level=1')],
    ['text/*', other('text/*')],
    ['undefined', other('undefined')],
    ['', other('')],
  ];
  for (const [input, expected] of rows) {
    it(JSON.stringify(input), () => assert.deepEqual(parseMediaType(input), expected));
  }
});

const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3';

describe('sortAccept', () => {
  const rows: readonly (readonly [string, readonly string[]])[] = [
    [FIREFOX, ['text/html', 'application/xhtml+xml', 'application/xml', '*/*']],
    [CHROME, ['application/signed-exchange;v=b3', 'text/html', 'application/xhtml+xml', 'image/webp', 'image/apng', 'application/xml', '*/*']],
    ['text/plain, application/json', ['text/plain', 'application/json']],
    ['text/csv, */*', ['text/csv', '*/*']],
    ['*/*, text/csv', ['text/csv', '*/*']],
    ['a/b;q=0.5, c/d', ['c/d', 'a/b']],
    ['a/b;q=0, c/d;q=0.001', ['c/d', 'a/b']],
    ['a/b;q=abc, c/d', ['a/b', 'c/d']],
    ['a/b;q=.5, c/d', ['a/b', 'c/d']],
    ['a/b;q=0.5x, c/d;q=0.6', ['c/d', 'a/b']],
    ['a/b; q=0.2;level=1, c/d;q=0.3', ['c/d', 'a/b']],
    ['application/vnd.pgrst.plan+json; for="text/csv"', ['application/vnd.pgrst.plan+json;for="text/csv"']],
    ['a/b, a/b;x=1, */*;q=1', ['a/b;x=1', 'a/b', '*/*']],
    ['', []],
    [',', ['', '']],
  ];
  for (const [input, expected] of rows) {
    it(JSON.stringify(input), () => assert.deepEqual(sortAccept(input), expected));
  }

  it('absent Accept means */*', () => assert.deepEqual(parseAccept(undefined), [MT.any]));
  it('parses each entry', () => assert.deepEqual(parseAccept('text/csv;q=0.5, application/vnd.pgrst.object'), [MT.object, MT.csv]));
});

const TABLE: readonly MediaType[] = [MT.json, MT.csv, MT.geoJson, MT.object, MT.arrayStripped, plan(MT.json, 'json')];
const TABLE_NO_PLAN: readonly MediaType[] = [MT.json, MT.csv, MT.geoJson, MT.object, MT.arrayStripped];
const ROOT: readonly MediaType[] = [MT.openapi, MT.json];
const CUSTOM: readonly MediaType[] = [MT.json, other('application/vnd.twkb')];

describe('negotiate', () => {
  const chosen: readonly (readonly [string, string | undefined, readonly MediaType[], MediaType])[] = [
    ['absent Accept', undefined, TABLE, MT.json],
    ['*/*', '*/*', TABLE, MT.json],
    ['Firefox', FIREFOX, TABLE, MT.json],
    ['Chrome', CHROME, TABLE, MT.json],
    ['csv', 'text/csv', TABLE, MT.csv],
    ['unknown then */*', 'text/unknowntype, */*', TABLE, MT.json],
    ['unknown then csv', 'text/unknowntype, text/csv', TABLE, MT.csv],
    ['q-values', 'text/csv;q=0.5, application/json', TABLE, MT.json],
    ['singular', 'application/vnd.pgrst.object+json', TABLE, MT.object],
    ['singular stripped', 'application/vnd.pgrst.object+json;nulls=stripped', TABLE, MT.objectStripped],
    ['array stripped', 'application/vnd.pgrst.array+json;nulls=stripped', TABLE, MT.arrayStripped],
    ['plan', 'application/vnd.pgrst.plan+json', TABLE, plan(MT.json, 'json')],
    ['plan options', 'application/vnd.pgrst.plan+json; options=analyze|wal', TABLE, plan(MT.json, 'json', ['analyze', 'wal'])],
    ['plan for csv', 'application/vnd.pgrst.plan; for="text/csv"', TABLE, plan(MT.csv, 'text')],
    ['plan for singular', 'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"', TABLE, plan(MT.object, 'json')],
    ['plan for */*', 'application/vnd.pgrst.plan+json; for="*/*"', TABLE, plan(MT.any, 'json')],
    ['root */*', '*/*', ROOT, MT.openapi],
    ['root json', 'application/json', ROOT, MT.json],
    ['custom type', 'application/vnd.twkb', CUSTOM, other('application/vnd.twkb')],
  ];
  for (const [name, accept, offered, expected] of chosen) {
    it(name, () => assert.deepEqual(negotiate(accept, offered), expected));
  }

  const refused: readonly (readonly [string, string, readonly MediaType[], string])[] = [
    ['unknown type', 'text/unknowntype', TABLE, 'text/unknowntype'],
    ['unparseable', 'undefined', TABLE, 'undefined'],
    ['text/plain on a table', 'text/plain', TABLE, 'text/plain'],
    ['several, in preference order', 'a/b;q=0.1, c/d', TABLE, 'c/d, a/b'],
    ['rendered from the parsed types, specific first', 'Application/Vnd.Pgrst.Object, text/html;level=1', [MT.json], 'text/html;level=1, application/vnd.pgrst.object+json'],
    ['plan disabled', 'application/vnd.pgrst.plan+json', TABLE_NO_PLAN, 'application/vnd.pgrst.plan+json; for="application/json"'],
    ['plan for an unavailable type', 'application/vnd.pgrst.plan; for="text/xml"', TABLE, 'application/vnd.pgrst.plan+text; for="text/xml"'],
    ['custom type case matters', 'Application/Vnd.Twkb', CUSTOM, 'Application/Vnd.Twkb'],
    ['empty Accept', '', TABLE, ''],
  ];
  for (const [name, accept, offered, listed] of refused) {
    it(`PGRST107: ${name}`, () =>
      assert.throws(
        () => negotiate(accept, offered),
        (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.status, 406);
          assert.deepEqual(e.body(), { code: 'PGRST107', message: `None of these media types are available: ${listed}`, details: null, hint: null });
          return true;
        },
      ));
  }
});

describe('toMime and contentTypeHeader', () => {
  const rows: readonly (readonly [MediaType, string, string])[] = [
    [MT.json, 'application/json', 'application/json; charset=utf-8'],
    [MT.csv, 'text/csv', 'text/csv; charset=utf-8'],
    [MT.geoJson, 'application/geo+json', 'application/geo+json; charset=utf-8'],
    [MT.openapi, 'application/openapi+json', 'application/openapi+json; charset=utf-8'],
    [MT.textPlain, 'text/plain', 'text/plain; charset=utf-8'],
    [MT.textXml, 'text/xml', 'text/xml; charset=utf-8'],
    [MT.urlEncoded, 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8'],
    [MT.any, '*/*', '*/*; charset=utf-8'],
    [MT.object, 'application/vnd.pgrst.object+json', 'application/vnd.pgrst.object+json; charset=utf-8'],
    [MT.objectStripped, 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8'],
    [MT.arrayStripped, 'application/vnd.pgrst.array+json;nulls=stripped', 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8'],
    [MT.octetStream, 'application/octet-stream', 'application/octet-stream'],
    [other('application/vnd.twkb'), 'application/vnd.twkb', 'application/vnd.twkb'],
    [plan(MT.json, 'json'), 'application/vnd.pgrst.plan+json; for="application/json"', 'application/vnd.pgrst.plan+json; for="application/json"; charset=utf-8'],
    [plan(MT.json, 'text'), 'application/vnd.pgrst.plan+text; for="application/json"', 'application/vnd.pgrst.plan+text; for="application/json"; charset=utf-8'],
    [plan(MT.json, 'json', ['analyze']), 'application/vnd.pgrst.plan+json; for="application/json"; options=analyze', 'application/vnd.pgrst.plan+json; for="application/json"; options=analyze; charset=utf-8'],
    [plan(MT.object, 'json', ['verbose']), 'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; options=verbose', 'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; options=verbose; charset=utf-8'],
    [plan(other('application/vnd.twkb'), 'json', ['verbose']), 'application/vnd.pgrst.plan+json; for="application/vnd.twkb"; options=verbose', 'application/vnd.pgrst.plan+json; for="application/vnd.twkb"; options=verbose; charset=utf-8'],
    [plan(MT.textXml, 'json', ['analyze', 'wal']), 'application/vnd.pgrst.plan+json; for="text/xml"; options=analyze|wal', 'application/vnd.pgrst.plan+json; for="text/xml"; options=analyze|wal; charset=utf-8'],
  ];
  for (const [mt, mime, header] of rows) {
    it(header, () => {
      assert.equal(toMime(mt), mime);
      assert.equal(contentTypeHeader(mt), header);
    });
  }
});

describe('request body media types', () => {
  it('absent Content-Type is JSON', () => assert.deepEqual(parseContentType(undefined), MT.json));
  it('parses the header', () => assert.deepEqual(parseContentType('text/csv; charset=utf-8'), MT.csv));

  const accepted: readonly (readonly [string, boolean, string])[] = [
    ['application/json', false, 'json'],
    ['application/json', true, 'json'],
    ['text/csv', false, 'csv'],
    ['application/x-www-form-urlencoded', false, 'url-encoded'],
    ['application/x-www-form-urlencoded', true, 'url-encoded'],
    ['text/plain', true, 'text-plain'],
    ['text/xml', true, 'text-xml'],
    ['application/octet-stream', true, 'octet-stream'],
  ];
  for (const [header, isRpc, kind] of accepted) {
    it(`${header} on ${isRpc ? 'a function' : 'a table'}`, () => assert.equal(bodyMediaType(parseContentType(header), isRpc), kind));
  }

  const refused: readonly (readonly [string, boolean, string])[] = [
    ['text/plain', false, 'text/plain'],
    ['text/xml', false, 'text/xml'],
    ['application/octet-stream', false, 'application/octet-stream'],
    ['application/geo+json', true, 'application/geo+json'],
    ['application/vnd.pgrst.object+json; nulls=stripped', false, 'application/vnd.pgrst.object+json;nulls=stripped'],
    ['image/png', true, 'image/png'],
    ['*/*', false, '*/*'],
  ];
  for (const [header, isRpc, mime] of refused) {
    it(`PGRST102 for ${header} on ${isRpc ? 'a function' : 'a table'}`, () =>
      assert.throws(
        () => bodyMediaType(parseContentType(header), isRpc),
        (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.status, 400);
          assert.deepEqual(e.body(), { code: 'PGRST102', message: `Content-Type not acceptable: ${mime}`, details: null, hint: null });
          return true;
        },
      ));
  }
});
