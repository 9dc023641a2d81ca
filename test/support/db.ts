// Direct database access for tests: a superuser client on the test database, to set up state and check results.
import pg from 'pg';

/** Runs `fn` with a connected superuser client of the test database. */
export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const uri = process.env.PGRST_TEST_ADMIN_URI;
  if (!uri) throw new Error('PGRST_TEST_ADMIN_URI is not set: run the tests through `npm test` (test/run.ts)');
  const c = new pg.Client({ connectionString: uri });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs one statement as superuser. */
export function adminQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return withAdmin((c) => c.query(text, values));
}

/** The test database URI for another login role. */
export function uriAs(user: string, password: string): string {
  const u = new URL(process.env.PGRST_TEST_ADMIN_URI ?? '');
  u.username = user;
  u.password = password;
  return u.toString();
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => Promise<boolean>, ms = 5000, step = 50): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, step));
  }
  throw new Error(`condition not met within ${ms} ms`);
}
