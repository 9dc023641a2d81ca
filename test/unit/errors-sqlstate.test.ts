// SQLSTATE → HTTP: one row per class of PostgREST's table, the special cases, PTnnn, the PGRST convention, connection errors.
// Tables only; the errors are plain objects shaped like node-postgres errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import { type PgErrorLike, SqlRaisedError, isConnectionError, pgErrorToApiError, sqlStateStatus } from '../../src/errors/sqlstate.js';

const anon = { authenticated: false };
const authed = { authenticated: true };

// [SQLSTATE, message, authenticated, status]
const statusRows: readonly (readonly [string, string, boolean, number])[] = [
  ['08000', 'connection exception', false, 503],
  ['08006', 'connection failure', false, 503],
  ['08P01', 'protocol violation', false, 503],
  ['09000', 'triggered action exception', false, 500],
  ['0L000', 'invalid grantor', false, 403],
  ['0LP01', 'invalid grant operation', false, 403],
  ['0P000', 'invalid role specification', false, 403],
  ['23503', 'insert or update violates foreign key constraint', false, 409],
  ['23505', 'duplicate key value violates unique constraint', false, 409],
  ['23502', 'null value in column violates not-null constraint', false, 400],
  ['23514', 'new row violates check constraint', false, 400],
  ['25006', 'cannot execute INSERT in a read-only transaction', false, 405],
  ['25001', 'active sql transaction', false, 500],
  ['25P02', 'current transaction is aborted', false, 500],
  ['21000', 'UPDATE requires a WHERE clause', false, 400],
  ['21000', 'DELETE requires a WHERE clause', true, 400],
  ['21000', 'more than one row returned by a subquery used as an expression', false, 500],
  ['22023', 'role "not existing" does not exist', false, 401],
  ['22023', 'invalid value for parameter "TimeZone": "Invalid/Timezone"', false, 400],
  ['28000', 'invalid authorization specification', true, 403],
  ['28P01', 'password authentication failed', false, 403],
  ['2D000', 'invalid transaction termination', false, 500],
  ['38000', 'external routine exception', false, 500],
  ['38003', 'prohibited sql statement attempted', false, 500],
  ['39000', 'external routine invocation exception', false, 500],
  ['39P01', 'trigger protocol violated', false, 500],
  ['3B000', 'savepoint exception', false, 500],
  ['3B001', 'invalid savepoint specification', false, 500],
  ['40001', 'could not serialize access', false, 500],
  ['40P01', 'deadlock detected', false, 500],
  ['53400', 'temporary file size exceeds temp_file_limit (1kB)', true, 500],
  ['53000', 'insufficient resources', false, 503],
  ['53100', 'could not extend file', false, 503],
  ['53200', 'out of memory', false, 503],
  ['53300', 'too many connections', false, 503],
  ['54000', 'program limit exceeded', false, 500],
  ['54001', 'stack depth limit exceeded', false, 500],
  ['55000', 'object not in prerequisite state', false, 500],
  ['55P03', 'lock not available', false, 500],
  ['57P01', 'terminating connection due to administrator command', false, 503],
  ['57014', 'canceling statement due to statement timeout', false, 500],
  ['57P02', 'crash shutdown', false, 500],
  ['57P03', 'the database system is starting up', false, 500],
  ['58000', 'system error', false, 500],
  ['58030', 'io error', false, 500],
  ['F0000', 'config file error', false, 500],
  ['HV000', 'fdw error', false, 500],
  ['P0001', 'I refuse!', false, 400],
  ['P0002', 'query returned no rows', false, 500],
  ['P0003', 'query returned more than one row', false, 500],
  ['P0004', 'assert failure', false, 500],
  ['XX000', 'internal error', false, 500],
  ['XX001', 'data corrupted', false, 500],
  ['42883', 'function xmlagg(integer) does not exist', false, 406],
  ['42883', 'function test.nope() does not exist', false, 404],
  ['42883', 'operator does not exist: integer = text', false, 404],
  ['42P01', 'relation "nope" does not exist', false, 404],
  ['42P17', 'infinite recursion detected in policy', false, 500],
  ['42501', 'permission denied for table authors_only', false, 401],
  ['42501', 'permission denied for table authors_only', true, 403],
  ['42703', 'column "nope" does not exist', false, 400],
  ['42601', 'syntax error', false, 400],
  ['22P02', 'invalid input syntax for type integer', false, 400],
  ['22001', 'value too long', false, 400],
  ['0A000', 'feature not supported', false, 400],
  ['03000', 'sql statement not yet complete', false, 400],
  ['PT402', 'Payment Required', false, 402],
  ['PT401', 'Unauthorized', true, 401],
  ['PT299', 'Custom', false, 299],
  ['PT40A', 'Wrong', false, 500],
  ['PTXYZ', 'Wrong', false, 500],
];

describe('sqlStateStatus', () => {
  for (const [code, message, authenticated, status] of statusRows) {
    it(`${code} ${authenticated ? 'authenticated' : 'anonymous'}: ${message} → ${status}`, () =>
      assert.equal(sqlStateStatus(code, message, authenticated), status));
  }
});

describe('pgErrorToApiError: server errors', () => {
  for (const [code, message, authenticated, status] of statusRows) {
    it(`${code} → ${status} with the SQLSTATE as code`, () => {
      const err = pgErrorToApiError({ code, message, detail: 'd', hint: 'h' }, { authenticated });
      assert.equal(err.status, status);
      assert.deepEqual(err.body(), { code, message, details: 'd', hint: 'h' });
      assert.deepEqual(err.headers, status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
    });
  }

  it('absent detail and hint become null', () => {
    const err = pgErrorToApiError({ code: '23505', message: 'dup' }, anon);
    assert.deepEqual(err.body(), { code: '23505', message: 'dup', details: null, hint: null });
  });

  // Bodies and sizes from PostgREST's spec suite.
  const specBodies: readonly (readonly [string, PgErrorLike, boolean, number, number])[] = [
    ['54001', { code: '54001', message: 'stack depth limit exceeded', hint: 'Increase the configuration parameter "max_stack_depth" (currently 2048kB), after ensuring the platform\'s stack depth limit is adequate.' }, false, 500, 217],
    ['42501 anon', { code: '42501', message: 'permission denied for table authors_only' }, false, 401, 96],
    ['PT402', { code: 'PT402', message: 'Payment Required', detail: 'Quota exceeded', hint: 'Upgrade your plan' }, false, 402, 99],
    ['PT40A', { code: 'PT40A', message: 'Wrong' }, false, 500, 61],
  ];
  for (const [name, input, authenticated, status, length] of specBodies) {
    it(`${name}: status ${status}, ${length}-byte body`, () => {
      const err = pgErrorToApiError(input, { authenticated });
      assert.equal(err.status, status);
      assert.equal(Buffer.byteLength(JSON.stringify(err.body())), length);
    });
  }

  const reasons: readonly (readonly [string, string | undefined])[] = [
    ['PT402', 'Payment Required'],
    ['PT500', 'Payment Required'],
    ['PT40A', undefined],
    ['P0001', undefined],
  ];
  for (const [code, phrase] of reasons) {
    it(`${code} reason phrase ${phrase ?? '(standard)'}`, () => {
      const err = pgErrorToApiError({ code, message: 'Payment Required' }, anon);
      assert.equal(err instanceof SqlRaisedError ? err.reasonPhrase : undefined, phrase);
    });
  }
});

describe("pgErrorToApiError: RAISE SQLSTATE 'PGRST'", () => {
  const parseHint121m = "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
  const parseHint121d = "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  const m121 = `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`;
  // [name, message, detail, status, body, headers, reason phrase]
  const rows: readonly (readonly [string, string, string | undefined, number, object, Record<string, string>, string | undefined])[] = [
    ['full', '{"code":"123","message":"ABC","details":"DEF","hint":"XYZ"}', '{"status":332,"status_text":"My Custom Status","headers":{"X-Header":"str"}}', 332, { code: '123', message: 'ABC', details: 'DEF', hint: 'XYZ' }, { 'X-Header': 'str' }, 'My Custom Status'],
    ['minimal', '{"code":"123","message":"ABC"}', '{"status":332,"headers":{"X-Header":"str"}}', 332, { code: '123', message: 'ABC', details: null, hint: null }, { 'X-Header': 'str' }, undefined],
    ['standard status', '{"code":"123","message":"ABC"}', '{"status":404,"headers":{"X-Header":"str"}}', 404, { code: '123', message: 'ABC', details: null, hint: null }, { 'X-Header': 'str' }, undefined],
    ['custom text', '{"code":"123","message":"ABC"}', '{"status":404,"status_text":"My Not Found","headers":{"X-Header":"str"}}', 404, { code: '123', message: 'ABC', details: null, hint: null }, { 'X-Header': 'str' }, 'My Not Found'],
    ['explicit nulls', '{"code":"PT1","message":"m","details":null,"hint":null}', '{"status":401,"status_text":null,"headers":{}}', 401, { code: 'PT1', message: 'm', details: null, hint: null }, {}, undefined],
    ['headers sorted', '{"code":"c","message":"m"}', '{"status":402,"headers":{"X-b":"2","X-A":"1","A":"0"}}', 402, { code: 'c', message: 'm', details: null, hint: null }, { A: '0', 'X-A': '1', 'X-b': '2' }, undefined],
    ['__proto__ header kept', '{"code":"c","message":"m"}', '{"status":402,"headers":{"__proto__":"x"}}', 402, { code: 'c', message: 'm', details: null, hint: null }, JSON.parse('{"__proto__":"x"}'), undefined],
    ['integral float status', '{"code":"c","message":"m"}', '{"status":409.0,"headers":{}}', 409, { code: 'c', message: 'm', details: null, hint: null }, {}, undefined],
    ['invalid message', 'INVALID', '{"status":332,"headers":{"X-Header":"str"}}', 500, { code: 'PGRST121', message: m121, details: "Invalid JSON value for MESSAGE: 'INVALID'", hint: parseHint121m }, {}, undefined],
    ['message not an object', '["code"]', '{"status":332,"headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for MESSAGE: '["code"]'`, hint: parseHint121m }, {}, undefined],
    ['code missing', '{"message":"m"}', '{"status":332,"headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for MESSAGE: '{"message":"m"}'`, hint: parseHint121m }, {}, undefined],
    ['code not text', '{"code":1,"message":"m"}', '{"status":332,"headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for MESSAGE: '{"code":1,"message":"m"}'`, hint: parseHint121m }, {}, undefined],
    ['details not text', '{"code":"c","message":"m","details":{}}', '{"status":332,"headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for MESSAGE: '{"code":"c","message":"m","details":{}}'`, hint: parseHint121m }, {}, undefined],
    ['invalid detail', '{"code":"123","message":"ABC","details":"DEF"}', 'INVALID', 500, { code: 'PGRST121', message: m121, details: "Invalid JSON value for DETAIL: 'INVALID'", hint: parseHint121d }, {}, undefined],
    ['missing detail', '{"code":"123","message":"ABC","details":"DEF"}', undefined, 500, { code: 'PGRST121', message: m121, details: 'DETAIL is missing in the RAISE statement', hint: parseHint121d }, {}, undefined],
    ['headers missing', '{"code":"c","message":"m"}', '{"status":402}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for DETAIL: '{"status":402}'`, hint: parseHint121d }, {}, undefined],
    ['header not text', '{"code":"c","message":"m"}', '{"status":402,"headers":{"a":1}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for DETAIL: '{"status":402,"headers":{"a":1}}'`, hint: parseHint121d }, {}, undefined],
    ['status not integer', '{"code":"c","message":"m"}', '{"status":"402","headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for DETAIL: '{"status":"402","headers":{}}'`, hint: parseHint121d }, {}, undefined],
    ['status fractional', '{"code":"c","message":"m"}', '{"status":402.5,"headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for DETAIL: '{"status":402.5,"headers":{}}'`, hint: parseHint121d }, {}, undefined],
    ['status_text not text', '{"code":"c","message":"m"}', '{"status":402,"status_text":1,"headers":{}}', 500, { code: 'PGRST121', message: m121, details: `Invalid JSON value for DETAIL: '{"status":402,"status_text":1,"headers":{}}'`, hint: parseHint121d }, {}, undefined],
  ];
  for (const [name, message, detail, status, body, headers, phrase] of rows) {
    it(name, () => {
      const err = pgErrorToApiError({ code: 'PGRST', message, detail, hint: 'ignored' }, anon);
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, status);
      assert.deepEqual(err.body(), body);
      assert.deepEqual(err.headers, headers);
      assert.deepEqual(Object.keys(err.headers), Object.keys(headers));
      assert.equal(err instanceof SqlRaisedError ? err.reasonPhrase : undefined, phrase);
    });
  }

  it('the spec example is a 59-byte body', () => {
    const err = pgErrorToApiError({ code: 'PGRST', message: '{"code":"123","message":"ABC","details":"DEF","hint":"XYZ"}', detail: '{"status":332,"headers":{}}' }, anon);
    assert.equal(Buffer.byteLength(JSON.stringify(err.body())), 59);
  });
});

describe('connection and client errors', () => {
  const socket = (code: string, message: string): PgErrorLike => ({ code, message, errno: -1, syscall: 'connect' });
  // [name, error, phase, code, status, details]
  const rows: readonly (readonly [string, PgErrorLike, 'connect' | 'query' | undefined, string, number, string])[] = [
    ['refused while connecting', socket('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'connect', 'PGRST000', 503, 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['server error while connecting', { code: '28P01', message: 'password authentication failed for user "x"' }, 'connect', 'PGRST000', 503, 'password authentication failed for user "x"'],
    ['terminated mid-query', { message: 'Connection terminated unexpectedly' }, undefined, 'PGRST001', 503, 'Connection terminated unexpectedly'],
    ['reset mid-query', socket('ECONNRESET', 'read ECONNRESET'), 'query', 'PGRST001', 503, 'read ECONNRESET'],
    ['EPIPE is a socket error, not a SQLSTATE', { code: 'EPIPE', message: 'write EPIPE', errno: -32, syscall: 'write' }, 'query', 'PGRST001', 503, 'write EPIPE'],
    ['non-SQLSTATE code', { code: 'ERR_X', message: 'client misuse' }, 'query', 'PGRST001', 503, 'client misuse'],
  ];
  for (const [name, input, phase, code, status, details] of rows) {
    it(name, () => {
      const err = pgErrorToApiError(input, phase === undefined ? anon : { authenticated: false, phase });
      assert.equal(err.status, status);
      assert.equal(err.code, code);
      assert.equal(err.details, details);
    });
  }

  const classify: readonly (readonly [string, PgErrorLike, boolean])[] = [
    ['no code', { message: 'Connection terminated unexpectedly' }, true],
    ['socket error', socket('ECONNREFUSED', 'connect ECONNREFUSED'), true],
    ['08006', { code: '08006', message: 'x' }, true],
    ['08P01', { code: '08P01', message: 'x' }, true],
    ['57P01', { code: '57P01', message: 'x' }, true],
    ['57P02', { code: '57P02', message: 'x' }, true],
    ['57P03', { code: '57P03', message: 'x' }, true],
    ['57014 statement timeout', { code: '57014', message: 'x' }, false],
    ['23505', { code: '23505', message: 'x' }, false],
    ['42501', { code: '42501', message: 'x' }, false],
    ['PGRST', { code: 'PGRST', message: '{}' }, false],
  ];
  for (const [name, input, expected] of classify) {
    it(`isConnectionError ${name} → ${expected}`, () => {
      assert.equal(isConnectionError(input), expected);
      if (expected) assert.ok(pgErrorToApiError(input, authed).status >= 500);
    });
  }
});
