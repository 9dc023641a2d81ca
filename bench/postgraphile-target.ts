// PostGraphile 5 as a third benchmark target. It lives in bench/postgraphile/ with its own package.json and
// package-lock.json (exact versions), outside the main install: `npm ci` runs there when its node_modules is missing.
// PostGraphile 5 needs Node >= 22 (it calls Promise.withResolvers, which Node 20 lacks: every query then fails with
// an internal error), so when this process runs on an older Node the server is spawned with the Node 22 binary that
// the same install brings (the optional dependency node-linux-<arch>, a plain npm package holding the official binary).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POSTGRAPHILE_MIN_NODE = 22;

/** How to start the PostGraphile server: the node binary and the script. */
export interface PostgraphileSetup {
  readonly dir: string;
  readonly execPath: string;
  readonly nodeVersion: string;
  readonly script: string;
  /** The installed postgraphile package's version (undefined if its package.json has none). */
  readonly version: string | undefined;
  /** True when this run installed the folder's node_modules. */
  readonly installed: boolean;
}

/**
 * The environment `npm run bench` sets (npm_config_local_prefix, npm_package_*, ...) describes the root project and
 * would steer the nested npm: drop it, except the settings that say how to reach the registry.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|userconfig|globalconfig|cache|proxy|https_proxy|noproxy|strict_ssl|cafile|ca)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.test(k)) env[k] = v;
  return env;
}

/**
 * Makes sure bench/postgraphile is installed and finds a Node >= 22 to run it with. Throws with a one-line reason
 * when it cannot (the caller then skips the target).
 */
export async function preparePostgraphile(benchDir: string, log: (msg: string) => void): Promise<PostgraphileSetup> {
  const dir = join(benchDir, 'postgraphile');
  const script = join(dir, 'server.mjs');
  const pkg = join(dir, 'node_modules', 'postgraphile', 'package.json');
  let installed = false;
  if (!existsSync(pkg)) {
    log('installing PostGraphile into bench/postgraphile (npm ci, once)...');
    const t0 = performance.now();
    try {
      await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: npmEnv(), timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      const line = (e.stderr ?? e.message).split('\n').find((l) => /err/i.test(l)) ?? e.message.split('\n')[0];
      throw new Error(`npm ci in bench/postgraphile failed: ${line?.trim()}`);
    }
    installed = true;
    log(`installed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= POSTGRAPHILE_MIN_NODE) return { dir, execPath: process.execPath, nodeVersion: process.version, script, version, installed };
  const execPath = join(dir, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  if (!existsSync(execPath)) {
    throw new Error(`this is Node ${process.version} and bench/postgraphile has no Node ${POSTGRAPHILE_MIN_NODE} binary for ${process.platform}-${process.arch} (node-${process.platform}-${process.arch})`);
  }
  let nodeVersion: string;
  try {
    nodeVersion = (await run(execPath, ['--version'], { timeout: 30_000 })).stdout.trim();
  } catch (err) {
    throw new Error(`${execPath} does not run: ${(err as Error).message.split('\n')[0]}`);
  }
  return { dir, execPath, nodeVersion, script, version, installed };
}
