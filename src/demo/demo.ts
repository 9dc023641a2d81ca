// The zero-setup demo: an embedded PostgreSQL under a data folder, with the library database created on first run.
// It only prepares a database and the settings to serve it; the server itself is started by the CLI like any other.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from '../embedded/embedded-postgres.js';

const DATABASE = 'library';

/** What the CLI needs to serve the demo. */
export interface Demo {
  readonly postgres: RunningPostgres;
  readonly dbUri: string;
  readonly schemas: readonly string[];
  readonly anonRole: string;
  readonly jwtSecret: string;
  /** A long-lived token for the `web_writer` role, for the printed examples. */
  readonly writerToken: string;
  readonly created: boolean;
}

interface DemoSecrets {
  readonly authenticatorPassword: string;
  readonly jwtSecret: string;
}

/** Starts (and on first run creates) the demo database under `dir`; `reset` deletes the folder first. */
export async function startDemo(dir: string, reset: boolean, onLog?: (line: string) => void): Promise<Demo> {
  if (reset) rmSync(dir, { recursive: true, force: true });
  const postgres = await startEmbeddedPostgres({ dir, ...(onLog ? { onLog } : {}) });
  try {
    const secretsFile = join(dir, 'demo.json');
    let created = false;
    if (!existsSync(secretsFile) || !(await databaseExists(postgres))) {
      const secrets: DemoSecrets = { authenticatorPassword: randomBytes(18).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') };
      await createDatabase(postgres, secrets);
      writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
      created = true;
    }
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as DemoSecrets;
    return {
      postgres,
      dbUri: postgres.uri(DATABASE, 'authenticator', secrets.authenticatorPassword),
      schemas: ['api'],
      anonRole: 'web_anon',
      jwtSecret: secrets.jwtSecret,
      writerToken: signHs256({ role: 'web_writer' }, secrets.jwtSecret),
      created,
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

async function databaseExists(postgres: RunningPostgres): Promise<boolean> {
  const c = new pg.Client({ connectionString: postgres.uri() });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1;
  } finally {
    await c.end();
  }
}

async function createDatabase(postgres: RunningPostgres, secrets: DemoSecrets): Promise<void> {
  const admin = new pg.Client({ connectionString: postgres.uri() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    for (const role of ['authenticator', 'web_anon', 'web_writer']) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const sql = readFileSync(new URL('./demo.sql', import.meta.url), 'utf8').replace(
    ":'authenticator_password'",
    `'${secrets.authenticatorPassword.replaceAll("'", "''")}'`,
  );
  const db = new pg.Client({ connectionString: postgres.uri(DATABASE) });
  await db.connect();
  try {
    await db.query(sql);
  } finally {
    await db.end();
  }
}

function signHs256(claims: Record<string, unknown>, secret: string): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
