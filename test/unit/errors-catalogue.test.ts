// Every PGRST code of the catalogue: status, body and headers, plus body sizes PostgREST's own suite pins down.
// Tables only; no HTTP server and no database.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError } from '../../src/errors/api-error.js';
import * as C from '../../src/errors/catalogue.js';

interface Expected {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
  readonly hint?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

const cases: readonly (readonly [string, () => ApiError, Expected])[] = [
  ['000', () => C.pgrst000ConnectionError('connect ECONNREFUSED 127.0.0.1:5432'), { status: 503, code: 'PGRST000', message: 'Database connection error.', details: 'connect ECONNREFUSED 127.0.0.1:5432' }],
  ['001', () => C.pgrst001ClientError('Connection terminated unexpectedly'), { status: 503, code: 'PGRST001', message: 'Database client error. Retrying the connection.', details: 'Connection terminated unexpectedly' }],
  ['002', () => C.pgrst002NoSchemaCache(), { status: 503, code: 'PGRST002', message: 'Could not query the database for the schema cache. Retrying.' }],
  ['003', () => C.pgrst003AcquisitionTimeout(), { status: 504, code: 'PGRST003', message: 'Timed out acquiring connection from connection pool.' }],
  ['100', () => C.pgrst100ParseError('"failed to parse select parameter (id,)" (line 1, column 4)', 'unexpected ")"'), { status: 400, code: 'PGRST100', message: '"failed to parse select parameter (id,)" (line 1, column 4)', details: 'unexpected ")"' }],
  ['101', () => C.pgrst101RpcMethod('PATCH'), { status: 405, code: 'PGRST101', message: 'Cannot use the PATCH method on RPC' }],
  ['102', () => C.pgrst102InvalidBody('Empty or invalid json'), { status: 400, code: 'PGRST102', message: 'Empty or invalid json' }],
  ['102 content type', () => C.pgrst102InvalidBody('Content-Type not acceptable: text/plain'), { status: 400, code: 'PGRST102', message: 'Content-Type not acceptable: text/plain' }],
  ['103 limit', () => C.pgrst103NegativeLimit(), { status: 416, code: 'PGRST103', message: 'Requested range not satisfiable', details: 'Limit should be greater than or equal to zero.' }],
  ['103 bounds', () => C.pgrst103LowerGtUpper(), { status: 416, code: 'PGRST103', message: 'Requested range not satisfiable', details: 'The lower boundary must be lower than or equal to the upper boundary in the Range header.' }],
  ['103 offset', () => C.pgrst103OutOfBounds(100, 15), { status: 416, code: 'PGRST103', message: 'Requested range not satisfiable', details: 'An offset of 100 was requested, but there are only 15 rows.' }],
  ['103 raw', () => C.pgrst103RangeNotSatisfiable('x'), { status: 416, code: 'PGRST103', message: 'Requested range not satisfiable', details: 'x' }],
  ['105', () => C.pgrst105InvalidFilters(), { status: 405, code: 'PGRST105', message: "Filters must include all and only primary key columns with 'eq' operators" }],
  ['106', () => C.pgrst106InvalidSchema('unknown', ['v1', 'v2', 'SPECIAL "@/\\#~_-']), { status: 406, code: 'PGRST106', message: 'Invalid schema: unknown', hint: 'Only the following schemas are exposed: v1, v2, SPECIAL "@/\\#~_-' }],
  ['107', () => C.pgrst107NotAcceptable(['text/unknowntype']), { status: 406, code: 'PGRST107', message: 'None of these media types are available: text/unknowntype' }],
  ['107 many', () => C.pgrst107NotAcceptable(['a/b', 'c/d']), { status: 406, code: 'PGRST107', message: 'None of these media types are available: a/b, c/d' }],
  ['108', () => C.pgrst108NotEmbedded('tasks'), { status: 400, code: 'PGRST108', message: "'tasks' is not an embedded resource in this request", hint: "Verify that 'tasks' is included in the 'select' query parameter." }],
  ['108 alias', () => C.pgrst108NotEmbedded('tasks', { name: 'tasks', alias: 'the_tasks' }), { status: 400, code: 'PGRST108', message: "'tasks' is not an embedded resource in this request", details: 'Target names are not allowed in filters if they have an alias', hint: "Change 'tasks' to 'the_tasks' in filters, orders or limits." }],
  ['111', () => C.pgrst111GucHeaders(), { status: 500, code: 'PGRST111', message: 'response.headers guc must be a JSON array composed of objects with a single key and a string value' }],
  ['112', () => C.pgrst112GucStatus(), { status: 500, code: 'PGRST112', message: 'response.status guc must be a valid status code' }],
  ['114', () => C.pgrst114PutLimitNotAllowed(), { status: 400, code: 'PGRST114', message: 'limit/offset querystring parameters are not allowed for PUT' }],
  ['115', () => C.pgrst115PutMatchingPk(), { status: 400, code: 'PGRST115', message: 'Payload values do not match URL in primary key column(s)' }],
  ['116', () => C.pgrst116Singular(0), { status: 406, code: 'PGRST116', message: 'Cannot coerce the result to a single JSON object', details: 'The result contains 0 rows' }],
  ['116 many', () => C.pgrst116Singular(2), { status: 406, code: 'PGRST116', message: 'Cannot coerce the result to a single JSON object', details: 'The result contains 2 rows' }],
  ['117', () => C.pgrst117UnsupportedMethod('TRACE'), { status: 405, code: 'PGRST117', message: 'Unsupported HTTP method: TRACE' }],
  ['118', () => C.pgrst118RelatedOrderNotToOne('clients', 'projects'), { status: 400, code: 'PGRST118', message: "A related order on 'projects' is not possible", details: "'clients' and 'projects' do not form a many-to-one or one-to-one relationship" }],
  ['120', () => C.pgrst120UnacceptableFilter('clients'), { status: 400, code: 'PGRST120', message: "Bad operator on the 'clients' embedded resource", details: 'Only is null or not is null filters are allowed on embedded resources' }],
  ['121 message', () => C.pgrst121RaiseParseError({ kind: 'message', raw: 'INVALID' }), { status: 500, code: 'PGRST121', message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`, details: "Invalid JSON value for MESSAGE: 'INVALID'", hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'." }],
  ['121 detail', () => C.pgrst121RaiseParseError({ kind: 'detail', raw: 'INVALID' }), { status: 500, code: 'PGRST121', message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`, details: "Invalid JSON value for DETAIL: 'INVALID'", hint: "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'." }],
  ['121 no detail', () => C.pgrst121RaiseParseError({ kind: 'no-detail' }), { status: 500, code: 'PGRST121', message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`, details: 'DETAIL is missing in the RAISE statement', hint: "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'." }],
  ['122', () => C.pgrst122InvalidPreferences(['something', 'else']), { status: 400, code: 'PGRST122', message: 'Invalid preferences given with handling=strict', details: 'Invalid preferences: something, else' }],
  ['123', () => C.pgrst123AggregatesNotAllowed(), { status: 400, code: 'PGRST123', message: 'Use of aggregate functions is not allowed' }],
  ['124', () => C.pgrst124MaxAffectedViolation(14), { status: 400, code: 'PGRST124', message: 'Query result exceeds max-affected preference constraint', details: 'The query affects 14 rows' }],
  ['125', () => C.pgrst125InvalidPath(), { status: 404, code: 'PGRST125', message: 'Invalid path specified in request URL' }],
  ['126', () => C.pgrst126OpenApiDisabled(), { status: 404, code: 'PGRST126', message: 'Root endpoint metadata is disabled' }],
  ['127', () => C.pgrst127NotImplemented("Wildcard aggregate 'count()' is not supported"), { status: 400, code: 'PGRST127', message: 'Feature not implemented', details: "Wildcard aggregate 'count()' is not supported" }],
  ['128', () => C.pgrst128MaxAffectedRpcViolation(), { status: 400, code: 'PGRST128', message: 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict' }],
  ['200', () => C.pgrst200NoRelBetween('message', 'person', 'space', 'test'), { status: 400, code: 'PGRST200', message: "Could not find a relationship between 'message' and 'person' in the schema cache", details: "Searched for a foreign key relationship between 'message' and 'person' using the hint 'space' in the schema 'test', but no matches were found." }],
  ['200 parent hint', () => C.pgrst200NoRelBetween('car_models_default', 'x', undefined, 'test', { kind: 'parent', name: 'car_models' }), { status: 400, code: 'PGRST200', message: "Could not find a relationship between 'car_models_default' and 'x' in the schema cache", details: "Searched for a foreign key relationship between 'car_models_default' and 'x' in the schema 'test', but no matches were found.", hint: "Perhaps you meant 'car_models' instead of 'car_models_default'." }],
  ['200 child hint', () => C.pgrst200NoRelBetween('car_models', 'car_model_sales_202101', undefined, 'test', { kind: 'child', name: 'car_model_sales' }), { status: 400, code: 'PGRST200', message: "Could not find a relationship between 'car_models' and 'car_model_sales_202101' in the schema cache", details: "Searched for a foreign key relationship between 'car_models' and 'car_model_sales_202101' in the schema 'test', but no matches were found.", hint: "Perhaps you meant 'car_model_sales' instead of 'car_model_sales_202101'." }],
  ['201', () => C.pgrst201AmbiguousRelBetween('agents', 'departments', [
    { cardinality: 'one-to-many', table: 'agents', foreignTable: 'departments', constraint: 'departments_head_id_fkey', columns: [['id', 'head_id']] },
    { cardinality: 'many-to-one', table: 'agents', foreignTable: 'departments', constraint: 'agents_department_id_fkey', columns: [['department_id', 'id']] },
  ]), { status: 300, code: 'PGRST201', message: "Could not embed because more than one relationship was found for 'agents' and 'departments'", details: [
    { cardinality: 'one-to-many', embedding: 'agents with departments', relationship: 'departments_head_id_fkey using agents(id) and departments(head_id)' },
    { cardinality: 'many-to-one', embedding: 'agents with departments', relationship: 'agents_department_id_fkey using agents(department_id) and departments(id)' },
  ], hint: "Try changing 'departments' to one of the following: 'departments!departments_head_id_fkey', 'departments!agents_department_id_fkey'. Find the desired relationship in the 'details' key." }],
  ['201 m2m', () => C.pgrst201AmbiguousRelBetween('whatev_sites', 'whatev_projects', [
    { cardinality: 'many-to-many', table: 'whatev_sites', foreignTable: 'whatev_projects', junction: { table: 'whatev_jobs', constraint1: 'whatev_jobs_site_id_1_fkey', constraint2: 'whatev_jobs_project_id_1_fkey', sourceColumns: ['site_id_1'], targetColumns: ['project_id_1'] } },
    { cardinality: 'one-to-one', table: 'first', foreignTable: 'second', constraint: 'c', columns: [['a1', 'b1'], ['a2', 'b2']] },
  ]), { status: 300, code: 'PGRST201', message: "Could not embed because more than one relationship was found for 'whatev_sites' and 'whatev_projects'", details: [
    { cardinality: 'many-to-many', embedding: 'whatev_sites with whatev_projects', relationship: 'whatev_jobs using whatev_jobs_site_id_1_fkey(site_id_1) and whatev_jobs_project_id_1_fkey(project_id_1)' },
    { cardinality: 'one-to-one', embedding: 'first with second', relationship: 'c using first(a1, a2) and second(b1, b2)' },
  ], hint: "Try changing 'whatev_projects' to one of the following: 'whatev_projects!whatev_jobs', 'second!c'. Find the desired relationship in the 'details' key." }],
  ['202 get', () => C.pgrst202NoRpc('test', 'sayhello', ['nam'], null), { status: 404, code: 'PGRST202', message: 'Could not find the function test.sayhello(nam) in the schema cache', details: 'Searched for the function test.sayhello with parameter nam, but no matches were found in the schema cache.' }],
  ['202 no params', () => C.pgrst202NoRpc('test', 'sayhell', [], null, 'sayhello'), { status: 404, code: 'PGRST202', message: 'Could not find the function test.sayhell without parameters in the schema cache', details: 'Searched for the function test.sayhell without parameters, but no matches were found in the schema cache.', hint: 'Perhaps you meant to call the function test.sayhello' }],
  ['202 json', () => C.pgrst202NoRpc('test', 'named_json_param', ['A', 'B', 'C'], 'json'), { status: 404, code: 'PGRST202', message: 'Could not find the function test.named_json_param(A, B, C) in the schema cache', details: 'Searched for the function test.named_json_param with parameters A, B, C or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.' }],
  ['202 json empty', () => C.pgrst202NoRpc('test', 'f', [], 'json'), { status: 404, code: 'PGRST202', message: 'Could not find the function test.f without parameters in the schema cache', details: 'Searched for the function test.f without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.' }],
  ['202 text', () => C.pgrst202NoRpc('test', 'unnamed_int_param', ['x'], 'text', 'ignored'), { status: 404, code: 'PGRST202', message: 'Could not find the function test.unnamed_int_param in the schema cache', details: 'Searched for the function test.unnamed_int_param with a single unnamed text parameter, but no matches were found in the schema cache.' }],
  ['202 xml', () => C.pgrst202NoRpc('test', 'unnamed_int_param', [], 'xml'), { status: 404, code: 'PGRST202', message: 'Could not find the function test.unnamed_int_param in the schema cache', details: 'Searched for the function test.unnamed_int_param with a single unnamed xml parameter, but no matches were found in the schema cache.' }],
  ['202 bytea', () => C.pgrst202NoRpc('test', 'unnamed_int_param', [], 'bytea'), { status: 404, code: 'PGRST202', message: 'Could not find the function test.unnamed_int_param in the schema cache', details: 'Searched for the function test.unnamed_int_param with a single unnamed bytea parameter, but no matches were found in the schema cache.' }],
  ['202 overload hint', () => C.pgrst202NoRpc('api', 'test', ['vall', 'pqaram', 'nam'], null, 'test(name, param, val)'), { status: 404, code: 'PGRST202', message: 'Could not find the function api.test(vall, pqaram, nam) in the schema cache', details: 'Searched for the function api.test with parameters vall, pqaram, nam, but no matches were found in the schema cache.', hint: 'Perhaps you meant to call the function api.test(name, param, val)' }],
  ['203', () => C.pgrst203AmbiguousRpc([{ schema: 'test', name: 'overloaded', params: [{ name: 'a', type: 'integer' }] }, { schema: 'test', name: 'overloaded', params: [{ name: 'a', type: 'text' }, { name: 'b', type: 'text' }] }]), { status: 300, code: 'PGRST203', message: 'Could not choose the best candidate function between: test.overloaded(a => integer), test.overloaded(a => text, b => text)', hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved' }],
  ['204', () => C.pgrst204ColumnNotFound('articles', 'helicopter'), { status: 400, code: 'PGRST204', message: "Could not find the 'helicopter' column of 'articles' in the schema cache" }],
  ['205', () => C.pgrst205TableNotFound('test', 'projxxxx'), { status: 404, code: 'PGRST205', message: "Could not find the table 'test.projxxxx' in the schema cache" }],
  ['205 hint', () => C.pgrst205TableNotFound('test', 'projectx', 'projects'), { status: 404, code: 'PGRST205', message: "Could not find the table 'test.projectx' in the schema cache", hint: "Perhaps you meant the table 'test.projects'" }],
  ['300', () => C.pgrst300JwtSecretMissing(), { status: 500, code: 'PGRST300', message: 'Server lacks JWT secret' }],
  ['302', () => C.pgrst302JwtTokenRequired(), { status: 401, code: 'PGRST302', message: 'Anonymous access is disabled', headers: { 'WWW-Authenticate': 'Bearer' } }],
  ['X00', () => C.pgrstX00Internal('unexpected result'), { status: 500, code: 'PGRSTX00', message: 'unexpected result' }],
];

const invalidToken = (m: string): Record<string, string> => ({ 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${m}"` });

const jwtDecodeCases: readonly (readonly [C.JwtDecodeReason, string, string | null])[] = [
  [{ kind: 'empty-auth-header' }, 'Empty JWT is sent in Authorization header', null],
  [{ kind: 'unexpected-parts', parts: 2 }, 'Expected 3 parts in JWT; got 2', null],
  [{ kind: 'key-error', details: 'None of the keys was able to decode the JWT' }, 'No suitable key or wrong key type', 'None of the keys was able to decode the JWT'],
  [{ kind: 'bad-algorithm', details: "JWT is unsecured but expected 'alg' was not 'none'" }, 'Wrong or unsupported encoding algorithm', "JWT is unsecured but expected 'alg' was not 'none'"],
  [{ kind: 'bad-crypto' }, 'JWT cryptographic operation failed', null],
  [{ kind: 'unsupported-token-type' }, 'Unsupported token type', null],
  [{ kind: 'unreachable' }, "JWT couldn't be decoded", null],
];

const jwtClaimsCases: readonly (readonly [C.JwtClaimsReason, string])[] = [
  ['expired', 'JWT expired'],
  ['not-yet-valid', 'JWT not yet valid'],
  ['issued-at-future', 'JWT issued at future'],
  ['not-in-audience', 'JWT not in audience'],
  ['parsing-claims-failed', 'Parsing claims failed'],
  ['exp-not-number', "The JWT 'exp' claim must be a number"],
  ['nbf-not-number', "The JWT 'nbf' claim must be a number"],
  ['iat-not-number', "The JWT 'iat' claim must be a number"],
  ['aud-not-string-or-array', "The JWT 'aud' claim must be a string or an array of strings"],
];

function check(err: ApiError, e: Expected): void {
  assert.equal(err.status, e.status);
  assert.equal(err.code, e.code);
  assert.deepEqual(err.body(), { code: e.code, message: e.message, details: e.details ?? null, hint: e.hint ?? null });
  assert.deepEqual(err.headers, e.headers ?? {});
}

describe('error catalogue', () => {
  for (const [name, make, expected] of cases) {
    it(`PGRST${name}`, () => check(make(), expected));
  }

  for (const [reason, message, details] of jwtDecodeCases) {
    it(`PGRST301 ${reason.kind}`, () =>
      check(C.pgrst301JwtDecode(reason), { status: 401, code: 'PGRST301', message, details, headers: invalidToken(message) }));
  }

  for (const [reason, message] of jwtClaimsCases) {
    it(`PGRST303 ${reason}`, () =>
      check(C.pgrst303JwtClaims(reason), { status: 401, code: 'PGRST303', message, headers: invalidToken(message) }));
  }

  it('every code of CODES has a factory, with the same status', () => {
    const seen = new Map<string, number>();
    for (const [, make] of cases) seen.set(make().code, make().status);
    seen.set('PGRST301', 401);
    seen.set('PGRST303', 401);
    for (const [code, info] of Object.entries(C.CODES)) assert.equal(seen.get(code), info.status, code);
    assert.deepEqual([...seen.keys()].sort(), Object.keys(C.CODES).sort());
  });

  // Content-Length values asserted by PostgREST's spec suite (JSON with the same four keys).
  const sizes: readonly (readonly [string, ApiError, number])[] = [
    ['PGRST125', C.pgrst125InvalidPath(), 96],
    ['PGRST205', C.pgrst205TableNotFound('test', 'non_existent_table'), 129],
    ['PGRST205 hint', C.pgrst205TableNotFound('test', 'projectx', 'projects'), 160],
    ['PGRST205 no hint', C.pgrst205TableNotFound('test', 'projxxxx'), 119],
    ['PGRST301', C.pgrst301JwtDecode({ kind: 'unexpected-parts', parts: 2 }), 89],
    ['PGRST301 empty', C.pgrst301JwtDecode({ kind: 'empty-auth-header' }), 100],
    ['PGRST103', C.pgrst103OutOfBounds(1, 0), 144],
    ['PGRST121', C.pgrst121RaiseParseError({ kind: 'message', raw: 'INVALID' }), 263],
  ];
  for (const [name, err, length] of sizes) {
    it(`body size of ${name}`, () => assert.equal(Buffer.byteLength(JSON.stringify(err.body())), length));
  }
});
