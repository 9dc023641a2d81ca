// Feature tests of aggregates: count()/sum()/avg()/min()/max() with aliases and casts, the implicit GROUP BY, the legacy
// `select=count` and `rel(count)`, aggregates inside embeds, aggregates hoisted out of to-one spreads, PGRST127 in
// to-many spreads, and PGRST123 while db-aggregates-enabled is off. Data: test/fixtures/25-embed.sql (schema `embed`).
import { after, before, describe, test } from 'node:test';
import { checkJsonCase, type JsonCase } from '../support/cases.js';
import { startTestServer, type TestServer } from '../support/server.js';

let srv: TestServer;
let disabled: TestServer;
before(async () => {
  srv = await startTestServer({ PGRST_DB_SCHEMAS: 'embed', PGRST_DB_AGGREGATES_ENABLED: 'true' });
  disabled = await startTestServer({ PGRST_DB_SCHEMAS: 'embed' });
});
after(async () => {
  await srv.stop();
  await disabled.stop();
});

type Case = JsonCase;

const check = (c: Case, server: TestServer = srv): Promise<void> => checkJsonCase(server.url, c);

const ROOT: readonly Case[] = [
  { name: 'count() counts the rows', path: '/invoices?select=count()', json: [{ count: 8 }] },
  { name: 'count() with an alias', path: '/invoices?select=cnt:count()', json: [{ cnt: 8 }] },
  { name: 'count() with a result cast', path: '/invoices?select=count()::text', json: [{ count: '8' }] },
  {
    name: 'count() grouped by the other columns',
    path: '/projects?select=c:count(),client_id&order=client_id.desc',
    json: [
      { c: 1, client_id: null },
      { c: 2, client_id: 2 },
      { c: 2, client_id: 1 },
    ],
  },
  { name: 'sum()', path: '/invoices?select=total.sum()', json: [{ sum: 8800 }] },
  { name: 'avg()', path: '/invoices?select=total.avg()', json: [{ avg: 1100 }] },
  { name: 'min(), max() and col.count()', path: '/invoices?select=total.min(),total.max(),total.count()', json: [{ min: 100, max: 4000, count: 8 }] },
  {
    name: 'grouped by an aliased column',
    path: '/invoices?select=total.sum(),total.max(),pid:project_id&order=project_id.desc',
    json: [
      { sum: 4100, max: 4000, pid: 4 },
      { sum: 3200, max: 2000, pid: 3 },
      { sum: 1200, max: 700, pid: 2 },
      { sum: 300, max: 200, pid: 1 },
    ],
  },
  {
    name: 'an alias and a result cast on the aggregate',
    path: '/invoices?select=charged:total.sum()::text,project_id&project_id=lt.3&order=project_id',
    json: [
      { charged: '300.00', project_id: 1 },
      { charged: '1200.00', project_id: 2 },
    ],
  },
  { name: 'an input cast on a JSON path', path: '/invoices?select=details->>tax::integer.sum()', json: [{ sum: 880 }] },
  { name: 'alias, input cast and result cast together', path: '/invoices?select=s:details->>tax::integer.sum()::text', json: [{ s: '880' }] },
  {
    name: 'grouped by an embedded resource',
    path: '/invoices?select=project_id,total:total.sum(),projects(name)&order=project_id&project_id=lt.3',
    json: [
      { project_id: 1, total: 300, projects: { name: 'Windows 7' } },
      { project_id: 2, total: 1200, projects: { name: 'Windows 10' } },
    ],
  },
  {
    name: 'a star next to an aggregate is every column, grouped',
    path: '/invoices?select=*,total.count()&id=lt.3&order=id',
    json: [
      { id: 1, project_id: 1, total: 100, details: { tax: 10 }, count: 1 },
      { id: 2, project_id: 1, total: 200, details: { tax: 20 }, count: 1 },
    ],
  },
];

const LEGACY_COUNT: readonly Case[] = [
  { name: 'select=count is the row count', path: '/invoices?select=count', json: [{ count: 8 }] },
  {
    name: 'rel(count) counts the embedded rows',
    path: '/clients?select=name,projects(count)&order=id',
    json: [
      { name: 'Microsoft', projects: [{ count: 2 }] },
      { name: 'Apple', projects: [{ count: 2 }] },
      { name: 'Nokia', projects: [{ count: 0 }] },
    ],
  },
];

const EMBEDDED: readonly Case[] = [
  {
    name: 'count() per embed',
    path: '/clients?select=name,projects(count())&order=id',
    json: [
      { name: 'Microsoft', projects: [{ count: 2 }] },
      { name: 'Apple', projects: [{ count: 2 }] },
      { name: 'Nokia', projects: [{ count: 0 }] },
    ],
  },
  {
    name: 'sum() per embed, null without rows',
    path: '/projects?select=name,invoices(total.sum())&order=id',
    json: [
      { name: 'Windows 7', invoices: [{ sum: 300 }] },
      { name: 'Windows 10', invoices: [{ sum: 1200 }] },
      { name: 'IOS', invoices: [{ sum: 3200 }] },
      { name: 'OSX', invoices: [{ sum: 4100 }] },
      { name: 'Orphan', invoices: [{ sum: null }] },
    ],
  },
  {
    name: 'several aggregates per embed',
    path: '/projects?select=name,invoices(total.max(),total.min(),total.avg(),total.count())&id=in.(1,5)&order=id',
    json: [
      { name: 'Windows 7', invoices: [{ max: 200, min: 100, avg: 150, count: 2 }] },
      { name: 'Orphan', invoices: [{ max: null, min: null, avg: null, count: 0 }] },
    ],
  },
  {
    name: 'grouped inside the embed',
    path: '/clients?select=name,tasks:computed_projects(client_id,n:count())&id=eq.1',
    json: [{ name: 'Microsoft', tasks: [{ client_id: 1, n: 2 }] }],
  },
];

const SPREADS: readonly Case[] = [
  {
    name: 'grouped by a to-one spread column',
    path: '/invoices?select=...projects(client_id),total.sum()&order=projects(client_id)',
    json: [
      { client_id: 1, sum: 1500 },
      { client_id: 2, sum: 7300 },
    ],
  },
  {
    name: 'an aggregate in a to-one spread is hoisted to the parent',
    path: '/invoices?select=total_sum:total.sum(),...projects(client_id,n:id.count())&order=projects(client_id)',
    json: [
      { total_sum: 1500, client_id: 1, n: 4 },
      { total_sum: 7300, client_id: 2, n: 4 },
    ],
  },
  {
    name: 'count() in a to-one spread counts the parent rows per group',
    path: '/tasks?select=...projects(client_id,count())&order=projects(client_id)',
    json: [
      { client_id: 1, count: 4 },
      { client_id: 2, count: 3 },
    ],
  },
  {
    name: 'count() with an alias next to a nested spread',
    path: '/tasks?select=...projects(client_id,...clients(name),total:count())&order=projects(client_id)',
    json: [
      { client_id: 1, name: 'Microsoft', total: 4 },
      { client_id: 2, name: 'Apple', total: 3 },
    ],
  },
  {
    name: 'aggregates of nested spreads grouped by other nested spreads',
    path: '/process_supervisor?select=supervisor_id,...processes(...process_costs(cost.sum()),...process_categories(name))&order=supervisor_id',
    json: [
      { supervisor_id: 1, sum: 220, name: 'Batch' },
      { supervisor_id: 2, sum: 70, name: 'Batch' },
      { supervisor_id: 2, sum: 200, name: 'Mass' },
      { supervisor_id: 3, sum: 180, name: 'Batch' },
      { supervisor_id: 3, sum: 40, name: 'Mass' },
      { supervisor_id: 4, sum: 180, name: 'Batch' },
    ],
  },
  {
    name: 'hoisted into an embed (not the root)',
    path: '/supervisors?select=name,process_supervisor(...processes(...process_costs(cost_sum:cost.sum()),...process_categories(category:name)))&id=eq.2',
    json: [
      {
        name: 'John',
        process_supervisor: [
          { category: 'Batch', cost_sum: 70 },
          { category: 'Mass', cost_sum: 200 },
        ],
      },
    ],
  },
  {
    name: 'count() at several spread levels',
    path: '/process_supervisor?select=...processes(factory:factory_id,processes_count:count(),...process_costs(process_costs_count:count()))&order=processes(factory)',
    json: [
      { factory: 1, processes_count: 2, process_costs_count: 2 },
      { factory: 2, processes_count: 4, process_costs_count: 4 },
      { factory: 3, processes_count: 2, process_costs_count: 2 },
    ],
  },
  {
    name: 'not in to-many spreads (PGRST127)',
    path: '/factories?select=name,...processes(category_id,id.sum())',
    status: 400,
    json: {
      code: 'PGRST127',
      message: 'Feature not implemented',
      details: 'Aggregates are not implemented for one-to-many or many-to-many spreads.',
      hint: null,
    },
  },
  {
    name: 'not hoisted through a to-many spread either (PGRST127)',
    path: '/factories?select=name,...processes(name,...process_costs(cost.sum()))',
    status: 400,
    json: {
      code: 'PGRST127',
      message: 'Feature not implemented',
      details: 'Aggregates are not implemented for one-to-many or many-to-many spreads.',
      hint: null,
    },
  },
];

const NOT_ALLOWED = { code: 'PGRST123', message: 'Use of aggregate functions is not allowed', details: null, hint: null };

const DISABLED: readonly Case[] = [
  { name: 'at the root', path: '/invoices?select=total.sum()', status: 400, json: NOT_ALLOWED },
  { name: 'count() at the root', path: '/invoices?select=count()', status: 400, json: NOT_ALLOWED },
  { name: 'in an embed', path: '/projects?select=name,invoices(total.sum())', status: 400, json: NOT_ALLOWED },
  { name: 'in a to-one spread', path: '/invoices?select=...projects(id.count())', status: 400, json: NOT_ALLOWED },
  { name: 'in a to-many spread', path: '/factories?select=...processes(id.count())', status: 400, json: NOT_ALLOWED },
  { name: 'the legacy select=count still works', path: '/invoices?select=count', json: [{ count: 8 }] },
  { name: 'the legacy rel(count) still works', path: '/clients?select=projects(count)&id=eq.1', json: [{ projects: [{ count: 2 }] }] },
];

describe('aggregates', () => {
  for (const [group, cases] of [
    ['at the root', ROOT],
    ['legacy count', LEGACY_COUNT],
    ['in embeds', EMBEDDED],
    ['in spreads', SPREADS],
  ] as const) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }
  describe('db-aggregates-enabled off', () => {
    for (const c of DISABLED) test(c.name, () => check(c, disabled));
  });
});
