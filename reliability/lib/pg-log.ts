// Collects the server log of the suite's own PostgreSQL (started with log_statement=all and LOG_LINE_PREFIX) and
// turns it into entries: which session ran which statement text, kept apart from the bind parameters (DETAIL lines).

/** The prefix the suite's PostgreSQL writes before every log line: time, pid, user@database. */
export const LOG_LINE_PREFIX = '%m [%p] <%u@%d> ';

const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [^ ]+) \[(\d+)\] <([^@>]*)@([^>]*)> ([A-Z]+): {2}(.*)$/;

/** One log message (continuation lines joined with "\n"). */
export interface LogEntry {
  readonly pid: number;
  readonly user: string;
  readonly database: string;
  /** LOG, ERROR, DETAIL, STATEMENT, … */
  readonly level: string;
  text: string;
}

/** A statement as logged by log_statement=all (`statement:` / `execute <name>:`) or after an error (`STATEMENT:`). */
export interface LoggedStatement {
  readonly pid: number;
  readonly user: string;
  readonly database: string;
  readonly source: 'statement' | 'execute' | 'error-statement';
  readonly sql: string;
}

/** Receives raw log output chunks and keeps entries while recording. */
export class LogCollector {
  readonly #entries: LogEntry[] = [];
  #partial = '';
  #recording = false;
  #last: LogEntry | undefined;

  /** Feed for `startEmbeddedPostgres({ onLog })`. */
  readonly onLog = (chunk: string): void => {
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  };

  #line(line: string): void {
    const m = LINE.exec(line);
    if (m) {
      this.#last = undefined;
      if (!this.#recording) return;
      const entry: LogEntry = { pid: Number(m[2]), user: m[3] ?? '', database: m[4] ?? '', level: m[5] ?? '', text: m[6] ?? '' };
      this.#entries.push(entry);
      this.#last = entry;
    } else if (this.#last) {
      this.#last.text += `\n${line}`;
    }
  }

  /** Starts keeping entries (a position to read from with `since`). */
  start(): number {
    this.#recording = true;
    return this.#entries.length;
  }

  /** Stops keeping entries. */
  stop(): void {
    this.#recording = false;
  }

  /** A position in the kept entries. */
  mark(): number {
    return this.#entries.length;
  }

  /** Entries kept since `position`. */
  since(position: number): readonly LogEntry[] {
    return this.#entries.slice(position);
  }

  /** Drops everything kept so far. */
  clear(): void {
    this.#entries.length = 0;
  }
}

const STATEMENT = /^(statement|execute [^:]*): ([\s\S]*)$/;

/** The statements among `entries` (log_statement lines and the STATEMENT lines PostgreSQL adds to errors). */
export function statementsOf(entries: readonly LogEntry[]): LoggedStatement[] {
  const out: LoggedStatement[] = [];
  for (const e of entries) {
    if (e.level === 'LOG') {
      const m = STATEMENT.exec(e.text);
      if (m) out.push({ pid: e.pid, user: e.user, database: e.database, source: m[1] === 'statement' ? 'statement' : 'execute', sql: m[2] ?? '' });
    } else if (e.level === 'STATEMENT') {
      out.push({ pid: e.pid, user: e.user, database: e.database, source: 'error-statement', sql: e.text });
    }
  }
  return out;
}
