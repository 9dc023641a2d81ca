// How the benchmark starts postgrest-ts and the hand-written baseline against its data set, for `npm run bench` and
// `npm run bench:db-instructions` alike.
import { type DatasetInfo, ROLES, SCHEMA } from './dataset.js';
import { childEnv, type ServerProcess, spawnServer } from './procs.js';

interface Start {
  readonly ds: DatasetInfo;
  /** The repository's root (the servers' working directory). */
  readonly cwd: string;
  readonly port: number;
  /** Connections in the server's pool. */
  readonly pool: number;
  /** How long the server may take to answer its first request (default: spawnServer's). */
  readonly timeoutMs?: number;
}

/** postgrest-ts run by node with `args` (startup.ts serverEntries), plus any `PGRST_*` of `env`. */
export function startPostgrestTs(opts: Start & { readonly args: readonly string[]; readonly env?: Readonly<Record<string, string>> }): Promise<ServerProcess> {
  return spawnServer({
    name: 'postgrest-ts',
    args: opts.args,
    cwd: opts.cwd,
    env: childEnv({
      PGRST_DB_URI: opts.ds.authenticatorUri,
      PGRST_DB_SCHEMAS: SCHEMA,
      PGRST_DB_ANON_ROLE: ROLES.anon,
      PGRST_DB_POOL: String(opts.pool),
      PGRST_SERVER_HOST: '127.0.0.1',
      PGRST_SERVER_PORT: String(opts.port),
      PGRST_LOG_LEVEL: 'crit',
      ...opts.env,
    }),
    url: `http://127.0.0.1:${opts.port}`,
    probePath: '/',
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
}

/** The hand-written baseline (baseline-server.ts). */
export function startBaseline(opts: Start): Promise<ServerProcess> {
  return spawnServer({
    name: 'baseline',
    args: ['--import', 'tsx', 'bench/baseline-server.ts'],
    cwd: opts.cwd,
    env: childEnv({ BASELINE_DB_URI: opts.ds.appUri, BASELINE_PORT: String(opts.port), BASELINE_HOST: '127.0.0.1', BASELINE_POOL: String(opts.pool) }),
    url: `http://127.0.0.1:${opts.port}`,
    probePath: '/customers/1',
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
}
