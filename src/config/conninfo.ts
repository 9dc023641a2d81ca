// Turns db-uri (a libpq URI, a key=value string, or empty) plus PG* environment variables into plain
// connection settings for node-postgres, with libpq's parsing rules, messages and defaults. No I/O, no connecting.
// Deviations from libpq: no service or .pgpass files; no unix-socket default (host defaults to localhost).

import { userInfo } from 'node:os';
import { ConfigError } from './config-error.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** One server of a (possibly multi-host) connection string. */
export interface ConnHost {
  /** Where to connect: hostaddr when given, else the host name, IP or unix socket directory (starts with '/'). */
  readonly host: string;
  readonly port: number;
  /** The host name when hostaddr was also given (for TLS checks). */
  readonly name: string | undefined;
}

/** Connection settings; field names follow node-postgres' Client options where they exist. */
export interface ConnInfo {
  /** The first of `hosts`, which is the one used (no failover yet). */
  readonly host: string;
  readonly port: number;
  readonly hosts: readonly ConnHost[];
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  /** application_name, else PGAPPNAME, else `postgrest-ts <version>` (our fallback_application_name). */
  readonly applicationName: string;
  /** Backend options such as `-c search_path=x`. */
  readonly options: string | undefined;
  readonly sslmode: SslMode;
  /** node-postgres `ssl`: false, or TLS with/without certificate verification (verify-ca also needs no hostname check). */
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  readonly sslrootcert: string | undefined;
  readonly sslcert: string | undefined;
  readonly sslkey: string | undefined;
  readonly connectTimeoutSeconds: number | undefined;
  readonly targetSessionAttrs: string | undefined;
  /** Every libpq parameter that was set, from the string or the environment, after decoding. */
  readonly params: Readonly<Record<string, string>>;
}

export interface ConnInfoOptions {
  /** Our version, for the fallback application name. */
  readonly version?: string | undefined;
  /** Host when none is given (libpq would use its unix socket directory). */
  readonly defaultHost?: string | undefined;
  /** User when none is given (libpq uses the operating-system user name). */
  readonly defaultUser?: string | undefined;
}

/** libpq keywords and the environment variable each falls back to. */
const KEYWORDS: Readonly<Record<string, string | undefined>> = {
  host: 'PGHOST', hostaddr: 'PGHOSTADDR', port: 'PGPORT', dbname: 'PGDATABASE', user: 'PGUSER',
  password: 'PGPASSWORD', passfile: 'PGPASSFILE', require_auth: 'PGREQUIREAUTH', channel_binding: 'PGCHANNELBINDING',
  connect_timeout: 'PGCONNECT_TIMEOUT', client_encoding: 'PGCLIENTENCODING', options: 'PGOPTIONS',
  application_name: 'PGAPPNAME', fallback_application_name: undefined, keepalives: undefined,
  keepalives_idle: undefined, keepalives_interval: undefined, keepalives_count: undefined, tcp_user_timeout: undefined,
  replication: undefined, gssencmode: 'PGGSSENCMODE', sslmode: 'PGSSLMODE', sslnegotiation: 'PGSSLNEGOTIATION',
  sslcompression: 'PGSSLCOMPRESSION', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY', sslpassword: undefined,
  sslcertmode: 'PGSSLCERTMODE', sslrootcert: 'PGSSLROOTCERT', sslcrl: 'PGSSLCRL', sslcrldir: 'PGSSLCRLDIR',
  sslsni: 'PGSSLSNI', requirepeer: 'PGREQUIREPEER', ssl_min_protocol_version: 'PGSSLMINPROTOCOLVERSION',
  ssl_max_protocol_version: 'PGSSLMAXPROTOCOLVERSION', min_protocol_version: 'PGMINPROTOCOLVERSION',
  max_protocol_version: 'PGMAXPROTOCOLVERSION', krbsrvname: 'PGKRBSRVNAME', gsslib: 'PGGSSLIB',
  gssdelegation: 'PGGSSDELEGATION', service: 'PGSERVICE', target_session_attrs: 'PGTARGETSESSIONATTRS',
  load_balance_hosts: 'PGLOADBALANCEHOSTS',
};
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'];
const C_SPACE = /[ \t\n\v\f\r]/;

const fail = (message: string): never => {
  throw new ConfigError(`db-uri: ${message}`, 'db-uri');
};

/** Parses a libpq connection string; missing parts come from PG* variables, then libpq's defaults. */
export function parseConnInfo(
  dbUri: string,
  env: Readonly<Record<string, string | undefined>>,
  options: ConnInfoOptions = {},
): ConnInfo {
  const given = /^postgres(?:ql)?:\/\//.test(dbUri) ? parseUri(dbUri) : parseKeywordValue(dbUri);
  const params: Record<string, string> = {};
  for (const [keyword, variable] of Object.entries(KEYWORDS)) {
    const value = given.get(keyword) ?? (variable === undefined ? undefined : env[variable]);
    if (value !== undefined) params[keyword] = value;
  }
  const set = (keyword: string): string | undefined => (params[keyword] === '' ? undefined : params[keyword]);

  const sslmode = set('sslmode') ?? 'prefer';
  const mode = SSL_MODES.find((m) => m === sslmode) ?? fail(`invalid sslmode value: "${sslmode}"`);
  const attrs = set('target_session_attrs');
  if (attrs !== undefined && !SESSION_ATTRS.includes(attrs)) fail(`invalid target_session_attrs value: "${attrs}"`);
  const timeout = set('connect_timeout');
  const user = set('user') ?? options.defaultUser ?? osUser();
  const hosts = hostList(params, options.defaultHost ?? 'localhost');
  const first = hosts[0] ?? { host: 'localhost', port: 5432, name: undefined };
  const sslrootcert = set('sslrootcert');
  return {
    host: first.host,
    port: first.port,
    hosts,
    user,
    password: set('password'),
    database: set('dbname') ?? user,
    applicationName: set('application_name') ?? `postgrest-ts${options.version ? ` ${options.version}` : ''}`,
    options: set('options'),
    sslmode: mode,
    ssl: mode === 'disable' || mode === 'allow' || mode === 'prefer'
      ? false
      : { rejectUnauthorized: mode !== 'require' || sslrootcert !== undefined },
    sslrootcert,
    sslcert: set('sslcert'),
    sslkey: set('sslkey'),
    connectTimeoutSeconds: timeout === undefined ? undefined : intParam(timeout, 'connect_timeout'),
    targetSessionAttrs: attrs,
    params,
  };
}

/** Pairs the comma-separated host, hostaddr and port lists as libpq does. */
function hostList(params: Readonly<Record<string, string>>, defaultHost: string): ConnHost[] {
  const names = params['host'] === undefined ? undefined : params['host'].split(',');
  const addrs = params['hostaddr'] === undefined ? undefined : params['hostaddr'].split(',');
  const count = names?.length ?? addrs?.length ?? 1;
  if (names !== undefined && addrs !== undefined && addrs.length !== names.length) {
    fail(`could not match ${names.length} host names to ${addrs.length} hostaddr values`);
  }
  const ports = (params['port'] ?? '').split(',');
  if (ports.length !== 1 && ports.length !== count) fail(`could not match ${ports.length} port numbers to ${count} hosts`);
  const out: ConnHost[] = [];
  for (let i = 0; i < count; i++) {
    const name = names?.[i] || undefined;
    const addr = addrs?.[i] || undefined;
    const portText = (ports.length === 1 ? ports[0] : ports[i]) ?? '';
    out.push({
      host: addr ?? name ?? defaultHost,
      port: portText === '' ? 5432 : portNumber(portText),
      name: addr === undefined ? undefined : name,
    });
  }
  return out;
}

function portNumber(text: string): number {
  const n = intParam(text, 'port');
  return n >= 1 && n <= 65535 ? n : fail(`invalid port number: "${text}"`);
}

function intParam(text: string, keyword: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)[ \t\n\v\f\r]*$/.exec(text);
  return m?.[1] === undefined ? fail(`invalid integer value "${text}" for connection option "${keyword}"`) : Number(m[1]);
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** `postgresql://[user[:password]@][host[:port][,...]][/dbname][?param=value&...]`, libpq's algorithm. */
function parseUri(uri: string): Map<string, string> {
  const out = new Map<string, string>();
  const s = uri.slice(uri.indexOf('://') + 3);
  let p = 0;
  const at = (i: number): string => s.charAt(i);
  const store = (keyword: string, raw: string): void => {
    out.set(keyword, uriDecode(raw));
  };
  while (p < s.length && at(p) !== '@' && at(p) !== '/') p++;
  if (at(p) === '@') {
    const credentials = s.slice(0, p);
    const colon = credentials.indexOf(':');
    const user = colon < 0 ? credentials : credentials.slice(0, colon);
    if (user !== '') store('user', user);
    if (colon >= 0 && colon < credentials.length - 1) store('password', credentials.slice(colon + 1));
    p++;
  } else {
    p = 0;
  }
  const hosts: string[] = [];
  const ports: string[] = [];
  let terminator = '';
  for (;;) {
    let host: string;
    if (at(p) === '[') {
      const close = s.indexOf(']', p + 1);
      if (close < 0) fail(`end of string reached when looking for matching "]" in IPv6 host address in URI: "${uri}"`);
      if (close === p + 1) fail(`IPv6 host address may not be empty in URI: "${uri}"`);
      host = s.slice(p + 1, close);
      p = close + 1;
      if (p < s.length && !':/?,'.includes(at(p))) {
        fail(`unexpected character "${at(p)}" at position ${uri.length - s.length + p + 1} in URI (expected ":" or "/"): "${uri}"`);
      }
    } else {
      const start = p;
      while (p < s.length && !':/?,'.includes(at(p))) p++;
      host = s.slice(start, p);
    }
    hosts.push(host);
    terminator = at(p);
    let port = '';
    if (terminator === ':') {
      const start = ++p;
      while (p < s.length && !'/?,'.includes(at(p))) p++;
      port = s.slice(start, p);
      terminator = at(p);
    }
    ports.push(port);
    if (terminator !== ',') break;
    p++;
  }
  if (hosts.join(',') !== '') store('host', hosts.join(','));
  if (ports.join(',') !== '') store('port', ports.join(','));
  if (terminator === '/') {
    const start = ++p;
    while (p < s.length && at(p) !== '?') p++;
    if (p > start) store('dbname', s.slice(start, p));
    terminator = at(p);
  }
  if (terminator === '?') parseUriParams(s.slice(p + 1), out);
  return out;
}

function parseUriParams(query: string, out: Map<string, string>): void {
  let rest = query;
  while (rest !== '') {
    const amp = rest.indexOf('&');
    const part = amp < 0 ? rest : rest.slice(0, amp);
    rest = amp < 0 ? '' : rest.slice(amp + 1);
    const eq = part.indexOf('=');
    if (eq < 0) fail(`missing key/value separator "=" in URI query parameter: "${part}"`);
    if (part.indexOf('=', eq + 1) >= 0) fail(`extra key/value separator "=" in URI query parameter: "${part}"`);
    let keyword = uriDecode(part.slice(0, eq));
    let value = uriDecode(part.slice(eq + 1));
    if (keyword === 'ssl' && value === 'true') {
      keyword = 'sslmode';
      value = 'require';
    }
    if (!Object.hasOwn(KEYWORDS, keyword)) fail(`invalid URI query parameter: "${keyword}"`);
    out.set(keyword, value);
  }
}

/** Percent-decoding as libpq does it: bytes, then UTF-8; `%00` and malformed escapes are errors. */
function uriDecode(text: string): string {
  if (!text.includes('%')) return text;
  const chunks: Buffer[] = [];
  let i = 0;
  while (i < text.length) {
    const pct = text.indexOf('%', i);
    if (pct < 0) {
      chunks.push(Buffer.from(text.slice(i), 'utf8'));
      break;
    }
    chunks.push(Buffer.from(text.slice(i, pct), 'utf8'));
    const hex = text.slice(pct + 1, pct + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail(`invalid percent-encoded token: "${text}"`);
    if (hex === '00') fail(`forbidden value %00 in percent-encoded value: "${text}"`);
    chunks.push(Buffer.from([Number.parseInt(hex, 16)]));
    i = pct + 3;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `keyword = value ...` with single-quoted values and backslash escapes, libpq's algorithm. */
function parseKeywordValue(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let p = 0;
  const at = (i: number): string => text.charAt(i);
  const skipSpace = (): void => {
    while (p < text.length && C_SPACE.test(at(p))) p++;
  };
  for (;;) {
    skipSpace();
    if (p >= text.length) return out;
    const start = p;
    while (p < text.length && at(p) !== '=' && !C_SPACE.test(at(p))) p++;
    const keyword = text.slice(start, p);
    skipSpace();
    if (at(p) !== '=') fail(`missing "=" after "${keyword}" in connection info string`);
    p++;
    skipSpace();
    let value = '';
    if (at(p) === "'") {
      p++;
      for (;;) {
        if (p >= text.length) fail('unterminated quoted string in connection info string');
        const c = at(p++);
        if (c === "'") break;
        if (c === '\\') {
          if (p < text.length) value += at(p++);
        } else {
          value += c;
        }
      }
    } else {
      while (p < text.length && !C_SPACE.test(at(p))) {
        const c = at(p++);
        if (c === '\\') {
          if (p < text.length) value += at(p++);
        } else {
          value += c;
        }
      }
    }
    if (!Object.hasOwn(KEYWORDS, keyword)) fail(`invalid connection option "${keyword}"`);
    out.set(keyword, value);
  }
}
