// Feature tests of resource embedding: to-one/to-many/many-to-many shapes, nesting, aliases, targets by FK name, FK
// column, view and computed relationship, empty embeds, embedded filters/order/limit/logic, db-max-rows, PGRST108.
// Data: test/fixtures/25-embed.sql (schema `embed`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkJsonCase, type JsonCase } from '../support/cases.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let capped: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'embed' });
  capped = await startTestServer({ PGRST_DB_SCHEMAS: 'embed', PGRST_DB_MAX_ROWS: '1' });
});
after(async () => {
  await srv.stop();
  await capped.stop();
});

type Case = JsonCase;

const check = (c: Case, server: TestServer = srv): Promise<void> => checkJsonCase(server.url, c);

const notEmbedded = (name: string) => ({
  code: 'PGRST108',
  message: `'${name}' is not an embedded resource in this request`,
  details: null,
  hint: `Verify that '${name}' is included in the 'select' query parameter.`,
});

const SHAPES: readonly Case[] = [
  {
    name: 'many-to-one is an object, or null without a parent',
    path: '/projects?select=id,name,clients(id,name)&order=id',
    json: [
      { id: 1, name: 'Windows 7', clients: { id: 1, name: 'Microsoft' } },
      { id: 2, name: 'Windows 10', clients: { id: 1, name: 'Microsoft' } },
      { id: 3, name: 'IOS', clients: { id: 2, name: 'Apple' } },
      { id: 4, name: 'OSX', clients: { id: 2, name: 'Apple' } },
      { id: 5, name: 'Orphan', clients: null },
    ],
    headers: { 'content-range': '0-4/*' },
  },
  {
    name: 'one-to-many is an array, [] without children',
    path: '/clients?select=id,projects(id,name)&order=id&projects.order=id',
    json: [
      { id: 1, projects: [{ id: 1, name: 'Windows 7' }, { id: 2, name: 'Windows 10' }] },
      { id: 2, projects: [{ id: 3, name: 'IOS' }, { id: 4, name: 'OSX' }] },
      { id: 3, projects: [] },
    ],
  },
  {
    name: 'many-to-many through the junction',
    path: '/users?select=name,tasks(name)&order=id&tasks.order=id',
    json: [
      { name: 'Angela Martin', tasks: [{ name: 'Design w7' }, { name: 'Code w7' }, { name: 'Design w10' }, { name: 'Code w10' }] },
      { name: 'Michael Scott', tasks: [{ name: 'Design IOS' }, { name: 'Code IOS' }, { name: 'Design OSX' }] },
      { name: 'Dwight Schrute', tasks: [{ name: 'Design w7' }, { name: 'Design IOS' }] },
    ],
  },
  {
    name: 'many-to-many reversed',
    path: '/tasks?select=name,users(name)&id=eq.1&users.order=id',
    json: [{ name: 'Design w7', users: [{ name: 'Angela Martin' }, { name: 'Dwight Schrute' }] }],
  },
  {
    name: 'one-to-one both ways (an existing row with null columns is an object)',
    path: '/countries?select=name,capitals(name)&order=id',
    json: [
      { name: 'Afghanistan', capitals: { name: 'Kabul' } },
      { name: 'Algeria', capitals: { name: null } },
      { name: 'Atlantis', capitals: null },
    ],
  },
  {
    name: 'one-to-one from the child side',
    path: '/capitals?select=name,countries(name)&order=id',
    json: [
      { name: 'Kabul', countries: { name: 'Afghanistan' } },
      { name: null, countries: { name: 'Algeria' } },
    ],
  },
  {
    name: 'star next to an embed, and star inside it',
    path: '/projects?select=*,clients(*)&id=eq.1',
    json: [{ id: 1, name: 'Windows 7', client_id: 1, clients: { id: 1, name: 'Microsoft' } }],
  },
  {
    name: 'aliases for the embed and its columns',
    path: '/projects?select=id,owner:clients(label:name)&id=eq.3',
    json: [{ id: 3, owner: { label: 'Apple' } }],
  },
  {
    name: 'two levels of children',
    path: '/clients?select=id,projects(id,tasks(id))&id=eq.1&projects.order=id&projects.tasks.order=id',
    json: [{ id: 1, projects: [{ id: 1, tasks: [{ id: 1 }, { id: 2 }] }, { id: 2, tasks: [{ id: 3 }, { id: 4 }] }] }],
  },
  {
    name: 'parents and children together',
    path: '/projects?select=name,clients(name),tasks(name)&id=eq.4',
    json: [{ name: 'OSX', clients: { name: 'Apple' }, tasks: [{ name: 'Design OSX' }] }],
  },
  {
    name: 'the same table embedded twice under different aliases, each with its own filters',
    path: '/clients?select=id,p1:projects(id),p2:projects(id)&p1.id=eq.1&p2.id=eq.2&id=eq.1',
    json: [{ id: 1, p1: [{ id: 1 }], p2: [{ id: 2 }] }],
  },
];

const TARGETS: readonly Case[] = [
  {
    name: 'by FK constraint name (one-to-many)',
    path: '/clients?select=id,projects_client_id_fkey(name)&id=eq.2&projects_client_id_fkey.order=id',
    json: [{ id: 2, projects_client_id_fkey: [{ name: 'IOS' }, { name: 'OSX' }] }],
  },
  {
    name: 'by FK column of the origin (many-to-one)',
    path: '/projects?select=id,client_id(name)&id=in.(1,5)&order=id',
    json: [
      { id: 1, client_id: { name: 'Microsoft' } },
      { id: 5, client_id: null },
    ],
  },
  {
    name: 'by FK column, selecting the column too under an alias',
    path: '/projects?select=id,client_id,client:client_id(name)&client_id=eq.2&order=id',
    json: [
      { id: 3, client_id: 2, client: { name: 'Apple' } },
      { id: 4, client_id: 2, client: { name: 'Apple' } },
    ],
  },
  {
    name: 'a view, through the FK of its base table',
    path: '/clients?select=id,projects_view(id,name)&id=eq.2&projects_view.order=id',
    json: [{ id: 2, projects_view: [{ id: 3, name: 'IOS' }, { id: 4, name: 'OSX' }] }],
  },
  {
    name: 'a view as parent with a column hint',
    path: '/tasks?select=id,projects_view!project_id(name)&id=eq.1',
    json: [{ id: 1, projects_view: { name: 'Windows 7' } }],
  },
  {
    name: 'a computed relationship (to-one, ROWS 1)',
    path: '/projects?select=id,computed_client(name)&id=in.(1,5)&order=id',
    json: [
      { id: 1, computed_client: { name: 'Microsoft' } },
      { id: 5, computed_client: null },
    ],
  },
  {
    name: 'a computed relationship (to-many)',
    path: '/clients?select=id,computed_projects(name)&order=id&computed_projects.order=id',
    json: [
      { id: 1, computed_projects: [{ name: 'Windows 7' }, { name: 'Windows 10' }] },
      { id: 2, computed_projects: [{ name: 'IOS' }, { name: 'OSX' }] },
      { id: 3, computed_projects: [] },
    ],
  },
];

const EMPTY: readonly Case[] = [
  {
    name: 'an empty to-one embed is omitted',
    path: '/projects?select=id,name,clients()&id=lt.3&order=id',
    json: [
      { id: 1, name: 'Windows 7' },
      { id: 2, name: 'Windows 10' },
    ],
  },
  { name: 'an empty to-many embed is omitted', path: '/clients?select=id,projects()&order=id', json: [{ id: 1 }, { id: 2 }, { id: 3 }] },
  {
    name: 'nested empty embeds are omitted',
    path: '/users?select=*,users_tasks(tasks(projects()))&order=id',
    json: [
      { id: 1, name: 'Angela Martin' },
      { id: 2, name: 'Michael Scott' },
      { id: 3, name: 'Dwight Schrute' },
    ],
  },
  {
    name: 'empty embeds next to selected columns inside an embed',
    path: '/users?select=id,tasks!inner(projects(clients()),users_tasks(),name)&tasks.id=eq.3',
    json: [{ id: 1, tasks: [{ name: 'Design w10' }] }],
  },
  { name: 'only an empty embed selects no columns', path: '/projects?select=clients()&limit=2&order=id', json: [{}, {}] },
];

const SHAPING: readonly Case[] = [
  {
    name: 'filter, order, limit and offset on an embed leave the parents alone',
    path: '/clients?select=id,projects(id)&projects.id=gt.1&projects.order=id.desc&projects.limit=1&projects.offset=1&order=id',
    json: [
      { id: 1, projects: [] },
      { id: 2, projects: [{ id: 3 }] },
      { id: 3, projects: [] },
    ],
  },
  {
    name: 'or on an embed',
    path: '/clients?select=id,projects(id)&projects.or=(id.eq.1,id.eq.4)&order=id',
    json: [
      { id: 1, projects: [{ id: 1 }] },
      { id: 2, projects: [{ id: 4 }] },
      { id: 3, projects: [] },
    ],
  },
  {
    name: 'not.and on an embed',
    path: '/clients?select=id,projects(id)&projects.not.and=(id.gt.1,id.lt.4)&id=lt.3&order=id',
    json: [
      { id: 1, projects: [{ id: 1 }] },
      { id: 2, projects: [{ id: 4 }] },
    ],
  },
  {
    name: 'limit 0 on an embed gives empty arrays',
    path: '/clients?select=id,projects(id)&projects.limit=0&order=id',
    json: [
      { id: 1, projects: [] },
      { id: 2, projects: [] },
      { id: 3, projects: [] },
    ],
  },
  {
    name: 'a limit on a to-one embed keeps the parent',
    path: '/projects?select=id,clients(id)&clients.limit=1&id=eq.1',
    json: [{ id: 1, clients: { id: 1 } }],
  },
  {
    name: 'ordering an embedded parent does not break it',
    path: '/projects?select=id,clients(name)&clients.order=name.asc&id=eq.1',
    json: [{ id: 1, clients: { name: 'Microsoft' } }],
  },
  {
    name: 'aliases are the prefixes of embedded filters',
    path: '/projects?select=id,design:tasks(name),code:tasks(name)&design.name=like.Design*&code.name=like.Code*&id=eq.1',
    json: [{ id: 1, design: [{ name: 'Design w7' }], code: [{ name: 'Code w7' }] }],
  },
  {
    name: 'three levels, each with its own filter, order and limit, in one statement',
    path:
      '/clients?select=id,name,projects(id,name,tasks(id,name,users(name)))&id=lt.3&order=id&limit=2' +
      '&projects.name=neq.OSX&projects.order=id.desc&projects.limit=1' +
      '&projects.tasks.name=like.*e*&projects.tasks.order=id&projects.tasks.limit=1' +
      '&projects.tasks.users.name=like.*i*&projects.tasks.users.order=name.desc&projects.tasks.users.limit=1',
    json: [
      {
        id: 1,
        name: 'Microsoft',
        projects: [{ id: 2, name: 'Windows 10', tasks: [{ id: 3, name: 'Design w10', users: [{ name: 'Angela Martin' }] }] }],
      },
      {
        id: 2,
        name: 'Apple',
        projects: [{ id: 3, name: 'IOS', tasks: [{ id: 5, name: 'Design IOS', users: [{ name: 'Michael Scott' }] }] }],
      },
    ],
    headers: { 'content-range': '0-1/*' },
  },
];

const ERRORS: readonly Case[] = [
  { name: 'a filter on a resource not embedded', path: '/clients?select=*&non_existent.name=eq.x', status: 400, json: notEmbedded('non_existent') },
  { name: 'a misspelled alias', path: '/clients?select=*,amiga:projects(*)&amigas.name=eq.x', status: 400, json: notEmbedded('amigas') },
  {
    name: 'a nested path names the missing level',
    path: '/clients?select=id,projects(id,tasks(id))&projects.tasks2.name=like.Design*',
    status: 400,
    json: notEmbedded('tasks2'),
  },
  { name: 'an order on a resource not embedded', path: '/clients?select=id&projects.order=id', status: 400, json: notEmbedded('projects') },
  { name: 'a limit on a resource not embedded', path: '/clients?select=id&projects.limit=1', status: 400, json: notEmbedded('projects') },
  { name: 'a logic tree on a resource not embedded', path: '/clients?select=id&projects.or=(id.eq.1)', status: 400, json: notEmbedded('projects') },
  {
    name: 'an unknown column inside an embed is a PostgreSQL error',
    path: '/clients?select=id,projects(xyz)',
    status: 400,
    json: { code: '42703', message: 'column projects_1.xyz does not exist', details: null, hint: null },
  },
];

describe('embedding', () => {
  for (const [group, cases] of [
    ['shapes', SHAPES],
    ['targets', TARGETS],
    ['empty embeds', EMPTY],
    ['embedded filters, order, limits', SHAPING],
    ['errors', ERRORS],
  ] as const) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }

  test('db-max-rows caps every embedded collection too', () =>
    check(
      {
        name: 'max rows',
        path: '/clients?select=id,projects(id)&order=id&projects.order=id',
        json: [{ id: 1, projects: [{ id: 1 }] }],
        headers: { 'content-range': '0-0/*' },
      },
      capped,
    ));

  test('embedding on the rows of a function returning a table type (with !inner and a count)', async () => {
    const path = '/rpc/get_projects?select=id,clients!inner(name),computed_client(id)&clients.name=eq.Apple&order=id';
    const r = await request(srv.url, path, { headers: { Prefer: 'count=exact' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-range'), '0-1/2');
    assert.deepEqual(r.json(), [
      { id: 3, clients: { name: 'Apple' }, computed_client: { id: 2 } },
      { id: 4, clients: { name: 'Apple' }, computed_client: { id: 2 } },
    ]);
  });

  test('HEAD of an embed has the GET headers and no body', async () => {
    const r = await request(srv.url, '/clients?select=id,projects(id)', { method: 'HEAD', headers: { Prefer: 'count=exact' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-range'), '0-2/3');
    assert.equal(r.text, '');
  });

  test('embedding after a write (POST with return=representation)', async () => {
    const r = await request(srv.url, '/project_notes?select=id,body,projects(name)', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' },
      body: JSON.stringify({ id: 1, body: 'first note', project_id: 3 }),
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json(), [{ id: 1, body: 'first note', projects: { name: 'IOS' } }]);
  });
});
