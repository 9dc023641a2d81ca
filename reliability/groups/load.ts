// stub
import type { Db } from '../lib/db.js';
import type { GroupReport } from '../lib/report.js';
export async function runLoad(_r: GroupReport, _e: Record<string, string>, _db: Db, _o: { seconds: number; rate: number; seed: number }): Promise<void> {}
