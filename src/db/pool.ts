// The connection pool: up to `db-pool` pipelining pg Clients logged in as the authenticator, with acquisition timeout,
// idle and lifetime limits. It is the only module that creates driver connections for requests; it knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ApiError } from '../errors/api-error.js';
import { pgrst000ConnectionError, pgrst003AcquisitionTimeout } from '../errors/catalogue.js';
import { WireTap } from './wire-tap.js';

/** Every column comes back as the text PostgreSQL sent: bodies are JSON built by the database and pass through untouched. */
const rawText = (value: string) => value;
const RAW_TYPES = { getTypeParser: () => rawText } as unknown as pg.CustomTypesConfig;

/** What the pool needs to open a connection. */
export interface PoolOptions {
  readonly clientConfig: pg.ClientConfig;
  readonly size: number;
  readonly acquisitionTimeoutMs: number;
  readonly maxIdleMs: number;
  readonly maxLifetimeMs: number;
  /** db-pool-pipeline-depth: how many requests one connection may carry at once (1: one, as PostgREST). */
  readonly pipelineDepth?: number;
  /** Called for each request queued behind another on a busy connection. */
  readonly onPipelined?: () => void;
  /** Called when a connection breaks (socket error, backend terminated). */
  readonly onConnectionLost?: (err: Error) => void;
  /** Connection lifecycle events, for PostgREST's debug log lines (hasql-pool's observations). */
  readonly onEvent?: (event: PoolEvent) => void;
}

type TerminationReason = 'max lifetime' | 'max idletime' | 'release' | 'network error' | 'init failure';

/** A connection's lifecycle step, with hasql-pool's wording of the reason. */
export type PoolEvent =
  | { readonly kind: 'connecting'; readonly id: string }
  | { readonly kind: 'available'; readonly id: string; readonly reason: 'connection establishment' | 'session success' }
  | { readonly kind: 'used'; readonly id: string }
  | { readonly kind: 'terminated'; readonly id: string; readonly reason: TerminationReason };

/** `Connection <id> is used`, …: PostgREST's debug line for a pool event. */
export function poolEventMessage(e: PoolEvent): string {
  switch (e.kind) {
    case 'connecting':
      return `Connection ${e.id} is being established`;
    case 'available':
      return `Connection ${e.id} is available due to ${e.reason}`;
    case 'used':
      return `Connection ${e.id} is used`;
    case 'terminated':
      return `Connection ${e.id} is terminated due to ${e.reason}`;
  }
}

/** One pooled connection. `broken` is set when the socket failed; such a connection is discarded on release. */
export interface PooledConnection {
  readonly id: string;
  readonly client: pg.Client;
  readonly createdAt: number;
  lastUsed: number;
  broken: boolean;
  /** The connection's socket (set once connected), corked while a request's statements are written. */
  socket: Socket | undefined;
  /** Streams large bodies off the socket (see wire-tap.ts); undefined when it could not be installed. */
  tap: WireTap | undefined;
  /** The requests the connection carries, oldest first (more than one only with db-pool-pipeline-depth > 1). */
  readonly carrying: Carried[];
  /** Closed and its slot freed: the releases of requests still carried on it change nothing. */
  discarded: boolean;
}

/**
 * How a request uses its connection, for db-pool-pipeline-depth. A request that `follows` may be written behind the
 * requests a busy connection carries: it is one batch (one Sync, its own implicit transaction, see execute.ts). One
 * that also `leads` may have others written behind it: it is read-only, so it never waits for a lock a write holds.
 */
export interface ConnectionUse {
  readonly follows: boolean;
  readonly leads: boolean;
}

/** A request that has a connection to itself until it is done. */
export const EXCLUSIVE: ConnectionUse = { follows: false, leads: false };

interface Carried {
  /** performance.now() when the request got the connection (0 when nothing can follow: depth 1). */
  readonly since: number;
  readonly leads: boolean;
}

/** What a connection carries at depth 1: one request, never followed (one shared entry, nothing made per request). */
const ALONE: Carried = { since: 0, leads: false };

/**
 * A request is only queued behind requests that started less than this long ago: one still running after that may be
 * slow (a report, a long function), and everything behind it would wait for it.
 */
const LEAD_WINDOW_MS = 2;

interface Waiter {
  readonly use: ConnectionUse;
  resolve(conn: PooledConnection): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

/** Counters and gauges exposed as PostgREST's `pgrst_db_pool_*` metrics. */
export interface PoolStats {
  readonly max: number;
  readonly size: number;
  readonly available: number;
  readonly waiting: number;
  readonly timeouts: number;
}

/** `conn` now carries one more request, since `now`. */
function carry(conn: PooledConnection, use: ConnectionUse, now: number): void {
  conn.carrying.push({ since: now, leads: use.leads });
}

export class Pool {
  readonly #opts: PoolOptions;
  readonly #idle: PooledConnection[] = [];
  readonly #waiters: Waiter[] = [];
  /** Connections carrying requests others may follow (only with db-pool-pipeline-depth > 1). */
  readonly #leading = new Set<PooledConnection>();
  readonly #depth: number;
  #size = 0; // open or opening connections
  #timeouts = 0;
  #ended = false;
  #reaper: NodeJS.Timeout;

  constructor(opts: PoolOptions) {
    this.#opts = opts;
    this.#depth = opts.pipelineDepth ?? 1;
    this.#reaper = setInterval(() => this.#reap(), Math.max(250, Math.min(opts.maxIdleMs, 5000)));
    this.#reaper.unref();
  }

  /**
   * Borrows a connection, opening one when below `db-pool`; fails with PGRST003 after the acquisition timeout. With
   * db-pool-pipeline-depth above 1, a request that may follow is first written behind a young read-only request on a
   * busy connection: its backend then goes from one request to the next without waiting for the network, instead of
   * another backend being woken up with cold caches.
   */
  acquire(use: ConnectionUse = EXCLUSIVE): Promise<PooledConnection> {
    if (this.#ended) return Promise.reject(connectionError(new Error('the connection pool is closed')));
    // Queued requests go first: a newcomer following a busy connection while others wait would jump the queue.
    if (use.follows && this.#leading.size > 0 && this.#waiters.length === 0) {
      const at = performance.now();
      const conn = this.#followable(at);
      if (conn) return Promise.resolve(this.#follow(conn, use, at));
    }
    const now = Date.now();
    for (let conn = this.#idle.pop(); conn; conn = this.#idle.pop()) {
      if (!conn.broken && now - conn.createdAt < this.#opts.maxLifetimeMs) {
        conn.lastUsed = now;
        this.#opts.onEvent?.({ kind: 'used', id: conn.id });
        return Promise.resolve(this.#take(conn, use));
      }
      this.#discard(conn, conn.broken ? 'network error' : 'max lifetime');
    }
    if (this.#size < this.#opts.size) return this.#open().then((conn) => this.#take(conn, use));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        use,
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          this.#timeouts++;
          reject(pgrst003AcquisitionTimeout());
        }, this.#opts.acquisitionTimeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** A busy connection a request may be written behind: few enough requests on it, all read-only and young. */
  #followable(now: number): PooledConnection | undefined {
    for (const conn of this.#leading) {
      const oldest = conn.carrying[0];
      if (oldest !== undefined && conn.carrying.length < this.#depth && !conn.broken && now - oldest.since < LEAD_WINDOW_MS) return conn;
    }
    return undefined;
  }

  /** `conn`, free until now, carries the request. */
  #take(conn: PooledConnection, use: ConnectionUse): PooledConnection {
    if (this.#depth === 1) {
      conn.carrying.push(ALONE);
    } else {
      carry(conn, use, performance.now());
      if (use.leads) this.#leading.add(conn);
    }
    return conn;
  }

  /**
   * Returns a connection for the oldest request it carries (requests end in the order they were written); a broken
   * one (or any, with `discard`) is closed and its slot freed.
   */
  release(conn: PooledConnection, discard = false): void {
    conn.carrying.shift();
    if (conn.discarded) return;
    const dead = discard || conn.broken;
    // Still carrying others: it stays busy (a broken connection fails them too, so it goes now).
    if (conn.carrying.length > 0 && !dead) {
      if (conn.carrying.every((c) => c.leads)) this.#leading.add(conn);
      return;
    }
    this.#leading.delete(conn);
    if (dead || this.#ended || Date.now() - conn.createdAt >= this.#opts.maxLifetimeMs) {
      this.#discard(conn, dead ? 'network error' : this.#ended ? 'release' : 'max lifetime');
      this.#serveWaiter();
      return;
    }
    conn.lastUsed = Date.now();
    this.#opts.onEvent?.({ kind: 'available', id: conn.id, reason: 'session success' });
    const waiter = this.#waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.#opts.onEvent?.({ kind: 'used', id: conn.id });
      waiter.resolve(this.#take(conn, waiter.use));
      this.#pullFollowers(conn);
    } else {
      this.#idle.push(conn);
    }
  }

  /**
   * With every connection busy, the requests queued next that may follow are written behind the one `conn` now
   * carries (in queue order, up to the depth): its backend runs them back to back.
   */
  #pullFollowers(conn: PooledConnection): void {
    if (this.#depth === 1) return;
    const now = performance.now();
    while (conn.carrying.length < this.#depth && this.#leading.has(conn)) {
      const next = this.#waiters[0];
      if (next === undefined || !next.use.follows) return;
      this.#waiters.shift();
      clearTimeout(next.timer);
      next.resolve(this.#follow(conn, next.use, now));
    }
  }

  /** The request is written behind those `conn` carries; a request that does not lead ends the chance to follow it. */
  #follow(conn: PooledConnection, use: ConnectionUse, now: number): PooledConnection {
    carry(conn, use, now);
    if (!use.leads) this.#leading.delete(conn);
    this.#opts.onPipelined?.();
    return conn;
  }

  /** Closes idle connections so the next requests open fresh ones (after a schema reload, as PostgREST flushes its pool). */
  flush(): void {
    for (const conn of this.#idle.splice(0)) this.#discard(conn, 'release');
  }

  /** Whether requests may be written behind others (db-pool-pipeline-depth above 1). */
  get pipelines(): boolean {
    return this.#depth > 1;
  }

  stats(): PoolStats {
    return { max: this.#opts.size, size: this.#size, available: this.#idle.length, waiting: this.#waiters.length, timeouts: this.#timeouts };
  }

  /** Closes every idle connection and refuses new work; in-use connections close on release. */
  async end(): Promise<void> {
    this.#ended = true;
    clearInterval(this.#reaper);
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(connectionError(new Error('the connection pool is closed')));
    }
    await Promise.all(
      this.#idle.splice(0).map((c) => {
        this.#opts.onEvent?.({ kind: 'terminated', id: c.id, reason: 'release' });
        return this.#close(c);
      }),
    );
  }

  async #open(): Promise<PooledConnection> {
    this.#size++;
    const client = new pg.Client({ ...this.#opts.clientConfig, pipeline: true, types: RAW_TYPES } as pg.ClientConfig);
    const conn: PooledConnection = {
      id: randomUUID(),
      client,
      createdAt: Date.now(),
      lastUsed: Date.now(),
      broken: false,
      socket: undefined,
      tap: undefined,
      carrying: [],
      discarded: false,
    };
    client.on('error', (err) => {
      conn.broken = true;
      this.#opts.onConnectionLost?.(err);
    });
    const onEvent = this.#opts.onEvent;
    onEvent?.({ kind: 'connecting', id: conn.id });
    try {
      await client.connect();
      conn.socket = socketOf(client);
      conn.tap = WireTap.install(conn.socket);
      if (onEvent) {
        onEvent({ kind: 'available', id: conn.id, reason: 'connection establishment' });
        onEvent({ kind: 'used', id: conn.id });
      }
      return conn;
    } catch (err) {
      onEvent?.({ kind: 'terminated', id: conn.id, reason: 'init failure' });
      this.#size--;
      client.end().catch(() => {});
      this.#serveWaiter();
      throw connectionError(err);
    }
  }

  #serveWaiter(): void {
    if (this.#waiters.length === 0 || this.#size >= this.#opts.size || this.#ended) return;
    const waiter = this.#waiters.shift()!;
    clearTimeout(waiter.timer);
    this.#open().then((conn) => waiter.resolve(this.#take(conn, waiter.use)), waiter.reject);
  }

  #discard(conn: PooledConnection, reason: TerminationReason): void {
    conn.discarded = true;
    this.#opts.onEvent?.({ kind: 'terminated', id: conn.id, reason });
    this.#size--;
    void this.#close(conn);
  }

  async #close(conn: PooledConnection): Promise<void> {
    await conn.client.end().catch(() => {});
  }

  #reap(): void {
    const now = Date.now();
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const conn = this.#idle[i]!;
      const aged = now - conn.createdAt >= this.#opts.maxLifetimeMs;
      if (aged || now - conn.lastUsed >= this.#opts.maxIdleMs) {
        this.#idle.splice(i, 1);
        this.#discard(conn, aged ? 'max lifetime' : 'max idletime');
      }
    }
  }
}

/** The client's socket (node-postgres keeps it on its connection object; a TLS socket is a Socket too). */
function socketOf(client: pg.Client): Socket | undefined {
  const stream = (client as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  return stream instanceof Socket ? stream : undefined;
}

/** A failure to reach the database: 503 PGRST000 with the driver's text as details (never a client error). */
export function connectionError(err: unknown): ApiError {
  return pgrst000ConnectionError(err instanceof Error ? err.message : String(err));
}
