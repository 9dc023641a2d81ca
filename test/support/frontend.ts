// Decoding the extended-protocol messages a client writes (Parse, Bind, Describe, Execute, Sync), field by field, for
// the tests of src/db/frontend.ts and src/db/batch.ts. Every message must end where its length says.
import assert from 'node:assert/strict';

export type Decoded =
  | { type: 'P'; name: string; text: string; types: number }
  | { type: 'B'; portal: string; name: string; formats: number[]; values: (string | null)[]; resultFormats: number[] }
  | { type: 'D'; target: string; name: string }
  | { type: 'E'; portal: string; rows: number }
  | { type: 'S' };

/** The messages in `buf`, in order; Bind values in binary format are shown as `bytes:<hex>`. */
export function decodeFrontend(buf: Buffer): Decoded[] {
  const out: Decoded[] = [];
  let at = 0;
  while (at < buf.length) {
    const type = String.fromCharCode(buf[at]!);
    const end = at + 1 + buf.readInt32BE(at + 1);
    let p = at + 5;
    const cstring = () => {
      const z = buf.indexOf(0, p);
      const s = buf.toString('utf8', p, z);
      p = z + 1;
      return s;
    };
    const int16 = () => {
      p += 2;
      return buf.readInt16BE(p - 2);
    };
    if (type === 'P') {
      out.push({ type, name: cstring(), text: cstring(), types: int16() });
    } else if (type === 'B') {
      const portal = cstring();
      const name = cstring();
      const formats = Array.from({ length: int16() }, int16);
      const values = Array.from({ length: int16() }, (_, i) => {
        const len = buf.readInt32BE(p);
        p += 4;
        if (len < 0) return null;
        const bytes = buf.subarray(p, p + len);
        p += len;
        return formats[i] === 1 ? `bytes:${bytes.toString('hex')}` : bytes.toString('utf8');
      });
      out.push({ type, portal, name, formats, values, resultFormats: Array.from({ length: int16() }, int16) });
    } else if (type === 'D') {
      out.push({ type, target: String.fromCharCode(buf[p++]!), name: cstring() });
    } else if (type === 'E') {
      out.push({ type, portal: cstring(), rows: buf.readInt32BE(p) });
      p += 4;
    } else if (type === 'S') {
      out.push({ type });
    } else {
      assert.fail(`unexpected message type ${type}`);
    }
    assert.equal(p, end, `message ${type} ends where its length says`);
    at = end;
  }
  return out;
}
