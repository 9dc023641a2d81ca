// Starts and stops one server instance: app state (pool + schema cache), the API listener, the admin listener.
// Wires stages together; the request pipeline itself lives in http/pipeline.ts.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../config/types.js';
import { createApiServer } from '../http/server.js';
import { handleRequest } from '../http/pipeline.js';
import { createLogger, type Logger } from '../observe/log.js';
import { schemaCacheToJson } from '../schema-cache/dump.js';
import { clientConfigFor } from './connect.js';
import { type Listener, startListener } from './listener.js';
import { AppState, type OnFatal, type ReadBaseConfig } from './state.js';
import { VERSION } from './version.js';

/** A started instance. */
export interface App {
  readonly state: AppState;
  /** `http://host:port` of the API (loopback address when bound to all interfaces). */
  readonly url: string;
  readonly port: number;
  readonly adminUrl: string | undefined;
  stop(): Promise<void>;
}

/** `server-host` special values as PostgREST defines them, mapped to a Node bind address. */
export function bindHost(host: string): string {
  switch (host) {
    case '*':
    case '*6':
    case '!6':
      return '::';
    case '*4':
    case '!4':
      return '0.0.0.0';
    default:
      return host;
  }
}

/** `!6` binds IPv6 only; Node's `::` otherwise accepts IPv4 too (as `*`, `*6` do in PostgREST). */
const ipv6Only = (host: string) => host === '!6';

/** Listens on a unix socket (replacing a stale file, then chmod to the configured mode) or on host:port. */
function listen(
  server: Server,
  config: { port: number; host: string; ipv6Only?: boolean; socket?: string | undefined; socketMode?: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      if (config.socket && config.socketMode !== undefined) chmodSync(config.socket, config.socketMode);
      resolve();
    };
    if (config.socket) {
      rmSync(config.socket, { force: true });
      server.listen({ path: config.socket, backlog: 2048 }, done);
    } else {
      server.listen({ port: config.port, host: config.host, ipv6Only: config.ipv6Only ?? false, backlog: 2048 }, done);
    }
  });
}

function urlOf(server: Server, host: string): { url: string; port: number; address: string } {
  const addr = server.address() as AddressInfo | string | null;
  if (!addr || typeof addr === 'string') return { url: `unix:${addr ?? ''}`, port: 0, address: addr ?? '' };
  const bound = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : bound;
  // `address` is what PostgREST logs: `127.0.0.1:3000`, `[::]:3000` (or the socket path).
  return { url: `http://${shown}:${addr.port}`, port: addr.port, address: `${bound}:${addr.port}` };
}

/** PostgREST exits when it cannot recover (killApp); embedders may pass their own handler to startApp. */
const exitProcess: OnFatal = () => process.exit(1);

/**
 * Starts the instance: first schema-cache attempt, then the API port (as PostgREST v16 does), then the admin port.
 * `onFatal` (default: exit with status 1) runs where PostgREST exits, e.g. a lost database with
 * `db-pool-automatic-recovery = false`.
 */
export async function startApp(config: AppConfig, logger?: Logger, readBase?: ReadBaseConfig, onFatal: OnFatal = exitProcess): Promise<App> {
  const log = logger ?? createLogger(config.logLevel);
  log.log('crit', `Starting postgrest-ts ${VERSION}...`);
  const state = new AppState(config, log, readBase, onFatal);
  await state.start();
  const listenOn = (cfg: AppConfig): Listener | undefined => {
    if (!cfg.dbChannelEnabled) return undefined;
    const channel = cfg.dbChannel;
    return startListener({
      clientConfig: clientConfigFor(cfg),
      channel,
      log,
      onNotify: (payload) => {
        if (payload === '' || payload === 'reload schema') {
          log.log('crit', `Received a schema cache reload message on the ${JSON.stringify(channel)} channel`);
          void state.reloadSchema();
        } else if (payload === 'reload config') {
          log.log('crit', `Received a config reload message on the ${JSON.stringify(channel)} channel`);
          void state.reloadConfig();
        }
      },
      onReconnect: () => void state.reloadSchema(),
      automaticRecovery: () => state.config.dbPoolAutomaticRecovery,
      onFatal,
    });
  };
  let listener = listenOn(state.config);
  // db-channel-enabled and db-channel are reloadable: restart (or stop) the listener when they change.
  state.onConfigChange((prev, next) => {
    if (prev.dbChannelEnabled === next.dbChannelEnabled && prev.dbChannel === next.dbChannel) return;
    const old = listener;
    listener = listenOn(next);
    void old?.stop();
  });

  const common = { Server: `postgrest-ts/${VERSION}` };
  const api = createApiServer(
    (raw) => handleRequest(state, raw),
    { maxBodyBytes: config.serverMaxBodySize, maxUrlLength: config.serverMaxUrlLength, maxHeaderBytes: config.serverMaxHeaderSize },
    () => common,
    (err) => log.log('error', `Unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  );
  const host = bindHost(config.serverHost);
  await listen(api, {
    port: config.serverPort,
    host,
    ipv6Only: ipv6Only(config.serverHost),
    socket: config.serverUnixSocket,
    socketMode: config.serverUnixSocketMode,
  });
  const { url, port, address } = urlOf(api, host);
  log.log('crit', `API server listening on ${address}`);

  let admin: Server | undefined;
  let adminUrl: string | undefined;
  if (config.adminServerPort !== undefined || config.adminServerUnixSocket) {
    admin = createServer((req, res) => {
      adminStatus(req.url ?? '/', state, api).then(
        (status) => {
          res.writeHead(status.code, status.type ? { 'Content-Type': status.type } : {});
          res.end(status.body ?? '');
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    const adminHost = bindHost(config.adminServerHost);
    await listen(admin, {
      port: config.adminServerPort ?? 0,
      host: adminHost,
      ipv6Only: ipv6Only(config.adminServerHost),
      socket: config.adminServerUnixSocket,
      socketMode: config.adminServerUnixSocketMode,
    });
    const bound = urlOf(admin, adminHost);
    adminUrl = bound.url;
    log.log('crit', `Admin server listening on ${bound.address}`);
  }

  return {
    state,
    url,
    port,
    adminUrl,
    async stop() {
      // Graceful: stop accepting, let in-flight requests finish, close idle keep-alive sockets, then close the pool.
      const closed = new Promise<void>((res) => api.close(() => res()));
      api.closeIdleConnections();
      admin?.close();
      admin?.closeAllConnections();
      const force = setTimeout(() => api.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await listener?.stop();
      await state.stop();
    },
  };
}

async function adminStatus(path: string, state: AppState, api: Server): Promise<{ code: number; body?: string; type?: string }> {
  // Like PostgREST's admin server, match on the path alone.
  const q = path.indexOf('?');
  switch (q < 0 ? path : path.slice(0, q)) {
    case '/live':
      return { code: api.listening ? 200 : 500 };
    case '/ready':
      // 503 while loading, recovering or retrying a failed reload; 500 when the API socket is down.
      return { code: !api.listening ? 500 : state.ready ? 200 : 503 };
    case '/metrics':
      return { code: 200, body: await state.metrics.render(), type: state.metrics.contentType };
    case '/schema_cache': {
      const cache = state.currentSchemaCache();
      // Before the first load PostgREST answers 200 with an empty body.
      return cache ? { code: 200, body: JSON.stringify(schemaCacheToJson(cache)), type: 'application/json; charset=utf-8' } : { code: 200 };
    }
    default:
      return { code: 404 };
  }
}
