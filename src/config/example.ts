// The commented example configuration printed by --example: every key with its default value and a line of
// explanation, generated from the key table so it cannot drift from it. Text only.

import { APP_SETTINGS, KEYS } from './keys.js';
import { defaultConfig } from './types.js';

const HEADER = `# postgrest-ts configuration (PostgREST v16 compatible).
#
# Syntax: key = value. Strings go in double quotes ("..." with \\" \\\\ \\n escapes), numbers and
# true/false are bare, '#' starts a comment. Inside strings $(NAME) inserts the environment variable
# NAME and $$ is a literal '$'. Every key can also be set with the environment variable PGRST_ followed
# by the key in upper case with '-' written as '_' (e.g. PGRST_DB_URI); the environment wins over this
# file, and pgrst.* settings read from the database (when db-config is on) win over both.
#
# Each key is shown commented out with its default; "" means unset.
`;

function render(): string {
  const defaults = defaultConfig();
  const parts = [HEADER];
  for (const spec of KEYS) {
    if (spec.dump === undefined) continue;
    const notes = [spec.reloadable ? 'reloadable' : 'needs a restart'];
    if (spec.inDb !== undefined) notes.push(`in-database: ${spec.inDb}`);
    if (spec.aliases.length > 0 && spec.name !== 'admin-server-host') notes.push(`also read as ${spec.aliases.join(', ')}`);
    if (spec.origin === 'postgrest-ts') notes.push('postgrest-ts extension');
    parts.push(`\n## ${spec.doc}\n## (${notes.join('; ')})\n# ${spec.name} = ${spec.dump(defaults)}\n`);
  }
  parts.push(`\n## ${APP_SETTINGS.doc}\n## (reloadable; environment: ${APP_SETTINGS.envPrefix}<NAME>)\n`);
  parts.push(`# ${APP_SETTINGS.prefix}jwt_secret = "$(MY_APP_JWT_SECRET)"\n`);
  return parts.join('');
}

/** The text of `postgrest-ts --example`. */
export const exampleConfig: string = render();
