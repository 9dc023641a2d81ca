// PostgREST's log formats: diagnostics on stderr as `<dd/Mon/YYYY:HH:MM:SS +zzzz>: message`, access log lines on stdout
// in Apache combined style. Level filtering follows `log-level`. Writes only; decides nothing about requests.

export type LogLevel = 'crit' | 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { crit: 0, error: 1, warn: 2, info: 3, debug: 4 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

/** `21/Nov/2026:12:00:00 +0000`, local time as PostgREST prints it. */
export function logTimestamp(d = new Date()): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** A logger bound to a level; `setLevel` supports config reloads. */
export interface Logger {
  level: LogLevel;
  enabled(level: LogLevel): boolean;
  /** A diagnostic line on stderr, when `level` is enabled. */
  log(level: LogLevel, message: string): void;
  /** An access-log line on stdout for a response with this status, filtered as PostgREST filters them. */
  access(status: number, line: () => string): void;
}

export interface LogSinks {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processSinks: LogSinks = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function createLogger(level: LogLevel, sinks: LogSinks = processSinks): Logger {
  return {
    level,
    enabled(l) {
      return RANK[l] <= RANK[this.level];
    },
    log(l, message) {
      if (RANK[l] <= RANK[this.level]) sinks.err(`${logTimestamp()}: ${message}`);
    },
    access(status, line) {
      const threshold = this.level === 'crit' ? Number.POSITIVE_INFINITY : this.level === 'error' ? 500 : this.level === 'warn' ? 400 : 0;
      if (status >= threshold) sinks.out(line());
    },
  };
}
