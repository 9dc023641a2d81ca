// Table-driven JSON cases for feature tests: a request path, the expected status, JSON body and headers.
import assert from 'node:assert/strict';
import { request } from './server.js';

/** One request and what it must answer. */
export interface JsonCase {
  readonly name: string;
  readonly path: string;
  readonly status?: number;
  /** The parsed body; undefined skips the body check. */
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string | null>>;
}

/** Requests `c.path` from `baseUrl` and asserts status (default 200), a JSON Content-Type, body and headers. */
export async function checkJsonCase(baseUrl: string, c: JsonCase): Promise<void> {
  const r = await request(baseUrl, c.path);
  assert.equal(r.status, c.status ?? 200, `${c.path} → ${r.text}`);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  if (c.json !== undefined) assert.deepEqual(r.json(), c.json, c.path);
  for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(r.headers.get(k), v, `${c.path}: header ${k}`);
}
