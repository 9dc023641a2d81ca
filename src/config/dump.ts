// Writes a configuration in PostgREST's --dump-config format: one `key = value` line per key, sorted, with
// app.settings.* included. Reading the output back yields the same configuration. Formatting only.

import { APP_SETTINGS, KEYS } from './keys.js';
import { compareCodePoints } from '../text/compare.js';
import { type AppConfig, defaultConfig } from './types.js';
import { quoteConfigString } from './values.js';

/** Which of our extension keys to write: by default only those that differ from their defaults. */
export interface DumpOptions {
  readonly extensions?: 'changed' | 'all' | 'none';
}

/**
 * The dump text, ending in a newline. PostgREST keys are always written (unset ints as `""`); our extension
 * keys only when changed, so a configuration PostgREST could also run dumps exactly as PostgREST dumps it.
 */
export function dumpConfig(config: AppConfig, options: DumpOptions = {}): string {
  const extensions = options.extensions ?? 'changed';
  const defaults = extensions === 'changed' ? defaultConfig() : undefined;
  const lines: string[] = [];
  for (const spec of KEYS) {
    if (spec.dump === undefined) continue;
    const value = spec.dump(config);
    if (spec.origin === 'postgrest-ts') {
      if (extensions === 'none') continue;
      if (defaults !== undefined && spec.dump(defaults) === value) continue;
    }
    lines.push(`${spec.name} = ${value}`);
  }
  for (const [name, value] of Object.entries(config.appSettings)) {
    if (name.startsWith(APP_SETTINGS.prefix)) lines.push(`${name} = ${quoteConfigString(value)}`);
  }
  return lines
    .sort(compareCodePoints)
    .map((line) => `${line}\n`)
    .join('');
}
