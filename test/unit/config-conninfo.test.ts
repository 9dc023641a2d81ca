// Unit tests of db-uri interpretation (src/config/conninfo.ts): libpq URIs and key=value strings, PG*
// environment fallbacks, defaults, multi-host lists, SSL modes and libpq's error messages.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConnInfo, parseConnInfo } from '../../src/config/conninfo.js';

const OPTS = { version: '0.1.0', defaultUser: 'osuser' };
type Main = Pick<ConnInfo, 'host' | 'port' | 'user' | 'password' | 'database'>;
const main = (c: ConnInfo): Main => ({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database });
const conn = (host: string, port: number, user: string, password: string | undefined, database: string): Main => ({
  host, port, user, password, database,
});

describe('parseConnInfo: URIs', () => {
  const cases: [string, Main][] = [
    ['postgresql://', conn('localhost', 5432, 'osuser', undefined, 'osuser')],
    ['postgres://authenticator:secret@db.example:5433/app', conn('db.example', 5433, 'authenticator', 'secret', 'app')],
    ['postgres://u@/app', conn('localhost', 5432, 'u', undefined, 'app')],
    ['postgres:///app?host=/var/run/postgresql&port=6000', conn('/var/run/postgresql', 6000, 'osuser', undefined, 'app')],
    ['postgresql://?dbname=d&host=%2Ftmp%2Fsock&user=some_user&password=p', conn('/tmp/sock', 5432, 'some_user', 'p', 'd')],
    ['postgres://us%40er:p%40ss%2Fw%3Ard@h/d%C3%A9', conn('h', 5432, 'us@er', 'p@ss/w:rd', 'dé')],
    ['postgres://admin2:?pass?special?@localhost:5432/postgres', conn('localhost', 5432, 'admin2', '?pass?special?', 'postgres')],
    ['postgres://u:@h', conn('h', 5432, 'u', undefined, 'u')],
    ['postgres://[::1]:5433/db', conn('::1', 5433, 'osuser', undefined, 'db')],
    ['postgres://h/db?', conn('h', 5432, 'osuser', undefined, 'db')],
    ['postgres://h/?application_name=x&', conn('h', 5432, 'osuser', undefined, 'osuser')],
  ];
  for (const [uri, expected] of cases) {
    it(uri, () => assert.deepEqual(main(parseConnInfo(uri, {}, OPTS)), expected));
  }

  it('reads query parameters: options, application_name, sslmode and ssl=true', () => {
    const c = parseConnInfo('postgres://h/d?options=-c%20search_path%3Dapi&application_name=my%20app&ssl=true&connect_timeout=5', {}, OPTS);
    assert.deepEqual(
      [c.options, c.applicationName, c.sslmode, c.ssl, c.connectTimeoutSeconds],
      ['-c search_path=api', 'my app', 'require', { rejectUnauthorized: false }, 5],
    );
    assert.deepEqual(c.params, {
      host: 'h', dbname: 'd', options: '-c search_path=api', application_name: 'my app', sslmode: 'require', connect_timeout: '5',
    });
  });

  it('keeps every host of a multi-host URI and uses the first', () => {
    const c = parseConnInfo('postgresql://host1:123,host2:456,[::1]/somedb?target_session_attrs=read-write', {}, OPTS);
    assert.deepEqual(c.hosts, [
      { host: 'host1', port: 123, name: undefined },
      { host: 'host2', port: 456, name: undefined },
      { host: '::1', port: 5432, name: undefined },
    ]);
    assert.deepEqual([c.host, c.port, c.targetSessionAttrs], ['host1', 123, 'read-write']);
  });

  it('applies one port to every host of a list', () => {
    const c = parseConnInfo('host=a,b port=7000', {}, OPTS);
    assert.deepEqual(c.hosts.map((h) => `${h.host}:${h.port}`), ['a:7000', 'b:7000']);
  });
});

describe('parseConnInfo: key=value strings', () => {
  const cases: [string, Main][] = [
    ['host=localhost port=5433 user=authenticator password=mysecretpassword dbname=postgres', conn('localhost', 5433, 'authenticator', 'mysecretpassword', 'postgres')],
    ["  host = h\tuser='it\\'s' password='a \\'b\\' \\\\c' dbname=x\\ y  ", conn('h', 5432, "it's", "a 'b' \\c", 'x y')],
    ["password='' user=u", conn('localhost', 5432, 'u', undefined, 'u')],
    ['', conn('localhost', 5432, 'osuser', undefined, 'osuser')],
    ['dbname=a dbname=b', conn('localhost', 5432, 'osuser', undefined, 'b')],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(main(parseConnInfo(text, {}, OPTS)), expected));
  }

  it('uses hostaddr to connect and keeps host as the name', () => {
    const c = parseConnInfo('host=db.example hostaddr=10.0.0.5', {}, OPTS);
    assert.deepEqual(c.hosts, [{ host: '10.0.0.5', port: 5432, name: 'db.example' }]);
  });
});

describe('parseConnInfo: environment and defaults', () => {
  const env = {
    PGHOST: '/run/pg', PGPORT: '5444', PGUSER: 'envuser', PGPASSWORD: 'envpass', PGDATABASE: 'envdb',
    PGAPPNAME: 'envapp', PGOPTIONS: '-c work_mem=64MB', PGSSLMODE: 'verify-full',
  };

  it('takes every missing part from PG* variables', () => {
    const c = parseConnInfo('postgresql://', env, OPTS);
    assert.deepEqual(main(c), conn('/run/pg', 5444, 'envuser', 'envpass', 'envdb'));
    assert.deepEqual([c.applicationName, c.options, c.sslmode, c.ssl], ['envapp', '-c work_mem=64MB', 'verify-full', { rejectUnauthorized: true }]);
  });

  it('prefers values written in the string over the environment', () => {
    const c = parseConnInfo('postgres://u:p@h:1/d?application_name=a&sslmode=disable', env, OPTS);
    assert.deepEqual([main(c), c.applicationName, c.sslmode, c.ssl], [conn('h', 1, 'u', 'p', 'd'), 'a', 'disable', false]);
  });

  it('lets an explicitly empty host mean the default host, not PGHOST', () => {
    assert.equal(parseConnInfo("host=''", env, OPTS).host, 'localhost');
  });

  it('names the application after us when nothing else does, even over fallback_application_name', () => {
    assert.equal(parseConnInfo('fallback_application_name=theirs', {}, OPTS).applicationName, 'postgrest-ts 0.1.0');
    assert.equal(parseConnInfo('', {}, { defaultUser: 'x' }).applicationName, 'postgrest-ts');
  });

  it('uses the given default host and maps SSL modes', () => {
    const cases: [string, ConnInfo['ssl']][] = [
      ['disable', false], ['allow', false], ['prefer', false], ['require', { rejectUnauthorized: false }],
      ['verify-ca', { rejectUnauthorized: true }], ['verify-full', { rejectUnauthorized: true }],
    ];
    for (const [mode, ssl] of cases) {
      const c = parseConnInfo(`sslmode=${mode}`, {}, { ...OPTS, defaultHost: '/tmp' });
      assert.deepEqual([c.host, c.sslmode, c.ssl], ['/tmp', mode, ssl]);
    }
    const verified = parseConnInfo('sslmode=require sslrootcert=/ca.pem', {}, OPTS);
    assert.deepEqual([verified.ssl, verified.sslrootcert], [{ rejectUnauthorized: true }, '/ca.pem']);
  });
});

describe('parseConnInfo: errors', () => {
  const cases: [string, string][] = [
    ['tmp_db', 'db-uri: missing "=" after "tmp_db" in connection info string'],
    ['host=h port', 'db-uri: missing "=" after "port" in connection info string'],
    ["password='open", 'db-uri: unterminated quoted string in connection info string'],
    ["user='it''s'", 'db-uri: missing "=" after "\'s\'" in connection info string'],
    ['colour=red', 'db-uri: invalid connection option "colour"'],
    ['host=h port=abc', 'db-uri: invalid integer value "abc" for connection option "port"'],
    ['port=70000', 'db-uri: invalid port number: "70000"'],
    ['host=a,b,c port=1,2', 'db-uri: could not match 2 port numbers to 3 hosts'],
    ['host=a,b hostaddr=1.1.1.1', 'db-uri: could not match 2 host names to 1 hostaddr values'],
    ['sslmode=sometimes', 'db-uri: invalid sslmode value: "sometimes"'],
    ['target_session_attrs=fast', 'db-uri: invalid target_session_attrs value: "fast"'],
    ['connect_timeout=soon', 'db-uri: invalid integer value "soon" for connection option "connect_timeout"'],
    ['postgres://h/d?colour=red', 'db-uri: invalid URI query parameter: "colour"'],
    ['postgres://h/d?a', 'db-uri: missing key/value separator "=" in URI query parameter: "a"'],
    ['postgres://h/d?host=a=b', 'db-uri: extra key/value separator "=" in URI query parameter: "host=a=b"'],
    ['postgres://u:p%zz@h', 'db-uri: invalid percent-encoded token: "p%zz"'],
    ['postgres://h/d%00', 'db-uri: forbidden value %00 in percent-encoded value: "d%00"'],
    ['postgres://[::1', 'db-uri: end of string reached when looking for matching "]" in IPv6 host address in URI: "postgres://[::1"'],
    ['postgres://[]/d', 'db-uri: IPv6 host address may not be empty in URI: "postgres://[]/d"'],
    ['postgres://[::1]x/d', 'db-uri: unexpected character "x" at position 17 in URI (expected ":" or "/"): "postgres://[::1]x/d"'],
  ];
  for (const [text, message] of cases) {
    it(text, () => assert.throws(() => parseConnInfo(text, {}, OPTS), { name: 'ConfigError', key: 'db-uri', message }));
  }
});
