// Hostile query strings against GET /items: hand-written broken select/filter/order/logic/range syntax, unknown
// operators, huge and unicode values, NUL bytes, broken percent-encoding, very long URLs, and seeded random mutations
// of valid queries. Pure data.
import type { Rng } from '../lib/rng.js';
import { type Case, encodeForRequestLine, type Expect, pctBytes, repeat } from './types.js';

const TABLE = '/items';

/** Broken syntax PostgREST rejects with a 4xx (PGRST100 and friends). */
const BROKEN: Readonly<Record<string, readonly string[]>> = {
  select: [
    'select=id,', 'select=id,,name', 'select=id(', 'select=item_notes(id',
    'select=item_notes((id))', 'select=id::', 'select=id::int::', 'select=id:', 'select=a:b:c',
    'select=meta->', 'select=meta->>', 'select=meta->nested->', 'select=meta->>k->', 'select=meta-', 'select=meta>k', 'select=id!',
    'select=item_notes!(id)', 'select=id.name', 'select=id,*,',
    'select=count(', 'select=id.count(', 'select=id.sum()', 'select=nope', 'select=id,nope', 'select=nope(*)', 'select=item_notes(nope)',
    'select=id::nosuchtype', 'select=id::int[', 'select=meta->0->', 'select=id,name::text::', 'select=id,item_notes(id,item_notes(id', 'select=id%2C', 'select=i d', 'select=*,nope(*)',
  ],
  filter: [
    'id=eq', 'id=eq.', 'id=.1', 'id=1', 'id=zz.1', 'id=eqq.1', 'id=EQ.1', 'id=not.', 'id=not', 'id=not.zz.1', 'id=not.not.eq.1',
    'id=in.(1,2', 'id=in.1,2)', 'id=in.', 'id=in.((1))', 'id=in.(1,(2))', 'id=is.maybe', 'id=is.', 'active=is.yes', 'id=eq.abc',
    'id=gt.1.5', 'id=eq.99999999999999999999999999999', 'id=eq.-', 'price=lt.NaNx', 'created=eq.2024-13-45', 'created=gt.yesterday-ish',
    'tags=cs.{unterminated', 'tags=cs.{"a}', 'tags=ov.(a,b)', 'tags=cs.not-an-array', 'meta=cs.{bad json', 'meta->=eq.1', 'meta->>=eq.1',
    'meta->>k->=eq.1', '->>k=eq.1', 'name=like(any).{a', 'name=like(all).a', 'name=like(some).{a}',
    'name=fts(english', 'name=fts().x', 'name=fts(nosuchconfig).x', 'id=eq(any).{x}', 'nope=eq.1', 'id.nope=eq.1',
    'item_notes.id=eq.1', 'id=isdistinct.', 'id=match.(', 'name=imatch.[', 'name=match.(unclosed', 'id=adj.1', 'id=sl.(1,2',
    'id=eq.1&id=zz.2', '=eq.1', '&&id=zz.1', 'id==eq.1', 'id=not.in.(', 'id=in.("1)', 'name=in.("unterminated', 'qty=cs.{1}',
  ],
  order: [
    'order=', 'order=id.', 'order=id.sideways', 'order=id.asc.', 'order=id.asc.nullsmiddle', 'order=id.asc.nullsfirst.desc', 'order=,',
    'order=id,,name', 'order=.asc', 'order=nope', 'order=id.desc,nope.asc', 'order=meta->', 'order=meta->>k.', 'order=item_notes(id)',
    'order=item_notes(id).desc', 'order=nope(id)', 'order=id(', 'order=id)', 'order=id::text', 'order=%2E',
  ],
  logic: [
    'or=', 'or=(', 'or=)', 'or=()', 'or=(id.eq.1', 'or=id.eq.1)', 'or=(id.eq.1,)', 'or=(,id.eq.1)', 'or=(id.eq.1,,id.eq.2)',
    'or=(and(id.eq.1)', 'or=(and(id.eq.1,id.eq.2)', 'or=(id.zz.1)', 'or=(nope.eq.1)', 'and=(id.eq.1,or(name.eq.a,))', 'or=(id)',
    'or=(id.eq)', 'not.or=(', 'not.or=id.eq.1', 'or=(not.and)',
    'or=(xor(id.eq.1))', 'xor=(id.eq.1)', 'or=(id.in.(1,2)', 'and=', 'and=(id.eq.abc)', 'or=(id.eq.1,and())',
    `or=${repeat('(', 300)}`, `or=(${repeat('or(', 200)}id.eq.1${repeat(')', 199)})`, ],
  range: [
    'limit=99999999999999999999999999',
    'offset=99999999999999999999999999', 'item_notes.limit=abc', 'item_notes.offset=x',
  ],
  embedded: [
    'select=id,item_notes(id)&item_notes.order=nope', 'select=id,item_notes(id)&item_notes.id=zz.1', 'select=id&nope.id=eq.1',
    'select=id,item_notes(id)&item_notes.or=(', 'select=id&items.id=eq.1',
    'select=id,item_notes!nope(id)', 'select=id,nope!inner(id)', 'select=id,item_notes!inner(id)&item_notes=not.is.nope',
  ],
};

/** Inputs PostgREST may accept or reject (documented leniency): anything but a 5xx. */
const LENIENT: readonly string[] = [
  'limit=-1', 'offset=-5', 'limit=0', 'offset=1000000', 'select=*,*', 'select=id,id,id', 'order=id.nullsfirst', 'order=id,id,id',
  'id=eq.%00', 'name=eq.%00', 'name=eq.a%00b', 'name=like.%00*', 'name=eq.%FF%FE', 'name=eq.%C3%28', 'name=eq.%ED%A0%80', 'name=eq.%C0%AF',
  'name=eq.%E2%80%AE', 'name=eq.%EF%BB%BF', 'name=eq.%F0%9F%98%80', 'name=in.(%F0%9F%98%80,%E2%80%8B)', 'name=eq.%',
  'name=eq.%zz', 'name=eq.%4', '%=x', '%zz=eq.1', 'select=%FF', 'select=id%00', 'select=id,name%00', 'order=id%00', 'id%00=eq.1',
  'name=eq.+', 'name=eq.%2B', 'name=eq.a+b', '&', '&&&', '=', '==', '?', '??id=eq.1', ';', 'id=eq.1;id=eq.2', 'id=eq.1&', 'a', 'a=', '=a',
  'select=id&select=name', 'order=id&order=name', 'limit=1&limit=2', 'name=eq.\\', "name=eq.'", 'name=eq."', 'name=in.("a\\"b")',
  'name=like.*%25*', 'name=ilike.%5C', 'tags=cs.{}', 'tags=cs.{""}', 'meta->>k=eq.3', 'meta->nested->>v=gt.10', 'meta->0=eq.1',
  'meta->-1=eq.1', 'meta->>99999999999999999999=eq.1', 'name=fts.%26%26', 'name=plfts.%21%21', 'name=wfts.%22', 'name=phfts.%3C-%3E',
  'select=%E2%80%AE', 'select=%F0%9F%98%80', 'select=id:%F0%9F%98%80', 'select=%22id%22', 'select=%22', 'select=id,%22name%22',
  'columns=id', 'on_conflict=id', 'id=isdistinct.1', 'id=not.isdistinct.null', 'active=is.unknown', 'name=is.null', 'name=not.is.null',
];

/**
 * Broken-looking input PostgREST accepts: its parsers read a valid prefix and ignore the rest (no end-of-input
 * check in select/logic), `limit`/`offset` that do not read as integers are ignored. Anything but a 5xx.
 */
const PREFIX_LENIENT: readonly string[] = [
  'select=,',
  'select=,id',
  'select=id)',
  'select=(id)',
  'select=item_notes(id))',
  'select=:id',
  'select=item_notes!inner!left(id)',
  'select=...',
  'select=...item_notes',
  "select=meta->'k'",
  'select=id)(',
  'select=%28',
  'meta->nested->>v=gt.x1',
  'name=eq(any).{1,2}',
  'or=(id.eq.1)(id.eq.2)',
  'or=(id.eq.1))',
  'not.not.or=(id.eq.1)',
  'or=(id.in.(1,2)))',
  `or=(${repeat('and(', 50)}id.eq.1${repeat(')', 52)})`,
  'limit=abc',
  'limit=1.5',
  'limit=1e3',
  'limit=',
  'offset=abc',
  'offset=',
  'offset=1.5',
  'limit=0x10',
  'select=id,item_notes(id)&item_notes.limit=-',
];

/** Valid queries that seed the random mutations. */
const SEEDS: readonly string[] = [
  'select=id,name,price&id=gte.3&order=price.desc.nullslast,id&limit=5&offset=1',
  'select=id,meta->k,meta->nested->>v,tags&tags=cs.{t1}&meta->>k=eq.3',
  'select=id,n:name,price::text&or=(id.lt.3,and(qty.gt.5,active.is.true))&order=id',
  'select=id,item_notes(id,note)&item_notes.order=id.desc&item_notes.limit=2&id=in.(1,2,3)',
  'name=like.item*&not.id=in.(4,5)&active=not.is.null&created=gt.2024-01-10',
  'select=*&name=ilike(any).{*1*,*2*}&price=lte.20.5&limit=3',
  'id=eq.5&select=id,created::text,qty',
  'select=id&name=fts(english).item&limit=2',
  'and=(id.gt.1,id.lt.9)&select=id,name&order=id.desc&limit=4',
  'select=id,notes:item_notes!inner(note)&item_notes.id=lt.10&order=id',
];

const TOKENS: readonly string[] = [
  'eq', 'neq', 'not', 'or', 'and', 'in', 'is', 'cs', 'cd', 'ov', 'fts', 'like', '(', ')', ',', '.', ':', '::', '->', '->>', '!inner',
  '...', '*', 'count()', 'zz', 'select', 'order', 'limit', '&', '=', '%', '%00', '%zz', '%FF', '"', "'", '\\', '{', '}', '[', ']',
  'é', '😀', '\u202e', '\u0000', '\uffff', '\ud800', 'null', 'true', '-1', '1e309', repeat('x', 300), repeat('(', 40), repeat(')', 40),
];

function mutate(rng: Rng, seed: string): string {
  let s = seed;
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(6)) {
      case 0: // insert a token
        s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(at);
        break;
      case 1: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + rng.int(6));
        break;
      case 2: {
        // duplicate a span
        const len = 1 + rng.int(12);
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      }
      case 3: // truncate
        s = s.slice(0, at);
        break;
      case 4: {
        // replace one grammar token with another
        const parts = s.split(/([&=.,():])/);
        const j = rng.int(parts.length);
        parts[j] = rng.pick(TOKENS);
        s = parts.join('');
        break;
      }
      default: {
        // swap two parameters
        const ps = s.split('&');
        const a = rng.int(ps.length);
        const b = rng.int(ps.length);
        [ps[a], ps[b]] = [ps[b] ?? '', ps[a] ?? ''];
        s = ps.join('&');
      }
    }
  }
  return s;
}

const get = (target: string, expect: Expect, id: string, family: string): Case => ({ id, family, expect, request: { method: 'GET', target } });

/** The hand-written query cases plus `randomCount` mutations of valid queries. */
export function queryCases(rng: Rng, randomCount: number): Case[] {
  const cases: Case[] = [];
  for (const [family, list] of Object.entries(BROKEN)) {
    list.forEach((q, i) => {
      cases.push(get(`${TABLE}?${encodeForRequestLine(q)}`, 'error', `query/${family}/${i}`, `query-${family}`));
    });
  }
  LENIENT.forEach((q, i) => {
    cases.push(get(`${TABLE}?${encodeForRequestLine(q)}`, 'no5xx', `query/lenient/${i}`, 'query-lenient'));
  });
  PREFIX_LENIENT.forEach((q, i) => {
    cases.push(get(`${TABLE}?${encodeForRequestLine(q)}`, 'no5xx', `query/prefix/${i}`, 'query-prefix'));
  });

  // Huge and unicode values (within the URL limit: valid but odd, so anything but a 5xx).
  const big: Array<[string, Expect]> = [
    [`name=eq.${repeat('a', 12_000)}`, 'no5xx'],
    [`name=in.(${Array.from({ length: 1500 }, (_, i) => `v${i}`).join(',')})`, 'no5xx'],
    [`id=in.(${Array.from({ length: 2500 }, (_, i) => i).join(',')})`, 'no5xx'],
    [`id=eq.${repeat('9', 5000)}`, 'error'],
    [`select=${Array.from({ length: 1500 }, () => 'id').join(',')}`, 'no5xx'],
    [`select=${repeat('a', 10_000)}`, 'error'],
    [`order=${Array.from({ length: 1200 }, () => 'id.desc').join(',')}`, 'no5xx'],
    [`${Array.from({ length: 800 }, (_, i) => `id=neq.${i + 100}`).join('&')}`, 'no5xx'],
    [`name=eq.${pctBytes(repeat('😀', 600))}`, 'no5xx'],
    [`name=eq.${pctBytes(repeat('\u0301', 1000))}`, 'no5xx'],
    [`or=(${Array.from({ length: 700 }, (_, i) => `id.eq.${i}`).join(',')})`, 'no5xx'],
    [`select=id,${repeat('item_notes(id,', 30)}note${repeat(')', 30)}`, 'error'],
    [`select=${repeat('a:', 500)}id`, 'error'],
    [`meta${repeat('->k', 800)}=eq.1`, 'no5xx'],
  ];
  big.forEach(([q, e], i) => {
    cases.push(get(`${TABLE}?${encodeForRequestLine(q)}`, e, `query/big/${i}`, 'query-big'));
  });

  // Raw bytes the HTTP parser must refuse or pass through: NUL, controls, 8-bit bytes in the request target.
  const rawTargets: Array<[Buffer, Expect]> = [
    [Buffer.from('/items?name=eq.a\0b'), 'error'],
    [Buffer.from('/items?select=id\0'), 'error'],
    [Buffer.from('/items\0?id=eq.1'), 'error'],
    [Buffer.from('/items?name=eq.a\x01b'), 'error'],
    [Buffer.from('/items?name=eq.a\x7fb'), 'no5xx'],
    [Buffer.concat([Buffer.from('/items?name=eq.'), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]), 'no5xx'],
    [Buffer.concat([Buffer.from('/items?select='), Buffer.from([0xe2, 0x80, 0xae])]), 'no5xx'],
    [Buffer.from('/items?name=eq.a\tb'), 'error'],
    [Buffer.from('/items?name=eq.a\rb'), 'error'],
    [Buffer.from('/items?name=eq.a\nb'), 'error'],
  ];
  rawTargets.forEach(([t, e], i) => {
    cases.push({ id: `query/raw/${i}`, family: 'query-raw', expect: e, request: { method: 'GET', target: t } });
  });

  for (let i = 0; i < randomCount; i++) {
    const q = mutate(rng, rng.pick(SEEDS));
    // Most are made safe for the request line (the grammar characters stay raw); some go out as raw bytes, which
    // the HTTP parser must refuse cleanly when they include controls.
    const target = rng.chance(0.85) ? `${TABLE}?${encodeForRequestLine(q)}` : `${TABLE}?${q.replace(/ /g, '%20')}`;
    cases.push(get(target, 'no5xx', `query/random/${i}`, 'query-random'));
  }
  return cases;
}
