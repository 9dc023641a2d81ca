// stub
import type { Db } from '../lib/db.js';
import type { LogCollector } from '../lib/pg-log.js';
import type { GroupReport } from '../lib/report.js';
import type { Target } from '../lib/server.js';
export async function runInjection(_r: GroupReport, _t: Target, _db: Db, _o: { log?: LogCollector; authenticator: string; database: string }): Promise<void> {}
