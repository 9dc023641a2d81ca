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
  /** Read at each failure: false (`db-pool-automatic-recovery = false`) calls `onFatal` instead of retrying. */
  readonly automaticRecovery?: () => boolean;
  readonly onFatal?: (reason: string) => void;
}

export interface Listener {
  stop(): Promise<void>;
}

/** PostgreSQL's notification-queue bug shows as this error; `pg_notification_queue_usage()` works around it. */
const QUEUE_BUG = 'could not access status of transaction';

/** Error text on one line, as PostgREST prints listener errors. */
const oneLine = (text: string) => text.split(/\r?\n/).map((l) => l.replaceAll('\t', '')).join(' ');

export function startListener(opts: ListenerOptions): Listener {
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = 1;
  let failedBefore = false;
  let queueBug = false;
  const where = `${opts.clientConfig.host ?? ''}${opts.clientConfig.port ? `:${opts.clientConfig.port}` : ''}`;

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ ...opts.clientConfig, application_name: `${opts.clientConfig.application_name ?? 'postgrest-ts'} listener` });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === opts.channel) opts.onNotify(msg.payload ?? '');
    });
    // Only the current connection's failures count: a replaced one may still report its own end.
    c.on('error', (err) => {
      if (client === c) retry(err);
    });
    c.on('end', () => {
      if (client === c) retry(new Error('connection closed'));
    });
    try {
      await c.connect();
      const version = (await c.query<{ v: string }>('SELECT pg_catalog.version() AS v')).rows[0]?.v ?? '';
      if (queueBug) await c.query('SELECT pg_notification_queue_usage()');
      await c.query(`LISTEN ${quoteIdent(opts.channel)}`);
      if (stopped || client !== c) return;
      queueBug = false;
      delay = 1;
      if (failedBefore) {
        failedBefore = false;
        opts.onReconnect();
      }
      opts.log.log(
        'crit',
        `Listener connected to ${version} on ${JSON.stringify(where)} and listening for database notifications on the ${JSON.stringify(opts.channel)} channel`,
      );
    } catch (err) {
      if (client === c) retry(err as Error);
    }
  };

  const retry = (err: Error) => {
    if (stopped || timer) return;
    failedBefore = true;
    const dead = client;
    client = undefined;
    dead?.end().catch(() => {});
    opts.log.log('crit', `Failed listening for database notifications on the ${JSON.stringify(opts.channel)} channel. ${oneLine(err.message)}`);
    if (err.message.includes(QUEUE_BUG)) {
      queueBug = true;
      opts.log.log(
        'crit',
        'This is likely a PostgreSQL bug in the notification queue, executing the following to try to solve it: SELECT pg_notification_queue_usage();',
      );
    }
    if (opts.automaticRecovery && !opts.automaticRecovery()) {
      stopped = true;
      opts.log.log('crit', 'Automatic recovery disabled, exiting.');
      opts.onFatal?.('Automatic recovery disabled');
      return;
    }
    opts.log.log('crit', `Retrying listening for database notifications in ${delay} seconds...`);
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
      await c?.end().catch(() => {});
    },
  };
}
