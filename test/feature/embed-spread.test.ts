// Feature tests of spreads `...rel(cols)`: to-one columns lifted into the parent, to-many columns as correlated arrays
// (ordered by the spread's order, also by unselected and related columns), nesting, junction spreads, empty spreads,
// `!inner` and null filters, and the alias restriction. Data: test/fixtures/25-embed.sql (schema `embed`).
import { after, before, describe, test } from 'node:test';
import { checkJsonCase, type JsonCase } from '../support/cases.js';
import { startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'embed' });
});
after(async () => {
  await srv.stop();
});

type Case = JsonCase;

const check = (c: Case): Promise<void> => checkJsonCase(srv.url, c);

const TO_ONE: readonly Case[] = [
  {
    name: 'many-to-one columns lifted with their aliases; nulls without a parent',
    path: '/projects?select=id,...clients(client_name:name)&order=id',
    json: [
      { id: 1, client_name: 'Microsoft' },
      { id: 2, client_name: 'Microsoft' },
      { id: 3, client_name: 'Apple' },
      { id: 4, client_name: 'Apple' },
      { id: 5, client_name: null },
    ],
  },
  {
    name: 'nested to-one spreads',
    path: '/tasks?select=name,...projects(project:name,...clients(client:name))&order=id&limit=2',
    json: [
      { name: 'Design w7', project: 'Windows 7', client: 'Microsoft' },
      { name: 'Code w7', project: 'Windows 7', client: 'Microsoft' },
    ],
  },
  {
    name: 'inside a normal embed',
    path: '/tasks?select=name,project:projects(name,...clients(client:name))&id=eq.5',
    json: [{ name: 'Design IOS', project: { name: 'IOS', client: 'Apple' } }],
  },
  {
    name: 'one-to-one',
    path: '/countries?select=name,...capitals(capital:name)&order=id',
    json: [
      { name: 'Afghanistan', capital: 'Kabul' },
      { name: 'Algeria', capital: null },
      { name: 'Atlantis', capital: null },
    ],
  },
  {
    name: 'a computed to-one relationship',
    path: '/projects?select=name,...computed_client(client:name)&id=in.(3,5)&order=id',
    json: [
      { name: 'IOS', client: 'Apple' },
      { name: 'Orphan', client: null },
    ],
  },
  {
    name: 'the junction columns of a many-to-many next to the spread target',
    path: '/users?select=name,tasks:users_tasks(role,...tasks(name))&id=eq.3&tasks.order=task_id',
    json: [
      {
        name: 'Dwight Schrute',
        tasks: [
          { role: 'review', name: 'Design w7' },
          { role: 'review', name: 'Design IOS' },
        ],
      },
    ],
  },
  {
    name: 'a star in a spread',
    path: '/tasks?select=task:id,...projects(*)&id=eq.7',
    json: [{ task: 7, id: 4, name: 'OSX', client_id: 2 }],
  },
  {
    name: '!inner on a to-one spread',
    path: '/projects?select=id,...clients!inner(client:name)&clients.name=eq.Apple&order=id',
    json: [
      { id: 3, client: 'Apple' },
      { id: 4, client: 'Apple' },
    ],
  },
  {
    name: 'ordering by a column of a to-one spread',
    path: '/projects?select=id,...clients(client:name)&order=clients(client).asc,id&id=lt.5',
    json: [
      { id: 3, client: 'Apple' },
      { id: 4, client: 'Apple' },
      { id: 1, client: 'Microsoft' },
      { id: 2, client: 'Microsoft' },
    ],
  },
];

const TO_MANY: readonly Case[] = [
  {
    name: 'one-to-many columns become arrays, [] without rows',
    path: '/factories?select=factory:name,...processes(name)&order=name&processes.order=name',
    json: [
      { factory: 'Factory A', name: ['Process A1', 'Process A2'] },
      { factory: 'Factory B', name: ['Process B1', 'Process B2'] },
      { factory: 'Factory C', name: ['Process C1', 'Process C2'] },
      { factory: 'Factory D', name: [] },
    ],
  },
  {
    name: 'several correlated columns with aliases',
    path: '/factories?select=factory:name,...processes(processes:name,categories:category_id)&id=lt.3&order=name&processes.order=name',
    json: [
      { factory: 'Factory A', processes: ['Process A1', 'Process A2'], categories: [1, 2] },
      { factory: 'Factory B', processes: ['Process B1', 'Process B2'], categories: [1, 1] },
    ],
  },
  {
    name: 'a star lists every column',
    path: '/factories?select=factory:name,...processes(*)&id=in.(2,4)&order=name&processes.order=category_id.asc,name.desc',
    json: [
      { factory: 'Factory B', id: [4, 3], name: ['Process B2', 'Process B1'], factory_id: [2, 2], category_id: [1, 1] },
      { factory: 'Factory D', id: [], name: [], factory_id: [], category_id: [] },
    ],
  },
  {
    name: 'ordered by columns that are not selected',
    path: '/factories?select=...processes(name)&id=eq.1&processes.order=category_id.desc',
    json: [{ name: ['Process A2', 'Process A1'] }],
  },
  {
    name: 'ordered by a related column of a nested to-one spread',
    path: '/factories?select=...processes(name,...process_costs(cost))&id=eq.2&processes.order=process_costs(cost)',
    json: [{ name: ['Process B2', 'Process B1'], cost: [70, 180] }],
  },
  {
    name: 'a row that exists with a null value is [null], not []',
    path: '/factories?select=name,...processes(process:name,...process_costs(cost))&id=eq.3&processes.id=eq.6',
    json: [{ name: 'Factory C', process: ['Process C2'], cost: [null] }],
  },
  {
    name: 'a nested non-spread to-one embed becomes an array of objects',
    path: '/factories?select=...processes(process:name,process_costs(cost))&id=eq.3&processes.order=name',
    json: [{ process: ['Process C1', 'Process C2'], process_costs: [{ cost: 40 }, { cost: null }] }],
  },
  {
    name: 'a nested to-many spread becomes an array of arrays',
    path: '/factories?select=...processes(process:name,...supervisors(supervisors:name))&id=eq.2&processes.order=name&processes.supervisors.order=name',
    json: [{ process: ['Process B1', 'Process B2'], supervisors: [['Peter', 'Sarah'], ['John', 'Mary']] }],
  },
  {
    name: 'a nested non-spread to-many embed becomes an array of arrays of objects',
    path: '/factories?select=...processes(process:name,supervisors(name))&id=eq.1&processes.order=name&processes.supervisors.order=name',
    json: [{ process: ['Process A1', 'Process A2'], supervisors: [[{ name: 'Mary' }], [{ name: 'John' }]] }],
  },
  {
    name: 'a star in a nested to-one spread',
    path: '/factories?select=...processes(*,...process_costs(*))&id=eq.3&processes.order=name',
    json: [{ id: [5, 6], name: ['Process C1', 'Process C2'], factory_id: [3, 3], category_id: [2, 2], process_id: [5, 6], cost: [40, null] }],
  },
  {
    name: 'many-to-many',
    path: '/supervisors?select=supervisor:name,...processes(name)&order=name&processes.order=name',
    json: [
      { supervisor: 'John', name: ['Process A2', 'Process B2'] },
      { supervisor: 'Mary', name: ['Process A1', 'Process B2'] },
      { supervisor: 'Peter', name: ['Process B1', 'Process C1', 'Process C2'] },
      { supervisor: 'Sarah', name: ['Process B1'] },
    ],
  },
  {
    name: 'column filters on the spread',
    path: '/factories?select=factory:name,...processes(name)&processes.name=not.like.*1&order=name',
    json: [
      { factory: 'Factory A', name: ['Process A2'] },
      { factory: 'Factory B', name: ['Process B2'] },
      { factory: 'Factory C', name: ['Process C2'] },
      { factory: 'Factory D', name: [] },
    ],
  },
  {
    name: '!inner drops parents without rows',
    path: '/factories?select=factory:name,...processes!inner(name)&order=name&processes.order=name',
    json: [
      { factory: 'Factory A', name: ['Process A1', 'Process A2'] },
      { factory: 'Factory B', name: ['Process B1', 'Process B2'] },
      { factory: 'Factory C', name: ['Process C1', 'Process C2'] },
    ],
  },
  {
    name: 'not.is.null drops parents without rows',
    path: '/factories?select=factory:name,...processes(name)&processes=not.is.null&id=gt.2&order=name&processes.order=name',
    json: [{ factory: 'Factory C', name: ['Process C1', 'Process C2'] }],
  },
  {
    name: 'is.null keeps parents without rows, with []',
    path: '/factories?select=factory:name,...processes(name)&processes=is.null',
    json: [{ factory: 'Factory D', name: [] }],
  },
];

const EMPTY_AND_ERRORS: readonly Case[] = [
  {
    name: 'an empty to-many spread adds nothing',
    path: '/factories?select=factory:name,...processes()&order=name',
    json: [{ factory: 'Factory A' }, { factory: 'Factory B' }, { factory: 'Factory C' }, { factory: 'Factory D' }],
  },
  {
    name: 'an empty nested to-one spread adds nothing',
    path: '/tasks?select=name,...projects(project:name,...clients())&id=eq.1',
    json: [{ name: 'Design w7', project: 'Windows 7' }],
  },
  {
    name: 'a spread cannot be aliased',
    path: '/projects?select=id,alias:...clients(name)',
    status: 400,
    json: {
      code: 'PGRST100',
      message: '"failed to parse select parameter (id,alias:...clients(name))" (line 1, column 10)',
      details: 'unexpected "." expecting ":" or field name (* or [a..z0..9_$])',
      hint: null,
    },
  },
];

describe('spread embeds', () => {
  for (const [group, cases] of [
    ['to-one', TO_ONE],
    ['to-many', TO_MANY],
    ['empty spreads and errors', EMPTY_AND_ERRORS],
  ] as const) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }
});
