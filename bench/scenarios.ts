// The benchmark scenarios: for each, the request postgrest-ts gets and the equivalent request the baseline gets
// (same rows, same JSON shape), a light shape check of a response and a fingerprint that both targets' answers to
// the same fixed-seed request must share. Requests with random parameters draw from a seeded generator, so all
// targets see the same sequence of ids in a round. PostGraphile gets the equivalent GraphQL request where its
// generated API can express it (its answer is mapped back to postgrest-ts's JSON for the check and fingerprint),
// else the scenario is n/a for it, with the reason.
import type { DatasetInfo } from './dataset.js';
import { ORDERS_START } from './dataset.js';

export type TargetName = 'postgrest-ts' | 'baseline' | 'postgraphile';
export const TARGETS: readonly TargetName[] = ['postgrest-ts', 'baseline', 'postgraphile'];

export interface Req {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A response as the check sees it (header names lower-cased). */
export interface Sample {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A small seeded PRNG (mulberry32). */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** `load`: autocannon at fixed connections for the round duration; `big`: a few sequential requests, time to last byte. */
  readonly kind: 'load' | 'big';
  /** Rows one successful request inserts into bench.reviews (write scenarios): checked once, truncated after each run. */
  readonly writesRows?: number;
  /** False when every request is identical (autocannon then encodes it once). */
  readonly varies: boolean;
  request(target: TargetName, rng: Rng): Req;
  /** undefined when the response looks right, else what is wrong. */
  check(s: Sample): string | undefined;
  /** A digest of the content: both targets must give the same one for the same request. */
  fingerprint(s: Sample): string;
  /**
   * Peak server RSS postgrest-ts must stay under (`big` only), MB: set on the 1M-row reads, which also get the smaller
   * BENCH_HUGE_REQUESTS count of sequential requests per round and no warm-up.
   */
  readonly rssLimitMb?: number;
  /**
   * PostGraphile's equivalent: how its GraphQL `data` maps back to the JSON postgrest-ts answers (undefined for
   * writes, which are checked by the rows they insert), or why there is none.
   */
  readonly graphql: { readonly toRest: ((data: Record<string, unknown>) => unknown) | undefined } | { readonly na: string };
}

/** Why `target` does not run `sc`, or undefined when it does. */
export function notApplicable(sc: Pick<Scenario, 'graphql'>, target: TargetName): string | undefined {
  return target === 'postgraphile' && 'na' in sc.graphql ? sc.graphql.na : undefined;
}

const GRAPHQL_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' } as const;

// Each document's one-line form, made once (not per request: the load generator shares the machine).
const oneLine = new Map<string, string>();

/** A GraphQL request as PostGraphile gets it: POST /graphql, a fixed document and per-request variables. */
function graphqlRequest(query: string, variables: Record<string, unknown>): Req {
  let text = oneLine.get(query);
  if (text === undefined) {
    text = query.replace(/\s+/g, ' ').trim();
    oneLine.set(query, text);
  }
  return { method: 'POST', path: '/graphql', headers: GRAPHQL_HEADERS, body: JSON.stringify({ query: text, variables }) };
}

/** PostGraphile's relation fields and their postgrest-ts embed names (connections are unwrapped from `nodes`). */
const RELATIONS: Readonly<Record<string, string>> = {
  ordersByCustomerId: 'orders',
  orderItemsByOrderId: 'order_items',
  customerByCustomerId: 'customer',
};

/**
 * Maps PostGraphile's JSON back to postgrest-ts's: `rowId` → `id`, camelCase → snake_case, relation fields → embed
 * names with connections unwrapped, and BigInt/BigFloat (bigint and numeric, which GraphQL sends as strings) → numbers,
 * as PostgreSQL's JSON has them. The string columns the scenarios read are never all digits, so the number test is safe.
 */
export function graphqlToRest(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(graphqlToRest);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const rel = RELATIONS[k];
      if (rel !== undefined) {
        const inner = x && typeof x === 'object' && 'nodes' in x ? (x as { nodes: unknown }).nodes : x;
        out[rel] = graphqlToRest(inner);
      } else {
        out[k === 'rowId' ? 'id' : k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = graphqlToRest(x);
      }
    }
    return out;
  }
  if (typeof v !== 'string') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  // Timestamps: PostGraphile always writes six fraction digits, PostgreSQL's JSON drops trailing zeros (and an all-zero fraction).
  const ts = TIMESTAMP.exec(v);
  return ts ? `${ts[1]}${(ts[2] ?? '').replace(/0+$/, '').replace(/\.$/, '')}${ts[3]}` : v;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::\d\d)?|Z)$/;

/** The GraphQL envelope: `data` when the answer is 200 without errors, else what is wrong. */
function graphqlData(s: Sample): { data?: Record<string, unknown>; problem?: string } {
  if (s.status !== 200) return { problem: `status ${s.status} (expected 200): ${snippet(s.body)}` };
  const v = parseJson(s) as { data?: unknown; errors?: unknown } | undefined;
  if (!v || typeof v !== 'object') return { problem: `body is not a JSON object: ${snippet(s.body)}` };
  if (Array.isArray(v.errors) && v.errors.length > 0) return { problem: `GraphQL errors: ${snippet(JSON.stringify(v.errors))}` };
  if (!v.data || typeof v.data !== 'object') return { problem: `no data: ${snippet(s.body)}` };
  return { data: v.data as Record<string, unknown> };
}

/**
 * PostGraphile's answer as postgrest-ts would have given it (rows mapped back), for the check and the fingerprint;
 * `rest` is undefined for writes, whose answer holds nothing of the row (they are checked by the rows they insert).
 */
function asRest(sc: Scenario, s: Sample): { rest?: Sample; problem?: string } {
  // Callers never send a PostGraphile request for an n/a scenario (run.ts's targetsOf filters them out).
  if ('na' in sc.graphql) throw new Error(`${sc.id} has no PostGraphile request: ${sc.graphql.na}`);
  const { data, problem } = graphqlData(s);
  if (problem) return { problem };
  const toRest = sc.graphql.toRest;
  if (!toRest) return { rest: undefined };
  return { rest: { status: 200, headers: {}, body: JSON.stringify(toRest(data!)) } };
}

/**
 * The scenario's verdict on a response of `target`: what is wrong with it (undefined when it passes) and, when it
 * passes, its fingerprint, comparable across targets. PostGraphile's answer is parsed and mapped back once for both.
 * No fingerprint for PostGraphile's writes: their answer carries nothing to compare with postgrest-ts's 201.
 */
export function judgeResponse(sc: Scenario, target: TargetName, s: Sample): { problem: string | undefined; fingerprint: string | undefined } {
  let rest: Sample | undefined = s;
  if (target === 'postgraphile') {
    const mapped = asRest(sc, s);
    if (mapped.problem) return { problem: mapped.problem, fingerprint: undefined };
    rest = mapped.rest;
  }
  if (!rest) return { problem: undefined, fingerprint: undefined };
  const problem = sc.check(rest);
  return { problem, fingerprint: problem === undefined ? sc.fingerprint(rest) : undefined };
}

const JSON_HEADERS = { Accept: 'application/json' } as const;
const WRITE_HEADERS = { 'Content-Type': 'application/json', Prefer: 'return=minimal' } as const;

function parseJson(s: Sample): unknown {
  try {
    return JSON.parse(s.body);
  } catch {
    return undefined;
  }
}

/** JSON with object keys sorted, for order-insensitive comparison of objects. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function snippet(body: string): string {
  return body.length > 200 ? `${body.slice(0, 200)}…` : body;
}

/** Common checks of a JSON array answer: status, parse, length. */
function jsonArray(s: Sample, status: number | readonly number[], length?: (n: number) => boolean): { rows?: Record<string, unknown>[]; problem?: string } {
  const ok = typeof status === 'number' ? [status] : status;
  if (!ok.includes(s.status)) return { problem: `status ${s.status} (expected ${ok.join('/')}): ${snippet(s.body)}` };
  const v = parseJson(s);
  if (!Array.isArray(v)) return { problem: `body is not a JSON array: ${snippet(s.body)}` };
  if (length && !length(v.length)) return { problem: `unexpected row count ${v.length}` };
  if (!v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) return { problem: 'rows are not objects' };
  return { rows: v as Record<string, unknown>[] };
}

function expectCreated(s: Sample): string | undefined {
  return s.status === 201 ? undefined : `status ${s.status} (expected 201): ${snippet(s.body)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY = 86_400_000;

function review(rng: Rng, ds: DatasetInfo, i: number): { product_id: number; customer_id: number; rating: number; body: string } {
  return {
    product_id: rng.int(1, ds.counts.products),
    customer_id: rng.int(1, ds.counts.customers),
    rating: rng.int(1, 5),
    body: `Review ${i}: works as described, would buy again.`,
  };
}

/** `data.<field>` as a postgrest-ts row array: a single object or null becomes [row] or [], a connection its nodes. */
function rowsOf(data: Record<string, unknown>, field: string): unknown {
  const v = data[field];
  if (v === null || v === undefined) return [];
  if (typeof v === 'object' && 'nodes' in v) return graphqlToRest((v as { nodes: unknown }).nodes);
  return [graphqlToRest(v)];
}

/** The project's target: a 1M-row response must not need more than this much server RSS. */
export const HUGE_RSS_LIMIT_MB = 100;

const RANGE_NA = "PostGraphile 5's built-in `condition` argument only tests equality; this range filter needs a plugin (postgraphile-plugin-connection-filter)";

/** The scenarios for a prepared data set, in run order. */
export function scenarios(ds: DatasetInfo): Scenario[] {
  const customers = ds.counts.customers;
  const orders = ds.counts.orders;
  const bigRows = Math.min(100_000, ds.counts.orderItems);
  const hugeRows = Math.min(1_000_000, ds.counts.orderItems);
  const orderCols = 'id,customer_id,status,total,created_at';
  const itemCols = 'id,order_id,product_id,quantity,unit_price';
  const itemsQuery = `query ($n: Int!) { allOrderItems(orderBy: PRIMARY_KEY_ASC, first: $n) { nodes { rowId orderId productId quantity unitPrice } } }`;
  let bulkBody: string | undefined;

  return [
    {
      id: 'pk',
      title: 'single row by primary key',
      kind: 'load',
      varies: true,
      request(target, rng) {
        const id = rng.int(1, customers);
        if (target === 'postgraphile') {
          return graphqlRequest(`query ($id: Int!) { customerByRowId(rowId: $id) { rowId name email country city tier createdAt } }`, { id });
        }
        return target === 'postgrest-ts'
          ? { method: 'GET', path: `/customers?id=eq.${id}`, headers: JSON_HEADERS }
          : { method: 'GET', path: `/customers/${id}`, headers: JSON_HEADERS };
      },
      graphql: { toRest: (data) => rowsOf(data, 'customerByRowId') },
      check(s) {
        const { rows, problem } = jsonArray(s, 200, (n) => n === 1);
        if (problem) return problem;
        const r = rows![0]!;
        return typeof r.id === 'number' && typeof r.email === 'string' ? undefined : `unexpected row ${canonical(r)}`;
      },
      fingerprint: (s) => canonical(parseJson(s)),
    },
    {
      id: 'filter50',
      title: '50 rows filtered and ordered',
      kind: 'load',
      varies: true,
      request(target, rng) {
        const before = encodeURIComponent(iso(ORDERS_START + rng.int(30, ds.size.orderDays) * DAY));
        return target === 'postgrest-ts'
          ? { method: 'GET', path: `/orders?select=${orderCols}&status=eq.shipped&created_at=lt.${before}&order=created_at.desc&limit=50`, headers: JSON_HEADERS }
          : { method: 'GET', path: `/orders?status=shipped&before=${before}&limit=50`, headers: JSON_HEADERS };
      },
      check(s) {
        const { rows, problem } = jsonArray(s, 200, (n) => n === 50);
        if (problem) return problem;
        if (!rows!.every((r) => r.status === 'shipped')) return 'a row does not match the filter';
        const first = Date.parse(String(rows![0]!.created_at));
        const last = Date.parse(String(rows![49]!.created_at));
        return first >= last ? undefined : 'rows are not ordered by created_at desc';
      },
      fingerprint: (s) => canonical(parseJson(s)),
      graphql: { na: `created_at < x: ${RANGE_NA}` },
    },
    {
      id: 'embed_o2m',
      title: 'one-to-many embed: a customer, last 10 orders, their items',
      kind: 'load',
      varies: true,
      request(target, rng) {
        const id = rng.int(1, customers);
        if (target === 'postgraphile') {
          return graphqlRequest(
            `query ($id: Int!) { customerByRowId(rowId: $id) { rowId name email
               ordersByCustomerId(orderBy: CREATED_AT_DESC, first: 10) { nodes { rowId status total createdAt
                 orderItemsByOrderId { nodes { productId quantity unitPrice } } } } } }`,
            { id },
          );
        }
        return target === 'postgrest-ts'
          ? {
              method: 'GET',
              path: `/customers?select=id,name,email,orders(id,status,total,created_at,order_items(product_id,quantity,unit_price))&id=eq.${id}&orders.order=created_at.desc&orders.limit=10`,
              headers: JSON_HEADERS,
            }
          : { method: 'GET', path: `/customers/${id}/recent-orders`, headers: JSON_HEADERS };
      },
      check(s) {
        const { rows, problem } = jsonArray(s, 200, (n) => n === 1);
        if (problem) return problem;
        const o = rows![0]!.orders;
        if (!Array.isArray(o) || o.length > 10) return `orders is not an array of at most 10: ${snippet(canonical(o))}`;
        return o.every((x) => Array.isArray((x as Record<string, unknown>).order_items)) ? undefined : 'an order lacks its order_items array';
      },
      // Items within an order come in no specified order on either side: compare them sorted.
      fingerprint(s) {
        const v = parseJson(s) as { orders?: { order_items?: unknown[] }[] }[] | undefined;
        if (!Array.isArray(v)) return `status ${s.status}`;
        return canonical(
          v.map((c) => ({ ...c, orders: c.orders?.map((o) => ({ ...o, order_items: o.order_items?.map(canonical).sort() })) })),
        );
      },
      graphql: { toRest: (data) => rowsOf(data, 'customerByRowId') },
    },
    {
      id: 'embed_m2o',
      title: 'many-to-one embed over 50 rows: orders with their customer',
      kind: 'load',
      varies: true,
      request(target, rng) {
        const after = rng.int(0, Math.max(0, orders - 100));
        return target === 'postgrest-ts'
          ? { method: 'GET', path: `/orders?select=id,status,total,created_at,customer:customers(id,name,email)&id=gt.${after}&order=id&limit=50`, headers: JSON_HEADERS }
          : { method: 'GET', path: `/orders/with-customer?after_id=${after}&limit=50`, headers: JSON_HEADERS };
      },
      check(s) {
        const { rows, problem } = jsonArray(s, 200, (n) => n === 50);
        if (problem) return problem;
        const c = rows![0]!.customer as Record<string, unknown> | undefined;
        return c && typeof c === 'object' && typeof c.id === 'number' ? undefined : `customer is not an embedded object: ${snippet(canonical(rows![0]))}`;
      },
      fingerprint: (s) => canonical(parseJson(s)),
      // (`offset` would return the same rows here, ids being dense, but by scanning up to a million index entries.)
      graphql: { na: `id > x: ${RANGE_NA}; cursors are opaque (a digest of the ordering plus its values)` },
    },
    {
      id: 'insert1',
      title: 'insert one row (return=minimal)',
      kind: 'load',
      writesRows: 1,
      varies: true,
      request(target, rng) {
        const r = review(rng, ds, rng.int(1, 1e6));
        if (target === 'postgraphile') {
          // The counterpart of return=minimal: select nothing of the inserted row.
          return graphqlRequest(`mutation ($r: ReviewInput!) { createReview(input: { review: $r }) { clientMutationId } }`, {
            r: { productId: r.product_id, customerId: r.customer_id, rating: r.rating, body: r.body },
          });
        }
        return { method: 'POST', path: '/reviews', headers: WRITE_HEADERS, body: JSON.stringify(r) };
      },
      check: expectCreated,
      fingerprint: (s) => `status ${s.status}`,
      graphql: { toRest: undefined },
    },
    {
      id: 'bulk1000',
      title: 'bulk insert of 1,000 rows (return=minimal)',
      kind: 'load',
      writesRows: 1000,
      varies: false,
      request(_target, rng) {
        bulkBody ??= JSON.stringify(Array.from({ length: 1000 }, (_, i) => review(rng, ds, i)));
        return { method: 'POST', path: '/reviews', headers: WRITE_HEADERS, body: bulkBody };
      },
      check: expectCreated,
      fingerprint: (s) => `status ${s.status}`,
      graphql: { na: 'PostGraphile 5 generates no bulk insert mutation (createReview takes one row; 1,000 aliased mutations in one request would be 1,000 statements)' },
    },
    {
      id: 'rpc',
      title: 'RPC: stable function (customer_order_stats)',
      kind: 'load',
      varies: true,
      request(target, rng) {
        const id = rng.int(1, customers);
        if (target === 'postgraphile') {
          return graphqlRequest(`query ($id: Int!) { customerOrderStats(pCustomerId: $id) { nodes { customerId orderCount totalSpent lastOrderAt } } }`, { id });
        }
        return target === 'postgrest-ts'
          ? { method: 'GET', path: `/rpc/customer_order_stats?p_customer_id=${id}`, headers: JSON_HEADERS }
          : { method: 'GET', path: `/customers/${id}/stats`, headers: JSON_HEADERS };
      },
      check(s) {
        const { rows, problem } = jsonArray(s, 200, (n) => n === 1);
        if (problem) return problem;
        return 'order_count' in rows![0]! && 'total_spent' in rows![0]! ? undefined : `unexpected row ${canonical(rows![0])}`;
      },
      fingerprint: (s) => canonical(parseJson(s)),
      graphql: { toRest: (data) => rowsOf(data, 'customerOrderStats') },
    },
    {
      id: 'count_exact',
      title: 'count=exact with Range 0-24 (orders of 500 customers)',
      kind: 'load',
      varies: true,
      request(target, rng) {
        const from = rng.int(1, Math.max(1, customers - 500));
        const to = from + 500;
        return target === 'postgrest-ts'
          ? {
              method: 'GET',
              path: `/orders?select=${orderCols}&customer_id=gte.${from}&customer_id=lt.${to}&order=id`,
              headers: { ...JSON_HEADERS, Prefer: 'count=exact', 'Range-Unit': 'items', Range: '0-24' },
            }
          : { method: 'GET', path: `/orders/page?customer_from=${from}&customer_to=${to}&offset=0&limit=25`, headers: JSON_HEADERS };
      },
      check(s) {
        const { problem } = jsonArray(s, [200, 206], (n) => n === 25);
        if (problem) return problem;
        const range = s.headers['content-range'] ?? '';
        return /^0-24\/\d+$/.test(range) ? undefined : `Content-Range is "${range}", expected 0-24/<total>`;
      },
      fingerprint: (s) => `${s.status} ${s.headers['content-range']} ${canonical(parseJson(s))}`,
      // totalCount + first/offset would be the counterpart, but not over this filter.
      graphql: { na: `customer_id >= a AND customer_id < b: ${RANGE_NA}` },
    },
    jsonRead('json100k', bigRows, false),
    csvRead('csv100k', bigRows, false),
    jsonRead('json1m', hugeRows, true),
    csvRead('csv1m', hugeRows, true),
  ];

  /** `rows` order items as JSON, sequential requests; `huge`: the 1M-row memory scenario (not run on PostGraphile). */
  function jsonRead(id: string, rows: number, huge: boolean): Scenario {
    return {
      id,
      title: `${rows.toLocaleString('en')}-row JSON read`,
      kind: 'big',
      varies: false,
      ...(huge ? { rssLimitMb: HUGE_RSS_LIMIT_MB } : {}),
      request(target) {
        if (target === 'postgraphile') return graphqlRequest(itemsQuery, { n: rows });
        return target === 'postgrest-ts'
          ? { method: 'GET', path: `/order_items?select=${itemCols}&order=id&limit=${rows}`, headers: JSON_HEADERS }
          : { method: 'GET', path: `/order-items?limit=${rows}`, headers: JSON_HEADERS };
      },
      check(s) {
        const { problem } = jsonArray(s, 200, (n) => n === rows);
        return problem;
      },
      fingerprint(s) {
        const v = parseJson(s);
        if (!Array.isArray(v)) return `status ${s.status}`;
        return `${v.length} ${canonical(v[0])} ${canonical(v[v.length - 1])}`;
      },
      graphql: huge
        ? { na: "not run: the 1M-row reads check postgrest-ts's memory target against the baseline (json100k is the JSON comparison)" }
        : { toRest: (data) => rowsOf(data, 'allOrderItems') },
    };
  }

  /** The same rows as CSV (no GraphQL counterpart). */
  function csvRead(id: string, rows: number, huge: boolean): Scenario {
    return {
      id,
      title: `${rows.toLocaleString('en')}-row CSV read`,
      kind: 'big',
      varies: false,
      ...(huge ? { rssLimitMb: HUGE_RSS_LIMIT_MB } : {}),
      request(target) {
        const headers = { Accept: 'text/csv' };
        return target === 'postgrest-ts'
          ? { method: 'GET', path: `/order_items?select=${itemCols}&order=id&limit=${rows}`, headers }
          : { method: 'GET', path: `/order-items?limit=${rows}`, headers };
      },
      check(s) {
        if (s.status !== 200) return `status ${s.status} (expected 200): ${snippet(s.body)}`;
        if (!(s.headers['content-type'] ?? '').startsWith('text/csv')) return `Content-Type is ${s.headers['content-type']}`;
        const lines = s.body.split('\n').filter((l) => l !== '');
        if (lines[0] !== itemCols) return `header line is "${lines[0]}"`;
        return lines.length === rows + 1 ? undefined : `${lines.length - 1} data lines, expected ${rows}`;
      },
      fingerprint(s) {
        const lines = s.body.split('\n').filter((l) => l !== '');
        return `${lines.length} ${lines[0]} ${lines[1]} ${lines[lines.length - 1]}`;
      },
      graphql: { na: 'GraphQL answers JSON only' },
    };
  }
}
