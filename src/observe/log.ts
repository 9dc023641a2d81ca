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

/**
 * A logger bound to a level (reassign `level` on config reloads). PostgREST prints startup, reload and recovery
 * messages at every level: log those as `crit`.
 */
export interface Logger {
  level: LogLevel;
  enabled(level: LogLevel): boolean;
  /** A diagnostic line on stderr, when `level` is enabled. */
  log(level: LogLevel, message: string): void;
  /** Whether a response with this status is logged: crit none, error ≥ 500, warn ≥ 400, info and debug all. */
  responseEnabled(status: number): boolean;
  /** An access-log line on stdout for a response with this status, filtered as PostgREST filters them. */
  access(status: number, line: () => string): void;
  /** `log-query`: the request's SQL statements on stderr, one line each, at the access log's threshold. */
  query(status: number, statements: () => readonly string[]): void;
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
    responseEnabled(status) {
      return status >= RESPONSE_THRESHOLD[this.level];
    },
    access(status, line) {
      if (this.responseEnabled(status)) sinks.out(line());
    },
    query(status, statements) {
      if (!this.responseEnabled(status)) return;
      const prefix = `${logTimestamp()}: `;
      for (const text of statements()) if (text !== '') sinks.err(prefix + singleLine(text));
    },
  };
}

const RESPONSE_THRESHOLD: Record<LogLevel, number> = { crit: Number.POSITIVE_INFINITY, error: 500, warn: 400, info: 0, debug: 0 };

/** SQL text on one line: its lines joined with single spaces, as PostgREST prints logged queries. */
export function singleLine(text: string): string {
  return text.split(/\r?\n/).join(' ');
}

/**
 * An error as PostgREST writes it into log lines: compact JSON with the keys in aeson's order
 * (`{"code":…,"details":…,"hint":…,"message":…}`).
 */
export function jsonMessage(e: { readonly code: string; readonly message: string; readonly details?: unknown; readonly hint?: string | null }): string {
  return JSON.stringify({ code: e.code, details: e.details ?? null, hint: e.hint ?? null, message: e.message });
}
