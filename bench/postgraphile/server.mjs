// PostGraphile 5 as a comparison target of the postgrest-ts benchmark: the library (not the CLI) with the Amber preset,
// served by grafserv's node:http adapter, one database pool of PG_POOL connections, schema `bench`, no GraphiQL, no
// watch mode, no subscriptions/LISTEN connection, no explain. Spawned by bench/run.ts with NODE_ENV=production (grafast
// skips its development checks). Plain JavaScript: it runs from this folder's own node_modules (possibly with the
// Node 22 binary installed here), outside the repository's TypeScript project.
// Env: PG_URI (required), PG_POOL (10), PG_SCHEMA (bench), PORT (0 = any; printed as `listening <port>`), HOST.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const uri = process.env.PG_URI;
if (!uri) {
  process.stderr.write('postgraphile: PG_URI is required\n');
  process.exit(1);
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: uri,
      schemas: [process.env.PG_SCHEMA ?? 'bench'],
      poolConfig: { max: Number(process.env.PG_POOL ?? 10), idleTimeoutMillis: 30_000 },
      pubsub: false,
    }),
  ],
  grafserv: {
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
    // The documented production optimisation: parts of the result are serialised as JSON strings once.
    outputDataAsString: true,
    // The bench sends at most one small mutation per request.
    maxRequestLength: 1_000_000,
  },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (err) => {
  process.stderr.write(`postgraphile: ${err.message}\n`);
  process.exit(1);
});
server.keepAliveTimeout = 65_000;
await serv.addTo(server);
// Build the schema before listening, so the first answer is a real one (the runner waits for that).
await pgl.getSchema();
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', 2048, () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : addr}\n`);
});

const stop = () => {
  server.close(() => {
    pgl.release().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
