// Turns the configured db-uri (URI, libpq key=value or empty + PG* variables) into node-postgres client options.
import type pg from 'pg';
import { parseConnInfo } from '../config/conninfo.js';
import type { AppConfig } from '../config/types.js';
import { VERSION } from './version.js';

/** Client options for connections as the authenticator. */
export function clientConfigFor(config: AppConfig, env: Readonly<Record<string, string | undefined>> = process.env): pg.ClientConfig {
  const ci = parseConnInfo(config.dbUri, env, { version: VERSION });
  return {
    host: ci.host,
    port: ci.port,
    user: ci.user,
    ...(ci.password !== undefined ? { password: ci.password } : {}),
    database: ci.database,
    application_name: ci.applicationName,
    ...(ci.options ? { options: ci.options } : {}),
    ...(ci.ssl ? { ssl: { ...ci.ssl } } : {}),
    ...(ci.connectTimeoutSeconds ? { connectionTimeoutMillis: ci.connectTimeoutSeconds * 1000 } : {}),
    keepAlive: true,
  };
}
