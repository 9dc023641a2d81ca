// One request's statements sent as ONE extended-protocol batch with a single Sync: PostgreSQL runs them as one implicit
// transaction (committed at the Sync, rolled back on the first error), so no BEGIN/COMMIT round of its own is needed.
// A pg Query subclass, so node-postgres's pipeline mode accepts it; results are kept as the text PostgreSQL sent.
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import { BufferPool } from '../text/buffer-pool.js';
import { type FrontendStatement, frontendMessages } from './frontend.js';

/** One statement of a batch; `name` set means a named prepared statement. */
export interface BatchStatement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly name: string | undefined;
  /** False when nothing reads the rows: no Describe, so PostgreSQL sends no row description. */
  readonly describe?: boolean;
}

/** A column of a result: its name and type oid. */
export interface BatchField {
  readonly name: string;
  readonly dataTypeID: number;
}

/** What each statement returned, in order. */
export interface BatchResult {
  readonly rows: Record<string, string | null>[];
  readonly fields: readonly BatchField[];
  /** The rows the command reports in its tag (`INSERT 0 5`, `UPDATE 2`, `SELECT 1`); 0 when it reports none. */
  readonly rowCount: number;
}

interface Connection {
  parsedStatements: Record<string, string>;
  /** Ours: the row description of each named statement prepared on this connection, once seen. */
  pgrstFields?: Map<string, readonly BatchField[]>;
  submittedNamedStatements: Record<string, string>;
  readonly stream: { readonly writable: boolean; write(chunk: Buffer, done?: () => void): boolean };
}

/**
 * Batches of 16 kB to 1 MB (a bulk insert's body and more) are written from reused buffers (see text/buffer-pool.ts),
 * each given back once the socket has taken it.
 */
const BATCHES = new BufferPool(16 * 1024, 1024 * 1024, 2 * 1024 * 1024);
const takeBatchBuffer = (size: number) => BATCHES.take(size);

interface RowDescription {
  readonly fields: readonly BatchField[];
}

const prepareValue = pgUtils.prepareValue;
const TEXT = 25;
// node-postgres wants a text for every query; a string (not a config object, which it deep-copies) costs nothing.
const BATCH_TEXT = 'postgrest-ts batch';
const JSON_OID = 114;

/**
 * The batch as a node-postgres query. After an error, the named statements this batch parsed for the first time on the
 * connection are sorted out (prepared statements outlive the aborted transaction): those before the failing statement
 * were parsed and stay known, those after it never reached PostgreSQL, and the failing one's state is unknown — its
 * name is left in `uncertain` for the caller to deallocate.
 */
export class BatchQuery extends (pg.Query as unknown as new (text: string) => object) {
  /** The statements, in order (read-only; tests inspect them). */
  readonly statements: readonly BatchStatement[];
  readonly #done: (err: Error | null, results: BatchResult[]) => void;
  readonly #results: BatchResult[] = [];
  #fields: readonly BatchField[] = [];
  #rows: Record<string, string | null>[] = [];
  #settled = false;
  /** Indexes of the named statements this batch parses for the first time on the connection. */
  readonly #firstParsed: number[] = [];
  /** After an error: the named statement whose parse state is unknown (parsed first here, and the one that failed). */
  uncertain: string | undefined;
  /** Per statement: the row description already known (named statement seen before on this connection). */
  #known: (readonly BatchField[] | undefined)[] = [];
  #described: Map<string, readonly BatchField[]> | undefined;

  constructor(statements: readonly BatchStatement[], done: (err: Error | null, results: BatchResult[]) => void) {
    super(BATCH_TEXT);
    this.statements = statements;
    this.#done = done;
  }

  /** Called by node-postgres to write the batch: every message of it in one buffer, one write. */
  submit(connection: Connection): null {
    connection.pgrstFields ??= new Map();
    const described = connection.pgrstFields;
    this.#described = described;
    const messages: FrontendStatement[] = [];
    for (let i = 0; i < this.statements.length; i++) {
      const st = this.statements[i]!;
      let name = st.name ?? '';
      // Parsed by a batch still in flight on this connection (db-pool-pipeline-depth): should that batch fail before
      // its Parse, the name would be unknown here, so this one parses its own unnamed statement.
      if (name && connection.parsedStatements[name] === undefined && connection.submittedNamedStatements[name] !== undefined) name = '';
      // A named statement's row description never changes: asked for once per connection, then remembered.
      const known = name && connection.parsedStatements[name] !== undefined ? described.get(name) : undefined;
      this.#known.push(known);
      let text: string | undefined;
      if (!name || (connection.parsedStatements[name] === undefined && connection.submittedNamedStatements[name] === undefined)) {
        text = st.text;
        if (name) {
          connection.submittedNamedStatements[name] = st.text;
          this.#firstParsed.push(i);
        }
      }
      const values = st.values.map((v) => prepareValue(v) as string | Buffer | null);
      messages.push({ name, text, values, describe: st.describe !== false && known === undefined });
    }
    if (connection.stream.writable) {
      const bytes = frontendMessages(messages, takeBatchBuffer);
      if (bytes.length < BATCHES.minSize) connection.stream.write(bytes);
      else connection.stream.write(bytes, () => BATCHES.release(bytes));
    }
    this.#fields = this.#known[0] ?? [];
    return null;
  }

  handleRowDescription(msg: RowDescription): void {
    this.#fields = msg.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
    this.#rows = [];
    const name = this.statements[this.#results.length]?.name;
    if (name) this.#described?.set(name, this.#fields);
  }

  handleDataRow(msg: { fields: readonly (string | null)[] }): void {
    const fields = this.#fields;
    const row: Record<string, string | null> = {};
    for (let i = 0; i < fields.length; i++) row[fields[i]!.name] = msg.fields[i] ?? null;
    this.#rows.push(row);
  }

  handleCommandComplete(msg?: { readonly text?: string }): void {
    this.#results.push({ rows: this.#rows, fields: this.#fields, rowCount: tagRowCount(msg?.text) });
    this.#fields = this.#known[this.#results.length] ?? [];
    this.#rows = [];
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleError(err: Error, connection?: Connection): void {
    // PostgreSQL skips everything after the failing statement up to the Sync.
    const failing = this.#results.length;
    for (const i of this.#firstParsed) {
      const { name, text } = this.statements[i]!;
      if (connection) delete connection.submittedNamedStatements[name!];
      if (i < failing) {
        if (connection) connection.parsedStatements[name!] = text;
      } else {
        this.#described?.delete(name!);
        if (i === failing) this.uncertain = name;
      }
    }
    this.#settle(err);
  }

  handleReadyForQuery(connection?: Connection): void {
    if (connection) {
      for (const i of this.#firstParsed) {
        const { name, text } = this.statements[i]!;
        connection.parsedStatements[name!] = text;
        delete connection.submittedNamedStatements[name!];
      }
    }
    this.#settle(null);
  }

  handlePortalSuspended(): void {
    this.#settle(new Error('unexpected portal suspension in a batch'));
  }

  handleCopyInResponse(): void {
    this.#settle(new Error('COPY is not supported in a batch'));
  }

  /**
   * True when the row arriving now belongs to statement `index` and its last column is the response body as text or
   * json (types whose bytes are the body as sent; bytea and jsonb bodies are converted and never stream).
   */
  streamable(index: number): boolean {
    const last = this.#fields[this.#fields.length - 1];
    return this.#results.length === index && this.#rows.length === 0 && last?.name === 'body' && (last.dataTypeID === TEXT || last.dataTypeID === JSON_OID);
  }

  /** The results so far: the finished statements and the one in progress (its rows up to now). */
  partial(): BatchResult[] {
    return [...this.#results, { rows: this.#rows, fields: this.#fields, rowCount: this.#rows.length }];
  }

  #settle(err: Error | null): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done(err, this.#results);
  }
}

/** The row count at the end of a command tag (`INSERT 0 5` → 5); 0 for a tag without one (`SET`) or none at all. */
function tagRowCount(tag: string | undefined): number {
  if (tag === undefined) return 0;
  const space = tag.lastIndexOf(' ');
  const n = space < 0 ? Number.NaN : Number(tag.slice(space + 1));
  return Number.isSafeInteger(n) ? n : 0;
}
