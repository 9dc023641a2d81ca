// Feature tests of embed disambiguation: PGRST201 (300) with PostgREST's details and hint, `!hint` by FK name, origin
// column, referenced column and junction, join type next to hints, PGRST200 with fuzzy hints, self references, and
// url-use-legacy-target-names (Warning header, PGRST108 variant). Data: test/fixtures/25-embed.sql (schema `embed`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VERSION } from '../../src/app/version.js';
import { checkJsonCase, type JsonCase } from '../support/cases.js';
import { request, startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let strict: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'embed' });
  strict = await startTestServer({ PGRST_DB_SCHEMAS: 'embed', PGRST_URL_USE_LEGACY_TARGET_NAMES: 'false' });
});
after(async () => {
  await srv.stop();
  await strict.stop();
});

type Case = JsonCase;

const check = (c: Case, server: TestServer = srv): Promise<void> => checkJsonCase(server.url, c);

const ambiguous = (parent: string, child: string, details: unknown[], hints: string[]) => ({
  code: 'PGRST201',
  message: `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
  details,
  hint: `Try changing '${child}' to one of the following: ${hints.map((h) => `'${h}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
});

const noRelationship = (parent: string, child: string, using: string | null, hint: string | null) => ({
  code: 'PGRST200',
  message: `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
  details:
    `Searched for a foreign key relationship between '${parent}' and '${child}${using === null ? '' : `' using the hint '${using}`}'` +
    " in the schema 'embed', but no matches were found.",
  hint,
});

const AMBIGUOUS: readonly Case[] = [
  {
    name: 'two many-to-one FKs to the same table',
    path: '/orders?select=*,addresses(*)',
    status: 300,
    json: ambiguous(
      'orders',
      'addresses',
      [
        { cardinality: 'many-to-one', embedding: 'orders with addresses', relationship: 'billing using orders(billing_address_id) and addresses(id)' },
        { cardinality: 'many-to-one', embedding: 'orders with addresses', relationship: 'shipping using orders(shipping_address_id) and addresses(id)' },
      ],
      ['addresses!billing', 'addresses!shipping'],
    ),
  },
  {
    name: 'a circular reference (one-to-many and many-to-one)',
    path: '/agents?select=*,departments(*)',
    status: 300,
    json: ambiguous(
      'agents',
      'departments',
      [
        {
          cardinality: 'one-to-many',
          embedding: 'agents with departments',
          relationship: 'departments_head_id_fkey using agents(id) and departments(head_id)',
        },
        {
          cardinality: 'many-to-one',
          embedding: 'agents with departments',
          relationship: 'agents_department_id_fkey using agents(department_id) and departments(id)',
        },
      ],
      ['departments!departments_head_id_fkey', 'departments!agents_department_id_fkey'],
    ),
  },
  {
    name: 'a many-to-one and a many-to-many to the same table',
    path: '/sites?select=*,big_projects(*)',
    status: 300,
    json: ambiguous(
      'sites',
      'big_projects',
      [
        {
          cardinality: 'many-to-one',
          embedding: 'sites with big_projects',
          relationship: 'main_project using sites(main_project_id) and big_projects(big_project_id)',
        },
        {
          cardinality: 'many-to-many',
          embedding: 'sites with big_projects',
          relationship: 'jobs using jobs_site_id_fkey(site_id) and jobs_big_project_id_fkey(big_project_id)',
        },
      ],
      ['big_projects!main_project', 'big_projects!jobs'],
    ),
  },
];

const HINTS: readonly Case[] = [
  {
    name: 'FK names as targets',
    path: '/orders?id=eq.1&select=id,billing(street),shipping(street)',
    json: [{ id: 1, billing: { street: 'Main St 1' }, shipping: { street: 'Side St 2' } }],
  },
  {
    name: 'table!fk with aliases',
    path: '/orders?id=eq.1&select=id,bill:addresses!billing(street),ship:addresses!shipping(street)',
    json: [{ id: 1, bill: { street: 'Main St 1' }, ship: { street: 'Side St 2' } }],
  },
  {
    name: 'table!origin column',
    path: '/orders?id=eq.2&select=id,addresses!billing_address_id(id)',
    json: [{ id: 2, addresses: { id: 2 } }],
  },
  {
    name: 'an FK column as target next to an FK name as target',
    path: '/orders?id=eq.1&select=id,billing_address_id(id),shipping(id)',
    json: [{ id: 1, billing_address_id: { id: 1 }, shipping: { id: 2 } }],
  },
  {
    name: 'table!referenced column',
    path: '/sites?select=name,big_projects!big_project_id(name)&order=site_id',
    json: [
      { name: 'site 1', big_projects: { name: 'big project 1' } },
      { name: 'site 2', big_projects: null },
    ],
  },
  {
    name: 'table!junction for the many-to-many',
    path: '/sites?select=name,big_projects!jobs(name)&order=site_id&big_projects.order=big_project_id',
    json: [
      { name: 'site 1', big_projects: [{ name: 'big project 1' }] },
      { name: 'site 2', big_projects: [{ name: 'big project 1' }, { name: 'big project 2' }] },
    ],
  },
  {
    name: 'table!fk for the many-to-one of the same pair',
    path: '/sites?select=name,big_projects!main_project(name)&site_id=eq.1',
    json: [{ name: 'site 1', big_projects: { name: 'big project 1' } }],
  },
  {
    name: 'hint then join type',
    path: '/orders?select=id,addresses!billing!inner(id)&addresses.id=eq.2',
    json: [{ id: 2, addresses: { id: 2 } }],
  },
  {
    name: 'join type then hint',
    path: '/orders?select=id,addresses!inner!billing(id)&addresses.id=eq.2',
    json: [{ id: 2, addresses: { id: 2 } }],
  },
];

const NOT_FOUND: readonly Case[] = [
  {
    name: 'an unknown hint',
    path: '/orders?select=id,sender:addresses!space(street)',
    status: 400,
    json: noRelationship('orders', 'addresses', 'space', null),
  },
  {
    name: 'a misspelled target gets the closest related relation',
    path: '/projects?select=*,clientz(*)',
    status: 400,
    json: noRelationship('projects', 'clientz', null, "Perhaps you meant 'clients' instead of 'clientz'."),
  },
  {
    name: 'a parent without relationships gets the closest relation that has some',
    path: '/client?select=*,projects(*)',
    status: 400,
    json: noRelationship('client', 'projects', null, "Perhaps you meant 'clients' instead of 'client'."),
  },
  {
    name: 'no suggestion when nothing is close',
    path: '/projects?select=*,zzzzzzzz(*)',
    status: 400,
    json: noRelationship('projects', 'zzzzzzzz', null, null),
  },
  {
    name: 'a junction hint that is not a junction',
    path: '/users?select=*,tasks!projects(*)',
    status: 400,
    json: noRelationship('users', 'tasks', 'projects', null),
  },
];

const SELF: readonly Case[] = [
  {
    name: 'parents recursively through the FK column',
    path: '/family?id=in.(3,4)&select=id,parent_id(id,name,parent_id(*))&order=id',
    json: [
      { id: 3, parent_id: { id: 1, name: 'Parental Unit', parent_id: null } },
      { id: 4, parent_id: { id: 2, name: 'Kid One', parent_id: { id: 1, name: 'Parental Unit', parent_id: null } } },
    ],
  },
  {
    name: 'children recursively through table!fk column',
    path: '/family?id=eq.1&select=id,children:family!parent_id(id,children:family!parent_id(id))&children.order=id',
    json: [{ id: 1, children: [{ id: 2, children: [{ id: 4 }] }, { id: 3, children: [{ id: 5 }] }] }],
  },
  {
    name: 'the table name picks the children',
    path: '/family?select=id,family(id)&id=eq.1&family.order=id',
    json: [{ id: 1, family: [{ id: 2 }, { id: 3 }] }],
  },
  {
    name: 'a parent, then its children',
    path: '/family?id=eq.2&select=id,parent:parent_id(id,children:family!parent_id(id))&parent.children.order=id',
    json: [{ id: 2, parent: { id: 1, children: [{ id: 2 }, { id: 3 }] } }],
  },
];

describe('embed disambiguation', () => {
  for (const [group, cases] of [
    ['ambiguous embeds (300)', AMBIGUOUS],
    ['hints', HINTS],
    ['no relationship (400)', NOT_FOUND],
    ['self references', SELF],
  ] as const) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }
});

const LEGACY_PATH = '/projects?id=eq.1&select=id,name,the_tasks:tasks(id,name)&tasks.name=like.Code*&tasks.order=name.asc&tasks.limit=1';

describe('url-use-legacy-target-names', () => {
  test('on (default): the relation name still reaches an aliased embed', () =>
    check({ name: 'legacy', path: LEGACY_PATH, json: [{ id: 1, name: 'Windows 7', the_tasks: [{ id: 2, name: 'Code w7' }] }] }));

  test('on (default): the response carries the deprecation Warning', async () => {
    const r = await request(srv.url, LEGACY_PATH);
    assert.equal(
      r.headers.get('warning'),
      `299 PostgRESTv${VERSION} "Embedded resource was referenced by relation name even though it has an alias. This is deprecated and ` +
        'will stop working in a future release. Update `tasks` to `the_tasks` in query string filters, orders or limits."',
    );
  });

  test('no Warning when aliases are used', async () => {
    const r = await request(srv.url, '/projects?id=eq.1&select=id,the_tasks:tasks(id)&the_tasks.id=eq.2');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('warning'), null);
    assert.deepEqual(r.json(), [{ id: 1, the_tasks: [{ id: 2 }] }]);
  });

  test('off: the relation name of an aliased embed is PGRST108 with the legacy details', () =>
    check(
      {
        name: 'strict',
        path: LEGACY_PATH,
        status: 400,
        json: {
          code: 'PGRST108',
          message: "'tasks' is not an embedded resource in this request",
          details: 'Target names are not allowed in filters if they have an alias',
          hint: "Change 'tasks' to 'the_tasks' in filters, orders or limits.",
        },
      },
      strict,
    ));

  test('off: the same table embedded twice, plain and aliased, filters independently', () =>
    check(
      {
        name: 'twice',
        path: '/clients?select=id,projects(id),p2:projects(id)&projects.id=eq.1&p2.id=eq.2&id=eq.1',
        json: [{ id: 1, projects: [{ id: 1 }], p2: [{ id: 2 }] }],
      },
      strict,
    ));

  test('on: a plain and an aliased embed of one table share the relation name (PostgREST v16 behaviour)', () =>
    check({
      name: 'twice legacy',
      path: '/clients?select=id,projects(id),p2:projects(id)&projects.id=eq.1&p2.id=eq.2&id=eq.1',
      json: [{ id: 1, projects: [{ id: 1 }, { id: 2 }], p2: [] }],
    }));
});
