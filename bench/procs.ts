// Server processes for the benchmark and what Linux tells about them: CPU time (utime+stime from /proc/<pid>/stat,
// plus reaped children's for the PostgreSQL postmaster), resident set size and its peak (VmRSS / VmHWM, with the
// peak reset through /proc/<pid>/clear_refs when allowed). Off Linux every reading is undefined and reported as such.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

interface Stat {
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid: number): number | undefined {
  const s = readStat(pid);
  return s ? ((s.utime + s.stime) * 1000) / ticksPerSecond() : undefined;
}

/**
 * CPU time of this process's children that have exited and been waited for (cutime/cstime), in ms: a load generator
 * run as a child process (wrk) counts here once it has exited.
 */
export function reapedChildrenCpuMs(): number {
  const s = readStat(process.pid);
  return s ? ((s.cutime + s.cstime) * 1000) / ticksPerSecond() : 0;
}

/**
 * CPU time of a process tree rooted at `pid` (one level: the PostgreSQL postmaster and its backends), in ms:
 * the root's own time, its reaped children's (cutime/cstime: backends that already exited) and its live children's.
 */
export function treeCpuMs(pid: number): number | undefined {
  const root = readStat(pid);
  if (!root) return undefined;
  let ticks = root.utime + root.stime + root.cutime + root.cstime;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s && s.ppid === pid) ticks += s.utime + s.stime;
  }
  return (ticks * 1000) / ticksPerSecond();
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export const rssKb = (pid: number) => statusKb(pid, 'VmRSS');
export const peakRssKb = (pid: number) => statusKb(pid, 'VmHWM');

/** Resets the process's peak RSS to its current RSS; false when not permitted (then VmHWM is the lifetime peak). */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples RSS every `everyMs` until stopped; the maximum seen (a fallback when clear_refs is not allowed). */
export function sampleRss(pid: number, everyMs = 20): { stop(): number | undefined } {
  let max: number | undefined;
  const tick = () => {
    const v = rssKb(pid);
    if (v !== undefined && (max === undefined || v > max)) max = v;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return max;
    },
  };
}

/** Environment for a spawned server: ours, without any PGRST_* / BASELINE_* / PG_* of the caller, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PGRST_') && !k.startsWith('BASELINE_') && !k.startsWith('PG_')) env[k] = v;
  return { ...env, ...extra };
}

/** A spawned server process. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** ms from spawn until the first HTTP answer. */
  readonly readyMs: number;
  /** Last lines of its stdout/stderr, for error messages. */
  output(): string;
  /** undefined while running, else how it ended (e.g. `signal SIGKILL`, `code 134`). */
  exited(): string | undefined;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * Spawns `node <args>` (this process's Node, or `execPath`) with `env`, then polls `url + probePath` until it answers
 * any HTTP status. Rejects (killing the child) when it exits first or after `timeoutMs`.
 */
export async function spawnServer(opts: {
  name: string;
  execPath?: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  url: string;
  probePath?: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(opts.execPath ?? process.execPath, [...opts.args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
    children.delete(child);
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = started + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (exitedEarly) throw new Error(`${opts.name} exited before answering (code ${child.exitCode}):\n${tail.trim()}`);
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} did not answer within ${opts.timeoutMs ?? 30_000} ms:\n${tail.trim()}`);
    }
    try {
      const res = await fetch(opts.url + (opts.probePath ?? '/'), { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const readyMs = performance.now() - started;
  if (child.pid === undefined) throw new Error(`${opts.name}: no pid`);
  const exitedHow = () =>
    child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode !== null ? `signal ${child.signalCode}` : undefined;
  return { name: opts.name, pid: child.pid, url: opts.url, readyMs, output: () => tail, exited: exitedHow, stop };
}
