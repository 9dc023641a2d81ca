// Feature tests of top-level filtering by embeds: `!inner` / `!left`, `rel=is.null` / `rel=not.is.null` (also inside
// or=()), counts that honour both, and ordering parents by a to-one embed (PGRST118/PGRST108).
// Data: test/fixtures/25-embed.sql (schema `embed`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkJsonCase, type JsonCase } from '../support/cases.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'embed' });
});
after(async () => {
  await srv.stop();
});

interface Case extends JsonCase {
  readonly json: unknown;
  /** Content-Range with `Prefer: count=exact`; the body must be the same as without a count. */
  readonly counted?: string;
}

async function check(c: Case): Promise<void> {
  await checkJsonCase(srv.url, c);
  if (c.counted === undefined) return;
  for (const method of ['GET', 'HEAD']) {
    const counted = await request(srv.url, c.path, { method, headers: { Prefer: 'count=exact' } });
    assert.equal(counted.headers.get('content-range'), c.counted, `${method} ${c.path} with count=exact`);
    assert.equal(counted.headers.get('preference-applied'), 'count=exact');
    if (method === 'GET') assert.deepEqual(counted.json(), c.json);
  }
}

const INNER: readonly Case[] = [
  {
    name: '!inner drops parents without a match, !left keeps them',
    path: '/projects?select=id,clients!inner(id)&order=id',
    json: [
      { id: 1, clients: { id: 1 } },
      { id: 2, clients: { id: 1 } },
      { id: 3, clients: { id: 2 } },
      { id: 4, clients: { id: 2 } },
    ],
    counted: '0-3/4',
  },
  {
    name: '!left is the default',
    path: '/projects?select=id,clients!left(id)&clients.id=eq.1&order=id&id=gt.2',
    json: [
      { id: 3, clients: null },
      { id: 4, clients: null },
      { id: 5, clients: null },
    ],
    counted: '0-2/3',
  },
  {
    name: '!inner many-to-one filtered',
    path: '/projects?select=id,clients!inner(id)&clients.id=eq.1&order=id',
    json: [
      { id: 1, clients: { id: 1 } },
      { id: 2, clients: { id: 1 } },
    ],
    counted: '0-1/2',
  },
  {
    name: '!inner one-to-many filtered',
    path: '/clients?select=id,projects!inner(name)&projects.name=eq.IOS',
    json: [{ id: 2, projects: [{ name: 'IOS' }] }],
    counted: '0-0/1',
  },
  {
    name: '!inner one-to-many drops parents with no children',
    path: '/clients?select=id,projects!inner()&order=id',
    json: [{ id: 1 }, { id: 2 }],
    counted: '0-1/2',
  },
  {
    name: '!inner many-to-many filtered',
    path: '/users?select=name,tasks!inner(id)&tasks.id=eq.3',
    json: [{ name: 'Angela Martin', tasks: [{ id: 3 }] }],
    counted: '0-0/1',
  },
  {
    name: '!inner two levels down filters the top when every level is inner',
    path: '/tasks?select=id,projects!inner(id,clients!inner(id))&projects.clients.id=eq.1&order=id',
    json: [
      { id: 1, projects: { id: 1, clients: { id: 1 } } },
      { id: 2, projects: { id: 1, clients: { id: 1 } } },
      { id: 3, projects: { id: 2, clients: { id: 1 } } },
      { id: 4, projects: { id: 2, clients: { id: 1 } } },
    ],
    counted: '0-3/4',
  },
  {
    name: '!inner only affects its direct parent',
    path: '/tasks?select=id,projects(id,clients!inner(id))&projects.clients.id=eq.2&order=id',
    json: [
      { id: 1, projects: null },
      { id: 2, projects: null },
      { id: 3, projects: null },
      { id: 4, projects: null },
      { id: 5, projects: { id: 3, clients: { id: 2 } } },
      { id: 6, projects: { id: 3, clients: { id: 2 } } },
      { id: 7, projects: { id: 4, clients: { id: 2 } } },
    ],
    counted: '0-6/7',
  },
  {
    name: '!inner on a view',
    path: '/clients?select=id,projects_view!inner(id)&projects_view.id=eq.4',
    json: [{ id: 2, projects_view: [{ id: 4 }] }],
    counted: '0-0/1',
  },
  {
    name: '!inner on a computed relationship',
    path: '/clients?select=id,computed_projects!inner(name)&computed_projects.name=eq.OSX',
    json: [{ id: 2, computed_projects: [{ name: 'OSX' }] }],
    counted: '0-0/1',
  },
  {
    name: '!inner with a many-to-one and a many-to-many together',
    path: '/projects?select=name,clients!inner(name),tasks!inner(id)&tasks.id=in.(1,5)&order=id',
    json: [
      { name: 'Windows 7', clients: { name: 'Microsoft' }, tasks: [{ id: 1 }] },
      { name: 'IOS', clients: { name: 'Apple' }, tasks: [{ id: 5 }] },
    ],
    counted: '0-1/2',
  },
];

const NULLS: readonly Case[] = [
  {
    name: 'not.is.null on a many-to-one keeps parents with a match',
    path: '/projects?select=name,clients()&clients=not.is.null&order=id',
    json: [{ name: 'Windows 7' }, { name: 'Windows 10' }, { name: 'IOS' }, { name: 'OSX' }],
    counted: '0-3/4',
  },
  {
    name: 'is.null on a many-to-one is an anti-join',
    path: '/projects?select=name,clients()&clients=is.null',
    json: [{ name: 'Orphan' }],
    counted: '0-0/1',
  },
  {
    name: 'is.null on a one-to-many',
    path: '/clients?select=name,projects()&projects=is.null',
    json: [{ name: 'Nokia' }],
    counted: '0-0/1',
  },
  {
    name: 'is.null on an aliased embed uses the alias',
    path: '/clients?select=name,pros:projects()&pros=is.null',
    json: [{ name: 'Nokia' }],
    counted: '0-0/1',
  },
  {
    name: 'not.is.null on a filtered many-to-many',
    path: '/users?select=name,tasks()&tasks.id=eq.1&tasks=not.is.null&order=id',
    json: [{ name: 'Angela Martin' }, { name: 'Dwight Schrute' }],
    counted: '0-1/2',
  },
  {
    name: 'is.null on a filtered many-to-many',
    path: '/users?select=name,tasks()&tasks.id=eq.1&tasks=is.null',
    json: [{ name: 'Michael Scott' }],
    counted: '0-0/1',
  },
  {
    name: 'is.null on a computed relationship',
    path: '/projects?select=name,computed_client()&computed_client=is.null',
    json: [{ name: 'Orphan' }],
    counted: '0-0/1',
  },
  {
    name: 'nested null filters',
    path: '/clients?select=name,projects(name,tasks())&projects.tasks=not.is.null&projects.tasks.name=eq.Design%20OSX&projects=not.is.null',
    json: [{ name: 'Apple', projects: [{ name: 'OSX' }] }],
    counted: '0-0/1',
  },
  {
    name: 'or across embeds',
    path: '/clients?select=id,p1:projects(),p2:computed_projects()&p1.name=eq.IOS&p2.name=eq.Windows%207&or=(p1.not.is.null,p2.not.is.null)&order=id',
    json: [{ id: 1 }, { id: 2 }],
    counted: '0-1/2',
  },
  {
    name: 'a joined row whose columns are all null is not null',
    path: '/countries?select=name,capitals(name)&capitals=not.is.null&order=id',
    json: [
      { name: 'Afghanistan', capitals: { name: 'Kabul' } },
      { name: 'Algeria', capitals: { name: null } },
    ],
    counted: '0-1/2',
  },
  {
    name: 'other operators on an embed name filter a column (here the FK column used as target)',
    path: '/projects?select=id,client_id(name)&client_id=eq.2&order=id',
    json: [
      { id: 3, client_id: { name: 'Apple' } },
      { id: 4, client_id: { name: 'Apple' } },
    ],
  },
];

const notEmbedded = (name: string) => ({
  code: 'PGRST108',
  message: `'${name}' is not an embedded resource in this request`,
  details: null,
  hint: `Verify that '${name}' is included in the 'select' query parameter.`,
});

const notToOne = (origin: string, target: string) => ({
  code: 'PGRST118',
  message: `A related order on '${target}' is not possible`,
  details: `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`,
  hint: null,
});

const RELATED_ORDER: readonly Case[] = [
  {
    name: 'by a many-to-one column, nulls first',
    path: '/projects?select=id,clients(name)&order=clients(name).nullsfirst,id',
    json: [
      { id: 5, clients: null },
      { id: 3, clients: { name: 'Apple' } },
      { id: 4, clients: { name: 'Apple' } },
      { id: 1, clients: { name: 'Microsoft' } },
      { id: 2, clients: { name: 'Microsoft' } },
    ],
  },
  {
    name: 'by the alias of the embed',
    path: '/projects?select=id,client:clients(name)&order=client(name).desc.nullslast,id&limit=3',
    json: [
      { id: 1, client: { name: 'Microsoft' } },
      { id: 2, client: { name: 'Microsoft' } },
      { id: 3, client: { name: 'Apple' } },
    ],
  },
  {
    name: 'by a many-to-one column, descending',
    path: '/invoices?select=id,projects(name)&order=projects(name).desc,id&limit=3',
    json: [
      { id: 1, projects: { name: 'Windows 7' } },
      { id: 2, projects: { name: 'Windows 7' } },
      { id: 3, projects: { name: 'Windows 10' } },
    ],
  },
  {
    name: 'by a computed to-one relationship',
    path: '/projects?select=id,computed_client(name)&order=computed_client(name).desc,id&id=lt.5',
    json: [
      { id: 1, computed_client: { name: 'Microsoft' } },
      { id: 2, computed_client: { name: 'Microsoft' } },
      { id: 3, computed_client: { name: 'Apple' } },
      { id: 4, computed_client: { name: 'Apple' } },
    ],
  },
  {
    name: 'inside an embed',
    path: '/users?select=name,tasks(id,projects(id))&tasks.order=projects(id).desc,id&id=eq.1',
    json: [
      {
        name: 'Angela Martin',
        tasks: [
          { id: 3, projects: { id: 2 } },
          { id: 4, projects: { id: 2 } },
          { id: 1, projects: { id: 1 } },
          { id: 2, projects: { id: 1 } },
        ],
      },
    ],
  },
  { name: 'a to-many embed is PGRST118', path: '/clients?select=*,projects(*)&order=projects(id)', status: 400, json: notToOne('clients', 'projects') },
  { name: 'PGRST118 names the alias', path: '/clients?select=*,pros:projects(*)&order=pros(id)', status: 400, json: notToOne('clients', 'pros') },
  {
    name: 'a computed to-many relationship is PGRST118',
    path: '/clients?select=id,computed_projects(id)&order=computed_projects(id)',
    status: 400,
    json: notToOne('clients', 'computed_projects'),
  },
  {
    name: 'a resource not embedded is PGRST108',
    path: '/projects?select=id,clients(name)&order=clientsx(name).nullsfirst',
    status: 400,
    json: notEmbedded('clientsx'),
  },
];

describe('top-level filtering and ordering by embeds', () => {
  for (const [group, cases] of [
    ['!inner', INNER],
    ['null filters on embeds', NULLS],
    ['related orders', RELATED_ORDER],
  ] as const) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }

  test('planned and estimated counts run with null filters', async () => {
    for (const count of ['planned', 'estimated']) {
      const r = await request(srv.url, '/projects?select=name,clients()&clients=is.null', { headers: { Prefer: `count=${count}` } });
      assert.equal(r.status === 200 || r.status === 206, true, r.text);
      assert.match(r.headers.get('content-range') ?? '', /^0-0\/\d+$/);
      assert.deepEqual(r.json(), [{ name: 'Orphan' }]);
    }
  });
});
