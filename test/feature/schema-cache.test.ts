// Feature test of the schema cache against a real database holding test/fixtures/20-relationships.sql:
// relationships of every kind, view key inference, routines, computed fields, the PGRST205 hint, dump
// shape, and a timed load of 1,000 generated tables. Skipped when PGRST_TEST_DB_URI is not set.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { schemaCacheSummary, schemaCacheToJson } from '../../src/schema-cache/dump.js';
import { fuzzyGetOne, fuzzySetFrom } from '../../src/schema-cache/fuzzy.js';
import { SchemaCacheLoadError, loadSchemaCache } from '../../src/schema-cache/load.js';
import {
  findComputedField,
  findMediaHandler,
  findRelationships,
  findRepresentation,
  findRoutines,
  findTable,
  tableNotFound,
} from '../../src/schema-cache/lookup.js';
import type { Relationship, Routine, SchemaCache, Table } from '../../src/schema-cache/types.js';

const uri = process.env.PGRST_TEST_DB_URI;
const skip = uri === undefined || uri === '' ? 'PGRST_TEST_DB_URI is not set' : false;

/** One line per relationship, easy to compare as sets. */
function fmt(r: Relationship): string {
  const qi = (q: { schema: string; name: string }): string => `${q.schema}.${q.name}`;
  if (r.kind === 'computed') {
    return `computed ${qi(r.table)} -> ${qi(r.foreignTable)} via ${qi(r.function)}${r.toOne ? ' to-one' : ' to-many'}`;
  }
  const c = r.cardinality;
  const views = `${r.tableIsView ? 'V' : 'T'}${r.foreignTableIsView ? 'V' : 'T'}`;
  if (c.kind === 'M2M') {
    const j = c.junction;
    const cols = (p: readonly (readonly [string, string])[]): string => p.map(([a, b]) => `${a}=${b}`).join(',');
    return `M2M ${qi(r.table)} -> ${qi(r.foreignTable)} via ${qi(j.table)} ${j.constraint1}(${cols(j.sourceColumns)}) ${j.constraint2}(${cols(j.targetColumns)}) ${views}`;
  }
  const cols = c.columns.map(([a, b]) => `${a}=${b}`).join(',');
  const parent = c.kind === 'O2O' ? (c.isParent ? ' parent' : ' child') : '';
  return `${c.kind} ${qi(r.table)} -> ${qi(r.foreignTable)} ${c.constraint}(${cols})${parent}${r.isSelf ? ' self' : ''} ${views}`;
}

function relsOf(cache: SchemaCache, schema: string, table: string, target = schema): string[] {
  return findRelationships(cache, schema, table, target).map(fmt);
}

function table(cache: SchemaCache, schema: string, name: string): Table {
  const t = findTable(cache, schema, name);
  assert.ok(t, `${schema}.${name} should be cached`);
  return t;
}

function routine(cache: SchemaCache, name: string, nParams = -1): Routine {
  const all = findRoutines(cache, 'rel', name);
  const r = nParams < 0 ? all[0] : all.find((x) => x.params.length === nParams);
  assert.ok(r, `rel.${name} should be cached`);
  return r;
}

const BIG_TABLES = 1000;

/** Drops the generated schema in batches: one DROP SCHEMA CASCADE of 1,000 tables runs out of lock slots. */
async function dropBigSchema(client: pg.Client, schema: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rows.length === 0) return;
  for (let to = BIG_TABLES; to > 0; to -= 100) {
    const tables: string[] = [];
    for (let i = to; i > to - 100 && i > 0; i--) tables.push(`${schema}.t${i}`);
    // CASCADE takes the views along; the junction tables (100) go with the schema
    await client.query(`DROP TABLE IF EXISTS ${tables.join(', ')} CASCADE`);
  }
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
}

describe('fuzzy hints (fuzzyset scoring)', () => {
  it('suggests like PostgREST for relations, functions and parameter lists', () => {
    const rels = fuzzySetFrom(['directors', 'roles', 'actors', 'films']);
    assert.equal(fuzzyGetOne(rels, 'film'), 'films');
    assert.equal(fuzzyGetOne(rels, 'role'), 'roles');
    assert.equal(fuzzyGetOne(rels, 'noclosealternative'), undefined);
    const procs = fuzzySetFrom(['test', 'another']);
    assert.equal(fuzzyGetOne(procs, 'testt', 0.75), 'test');
    assert.equal(fuzzyGetOne(procs, 'other', 0.75), undefined);
    const params = fuzzySetFrom(['(name, param, val)', '(attr, id)']);
    assert.equal(fuzzyGetOne(params, '(nam, pqaram, vall)'), '(name, param, val)');
    assert.equal(fuzzyGetOne(params, '(attrs, id)'), '(attr, id)');
    assert.equal(fuzzyGetOne(params, '(id)'), '(attr, id)');
  });

  it('matches case-insensitively with score 1', () => {
    assert.equal(fuzzyGetOne(fuzzySetFrom(['Projects']), 'PROJECTS', 0.75), 'Projects');
  });
});

describe('schema cache', { skip }, () => {
  let client: pg.Client;
  let cache: SchemaCache;

  before(async () => {
    client = new pg.Client({ connectionString: uri });
    client.on('error', () => {});
    await client.connect();
    cache = await loadSchemaCache(client, { schemas: ['rel', 'rel_other'], extraSearchPath: ['public'] });
  });

  after(async () => {
    await client?.end();
  });

  it('knows which relations may run user code after an INSERT has written its rows (AFTER INSERT triggers, rules)', async () => {
    const walone = await loadSchemaCache(client, { schemas: ['walone'], extraSearchPath: [] });
    const after = (name: string) => table(walone, 'walone', name).userCodeAfterInsert;
    for (const name of ['plain', 'before_row', 'after_update', 'ran']) assert.equal(after(name), false, name);
    for (const name of ['after_row', 'after_stmt', 'deferred', 'ruled', 'plain_view', 'parted']) assert.equal(after(name), true, name);
  });

  it('loads relations with kinds, flags, descriptions and hides partitions', () => {
    const clients = table(cache, 'rel', 'clients');
    assert.equal(clients.kind, 'table');
    assert.equal(clients.description, 'Clients of the agency');
    assert.deepEqual([clients.insertable, clients.updatable, clients.deletable], [true, true, true]);
    assert.deepEqual(clients.pkCols, ['id']);
    assert.equal(clients.columnsByName.get('name')?.description, 'Display name');
    assert.equal(table(cache, 'rel', 'projects_view').kind, 'view');
    assert.equal(table(cache, 'rel', 'projects_view').isView, true);
    const mat = table(cache, 'rel', 'clients_mat');
    assert.equal(mat.kind, 'materialized-view');
    assert.deepEqual([mat.insertable, mat.updatable, mat.deletable], [false, false, false]);
    assert.equal(table(cache, 'rel', 'all_names').insertable, false);
    const remote = table(cache, 'rel', 'remote_things');
    assert.equal(remote.kind, 'foreign-table');
    assert.equal(remote.isView, false);
    assert.deepEqual(remote.pkCols, []);
    assert.equal(table(cache, 'rel', 'measurements').kind, 'partitioned-table');
    assert.deepEqual(table(cache, 'rel', 'measurements').pkCols, ['id', 'logdate']);
    assert.equal(findTable(cache, 'rel', 'measurements_2024'), undefined);
    assert.equal(findTable(cache, 'rel', 'measurements_2025'), undefined);
    assert.equal(findTable(cache, 'rel_private', 'secrets'), undefined);
    assert.equal(table(cache, 'rel_other', 'invoices').schema, 'rel_other');
    // PostgREST sorts table PK columns by name
    assert.deepEqual(table(cache, 'rel', 'shop_products').pkCols, ['code', 'region', 'sku', 'version']);
  });

  it('loads column facts: types, defaults, generated, identity, enums, domains, arrays, lengths', () => {
    const items = table(cache, 'rel', 'items');
    assert.deepEqual(
      items.columns.map((c) => c.name),
      ['id', 'qty', 'price', 'total', 'label', 'size', 'tags', 'code', 'title', 'created_on'],
    );
    const col = (t: Table, n: string) => {
      const c = t.columnsByName.get(n);
      assert.ok(c, n);
      return c;
    };
    assert.equal(col(items, 'id').identity, 'by-default');
    assert.equal(col(items, 'id').default, "nextval('rel.items_id_seq')");
    assert.equal(col(items, 'qty').default, '1');
    assert.equal(col(items, 'qty').nullable, false);
    assert.equal(col(items, 'price').type, 'numeric');
    assert.equal(col(items, 'price').nominalType, 'numeric(8,2)');
    assert.equal(col(items, 'total').generated, 'stored');
    assert.equal(col(items, 'total').default, null);
    assert.equal(col(items, 'label').type, 'character varying');
    assert.equal(col(items, 'label').nominalType, 'rel.short_text');
    assert.equal(col(items, 'label').baseType, 'character varying');
    assert.equal(col(items, 'label').maxLength, 20);
    assert.equal(col(items, 'label').default, "'n/a'::character varying");
    assert.equal(col(items, 'size').type, 'integer');
    assert.equal(col(items, 'size').nominalType, 'rel.positive_int');
    assert.equal(col(items, 'tags').isArray, true);
    assert.equal(col(items, 'tags').type, 'text[]');
    assert.equal(col(items, 'code').type, 'character');
    assert.equal(col(items, 'code').maxLength, 3);
    assert.equal(col(items, 'title').maxLength, 50);
    assert.equal(col(items, 'created_on').default, 'CURRENT_DATE');
    const users = table(cache, 'rel', 'users');
    assert.equal(col(users, 'id').identity, 'always');
    assert.equal(col(users, 'id').default, null);
    assert.equal(col(users, 'mood').type, 'rel.mood');
    assert.equal(col(users, 'mood').default, "'ok'::rel.mood");
    assert.deepEqual(col(users, 'mood').enumValues, ['sad', 'ok', 'happy']);
    assert.deepEqual(col(users, 'feeling').enumValues, ['sad', 'ok', 'happy']);
    assert.equal(col(users, 'feeling').baseType, 'rel.mood');
    assert.equal(col(users, 'moods').type, 'rel.mood[]');
    assert.deepEqual(col(users, 'moods').enumValues, []);
  });

  it('qualifies names the same whatever the session search_path is', async () => {
    const other = new pg.Client({ connectionString: uri });
    other.on('error', () => {});
    await other.connect();
    try {
      await other.query('SET search_path = rel, rel_other, public');
      const again = await loadSchemaCache(other, { schemas: ['rel', 'rel_other'], extraSearchPath: ['public'] });
      assert.deepEqual(schemaCacheToJson(again), schemaCacheToJson(cache));
      const { rows } = await other.query('SHOW search_path');
      assert.equal(rows[0]?.search_path, 'rel, rel_other, public');
    } finally {
      await other.end();
    }
  });

  it('detects many-to-one and one-to-many', () => {
    assert.ok(relsOf(cache, 'rel', 'projects').includes('M2O rel.projects -> rel.clients projects_client_id_fkey(client_id=id) TT'));
    assert.ok(relsOf(cache, 'rel', 'clients').includes('O2M rel.clients -> rel.projects projects_client_id_fkey(id=client_id) TT'));
  });

  it('detects one-to-one by unique FK and by PK-as-FK, both directions', () => {
    assert.deepEqual(relsOf(cache, 'rel', 'capitals'), [
      'O2O rel.capitals -> rel.countries capitals_country_id_fkey(country_id=id) child TT',
    ]);
    assert.deepEqual(relsOf(cache, 'rel', 'countries'), [
      'O2O rel.countries -> rel.capitals capitals_country_id_fkey(id=country_id) parent TT',
    ]);
    assert.deepEqual(relsOf(cache, 'rel', 'user_profiles'), [
      'O2O rel.user_profiles -> rel.users user_profiles_user_id_fkey(user_id=id) child TT',
    ]);
    assert.ok(relsOf(cache, 'rel', 'users').includes('O2O rel.users -> rel.user_profiles user_profiles_user_id_fkey(id=user_id) parent TT'));
  });

  it('detects many-to-many through junctions, composite keys and exposed junction views', () => {
    const users = relsOf(cache, 'rel', 'users').filter((r) => r.startsWith('M2M'));
    assert.deepEqual(users, [
      'M2M rel.users -> rel.tasks via rel.users_tasks users_tasks_user_id_fkey(id=user_id) users_tasks_task_id_fkey(id=task_id) TT',
      'M2M rel.users -> rel.tasks via rel.users_tasks_view users_tasks_user_id_fkey(id=user_id) users_tasks_task_id_fkey(id=task_id) TT',
    ]);
    assert.deepEqual(
      relsOf(cache, 'rel', 'shops').filter((r) => r.startsWith('M2M')),
      [
        'M2M rel.shops -> rel.products via rel.shop_products shop_products_shop_fkey(region=region,code=code) shop_products_product_fkey(sku=sku,version=version) TT',
      ],
    );
    assert.ok(relsOf(cache, 'rel', 'products').some((r) => r.startsWith('M2M rel.products -> rel.shops')));
    // the junction in rel_private is not exposed: no many-to-many between clients and tasks
    assert.equal(relsOf(cache, 'rel', 'clients').filter((r) => r.includes('rel.tasks')).length, 0);
    assert.deepEqual(relsOf(cache, 'rel', 'tasks').filter((r) => r.includes('clients')), []);
  });

  it('detects self references and two FKs between the same tables', () => {
    assert.deepEqual(relsOf(cache, 'rel', 'family'), [
      'O2M rel.family -> rel.family family_parent_id_fkey(id=parent_id) self TT',
      'M2O rel.family -> rel.family family_parent_id_fkey(parent_id=id) self TT',
      'computed rel.family -> rel.family via rel.family_children to-many',
    ]);
    assert.deepEqual(relsOf(cache, 'rel', 'messages'), [
      'M2O rel.messages -> rel.people message_recipient_fkey(recipient_id=id) TT',
      'M2O rel.messages -> rel.people message_sender_fkey(sender_id=id) TT',
    ]);
    assert.deepEqual(relsOf(cache, 'rel', 'people'), [
      'O2M rel.people -> rel.messages message_recipient_fkey(id=recipient_id) TT',
      'O2M rel.people -> rel.messages message_sender_fkey(id=sender_id) TT',
    ]);
  });

  it('infers view primary keys and relationships through views, views of views, CTEs and subselects', () => {
    assert.deepEqual(table(cache, 'rel', 'projects_view').pkCols, ['project_id']);
    assert.deepEqual(table(cache, 'rel', 'projects_view_v2').pkCols, ['project_id']);
    assert.deepEqual(table(cache, 'rel', 'clients_view').pkCols, ['id']);
    assert.deepEqual(table(cache, 'rel', 'clients_mat').pkCols, ['id']);
    assert.deepEqual(table(cache, 'rel', 'projects_twice').pkCols, ['id']);
    assert.deepEqual(table(cache, 'rel', 'projects_cte').pkCols, ['id']);
    assert.deepEqual(table(cache, 'rel', 'projects_sub').pkCols, ['id']);
    assert.deepEqual(table(cache, 'rel', 'users_tasks_view').pkCols, ['task_id', 'user_id']);
    assert.deepEqual(table(cache, 'rel', 'all_names').pkCols, []);
    assert.deepEqual(relsOf(cache, 'rel', 'all_names'), []);

    assert.deepEqual(relsOf(cache, 'rel', 'projects_view_v2'), [
      'M2O rel.projects_view_v2 -> rel.clients projects_client_id_fkey(owner_id=id) VT',
      'M2O rel.projects_view_v2 -> rel.clients_mat projects_client_id_fkey(owner_id=id) VV',
      'M2O rel.projects_view_v2 -> rel.clients_top projects_client_id_fkey(owner_id=client_id) VV',
      'M2O rel.projects_view_v2 -> rel.clients_view projects_client_id_fkey(owner_id=id) VV',
    ]);
    const clientsView = relsOf(cache, 'rel', 'clients_view');
    assert.ok(clientsView.includes('O2M rel.clients_view -> rel.projects projects_client_id_fkey(id=client_id) VT'));
    assert.ok(clientsView.includes('O2M rel.clients_view -> rel.projects_view projects_client_id_fkey(id=owner) VV'));
    // a key column shown twice in a view gives one relationship per view column
    assert.deepEqual(relsOf(cache, 'rel', 'projects_twice').filter((r) => r.includes('-> rel.clients ')), [
      'M2O rel.projects_twice -> rel.clients projects_client_id_fkey(client_a=id) VT',
      'M2O rel.projects_twice -> rel.clients projects_client_id_fkey(client_b=id) VT',
    ]);
    assert.ok(relsOf(cache, 'rel', 'projects_sub').includes('M2O rel.projects_sub -> rel.clients projects_client_id_fkey(Client Id=id) VT'));
    assert.ok(relsOf(cache, 'rel', 'projects_cte').includes('M2O rel.projects_cte -> rel.clients projects_client_id_fkey(client_id=id) VT'));
    // a view over a private table: its FK shows through the view, the private table stays hidden
    assert.deepEqual(relsOf(cache, 'rel', 'secrets_view').filter((r) => r.includes('-> rel.clients ')), [
      'M2O rel.secrets_view -> rel.clients secrets_client_id_fkey(client_id=id) VT',
    ]);
    assert.equal(findRelationships(cache, 'rel', 'clients', 'rel_private').length, 0);
    // partitioned tables are embeddable both ways
    assert.ok(relsOf(cache, 'rel', 'measurements').includes('M2O rel.measurements -> rel.clients measurements_client_id_fkey(client_id=id) TT'));
    assert.ok(relsOf(cache, 'rel', 'clients').includes('O2M rel.clients -> rel.measurements measurements_client_id_fkey(id=client_id) TT'));
  });

  it('keeps relationships across exposed schemas under the target schema', () => {
    assert.deepEqual(relsOf(cache, 'rel_other', 'invoices', 'rel'), [
      'M2O rel_other.invoices -> rel.clients invoices_client_id_fkey(client_id=id) TT',
      'M2O rel_other.invoices -> rel.clients_mat invoices_client_id_fkey(client_id=id) TV',
      'M2O rel_other.invoices -> rel.clients_top invoices_client_id_fkey(client_id=client_id) TV',
      'M2O rel_other.invoices -> rel.clients_view invoices_client_id_fkey(client_id=id) TV',
    ]);
    assert.ok(relsOf(cache, 'rel', 'clients', 'rel_other').includes('O2M rel.clients -> rel_other.invoices invoices_client_id_fkey(id=client_id) TT'));
    // findRelationships defaults to the origin's schema, as PostgREST's lookup does
    assert.equal(relsOf(cache, 'rel', 'clients').filter((r) => r.includes('rel_other.invoices')).length, 0);
  });

  it('loads computed relationships, which replace detected ones to the same-named relation', () => {
    const clients = relsOf(cache, 'rel', 'clients').filter((r) => r.startsWith('computed'));
    assert.deepEqual(clients, [
      'computed rel.clients -> rel.projects via rel.client_projects to-many',
      'computed rel.clients -> rel.remote_things via rel.client_remote_things to-many',
      'computed rel.clients -> rel.projects via rel.top_project to-one',
    ]);
    assert.ok(relsOf(cache, 'rel', 'projects').includes('computed rel.projects -> rel.clients via rel.project_client to-one'));
    assert.deepEqual(relsOf(cache, 'rel', 'books'), ['computed rel.books -> rel.authors via rel.authors to-one']);
    assert.deepEqual(relsOf(cache, 'rel', 'authors'), ['O2M rel.authors -> rel.books books_author_id_fkey(id=author_id) TT']);
  });

  it('loads computed fields', () => {
    const label = findComputedField(cache, 'rel', 'projects', 'full_label');
    assert.ok(label);
    assert.equal(label.returnType, 'text');
    assert.equal(label.volatility, 'immutable');
    assert.equal(label.description, 'Id and name');
    assert.equal(label.returnsSet, false);
    assert.equal(findComputedField(cache, 'rel', 'clients', 'name_length')?.returnType, 'integer');
    // computed relationships are not computed fields
    assert.equal(findComputedField(cache, 'rel', 'clients', 'top_project'), undefined);
    assert.equal(findComputedField(cache, 'rel', 'clients', 'full_label'), undefined);
  });

  it('loads routines: params, return types, volatility, settings, isolation, overloads', () => {
    const add = routine(cache, 'add_them');
    assert.equal(add.description, 'Adds two numbers');
    assert.deepEqual(
      add.params.map((p) => [p.name, p.type, p.required, p.variadic]),
      [
        ['a', 'integer', true, false],
        ['b', 'integer', false, false],
      ],
    );
    assert.deepEqual(add.returnType, { kind: 'single', type: { kind: 'scalar', type: { schema: 'pg_catalog', name: 'int4' } } });
    assert.equal(add.volatility, 'immutable');
    assert.deepEqual(add.settings, [['work_mem', '2MB']]);
    assert.equal(add.isolationLevel, null);

    const get = routine(cache, 'get_clients');
    assert.deepEqual(get.returnType, {
      kind: 'setof',
      type: { kind: 'composite', type: { schema: 'rel', name: 'clients' }, isAlias: false, isTable: true },
    });
    assert.equal(get.volatility, 'stable');
    assert.deepEqual(get.settings, [
      ['search_path', 'rel, public'],
      ['default_transaction_isolation', 'repeatable read'],
    ]);
    assert.equal(get.isolationLevel, 'repeatable read');

    const touch = routine(cache, 'touch');
    assert.equal(touch.volatility, 'volatile');
    assert.equal(touch.isolationLevel, 'serializable');
    assert.deepEqual(touch.settings, [
      ['statement_timeout', '5s'],
      ['default_transaction_isolation', 'serializable'],
    ]);
    assert.deepEqual(touch.returnType.type, { kind: 'scalar', type: { schema: 'pg_catalog', name: 'void' } });

    assert.deepEqual(
      findRoutines(cache, 'rel', 'overloaded').map((r) => r.params.map((p) => p.name)),
      [[], ['x'], ['x', 'y']],
    );
    const sum = routine(cache, 'sum_all');
    assert.equal(sum.hasVariadic, true);
    assert.deepEqual(sum.params.map((p) => [p.name, p.type, p.variadic]), [['nums', 'integer[]', true]]);

    const divMod = routine(cache, 'div_mod');
    assert.deepEqual(divMod.params.map((p) => p.name), ['a', 'b']);
    assert.equal(divMod.returnType.type.kind, 'composite');
    assert.deepEqual(routine(cache, 'out_first').params.map((p) => [p.name, p.type]), [['n', 'integer']]);

    const names = routine(cache, 'client_names');
    assert.equal(names.returnType.kind, 'setof');
    assert.equal(names.returnType.type.kind, 'composite');

    assert.deepEqual(routine(cache, 'echo').params.map((p) => [p.name, p.type]), [['', 'json']]);
    assert.deepEqual(
      routine(cache, 'with_char').params.map((p) => [p.type, p.typeMaxLength]),
      [
        ['character', 'character varying'],
        ['bit', 'bit varying'],
      ],
    );
    assert.deepEqual(routine(cache, 'positive').params.map((p) => p.type), ['rel.positive_int']);
    // not callable: an unnamed non-raw parameter, a procedure, a trigger function, an aggregate
    for (const hidden of ['unnamed_int', 'full_label', 'a_procedure', 'a_trigger', 'tsv_agg', 'top_project']) {
      assert.deepEqual(findRoutines(cache, 'rel', hidden), [], hidden);
    }
  });

  it('loads domain representations and media type handlers', () => {
    assert.deepEqual(findRepresentation(cache, 'rel.color', 'json')?.function, { schema: 'rel', name: 'color_to_json' });
    assert.deepEqual(findRepresentation(cache, 'json', 'rel.color')?.function, { schema: 'rel', name: 'json_to_color' });
    const tsv = findMediaHandler(cache, { kind: 'rel', qi: { schema: 'rel', name: 'clients' } }, 'text/tab-separated-values');
    assert.deepEqual(tsv?.handler, { kind: 'aggregate', function: { schema: 'rel', name: 'tsv_agg' } });
    const png = findMediaHandler(cache, { kind: 'rel', qi: { schema: 'rel', name: 'logo' } }, 'image/png');
    assert.deepEqual(png?.handler, { kind: 'function', domain: { schema: 'rel', name: 'image/png' } });
    assert.equal(findMediaHandler(cache, { kind: 'anyelement' }, 'text/csv')?.handler.kind, 'builtin');
  });

  it('answers PGRST205 with the fuzzy hint', () => {
    const near = tableNotFound(cache, 'rel', 'projectx');
    assert.equal(near.status, 404);
    assert.deepEqual(near.body(), {
      code: 'PGRST205',
      message: "Could not find the table 'rel.projectx' in the schema cache",
      details: null,
      hint: "Perhaps you meant the table 'rel.projects'",
    });
    assert.equal(tableNotFound(cache, 'rel', 'projecxx').hint, "Perhaps you meant the table 'rel.projects'");
    assert.equal(tableNotFound(cache, 'rel', 'projxxxx').hint, null);
    assert.equal(tableNotFound(cache, 'rel', 'Clients').hint, "Perhaps you meant the table 'rel.clients'");
    assert.equal(tableNotFound(cache, 'nowhere', 'clients').hint, null);
  });

  it('has the version, time zones, timings and a deterministic dump', () => {
    assert.ok(cache.pgVersion.num >= 140000);
    assert.match(cache.pgVersion.full, /^PostgreSQL /);
    assert.ok(cache.timezones.has('UTC'));
    assert.ok(cache.timezones.has('America/Los_Angeles'));
    assert.ok(cache.timings.queries.length >= 5);
    const dump = schemaCacheToJson(cache);
    assert.deepEqual(Object.keys(dump), [
      'dbTables',
      'dbRelationships',
      'dbRoutines',
      'dbRepresentations',
      'dbMediaHandlers',
      'dbTimezones',
    ]);
    assert.equal(JSON.stringify(dump), JSON.stringify(schemaCacheToJson(cache)));
    assert.match(schemaCacheSummary(cache), /^\d+ Relations, \d+ Relationships, \d+ RPCs, \d+ Domain Representations, 7 Media Type Handlers$/);
  });

  it('drops what is not exposed and breaks view chains through unlisted schemas', async () => {
    const only = await loadSchemaCache(client, { schemas: ['rel'], extraSearchPath: ['public'] });
    assert.equal(findTable(only, 'rel_other', 'invoices'), undefined);
    assert.deepEqual(relsOf(only, 'rel', 'clients', 'rel_other'), []);
    assert.deepEqual(table(only, 'rel', 'clients_top').pkCols, []);
    assert.deepEqual(relsOf(only, 'rel', 'clients_top'), []);
    // a middle view in the extra search path keeps the chain
    const extra = await loadSchemaCache(client, { schemas: ['rel'], extraSearchPath: ['public', 'rel_other'] });
    assert.deepEqual(table(extra, 'rel', 'clients_top').pkCols, ['client_id']);
    assert.ok(relsOf(extra, 'rel', 'clients_top').includes('O2M rel.clients_top -> rel.projects projects_client_id_fkey(client_id=client_id) VT'));
    assert.equal(findTable(extra, 'rel_other', 'clients_mid'), undefined);
  });

  it('fails the load for a nonexistent schema', async () => {
    await assert.rejects(
      loadSchemaCache(client, { schemas: ['rel', 'no_such_schema'], extraSearchPath: ['public'] }),
      (e: unknown) =>
        e instanceof SchemaCacheLoadError &&
        e.missingSchemas.includes('no_such_schema') &&
        e.message.includes('"no_such_schema" in db-schemas does not exist'),
    );
  });

  it('loads 1,000 tables with foreign keys quickly', async () => {
    const schema = `sc_big_${process.pid}`;
    await dropBigSchema(client, schema);
    await client.query(`CREATE SCHEMA ${schema}`);
    try {
      // batches of 100 tables per statement keep each transaction within the lock table
      for (let from = 1; from <= BIG_TABLES; from += 100) {
        await client.query(`DO $$ BEGIN
          FOR i IN ${from}..${from + 99} LOOP
            EXECUTE format('CREATE TABLE ${schema}.t%s (id integer PRIMARY KEY, name text NOT NULL, note varchar(40),
              created_at timestamptz DEFAULT now(), parent_id integer %s, self_id integer REFERENCES ${schema}.t%s (id))',
              i, CASE WHEN i > 1 THEN format('REFERENCES ${schema}.t%s (id)', i - 1) ELSE '' END, i);
            IF i % 10 = 0 THEN
              EXECUTE format('CREATE VIEW ${schema}.v%s AS SELECT id, name, parent_id FROM ${schema}.t%s', i, i);
              EXECUTE format('CREATE TABLE ${schema}.j%s (a_id integer REFERENCES ${schema}.t%s (id),
                b_id integer REFERENCES ${schema}.t%s (id), PRIMARY KEY (a_id, b_id))', i, i, i - 1);
            END IF;
          END LOOP;
        END $$`);
      }
      const started = performance.now();
      const big = await loadSchemaCache(client, { schemas: [schema], extraSearchPath: ['public'] });
      const ms = performance.now() - started;
      const perQuery = big.timings.queries.map((q) => `${q.query}=${q.ms.toFixed(0)}ms`).join(' ');
      console.log(`schema cache: 1,000 tables loaded in ${ms.toFixed(0)} ms (${perQuery}, build=${big.timings.buildMs.toFixed(0)}ms)`);
      assert.equal(big.tables.get(schema)?.size, 1200);
      assert.ok(findRelationships(big, schema, 't500').some((r) => fmt(r).startsWith(`M2O ${schema}.t500 -> ${schema}.t499`)));
      assert.ok(findRelationships(big, schema, 't500').some((r) => fmt(r).startsWith(`M2M ${schema}.t500 -> ${schema}.t499 via ${schema}.j500`)));
      assert.deepEqual(findTable(big, schema, 'v500')?.pkCols, ['id']);
      // 500+ tables: no fuzzy index, no hint
      assert.equal(tableNotFound(big, schema, 't5000').hint, null);
      assert.ok(ms < 5000, `load took ${ms} ms`);
    } finally {
      await dropBigSchema(client, schema);
    }
  });
});
