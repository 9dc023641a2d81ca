// Group "injection": SQL-breaking payloads through every place a request names something (columns, aliases, casts,
// JSON paths, operators, order, logic, on_conflict, columns, body keys, functions, profiles, Prefer, headers, the
// JWT role claim). Checks: the canary stays untouched, no hidden row or secret comes back, nothing sleeps, and —
// when the PostgreSQL log is captured — every injected marker sits in a bind parameter or a quoted identifier.
import type { Db } from '../lib/db.js';
import { CANARY_INTACT, canaryState, restoreCanary } from '../lib/db.js';
import { signJwt } from '../lib/jwt.js';
import type { LogCollector } from '../lib/pg-log.js';
import { statementsOf } from '../lib/pg-log.js';
import { type RawRequest, rawRequest } from '../lib/raw-http.js';
import { clip, type GroupReport } from '../lib/report.js';
import type { Target } from '../lib/server.js';
import { firstKeyword, hasSeveralStatements, markerOccurrences } from '../lib/sql-lex.js';
import { encodeQueryValue } from '../corpus/types.js';
import { describeOutcome, describeRequest, isErrorBody, SECRET_MARKERS } from './hostile.js';
import { jsonBody } from '../lib/raw-http.js';

const CANARY = 'reliability_private.canary';

/** SQL that would escape its statement if spliced; `m` is the unique marker of one attempt. */
export const PAYLOADS: ReadonlyArray<(m: string) => string> = [
  (m) => `x"; UPDATE ${CANARY} SET v = '${m}'; --`,
  (m) => `x'; UPDATE ${CANARY} SET v = '${m}'; --`,
  (m) => `x); UPDATE ${CANARY} SET v = '${m}'; --`,
  (m) => `$$; UPDATE ${CANARY} SET v = '${m}'; $$`,
  (m) => `*/ UPDATE ${CANARY} SET v = '${m}'; /*`,
  (m) => `x\\"; UPDATE ${CANARY} SET v = '${m}'; --`,
  (m) => `" OR 1=1; DELETE FROM ${CANARY}; --${m}`,
  (m) => `x") UNION SELECT secret, '${m}' FROM reliability.vault --`,
  (m) => `id"::text||(SELECT secret FROM reliability.vault)||"${m}`,
  (m) => `1 OR pg_sleep(3) IS NULL --${m}`,
  (m) => `'||pg_sleep(3)||'${m}`,
  (m) => `"||pg_sleep(3)||"${m}`,
  (m) => `${m}\u0000"; DROP TABLE ${CANARY}; --`,
  (m) => `${m}\uff02; TRUNCATE ${CANARY}; --`,
  (m) => `E'\\x27; UPDATE ${CANARY} SET v = '${m}'; --`,
  (m) => `U&"\\0022; TRUNCATE ${CANARY}; --${m}`,
  (m) => `${m}); RESET ROLE; SET ROLE postgres; TRUNCATE ${CANARY}; --`,
  (m) => `${m}\n; DELETE FROM ${CANARY} --`,
];

const e = encodeQueryValue;
const JSON_CT: ReadonlyArray<readonly [string, string]> = [['Content-Type', 'application/json']];
const anon = 'postgrest_test_anonymous';
/** Header values cannot carry NUL, CR or LF. */
const headerSafe = (p: string) => p.replace(/[\u0000\r\n]/g, ' ');

/** Where a payload goes: a request built around it. */
export const VECTORS: ReadonlyArray<readonly [name: string, build: (p: string) => RawRequest]> = [
  ['select column', (p) => ({ method: 'GET', target: `/items?select=${e(p)}` })],
  ['select quoted column', (p) => ({ method: 'GET', target: `/items?select=${e(`"${p.replace(/"/g, '\\"')}"`)}` })],
  ['select alias', (p) => ({ method: 'GET', target: `/items?select=${e(p)}:id` })],
  ['select quoted alias', (p) => ({ method: 'GET', target: `/items?select=${e(`"${p.replace(/"/g, '\\"')}"`)}:id` })],
  ['select cast', (p) => ({ method: 'GET', target: `/items?select=id::${e(p)}` })],
  ['select json path ->', (p) => ({ method: 'GET', target: `/items?select=meta->${e(p)}` })],
  ['select json path ->>', (p) => ({ method: 'GET', target: `/items?select=meta->nested->>${e(p)}` })],
  ['select quoted json key', (p) => ({ method: 'GET', target: `/items?select=meta->${e(`"${p.replace(/"/g, '\\"')}"`)}` })],
  ['select aggregate', (p) => ({ method: 'GET', target: `/items?select=id.${e(p)}()` })],
  ['aggregate cast', (p) => ({ method: 'GET', target: `/items?select=price.sum()::${e(p)}` })],
  ['plan for', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Accept', `application/vnd.pgrst.plan+json; for="${headerSafe(p).replace(/"/g, '\\"')}"`]] })],
  ['plan options', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Accept', `application/vnd.pgrst.plan+json; options=${headerSafe(p).replace(/[;,]/g, '|')}`]] })],
  ['select embed', (p) => ({ method: 'GET', target: `/items?select=id,${e(p)}(*)` })],
  ['select embed hint', (p) => ({ method: 'GET', target: `/items?select=id,item_notes!${e(p)}(id)` })],
  ['select spread', (p) => ({ method: 'GET', target: `/item_notes?select=id,...${e(p)}(name)` })],
  ['filter column', (p) => ({ method: 'GET', target: `/items?${e(p)}=eq.1` })],
  ['filter json path', (p) => ({ method: 'GET', target: `/items?meta->>${e(p)}=eq.1` })],
  ['filter value eq', (p) => ({ method: 'GET', target: `/items?name=eq.${e(p)}` })],
  ['filter value like', (p) => ({ method: 'GET', target: `/items?name=like.${e(p)}` })],
  ['filter value in', (p) => ({ method: 'GET', target: `/items?name=in.(${e(`"${p.replace(/"/g, '\\"')}"`)})` })],
  ['filter value array', (p) => ({ method: 'GET', target: `/items?tags=cs.${e(`{"${p.replace(/"/g, '\\"')}"}`)}` })],
  ['filter value is', (p) => ({ method: 'GET', target: `/items?active=is.${e(p)}` })],
  ['filter operator', (p) => ({ method: 'GET', target: `/items?id=${e(p)}.1` })],
  ['filter quantifier', (p) => ({ method: 'GET', target: `/items?name=like(${e(p)}).{a}` })],
  ['fts config', (p) => ({ method: 'GET', target: `/items?name=fts(${e(p)}).item` })],
  ['fts value', (p) => ({ method: 'GET', target: `/items?name=fts.${e(p)}` })],
  ['order column', (p) => ({ method: 'GET', target: `/items?order=${e(p)}` })],
  ['order direction', (p) => ({ method: 'GET', target: `/items?order=id.${e(p)}` })],
  ['order json path', (p) => ({ method: 'GET', target: `/items?order=meta->>${e(p)}` })],
  ['embedded order', (p) => ({ method: 'GET', target: `/items?select=id,item_notes(id)&item_notes.order=${e(p)}` })],
  ['embedded filter', (p) => ({ method: 'GET', target: `/items?select=id,item_notes(id)&item_notes.${e(p)}=eq.1` })],
  ['logic column', (p) => ({ method: 'GET', target: `/items?or=(${e(p)}.eq.1,id.eq.2)` })],
  ['logic value', (p) => ({ method: 'GET', target: `/items?or=(name.eq.${e(`"${p.replace(/"/g, '\\"')}"`)},id.eq.2)` })],
  ['limit', (p) => ({ method: 'GET', target: `/items?limit=${e(p)}` })],
  ['table name', (p) => ({ method: 'GET', target: `/${e(p)}` })],
  ['function name GET', (p) => ({ method: 'GET', target: `/rpc/${e(p)}` })],
  ['function name POST', (p) => ({ method: 'POST', target: `/rpc/${e(p)}`, headers: JSON_CT, body: '{}' })],
  ['function argument name', (p) => ({ method: 'GET', target: `/rpc/echo?${e(p)}=1` })],
  ['function argument value', (p) => ({ method: 'GET', target: `/rpc/echo?t=${e(p)}` })],
  ['function body key', (p) => ({ method: 'POST', target: '/rpc/echo', headers: JSON_CT, body: JSON.stringify({ [p]: 'x' }) })],
  ['on_conflict', (p) => ({ method: 'POST', target: `/scratch?on_conflict=${e(p)}`, headers: [...JSON_CT, ['Prefer', 'resolution=merge-duplicates']], body: '{"name":"x"}' })],
  ['columns', (p) => ({ method: 'POST', target: `/scratch?columns=name,${e(p)}`, headers: JSON_CT, body: '[{"name":"x"}]' })],
  ['body key insert', (p) => ({ method: 'POST', target: '/scratch', headers: JSON_CT, body: JSON.stringify({ [p]: 1 }) })],
  ['body key update', (p) => ({ method: 'PATCH', target: '/scratch?id=eq.-1', headers: JSON_CT, body: JSON.stringify({ [p]: 1 }) })],
  ['body value', (p) => ({ method: 'POST', target: '/scratch', headers: [...JSON_CT, ['Prefer', 'return=minimal']], body: JSON.stringify({ name: p }) })],
  ['returning select', (p) => ({ method: 'POST', target: `/scratch?select=${e(p)}`, headers: [...JSON_CT, ['Prefer', 'return=representation']], body: '{"name":"x"}' })],
  ['Accept-Profile', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Accept-Profile', headerSafe(p)]] })],
  ['Content-Profile', (p) => ({ method: 'POST', target: '/scratch', headers: [...JSON_CT, ['Content-Profile', headerSafe(p)]], body: '{"name":"x"}' })],
  ['JWT role claim', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Authorization', `Bearer ${signJwt({ role: p })}`]] })],
  ['JWT role claim suffix', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Authorization', `Bearer ${signJwt({ role: `${anon}${p}` })}`]] })],
  ['JWT other claim', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Authorization', `Bearer ${signJwt({ role: anon, sub: p, [p]: p })}`]] })],
  ['Prefer timezone', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Prefer', `timezone=${headerSafe(p)}`]] })],
  ['Prefer other', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Prefer', `count=${headerSafe(p)}, missing=${headerSafe(p)}`]] })],
  ['custom header', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['X-Evil', headerSafe(p)]] })],
  ['cookie', (p) => ({ method: 'GET', target: '/items?limit=1', headers: [['Cookie', `${headerSafe(p).replace(/[;=]/g, '_')}=${headerSafe(p).replace(/;/g, '_')}`]] })],
  ['Range', (p) => ({ method: 'GET', target: '/items', headers: [['Range', headerSafe(p)]] })],
];

/** Options of an injection pass. */
export interface InjectionOptions {
  /** The captured PostgreSQL log; without it the statement checks are skipped (smoke run on a shared database). */
  readonly log?: LogCollector;
  readonly authenticator: string;
  readonly database: string;
  /** Use only these payload indexes (default: all). */
  readonly payloads?: readonly number[];
  /** A request longer than this is taken for a time-based injection (payloads sleep 3 s). */
  readonly slowMs?: number;
}

/** Keywords a request's transaction may start a statement with. */
const ALLOWED_FIRST = new Set(['BEGIN', 'COMMIT', 'ROLLBACK', 'SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'SET', 'RESET', 'EXPLAIN', 'LISTEN', 'UNLISTEN', 'DISCARD', 'START', 'END', 'SHOW', 'DEALLOCATE', 'VALUES', 'MERGE']);

/** Runs every vector with every payload (or the chosen ones). */
export async function runInjection(report: GroupReport, target: Target, db: Db, opts: InjectionOptions): Promise<void> {
  const slowMs = opts.slowMs ?? 2500;
  const payloads = (opts.payloads ?? PAYLOADS.map((_, i) => i)).map((i) => [i, PAYLOADS[i]] as const);
  const logStart = opts.log?.start();
  const attempts: Attempt[] = [];
  let n = 0;
  for (const [vectorName, build] of VECTORS) {
    for (const [pi, payload] of payloads) {
      if (!payload) continue;
      const marker = `zq${(n++).toString(36)}x`;
      const text = payload(marker);
      const request = build(text);
      const label = `${vectorName} × payload ${pi}`;
      attempts.push({ marker, label, request, payload: text });
      const o = await rawRequest(target.port, { ...request, timeoutMs: 15_000 });
      const body = o.kind === 'response' ? o.body.toString('utf8') : '';
      const leaked = SECRET_MARKERS.filter((s) => body.includes(s));
      const problems: string[] = [];
      if (o.kind !== 'response') problems.push('no response');
      else {
        if (o.ms > slowMs) problems.push(`took ${Math.round(o.ms)} ms (time-based injection?)`);
        if (o.status >= 500) problems.push(`status ${o.status}`);
        if (o.status >= 400 && !isErrorBody(jsonBody(o))) problems.push('error body is not {code,message,details,hint}');
      }
      if (leaked.length) problems.push(`returned hidden data: ${leaked.join(', ')}`);
      const canary = await canaryState(db);
      if (canary !== CANARY_INTACT) {
        problems.push(`canary changed: ${canary}`);
        await restoreCanary(db);
      }
      const key = problems.length === 0 ? '' : problems.map((p) => p.replace(/\d+ ms/, 'N ms').replace(/: .*/, '')).join('; ');
      report.check(`${label}`, problems.length === 0, () => `request: ${describeRequest(request)}\nresponse: ${describeOutcome(o)}\nproblems: ${problems.join('; ')}`, `${key} [${vectorName}]`);
    }
  }
  report.check('server process survives the injection attempts', target.alive(), 'the server exited');

  if (opts.log && logStart !== undefined) {
    await new Promise((r) => setTimeout(r, 500)); // let PostgreSQL flush its log
    const statements = statementsOf(opts.log.since(logStart)).filter((s) => s.user === opts.authenticator && s.database === opts.database);
    opts.log.stop();
    report.note(`${statements.length} statements of ${opts.authenticator} logged during ${attempts.length} attempts`);
    report.check('the PostgreSQL log shows statements of the API connections', statements.length > 0, 'no statements captured: is log_statement=all set?');
    checkStatements(report, statements, attempts);
  }
}

/** Row-level security and privileges hold whatever the request says: only the rows a role may see come back. */
export async function runVisibility(report: GroupReport, target: Target): Promise<void> {
  const user = `Bearer ${signJwt({ role: 'postgrest_test_user' })}`;
  const cases: ReadonlyArray<readonly [string, RawRequest, (status: number, body: unknown) => boolean]> = [
    ['anonymous sees only public notes', { method: 'GET', target: '/private_notes?select=id&order=id' }, (s, b) => s === 200 && JSON.stringify(b) === '[{"id":1}]'],
    ['the user role sees public and own notes', { method: 'GET', target: '/private_notes?select=id&order=id', headers: [['Authorization', user]] }, (s, b) => s === 200 && JSON.stringify(b) === '[{"id":1},{"id":2}]'],
    ['a filter naming a hidden row finds nothing', { method: 'GET', target: '/private_notes?or=(owner.eq.nobody,id.eq.3)' }, (s, b) => s === 200 && JSON.stringify(b) === '[]'],
    ['a count does not reveal hidden rows', { method: 'HEAD', target: '/private_notes', headers: [['Prefer', 'count=exact']] }, (s) => s === 200 || s === 206],
    ['a table without grants is refused', { method: 'GET', target: '/vault' }, (s) => s === 401 || s === 403 || s === 404],
    ['embedding a table without grants is refused', { method: 'GET', target: '/items?select=id,vault(*)' }, (s) => s >= 400 && s < 500],
    ['the authenticator itself as role sees nothing', { method: 'GET', target: '/private_notes', headers: [['Authorization', `Bearer ${signJwt({ role: 'postgrest_test_rel_authenticator' })}`]] }, (s) => s === 401 || s === 403],
    ['a role the authenticator cannot become is refused', { method: 'GET', target: '/private_notes', headers: [['Authorization', `Bearer ${signJwt({ role: 'postgres' })}`]] }, (s) => s === 401 || s === 403],
    ['the canary schema is not exposed', { method: 'GET', target: '/canary', headers: [['Accept-Profile', 'reliability_private']] }, (s) => s === 406],
  ];
  for (const [name, request, ok] of cases) {
    const o = await rawRequest(target.port, request);
    const body = o.kind === 'response' ? jsonBody(o) : undefined;
    const text = o.kind === 'response' ? o.body.toString('utf8') : '';
    const good = o.kind === 'response' && ok(o.status, body) && !SECRET_MARKERS.some((m) => text.includes(m));
    report.check(name, good, () => `request: ${describeRequest(request)}\nresponse: ${describeOutcome(o)}`, `visibility: ${name}`);
  }
  const count = await rawRequest(target.port, { method: 'GET', target: '/private_notes?select=id', headers: [['Prefer', 'count=exact']] });
  const range = count.kind === 'response' ? (count.headers['content-range'] ?? '') : '';
  report.check('an exact count covers only visible rows', range.endsWith('/1'), () => `content-range: ${range}`, 'visibility: exact count');
}

/** One injection attempt: its marker, where it went and the full payload. */
interface Attempt {
  readonly marker: string;
  readonly label: string;
  readonly request: RawRequest;
  readonly payload: string;
}

/** Whether the statement text around a marker continues with the payload's own neighbouring characters. */
function continuesPayload(sql: string, at: number, marker: string, payload: string): boolean {
  const p = payload.indexOf(marker);
  if (p < 0) return true;
  const after = payload.slice(p + marker.length, p + marker.length + 3);
  const before = payload.slice(Math.max(0, p - 3), p);
  return (after.length === 3 && sql.slice(at + marker.length, at + marker.length + 3) === after) || (before.length === 3 && sql.slice(at - 3, at) === before);
}

function checkStatements(report: GroupReport, statements: ReturnType<typeof statementsOf>, attempts: readonly Attempt[]): void {
  const byMarker = new Map(attempts.map((a) => [a.marker, a]));
  const markerRe = /zq[0-9a-z]+x/g;
  let badKeyword = 0;
  let several = 0;
  let misplaced = 0;
  const bare = new Set<string>();
  const seen = new Map<string, number>();
  for (const s of statements) {
    const kw = firstKeyword(s.sql);
    if (!ALLOWED_FIRST.has(kw) && badKeyword++ < 20) {
      report.check(`only expected statements run (${kw || 'no keyword'})`, false, `statement (${s.source}): ${clip(s.sql, 600)}`, 'unexpected statement kind');
    }
    if (hasSeveralStatements(s.sql) && several++ < 20) {
      report.check('each logged statement is a single statement', false, `statement (${s.source}): ${clip(s.sql, 600)}`, 'several statements in one');
    }
    const markers = new Set(s.sql.match(markerRe) ?? []);
    for (const m of markers) {
      const a = byMarker.get(m);
      const bad: string[] = [];
      for (const { at, ctx } of markerOccurrences(s.sql, m)) {
        seen.set(ctx, (seen.get(ctx) ?? 0) + 1);
        if (ctx === 'ident') continue;
        if (ctx === 'code' && a && !continuesPayload(s.sql, at, m, a.payload)) {
          // A bare word the grammar let through unquoted (casts, as PostgREST splices them): the rest of the
          // payload did not follow it into the statement.
          bare.add(a.label.split(' × ')[0] ?? m);
          continue;
        }
        bad.push(ctx);
      }
      if (bad.length > 0 && misplaced++ < 40) {
        report.check(
          `injected text stays in bind parameters or quoted identifiers (${a?.label ?? m})`,
          false,
          () => `request: ${a ? describeRequest(a.request) : m}\nmarker ${m} found in SQL text as: ${bad.join(', ')}\nstatement (${s.source}): ${clip(s.sql, 800)}`,
          `injected text in SQL text as ${[...new Set(bad)].join('/')}`,
        );
      }
    }
  }
  report.note(`injected markers found in statement text: ${[...seen].map(([c, k]) => `${k} in ${c}`).join(', ') || 'none'} (the rest stayed in bind parameters or never reached SQL)`);
  if (bare.size > 0) report.note(`injected text reached SQL only as a bare identifier word (grammar-restricted, unquoted as in PostgREST) via: ${[...bare].join(', ')}`);
  report.check('no unexpected statement kinds were run', badKeyword === 0, `${badKeyword} statements`);
  report.check('no logged statement holds several statements', several === 0, `${several} statements`);
  report.check('no injected text outside bind parameters and quoted identifiers', misplaced === 0, `${misplaced} occurrences`);
}
