// The extended-protocol messages of one batch (Parse, Bind, Describe, Execute per statement, then Sync) written into
// ONE buffer of the exact size: one allocation per request, where growing a buffer per message and joining them cost
// a few copies of every value and left freed buffers behind after large bodies (bulk inserts).
// Message layouts: PostgreSQL's "Message Formats" (frontend messages of the extended query protocol).

/** A statement's part of the batch: Parse it first when `text` is set; Describe its portal when `describe`. */
export interface FrontendStatement {
  readonly name: string;
  readonly text: string | undefined;
  /** Each parameter as text, as bytes (sent in binary format, as node-postgres does for Buffers) or null. */
  readonly values: readonly (string | Buffer | null)[];
  readonly describe: boolean;
}

const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const EXECUTE = 0x45; // 'E'
const SYNC = 0x53; // 'S'
const PORTAL = 0x50; // 'P': Describe a portal

// Describe of the unnamed portal: type, length, 'P', empty name. Execute of it, all rows: type, length, name, 0.
const DESCRIBE_SIZE = 1 + 4 + 1 + 1;
const EXECUTE_SIZE = 1 + 4 + 1 + 4;
const SYNC_SIZE = 1 + 4;

const valueSize = (v: string | Buffer | null): number => (v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);

/** The batch's messages, ending in Sync, in a buffer from `alloc` (of exactly the size asked). */
export function frontendMessages(statements: readonly FrontendStatement[], alloc: (size: number) => Buffer = Buffer.allocUnsafe): Buffer {
  let size = SYNC_SIZE;
  const nameSizes: number[] = [];
  const textSizes: number[] = [];
  for (const st of statements) {
    const nameSize = Buffer.byteLength(st.name);
    const textSize = st.text === undefined ? 0 : Buffer.byteLength(st.text);
    nameSizes.push(nameSize);
    textSizes.push(textSize);
    if (st.text !== undefined) size += 1 + 4 + nameSize + 1 + textSize + 1 + 2;
    // portal name (empty), statement name, format codes, values, one result format code
    size += 1 + 4 + 1 + nameSize + 1 + 2 + 2 * st.values.length + 2 + 2 + 2;
    for (const v of st.values) size += 4 + valueSize(v);
    if (st.describe) size += DESCRIBE_SIZE;
    size += EXECUTE_SIZE;
  }
  const buf = alloc(size);
  let at = 0;
  const cstring = (text: string, bytes: number) => {
    if (bytes > 0) buf.write(text, at, bytes, 'utf8');
    at += bytes;
    buf[at++] = 0;
  };
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i]!;
    const nameSize = nameSizes[i]!;
    if (st.text !== undefined) {
      const textSize = textSizes[i]!;
      buf[at] = PARSE;
      buf.writeInt32BE(4 + nameSize + 1 + textSize + 1 + 2, at + 1);
      at += 5;
      cstring(st.name, nameSize);
      cstring(st.text, textSize);
      buf.writeInt16BE(0, at); // no parameter types: PostgreSQL infers them
      at += 2;
    }
    const start = at;
    buf[at] = BIND;
    at += 5;
    buf[at++] = 0; // the unnamed portal
    cstring(st.name, nameSize);
    const n = st.values.length;
    buf.writeInt16BE(n, at);
    at += 2;
    for (const v of st.values) {
      buf.writeInt16BE(v !== null && typeof v !== 'string' ? 1 : 0, at);
      at += 2;
    }
    buf.writeInt16BE(n, at);
    at += 2;
    for (const v of st.values) {
      if (v === null) {
        buf.writeInt32BE(-1, at);
        at += 4;
      } else if (typeof v === 'string') {
        const written = buf.write(v, at + 4, 'utf8');
        buf.writeInt32BE(written, at);
        at += 4 + written;
      } else {
        buf.writeInt32BE(v.length, at);
        v.copy(buf, at + 4);
        at += 4 + v.length;
      }
    }
    buf.writeInt16BE(1, at); // one result format code for all columns: text
    buf.writeInt16BE(0, at + 2);
    at += 4;
    buf.writeInt32BE(at - start - 1, start + 1);
    if (st.describe) {
      buf[at] = DESCRIBE;
      buf.writeInt32BE(DESCRIBE_SIZE - 1, at + 1);
      buf[at + 5] = PORTAL;
      buf[at + 6] = 0;
      at += DESCRIBE_SIZE;
    }
    buf[at] = EXECUTE;
    buf.writeInt32BE(EXECUTE_SIZE - 1, at + 1);
    buf[at + 5] = 0;
    buf.writeInt32BE(0, at + 6); // no row limit
    at += EXECUTE_SIZE;
  }
  buf[at] = SYNC;
  buf.writeInt32BE(SYNC_SIZE - 1, at + 1);
  return buf;
}
