// A quick slice of the reliability suite (reliability/, `npm run test:reliability`) on the shared test database: a few
// hundred hostile corpus requests, one injection pass with the visibility checks, and backends killed under load.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type App, startApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observe/log.js';
import { buildCorpus, sampleCorpus } from '../../reliability/corpus/corpus.js';
import { runClientAborts } from '../../reliability/groups/aborts.js';
import { checkAcknowledgedWrites, killBackendsUnderLoad } from '../../reliability/groups/faults.js';
import { runHostile } from '../../reliability/groups/hostile.js';
import { runInjection, runVisibility } from '../../reliability/groups/injection.js';
import { type Db, openDb } from '../../reliability/lib/db.js';
import { JWT_SECRET } from '../../reliability/lib/jwt.js';
import { GroupReport } from '../../reliability/lib/report.js';
import type { Target } from '../../reliability/lib/server.js';
import { uriAs } from '../support/db.js';
import { testEnv } from '../support/server.js';

const AUTHENTICATOR = 'postgrest_test_rel_authenticator';

let app: App;
let target: Target;
let db: Db;
const unexpected: string[] = [];

before(async () => {
  const config = await loadConfig({
    env: testEnv({
      PGRST_DB_URI: uriAs(AUTHENTICATOR, 'rel-test-password'),
      PGRST_DB_SCHEMAS: 'reliability',
      PGRST_JWT_SECRET: JWT_SECRET,
      PGRST_DB_CHANNEL: 'pgrst_rel_smoke',
      PGRST_DB_POOL: '4',
      PGRST_DB_POOL_ACQUISITION_TIMEOUT: '3',
    }),
  });
  // Errors the server logs about itself are part of the verdict; everything else is dropped.
  const logger = createLogger('error', { out: () => {}, err: (line) => unexpected.push(line) });
  app = await startApp(config, logger);
  target = {
    url: app.url,
    port: app.port,
    adminUrl: undefined,
    alive: () => true,
    unexpected: () => unexpected.filter((l) => /Unexpected error/.test(l)),
  };
  db = openDb(process.env.PGRST_TEST_ADMIN_URI ?? '');
});

after(async () => {
  await app.stop();
  await db.end();
});

function verdict(report: GroupReport): void {
  assert.equal(report.failed, 0, `\n${report.render(2)}`);
}

describe('reliability smoke', () => {
  test('a sample of the hostile corpus gets 4xx error bodies, no 5xx, and changes no data', async () => {
    const cases = sampleCorpus(buildCorpus({ randomQueries: 300, randomBodies: 60 }), 300);
    const report = new GroupReport('hostile (smoke)');
    await runHostile(report, target, db, cases, { timeoutMs: 8000 });
    await runClientAborts(report, target, { rounds: 2 });
    verdict(report);
  });

  test('one injection pass leaves the canary intact and returns no hidden rows', async () => {
    const report = new GroupReport('injection (smoke)');
    await runInjection(report, target, db, { authenticator: AUTHENTICATOR, database: '', payloads: [0, 1, 6, 9, 12, 16] });
    await runVisibility(report, target);
    verdict(report);
  });

  test('backends terminated under load: no crash, no 4xx, service resumes, acknowledged writes kept once', async () => {
    const report = new GroupReport('faults (smoke)');
    const results = await killBackendsUnderLoad(report, target, db, { authenticator: AUTHENTICATOR, run: `smoke${Date.now().toString(36)}`, times: 2, everyMs: 700, rate: 30, maxMs: 4000 });
    await checkAcknowledgedWrites(report, db, 'backend kill', results);
    verdict(report);
  });
});
