// The baseline: the hand-written node:http + pg server a competent developer would write for exactly the benchmark's
// endpoints, for comparison with postgrest-ts. Same driver (pg, a Pool of the same size), one round trip per request,
// named prepared statements, JSON built in SQL (json_agg / json_build_object, as a developer chasing performance would
// write it, and as PostgREST itself does) and passed through as text; no per-request transaction or role switch.
// Run as its own process: BASELINE_DB_URI, BASELINE_PORT (0 = any; the port is printed as `listening <port>`),
// BASELINE_HOST (127.0.0.1), BASELINE_POOL (10).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const S = 'bench';

const SQL = {
  customer: `SELECT coalesce(json_agg(c), '[]')::text AS body FROM (
      SELECT id, name, email, country, city, tier, created_at FROM ${S}.customers WHERE id = $1) c`,
  ordersFiltered: `SELECT coalesce(json_agg(o), '[]')::text AS body FROM (
      SELECT id, customer_id, status, total, created_at FROM ${S}.orders
       WHERE status = $1 AND created_at < $2 ORDER BY created_at DESC LIMIT $3) o`,
  customerRecentOrders: `SELECT coalesce(json_agg(c), '[]')::text AS body FROM (
      SELECT c.id, c.name, c.email,
             coalesce((SELECT json_agg(o) FROM (
                 SELECT o.id, o.status, o.total, o.created_at,
                        coalesce((SELECT json_agg(i) FROM (
                            SELECT i.product_id, i.quantity, i.unit_price FROM ${S}.order_items i WHERE i.order_id = o.id) i), '[]') AS order_items
                   FROM ${S}.orders o WHERE o.customer_id = c.id ORDER BY o.created_at DESC LIMIT 10) o), '[]') AS orders
        FROM ${S}.customers c WHERE c.id = $1) c`,
  ordersWithCustomer: `SELECT coalesce(json_agg(t), '[]')::text AS body FROM (
      SELECT o.id, o.status, o.total, o.created_at,
             json_build_object('id', c.id, 'name', c.name, 'email', c.email) AS customer
        FROM ${S}.orders o JOIN ${S}.customers c ON c.id = o.customer_id
       WHERE o.id > $1 ORDER BY o.id LIMIT $2) t`,
  ordersPage: `WITH page AS (
        SELECT id, customer_id, status, total, created_at FROM ${S}.orders
         WHERE customer_id >= $1 AND customer_id < $2 ORDER BY id LIMIT $3 OFFSET $4)
      SELECT (SELECT count(*) FROM ${S}.orders WHERE customer_id >= $1 AND customer_id < $2) AS total,
             (SELECT count(*) FROM page) AS shown,
             (SELECT coalesce(json_agg(page), '[]')::text FROM page) AS body`,
  customerStats: `SELECT coalesce(json_agg(t), '[]')::text AS body FROM ${S}.customer_order_stats($1) t`,
  itemsJson: `SELECT coalesce(json_agg(i), '[]')::text AS body FROM (
      SELECT id, order_id, product_id, quantity, unit_price FROM ${S}.order_items ORDER BY id LIMIT $1) i`,
  // Every column is numeric, so no CSV quoting is needed (a COPY ... TO STDOUT stream would need pg-copy-streams).
  itemsCsv: `SELECT 'id,order_id,product_id,quantity,unit_price' || coalesce(E'\\n' || string_agg(concat_ws(',', id, order_id, product_id, quantity, unit_price), E'\\n' ORDER BY id), '') AS body
      FROM (SELECT id, order_id, product_id, quantity, unit_price FROM ${S}.order_items ORDER BY id LIMIT $1) i`,
  insertReview: `INSERT INTO ${S}.reviews (product_id, customer_id, rating, body) VALUES ($1, $2, $3, $4)`,
  insertReviews: `INSERT INTO ${S}.reviews (product_id, customer_id, rating, body)
      SELECT product_id, customer_id, rating, body FROM json_to_recordset($1::json) AS t(product_id int, customer_id int, rating smallint, body text)`,
} as const;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(params: URLSearchParams, name: string, fallback?: number): number {
  const raw = params.get(name);
  if (raw === null) {
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, `missing ${name}`);
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new HttpError(400, `${name} must be an integer`);
  return n;
}

function pathInt(segment: string | undefined): number {
  const n = Number(segment);
  if (!segment || !Number.isSafeInteger(n)) throw new HttpError(404, 'not found');
  return n;
}

function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new HttpError(413, 'body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8', extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(body), ...extra };
  if (body !== '') headers['Content-Type'] = type;
  res.writeHead(status, headers);
  res.end(body);
}

interface Review {
  product_id: number;
  customer_id: number;
  rating: number;
  body?: string | null;
}

function isReview(v: unknown): v is Review {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return Number.isInteger(r.product_id) && Number.isInteger(r.customer_id) && Number.isInteger(r.rating) && (r.body === undefined || r.body === null || typeof r.body === 'string');
}

function createBaseline(pool: pg.Pool) {
  const one = async (name: keyof typeof SQL, values: unknown[]): Promise<Record<string, unknown>> => {
    const r = await pool.query({ name, text: SQL[name], values });
    return (r.rows[0] ?? {}) as Record<string, unknown>;
  };
  const json = async (res: ServerResponse, name: keyof typeof SQL, values: unknown[]) => send(res, 200, String((await one(name, values)).body));

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://baseline');
    const parts = url.pathname.split('/').filter(Boolean);
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (method === 'GET' && parts[0] === 'customers' && parts.length === 2) return json(res, 'customer', [pathInt(parts[1])]);
    if (method === 'GET' && parts[0] === 'customers' && parts.length === 3 && parts[2] === 'recent-orders') {
      return json(res, 'customerRecentOrders', [pathInt(parts[1])]);
    }
    if (method === 'GET' && parts[0] === 'customers' && parts.length === 3 && parts[2] === 'stats') return json(res, 'customerStats', [pathInt(parts[1])]);
    if (method === 'GET' && parts[0] === 'orders' && parts.length === 1) {
      const status = q.get('status');
      const before = q.get('before');
      if (!status || !before || Number.isNaN(Date.parse(before))) throw new HttpError(400, 'status and before are required');
      return json(res, 'ordersFiltered', [status, before, Math.min(intParam(q, 'limit', 50), 1000)]);
    }
    if (method === 'GET' && parts[0] === 'orders' && parts[1] === 'with-customer') {
      return json(res, 'ordersWithCustomer', [intParam(q, 'after_id'), Math.min(intParam(q, 'limit', 50), 1000)]);
    }
    if (method === 'GET' && parts[0] === 'orders' && parts[1] === 'page') {
      const from = intParam(q, 'customer_from');
      const to = intParam(q, 'customer_to');
      const offset = intParam(q, 'offset', 0);
      const limit = Math.min(intParam(q, 'limit', 25), 1000);
      const row = await one('ordersPage', [from, to, limit, offset]);
      const total = Number(row.total);
      const shown = Number(row.shown);
      const range = shown === 0 ? `*/${total}` : `${offset}-${offset + shown - 1}/${total}`;
      return send(res, offset + shown < total || offset > 0 ? 206 : 200, String(row.body), undefined, { 'Content-Range': range });
    }
    if (method === 'GET' && parts[0] === 'order-items' && parts.length === 1) {
      const limit = Math.min(intParam(q, 'limit', 100), 1_000_000);
      if ((req.headers.accept ?? '').includes('text/csv')) {
        return send(res, 200, String((await one('itemsCsv', [limit])).body), 'text/csv; charset=utf-8');
      }
      return json(res, 'itemsJson', [limit]);
    }
    if (method === 'POST' && parts[0] === 'reviews' && parts.length === 1) {
      const text = await readBody(req);
      if (text.trimStart().startsWith('[')) {
        // Validated and inserted by the database in one statement, without parsing the rows in JavaScript.
        await pool.query({ name: 'insertReviews', text: SQL.insertReviews, values: [text] });
        return send(res, 201, '');
      }
      let review: unknown;
      try {
        review = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'invalid JSON');
      }
      if (!isReview(review)) throw new HttpError(400, 'invalid review');
      await pool.query({ name: 'insertReview', text: SQL.insertReview, values: [review.product_id, review.customer_id, review.rating, review.body ?? null] });
      return send(res, 201, '');
    }
    throw new HttpError(404, 'not found');
  };
}

async function main(): Promise<void> {
  const uri = process.env.BASELINE_DB_URI;
  if (!uri) throw new Error('BASELINE_DB_URI is required');
  const pool = new pg.Pool({ connectionString: uri, max: Number(process.env.BASELINE_POOL ?? 10), idleTimeoutMillis: 30_000 });
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const handle = createBaseline(pool);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : (err as { code?: string }).code?.startsWith('23') ? 409 : 500;
      if (!res.headersSent) send(res, status, JSON.stringify({ message: (err as Error).message }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(Number(process.env.BASELINE_PORT ?? 0), process.env.BASELINE_HOST ?? '127.0.0.1', 2048, resolve));
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  const stop = () => {
    server.close(() => {
      pool.end().then(() => process.exit(0), () => process.exit(1));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline: ${(err as Error).message}\n`);
  process.exit(1);
});
