// The server under test as the suite sees it (a Target), and a spawner that runs postgrest-ts as its own process
// (`node --import tsx src/cli/run.ts`, configured only through PGRST_* variables) so a crash or RSS can be observed.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../../src/embedded/embedded-postgres.js';

/** A running server the groups talk to. */
export interface Target {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly adminUrl: string | undefined;
  /** False once the server process exited (in-process servers are always alive while the suite runs). */
  alive(): boolean;
  /** Lines the server logged about unexpected (internal) errors. */
  unexpected(): readonly string[];
}

/** A spawned server process. */
export interface SpawnedServer extends Target {
  readonly pid: number;
  /** Last lines of its output, for failure reports. */
  output(): string;
  /** Resident set size in kB (Linux), undefined elsewhere. */
  rssKb(): number | undefined;
  exitCode(): number | null;
  stop(): Promise<void>;
}

const repoRoot = new URL('../../', import.meta.url).pathname;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** The db-pool of a server started with `env`: PGRST_DB_POOL, else PostgREST's default of 10. */
export function dbPool(env: Readonly<Record<string, string>>): number {
  const n = Number(env.PGRST_DB_POOL);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

/** The db-channel of a server started with `env`: PGRST_DB_CHANNEL, else PostgREST's default `pgrst`. */
export function dbChannel(env: Readonly<Record<string, string>>): string {
  return env.PGRST_DB_CHANNEL || 'pgrst';
}

/** This process's environment without PGRST_* settings (the server gets exactly the ones the suite gives it). */
function inherited(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('PGRST_')) out[k] = v;
  return out;
}

/** Spawns a server with `env` (PGRST_* settings) and waits until `probePath` answers 200 (any status with `anyStatus`). */
export async function spawnServer(env: Record<string, string>, probePath = '/', timeoutMs = 60_000, anyStatus = false): Promise<SpawnedServer> {
  const port = Number(env.PGRST_SERVER_PORT) || (await freePort());
  const adminPort = env.PGRST_ADMIN_SERVER_PORT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts'], {
    cwd: repoRoot,
    env: { ...inherited(), PGRST_SERVER_HOST: '127.0.0.1', PGRST_LOG_LEVEL: 'error', ...env, PGRST_SERVER_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let tail = '';
  const unexpected: string[] = [];
  let partial = '';
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-8000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/Unexpected error|uncaught|unhandled/i.test(line) && unexpected.length < 100) unexpected.push(line.slice(0, 2000));
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  let exited = false;
  const exitPromise = new Promise<void>((res) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      res();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: SpawnedServer = {
    url,
    port,
    pid: child.pid ?? -1,
    adminUrl: adminPort ? `http://127.0.0.1:${adminPort}` : undefined,
    alive: () => !exited,
    unexpected: () => unexpected,
    output: () => tail,
    exitCode: () => child.exitCode,
    rssKb: () => {
      try {
        const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : undefined;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`the server exited before it was ready (code ${child.exitCode}):\n${tail.trim()}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server did not answer ${probePath} within ${timeoutMs} ms:\n${tail.trim()}`);
    }
    try {
      const res = await fetch(url + probePath, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200 || anyStatus) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
