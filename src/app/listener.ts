// The `db-channel` listener: one dedicated connection running LISTEN, reconnecting with backoff (1 s doubling to 32 s)
// when it drops, reporting notifications and reconnections to the app. It decides nothing about what to reload.
import pg from 'pg';
import type { Logger } from '../observe/log.js';
import { quoteIdent } from '../sql/fragment.js';

export interface ListenerOptions {
  readonly clientConfig: pg.ClientConfig;
  readonly channel: string;
  readonly log: Logger;
  readonly onNotify: (payload: string) => void;
  /** Called after the connection came back following a failure (the app reloads, as PostgREST does). */
  readonly onReconnect: () => void;
}

export interface Listener {
  stop(): Promise<void>;
}

export function startListener(opts: ListenerOptions): Listener {
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = 1;
  let failedBefore = false;

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ ...opts.clientConfig, application_name: `${opts.clientConfig.application_name ?? 'postgrest-ts'} listener` });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === opts.channel) opts.onNotify(msg.payload ?? '');
    });
    c.on('error', (err) => retry(err));
    c.on('end', () => retry(new Error('connection closed')));
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(opts.channel)}`);
      opts.log.log('info', `Listening for database notifications on the "${opts.channel}" channel`);
      delay = 1;
      if (failedBefore) {
        failedBefore = false;
        opts.onReconnect();
      }
    } catch (err) {
      retry(err as Error);
    }
  };

  const retry = (err: Error) => {
    if (stopped || timer) return;
    failedBefore = true;
    const dead = client;
    client = undefined;
    dead?.removeAllListeners('end');
    dead?.end().catch(() => {});
    opts.log.log('error', `Failed listening for database notifications on the "${opts.channel}" channel. ${err.message}`);
    opts.log.log('warn', `Retrying listening for database notifications in ${delay} seconds...`);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay * 1000);
    timer.unref();
    delay = Math.min(delay * 2, 32);
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      c?.removeAllListeners('end');
      await c?.end().catch(() => {});
    },
  };
}
