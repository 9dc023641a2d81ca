// The `postgrest-ts` command: PostgREST's CLI (FILENAME, --help, --version, --example, --dump-config, --dump-schema,
// --ready) plus the demo mode (an embedded PostgreSQL when no db-uri is configured). Parses argv and dispatches.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type App, startApp } from '../app/app.js';
import { clientConfigFor } from '../app/connect.js';
import { answerPrimary, isWorker, runPrimary, workerCount } from '../app/cluster.js';
import { VERSION } from '../app/version.js';
import { serveMetricsToPrimary } from '../observe/metrics.js';
import { dumpConfig } from '../config/dump.js';
import { exampleConfig } from '../config/example.js';
import { loadConfig } from '../config/load.js';
import { type AppConfig, defaultConfig } from '../config/types.js';
import { type Demo, startDemo } from '../demo/demo.js';
import { createLogger } from '../observe/log.js';
import { schemaCacheToJson } from '../schema-cache/dump.js';
import { loadSchemaCache } from '../schema-cache/load.js';

const USAGE = `Usage: postgrest-ts [-v|--version] [-e|--example] [--dump-config | --dump-schema | --ready] [FILENAME]
  PostgREST-compatible REST API server for PostgreSQL (postgrest-ts ${VERSION})

Available options:
  -h,--help                Show this help text
  -v,--version             Show the version information
  -e,--example             Show an example configuration file
  --dump-config            Dump the loaded configuration
  --dump-schema            Dump the loaded schema's SchemaCache in JSON format
  --ready                  Checks the health of PostgREST's admin server and exits with 0 on success, 1 otherwise
  FILENAME                 Path to configuration file

Demo mode (when no db-uri is configured by file or PGRST_DB_URI):
  --demo-dir DIR           Data folder of the embedded demo database (default: .postgrest-ts/demo)
  --demo-reset             Delete the demo data folder first and start over

Every setting can also be given as an environment variable: PGRST_<KEY> (e.g. PGRST_DB_URI, PGRST_SERVER_PORT).`;

/** Runs the command; resolves with an exit code, or never (while serving) until a signal stops the server. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = args;
  if (values.help) return out(USAGE);
  if (values.version) return out(`postgrest-ts ${VERSION} (PostgREST 16 compatible)`);
  if (values.example) return out(exampleConfig);
  if (positionals.length > 1) {
    process.stderr.write(`Expected at most one config file, got: ${positionals.join(' ')}\n`);
    return 1;
  }

  const file = positionals[0];
  let config: AppConfig;
  try {
    config = await loadConfig({ ...(file ? { file } : {}), env: process.env });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  if (values['dump-config']) return out(dumpConfig(config).trimEnd());
  if (values.ready) return ready(config);

  // The embedded demo database is used only when no db-uri is configured (by file or environment).
  let demo: Demo | undefined;
  if (process.env.PGRST_DB_URI === undefined && config.dbUri === defaultConfig().dbUri) {
    const dir = resolve(values['demo-dir'] ?? '.postgrest-ts/demo');
    try {
      demo = await startDemo(dir, values['demo-reset'] ?? false);
    } catch (err) {
      process.stderr.write(`Could not start the embedded demo database in ${dir}: ${(err as Error).message}\n`);
      return 1;
    }
    config = withDemo(config, demo);
  }
  if (values['dump-schema']) {
    try {
      return out(JSON.stringify(await dumpSchema(config)));
    } catch (err) {
      process.stderr.write(`Could not load the schema cache: ${(err as Error).message}\n`);
      return 1;
    } finally {
      await demo?.postgres.stop();
    }
  }
  return serve(config, demo);
}

/** The demo's database, schema, roles and secret over whatever the file and environment say. */
function withDemo(config: AppConfig, demo: Demo): AppConfig {
  return {
    ...config,
    dbUri: demo.dbUri,
    dbSchemas: process.env.PGRST_DB_SCHEMAS ? config.dbSchemas : demo.schemas,
    dbAnonRole: config.dbAnonRole ?? demo.anonRole,
    jwtSecret: config.jwtSecret ?? demo.jwtSecret,
    jwtSecretBytes: config.jwtSecretBytes ?? new TextEncoder().encode(demo.jwtSecret),
    logLevel: process.env.PGRST_LOG_LEVEL ? config.logLevel : 'info',
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      example: { type: 'boolean', short: 'e' },
      'dump-config': { type: 'boolean' },
      'dump-schema': { type: 'boolean' },
      ready: { type: 'boolean' },
      'demo-dir': { type: 'string' },
      'demo-reset': { type: 'boolean' },
    },
  });
}

function out(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

async function dumpSchema(config: AppConfig): Promise<unknown> {
  const client = new pg.Client(clientConfigFor(config));
  client.on('error', () => {});
  await client.connect();
  try {
    return schemaCacheToJson(await loadSchemaCache(client, { schemas: config.dbSchemas, extraSearchPath: config.dbExtraSearchPath }));
  } finally {
    await client.end();
  }
}

/** `--ready`: asks the admin server's /ready, as PostgREST does. */
async function ready(config: AppConfig): Promise<number> {
  if (config.adminServerPort === undefined) {
    process.stderr.write('ERROR: Admin server is not running. Set admin-server-port to use --ready.\n');
    return 1;
  }
  const special = ['*', '*4', '!4', '*6', '!6'];
  if (special.includes(config.adminServerHost)) {
    process.stderr.write(`ERROR: The --ready flag cannot be used when server-host is configured as "${config.adminServerHost}".\n`);
    return 1;
  }
  const host = config.adminServerHost.includes(':') ? `[${config.adminServerHost}]` : config.adminServerHost;
  const url = `http://${host}:${config.adminServerPort}/ready`;
  try {
    const res = await fetch(url);
    if (res.ok) return out(`OK: ${url}`);
    process.stderr.write(`ERROR: ${url} answered ${res.status}\n`);
  } catch (err) {
    process.stderr.write(`ERROR: could not reach ${url}: ${(err as Error).message}\n`);
  }
  return 1;
}

async function serve(config: AppConfig, demo: Demo | undefined): Promise<number> {
  const log = createLogger(config.logLevel);
  if (!isWorker() && workerCount(config) > 1) {
    const env: Record<string, string> = demo
      ? { PGRST_DB_URI: config.dbUri, PGRST_DB_SCHEMAS: config.dbSchemas.join(','), PGRST_DB_ANON_ROLE: config.dbAnonRole ?? '', PGRST_JWT_SECRET: config.jwtSecret ?? '' }
      : {};
    if (demo) printDemoHelp(`http://localhost:${config.serverPort}`, demo);
    return runPrimary(config, log, env, async () => {
      await demo?.postgres.stop();
    });
  }
  if (isWorker()) config = { ...config, adminServerPort: undefined, adminServerUnixSocket: undefined };
  let app: App;
  try {
    app = await startApp(config, log, async (prev) => {
      const next = await loadConfig({ file: prev.configFilePath, env: process.env, prevDbUri: prev.dbUri });
      return demo ? withDemo(next, demo) : next;
    });
  } catch (err) {
    log.log('crit', `Could not start: ${(err as Error).message}`);
    await demo?.postgres.stop();
    return 1;
  }
  if (isWorker()) {
    serveMetricsToPrimary(app.state.metrics);
    answerPrimary(() => app.state.status === 'ready');
  }
  if (demo) printDemoHelp(app.url, demo);
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.log('crit', `Received termination unix signal ${signal}`);
      app
        .stop()
        .then(() => demo?.postgres.stop())
        .then(
          () => resolveExit(0),
          (err) => {
            log.log('error', `Error while stopping: ${(err as Error).message}`);
            resolveExit(1);
          },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGUSR1', () => {
      log.log('info', 'Schema cache reload requested (SIGUSR1)');
      void app.state.reloadSchema();
    });
    process.on('SIGUSR2', () => {
      log.log('info', 'Config reload requested (SIGUSR2)');
      void app.state.reloadConfig();
    });
  });
}

function printDemoHelp(url: string, demo: Demo): void {
  const lines = [
    '',
    `postgrest-ts is serving the demo library database at ${url}`,
    `  (embedded PostgreSQL on 127.0.0.1:${demo.postgres.port}${demo.created ? ', created just now' : ''}; Ctrl-C stops both)`,
    '',
    'Try:',
    `  curl '${url}/books?select=title,published_year&genre=eq.science%20fiction&order=published_year'`,
    `  curl '${url}/authors?select=name,books(title)&country=eq.US'`,
    `  curl '${url}/rpc/search_books?query=dark'`,
    '',
    'Write as the web_writer role with this token:',
    `  curl -X POST '${url}/reviews' -H 'Authorization: Bearer ${demo.writerToken}' -H 'Content-Type: application/json' -d '{"book_id": 6, "rating": 5}'`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
