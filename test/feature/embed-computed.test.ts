// Feature tests of computed fields (functions of a row type used as columns: select, alias, cast, filter, order, at the
// root and inside embeds and spreads) and computed relationships (functions of a row type returning a relation:
// to-one and to-many embeds, overriding a detected relationship). Data: test/fixtures/25-embed.sql (schema `embed`).
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

const FIELDS: readonly Case[] = [
  { name: 'selected by name, not part of *', path: '/clients?select=*,name_length&id=eq.1', json: [{ id: 1, name: 'Microsoft', name_length: 9 }] },
  { name: 'with an alias and a cast', path: '/clients?select=len:name_length::text&id=eq.2', json: [{ len: '5' }] },
  {
    name: 'filtered and ordered by',
    path: '/clients?select=name&name_length=lt.9&order=name_length.desc,name.desc',
    json: [{ name: 'Nokia' }, { name: 'Apple' }],
  },
  {
    name: 'inside an embed: selected, filtered and ordered',
    path: '/clients?select=name,projects(full_label)&projects.full_label=like.*O*&projects.order=full_label.desc&order=id',
    json: [
      { name: 'Microsoft', projects: [] },
      { name: 'Apple', projects: [{ full_label: '4-OSX' }, { full_label: '3-IOS' }] },
      { name: 'Nokia', projects: [] },
    ],
  },
  {
    name: 'aliased inside an embed, next to a root computed field',
    path: '/clients?select=name,name_length,projects(label:full_label)&name_length=gt.5&projects.order=id',
    json: [{ name: 'Microsoft', name_length: 9, projects: [{ label: '1-Windows 7' }, { label: '2-Windows 10' }] }],
  },
  {
    name: 'in a to-one spread',
    path: '/tasks?select=name,...projects(label:full_label)&id=eq.5',
    json: [{ name: 'Design IOS', label: '3-IOS' }],
  },
  {
    name: 'in a to-many spread, ordered by it',
    path: '/clients?select=name,...projects(labels:full_label)&id=eq.2&projects.order=full_label.desc',
    json: [{ name: 'Apple', labels: ['4-OSX', '3-IOS'] }],
  },
];

const RELATIONSHIPS: readonly Case[] = [
  {
    name: 'to-one (ROWS 1) with an alias',
    path: '/projects?select=name,client:computed_client(name)&id=in.(4,5)&order=id',
    json: [
      { name: 'OSX', client: { name: 'Apple' } },
      { name: 'Orphan', client: null },
    ],
  },
  {
    name: 'to-many with an embedded filter and order',
    path: '/clients?select=name,computed_projects(name)&computed_projects.name=like.W*&computed_projects.order=name.desc&id=lt.3&order=id',
    json: [
      { name: 'Microsoft', computed_projects: [{ name: 'Windows 7' }, { name: 'Windows 10' }] },
      { name: 'Apple', computed_projects: [] },
    ],
  },
  {
    name: 'nested under a detected relationship',
    path: '/tasks?select=name,projects(name,computed_client(name))&id=eq.1',
    json: [{ name: 'Design w7', projects: { name: 'Windows 7', computed_client: { name: 'Microsoft' } } }],
  },
  {
    name: 'a computed relationship named like a table replaces the detected one',
    path: '/members?select=name,teams(name)&order=id',
    json: [
      { name: 'Ann', teams: { name: 'red' } },
      { name: 'Bob', teams: null },
    ],
  },
];

describe('computed fields and relationships', () => {
  for (const [group, cases] of [
    ['computed fields', FIELDS],
    ['computed relationships', RELATIONSHIPS],
  ] as const) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }
});
