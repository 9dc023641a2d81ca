// The request mixes of the fault and load groups: reads of the fixture's items (plain, filtered, embedded) and writes
// whose acknowledgement is tracked (ledger inserts with a unique id, counter updates).
import type { MixEntry } from './load.js';

const item = (rngInt: (n: number) => number) => 1 + rngInt(50);

/** Reads a single item by key. */
export const itemRead = (weight: number): MixEntry => ({
  weight,
  make: (rng) => ({ kind: 'read-pk', method: 'GET', path: `/items?id=eq.${item(rng.int)}&select=id,name,price` }),
});

/** Inserts one ledger row whose `req_id` is `<run>-<seq>`; a 201 means it must be there exactly once. */
export const ledgerWrite = (weight: number, run: string): MixEntry => ({
  weight,
  make: (_rng, seq) => {
    const reqId = `${run}-${seq}`;
    return {
      kind: 'write-ledger',
      method: 'POST',
      path: '/ledger',
      headers: { 'Content-Type': 'application/json', Prefer: 'return=minimal' },
      body: JSON.stringify({ req_id: reqId, payload: { seq, run } }),
      reqId,
    };
  },
});

/** The steady load under faults: mostly reads, some tracked writes. */
export function faultMix(run: string): MixEntry[] {
  return [itemRead(7), ledgerWrite(3, run)];
}

/** The mixed load of the load group. */
export function loadMix(run: string): MixEntry[] {
  return [
    itemRead(45),
    {
      weight: 15,
      make: (rng) => {
        const a = item(rng.int);
        return { kind: 'read-embed', method: 'GET', path: `/items?select=id,name,item_notes(id,note)&id=in.(${a},${(a % 50) + 1},${((a + 7) % 50) + 1})` };
      },
    },
    {
      weight: 10,
      make: (rng) => ({ kind: 'read-filter', method: 'GET', path: `/items?select=id,price,tags&price=gt.${rng.int(60)}&order=price.desc&limit=10` }),
    },
    ledgerWrite(20, run),
    {
      weight: 10,
      make: (rng, seq) => ({
        kind: 'write-counter',
        method: 'PATCH',
        path: `/counters?id=eq.${1 + rng.int(20)}`,
        headers: { 'Content-Type': 'application/json', Prefer: 'return=minimal' },
        body: JSON.stringify({ n: seq }),
      }),
    },
  ];
}
