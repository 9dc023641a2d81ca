// Helpers of the ops-*.test.ts files: the CLI as a child process with its stdout/stderr captured line by line, and
// in-process servers on the opsx fixture whose log lines are captured instead of printed.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { type App, startApp } from '../../src/app/app.js';
import type { ReadBaseConfig } from '../../src/app/state.js';
import { loadConfig } from '../../src/config/load.js';
import type { AppConfig } from '../../src/config/types.js';
import { createLogger, type LogLevel } from '../../src/observe/log.js';
import { uriAs } from '../support/db.js';
import { testEnv } from '../support/server.js';

const entry = new URL('../../src/cli/run.ts', import.meta.url).pathname;

export const OPSX_URI = () => uriAs('postgrest_test_opsx_authenticator', 'opsx-test-password');
export const OPSX_RELOAD_URI = () => uriAs('postgrest_test_opsx_reload_authenticator', 'opsx-reload-password');

/** The opsx authenticator's URI with an application_name of our own, to find its backends in pg_stat_activity. */
export function uriNamed(appName: string): string {
  const u = new URL(OPSX_URI());
  u.searchParams.set('application_name', appName);
  return u.toString();
}

/** PGRST_* settings for a server on the opsx schema (channel disabled unless asked). */
export function opsxEnv(env: Record<string, string> = {}): Record<string, string> {
  return testEnv({
    PGRST_DB_URI: OPSX_URI(),
    PGRST_DB_SCHEMAS: 'opsx',
    PGRST_DB_EXTRA_SEARCH_PATH: 'opsx_ext',
    PGRST_DB_CHANNEL_ENABLED: 'false',
    ...env,
  }) as Record<string, string>;
}

/** Lines written so far, and a way to wait for one. */
export interface Lines {
  readonly lines: string[];
  /** Resolves with the first line (already written or still to come) matching `re`; rejects after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
}

function lineCollector(): Lines & { push(line: string): void } {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  return {
    lines,
    push(line) {
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const w = waiters[i]!;
        if (w.re.test(line)) {
          waiters.splice(i, 1);
          w.resolve(line);
        }
      }
    },
    waitFor(re, ms = 15_000) {
      const found = lines.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          re,
          resolve: (l: string) => {
            clearTimeout(t);
            resolve(l);
          },
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no line matching ${re} within ${ms} ms; got:\n${lines.join('\n')}`));
        }, ms);
        waiters.push(w);
      });
    },
  };
}

/** A running `postgrest-ts` process. */
export interface Cli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: Lines;
  readonly stderr: Lines;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** Sends SIGKILL if it is still running (cleanup). */
  kill(): Promise<void>;
}

/** Spawns `node --import tsx src/cli/run.ts [args]` with exactly this environment (plus PATH). */
export function spawnCli(env: Record<string, string>, args: string[] = []): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  const stdout = lineCollector();
  const stderr = lineCollector();
  for (const [stream, sink] of [
    [child.stdout, stdout],
    [child.stderr, stderr],
  ] as const) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) sink.push(p);
    });
  }
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout,
    stderr,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** An in-process server whose diagnostics (stderr) and access log (stdout) lines are kept in memory. */
export interface CapturedServer {
  readonly app: App;
  readonly url: string;
  readonly out: Lines;
  readonly err: Lines;
  readonly fatal: string[];
  stop(): Promise<void>;
}

/** Starts a server on the opsx fixture; `readBase` stands in for re-reading the config file on config reloads. */
export async function startCaptured(
  env: Record<string, string>,
  level: LogLevel = 'info',
  readBase?: (previous: AppConfig) => Promise<AppConfig>,
): Promise<CapturedServer> {
  const config = await loadConfig({ env: opsxEnv({ PGRST_LOG_LEVEL: level, ...env }) });
  const out = lineCollector();
  const err = lineCollector();
  const fatal: string[] = [];
  const logger = createLogger(config.logLevel, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const app = await startApp(config, logger, readBase as ReadBaseConfig | undefined, (reason) => fatal.push(reason));
  return { app, url: app.url.replace('localhost', '127.0.0.1'), out, err, fatal, stop: () => app.stop() };
}

/** `dd/Mon/YYYY:HH:MM:SS +zzzz: ` — the prefix of every diagnostic line. */
export const STDERR_PREFIX = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}: /;
