// stub
import type { Db } from '../lib/db.js';
import type { GroupReport } from '../lib/report.js';
export async function runFaults(_r: GroupReport, _e: Record<string, string>, _db: Db, _o: { restart(ms: number): Promise<void>; authenticator: string }): Promise<void> {}
