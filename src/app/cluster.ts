// Several worker processes on one port (`server-workers`, ours; 0 = one per core) with node:cluster. The primary forks
// workers, restarts crashed ones, relays SIGUSR1/SIGUSR2/SIGTERM, and runs the admin server with aggregated /metrics;
// each worker is a full instance (own pool, schema cache, listener), so one NOTIFY reloads them all.
import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import type { AppConfig } from '../config/types.js';
import type { Logger } from '../observe/log.js';
import { createClusterMetrics } from '../observe/metrics.js';
import { bindHost } from './app.js';

/** Messages between the primary and its workers. */
type ToWorker = { readonly type: 'pgrst:status?'; readonly id: number };
type ToPrimary = { readonly type: 'pgrst:status'; readonly id: number; readonly ready: boolean };

/** How many workers a config asks for. */
export function workerCount(config: AppConfig): number {
  return config.serverWorkers === 0 ? availableParallelism() : config.serverWorkers;
}

/** Runs the primary until a termination signal; `env` is added to the workers' environment. Resolves with the exit code. */
export async function runPrimary(config: AppConfig, log: Logger, env: Record<string, string>, onStopped: () => Promise<void>): Promise<number> {
  const n = workerCount(config);
  let stopping = false;
  let nextId = 0;
  const pending = new Map<number, (ready: boolean) => void>();
  const fork = (): Worker => {
    const w = cluster.fork({ ...env, POSTGREST_TS_WORKER: '1' });
    w.on('message', (msg: ToPrimary) => {
      if (msg?.type === 'pgrst:status') pending.get(msg.id)?.(msg.ready);
    });
    return w;
  };
  for (let i = 0; i < n; i++) fork();
  log.log('info', `Started ${n} worker processes`);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.log('error', `Worker ${worker.process.pid} exited (${signal ?? code}); starting a new one`);
    fork();
  });

  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const askReady = (w: Worker) =>
    new Promise<boolean>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(false);
      }, 2000);
      pending.set(id, (ready) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(ready);
      });
      w.send({ type: 'pgrst:status?', id } satisfies ToWorker);
    });

  let admin: Server | undefined;
  if (config.adminServerPort !== undefined) {
    const metrics = createClusterMetrics();
    admin = createServer((req, res) => {
      const reply = (code: number, body = '', type?: string) => {
        res.writeHead(code, type ? { 'Content-Type': type } : {});
        res.end(body);
      };
      const ws = workers();
      switch ((req.url ?? '/').split('?')[0]) {
        case '/live':
          return reply(ws.length > 0 ? 200 : 500);
        case '/ready':
          return void Promise.all(ws.map(askReady)).then((r) => reply(r.length > 0 && r.every(Boolean) ? 200 : 503));
        case '/metrics':
          return void metrics.render().then(
            (text) => reply(200, text, metrics.contentType),
            () => reply(500),
          );
        default:
          return reply(404);
      }
    });
    await new Promise<void>((resolve) => admin!.listen(config.adminServerPort, bindHost(config.adminServerHost), resolve));
    log.log('info', `Admin server listening on ${bindHost(config.adminServerHost)}:${config.adminServerPort}`);
  }

  const relay = (signal: NodeJS.Signals) => () => {
    for (const w of workers()) w.process.kill(signal);
  };
  process.on('SIGUSR1', relay('SIGUSR1'));
  process.on('SIGUSR2', relay('SIGUSR2'));

  return new Promise((resolve) => {
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.log('info', `Received ${signal}, stopping ${workers().length} workers...`);
      admin?.close();
      const all = workers();
      let left = all.length;
      const done = () => {
        admin?.closeAllConnections();
        onStopped().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      if (left === 0) return done();
      for (const w of all) {
        w.once('exit', () => {
          if (--left === 0) done();
        });
        w.process.kill('SIGTERM');
      }
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

/** In a worker: answers the primary's readiness questions. */
export function answerPrimary(isReady: () => boolean): void {
  process.on('message', (msg: ToWorker) => {
    if (msg?.type === 'pgrst:status?') process.send?.({ type: 'pgrst:status', id: msg.id, ready: isReady() } satisfies ToPrimary);
  });
}

/** Whether this process is a worker started by runPrimary. */
export function isWorker(): boolean {
  return cluster.isWorker && process.env.POSTGREST_TS_WORKER === '1';
}
