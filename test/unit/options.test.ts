// Unit tests for src/response/options.ts: the Allow header per root, relation kind and routine volatility (PostgREST's
// OPTIONS spec in our words), the OPTIONS response shape and errors, and the default Vary rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import { allowHeader, DEFAULT_VARY, infoResponse, optionsResponse, varyHeader, withVary } from '../../src/response/options.js';
import type { FuncVolatility, Routine, SchemaCache, Table } from '../../src/schema-cache/types.js';

type Flags = { insertable: boolean; updatable: boolean; deletable: boolean; pkCols: string[] };
const rel = (f: Flags) => ({ kind: 'relation' as const, table: f });
const ALL = { insertable: true, updatable: true, deletable: true };

function table(name: string, f: Flags): Table {
  return { kind: 'table', schema: 'api', name, description: null, isView: false, columns: [], columnsByName: new Map(), userCodeAfterInsert: false, userCodeOnInsert: false, userCodeOnRead: false, ...f };
}

function routine(name: string, volatility: FuncVolatility): Routine {
  return {
    kind: 'function',
    schema: 'api',
    name,
    description: null,
    params: [],
    returnType: { kind: 'single', type: { kind: 'scalar', type: { schema: 'pg_catalog', name: 'int4' } } },
    volatility,
    hasVariadic: false,
    isolationLevel: null,
    settings: [],
  };
}

function cache(tables: Table[], routines: Routine[]): SchemaCache {
  return {
    schemas: ['api'],
    tables: new Map([['api', new Map(tables.map((t) => [t.name, t]))]]),
    routines: new Map([['api', new Map(routines.map((r) => [r.name, [r]]))]]),
  } as unknown as SchemaCache;
}

describe('allowHeader', () => {
  it('gives the root only read methods', () => {
    assert.equal(allowHeader({ kind: 'root' }), 'OPTIONS,GET,HEAD');
  });

  it('gives a writable table with a key every method, PUT included', () => {
    assert.equal(allowHeader(rel({ ...ALL, pkCols: ['id'] })), 'OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
  });

  it('leaves PUT out for a writable relation without a key (view without pk)', () => {
    assert.equal(allowHeader(rel({ ...ALL, pkCols: [] })), 'OPTIONS,GET,HEAD,POST,PATCH,DELETE');
  });

  it('gives a view without triggers or auto-updatability only read methods', () => {
    assert.equal(allowHeader(rel({ insertable: false, updatable: false, deletable: false, pkCols: ['id'] })), 'OPTIONS,GET,HEAD');
  });

  it('adds one method per trigger kind on views', () => {
    const none = { insertable: false, updatable: false, deletable: false, pkCols: ['id'] };
    assert.equal(allowHeader(rel({ ...none, insertable: true })), 'OPTIONS,GET,HEAD,POST');
    assert.equal(allowHeader(rel({ ...none, updatable: true })), 'OPTIONS,GET,HEAD,PATCH');
    assert.equal(allowHeader(rel({ ...none, deletable: true })), 'OPTIONS,GET,HEAD,DELETE');
  });

  it('needs both insert and update for PUT', () => {
    assert.equal(allowHeader(rel({ insertable: true, updatable: false, deletable: false, pkCols: ['id'] })), 'OPTIONS,GET,HEAD,POST');
  });

  it('offers GET/HEAD on routines unless they are volatile', () => {
    assert.equal(allowHeader({ kind: 'routine', routine: { volatility: 'volatile' } }), 'OPTIONS,POST');
    assert.equal(allowHeader({ kind: 'routine', routine: { volatility: 'stable' } }), 'OPTIONS,GET,HEAD,POST');
    assert.equal(allowHeader({ kind: 'routine', routine: { volatility: 'immutable' } }), 'OPTIONS,GET,HEAD,POST');
  });
});

describe('optionsResponse', () => {
  const sc = cache(
    [table('items', { ...ALL, pkCols: ['id'] }), table('projects_view', { insertable: false, updatable: false, deletable: false, pkCols: [] })],
    [routine('reset_table', 'volatile'), routine('getallusers', 'stable')],
  );

  it('answers 200 with an empty body, Content-Length 0, ACAO * and Allow', () => {
    const r = optionsResponse({ target: { kind: 'relation', name: 'items' }, schema: 'api' }, sc);
    assert.deepEqual(r, {
      status: 200,
      headers: { 'Content-Length': '0', 'Access-Control-Allow-Origin': '*', Allow: 'OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE' },
      body: '',
    });
    assert.deepEqual(infoResponse('OPTIONS,GET,HEAD'), optionsResponse({ target: { kind: 'root' }, schema: 'api' }, sc));
  });

  it('answers for views and routines from the cache', () => {
    const allow = (target: Parameters<typeof optionsResponse>[0]['target']) => optionsResponse({ target, schema: 'api' }, sc).headers['Allow'];
    assert.equal(allow({ kind: 'relation', name: 'projects_view' }), 'OPTIONS,GET,HEAD');
    assert.equal(allow({ kind: 'routine', name: 'reset_table' }), 'OPTIONS,POST');
    assert.equal(allow({ kind: 'routine', name: 'getallusers' }), 'OPTIONS,GET,HEAD,POST');
  });

  it('fails with PGRST205 (404) for an unknown relation', () => {
    assert.throws(
      () => optionsResponse({ target: { kind: 'relation', name: 'unknown' }, schema: 'api' }, sc),
      (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'PGRST205',
    );
  });

  it('fails with PGRST202 (404) for an unknown function', () => {
    assert.throws(
      () => optionsResponse({ target: { kind: 'routine', name: 'nope' }, schema: 'api' }, sc),
      (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'PGRST202',
    );
  });
});

describe('Vary', () => {
  it('defaults to Accept, Prefer, Range', () => {
    assert.equal(DEFAULT_VARY, 'Accept, Prefer, Range');
    assert.equal(varyHeader({ 'Content-Type': 'application/json' }), 'Accept, Prefer, Range');
  });

  it('yields to a Vary the response already has, in any letter case', () => {
    assert.equal(varyHeader({ Vary: 'X-Test-Accept' }), undefined);
    assert.equal(varyHeader({ vary: 'X-Test-Accept' }), undefined);
    assert.deepEqual(withVary({ vary: 'X-Test-Accept' }), { vary: 'X-Test-Accept' });
  });

  it('appends the default last', () => {
    const h = withVary({ 'Content-Length': '0', Allow: 'OPTIONS,GET,HEAD', 'Server-Timing': 'jwt;dur=0.1' });
    assert.deepEqual(Object.entries(h).at(-1), ['Vary', 'Accept, Prefer, Range']);
  });
});
