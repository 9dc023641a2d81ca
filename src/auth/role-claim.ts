// jwt-role-claim-key: parses the v16 JSONPath form, falling back to the deprecated pre-v16 JSPath DSL,
// and extracts the role from claims. Throws Error on an invalid key; never logs (callers warn on `deprecated`).
import type { JsonPathQuery, JsonValue } from './jsonpath-ast.js';
import { dumpJsonPath } from './jsonpath-dump.js';
import { evaluateJsonPath } from './jsonpath-eval.js';
import { JsonPathSyntaxError, parseJsonPath } from './jsonpath-parse.js';
import { showText } from './show-text.js';

/** One step of the deprecated DSL: `.key` / `."key"`, `[0]`, or a final `[?(@ op "text")]`. */
export type DeprecatedStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'filter'; readonly op: DeprecatedFilterOp; readonly text: string };

/** `==`, `!=`, `^==` (starts with), `==^` (ends with), `*==` (contains). */
export type DeprecatedFilterOp = '==' | '!=' | '^==' | '==^' | '*==';

/** A parsed jwt-role-claim-key; `deprecated` is true for the pre-v16 DSL (log a warning at startup/reload). */
export type RoleClaimPath =
  | { readonly kind: 'jsonpath'; readonly deprecated: false; readonly source: string; readonly query: JsonPathQuery }
  | { readonly kind: 'deprecated'; readonly deprecated: true; readonly source: string; readonly steps: readonly DeprecatedStep[] };

/** The default key, `$.role`. */
export const DEFAULT_ROLE_CLAIM_KEY = '$.role';

// Operators in the order the deprecated grammar tries them (`==^` before `==`).
const FILTER_OPS: readonly DeprecatedFilterOp[] = ['==^', '==', '!=', '^==', '*=='];

class DeprecatedSyntaxError extends Error {
  readonly position: number;
  constructor(position: number) {
    super(`invalid JSPath near position ${position}`);
    this.position = position;
  }
}

function parseDeprecated(text: string): DeprecatedStep[] {
  let pos = 0;
  const fail = (): never => {
    throw new DeprecatedSyntaxError(pos);
  };
  const quotedValue = (): string => {
    if (text[pos] !== '"') fail();
    const end = text.indexOf('"', pos + 1);
    if (end < 0) fail();
    const value = text.slice(pos + 1, end);
    pos = end + 1;
    return value;
  };
  const skipSpaces = (): void => {
    while (pos < text.length && /\s/u.test(text[pos]!)) pos++;
  };
  const steps: DeprecatedStep[] = [];
  while (pos < text.length) {
    if (text[pos] === '.') {
      pos++;
      const word = /^[\p{L}\p{N}_$@]+/u.exec(text.slice(pos))?.[0];
      if (word !== undefined) pos += word.length;
      steps.push({ kind: 'key', key: word ?? quotedValue() });
    } else if (text.startsWith('[?(', pos)) {
      pos += 3;
      if (text[pos] !== '@') fail();
      pos++;
      skipSpaces();
      const op = FILTER_OPS.find((o) => text.startsWith(o, pos)) ?? fail();
      pos += op.length;
      skipSpaces();
      const value = quotedValue();
      if (!text.startsWith(')]', pos)) fail();
      pos += 2;
      // A filter may only end the path.
      if (pos !== text.length) fail();
      steps.push({ kind: 'filter', op, text: value });
    } else if (text[pos] === '[') {
      pos++;
      const ds = /^[0-9]+/.exec(text.slice(pos))?.[0] ?? fail();
      pos += ds.length;
      if (text[pos] !== ']') fail();
      pos++;
      steps.push({ kind: 'index', index: Number(ds) });
    } else {
      fail();
    }
  }
  if (steps.length === 0) fail();
  return steps;
}

/**
 * Parses jwt-role-claim-key: RFC 9535 JSONPath (`$.role`, `$.a[1]`, `$['x'].y`, `[?(@ == 'r')]`,
 * `[?search(@, '^r')]`), else the deprecated DSL (`.a.b`, `."k"`, `[0]`, `[?(@ ^== "r")]`). Throws Error.
 */
export function parseRoleClaimKey(key: string): RoleClaimPath {
  let jsonPathError: JsonPathSyntaxError;
  try {
    return { kind: 'jsonpath', deprecated: false, source: key, query: parseJsonPath(key) };
  } catch (e) {
    if (!(e instanceof JsonPathSyntaxError)) throw e;
    jsonPathError = e;
  }
  try {
    return { kind: 'deprecated', deprecated: true, source: key, steps: parseDeprecated(key) };
  } catch (e) {
    if (!(e instanceof DeprecatedSyntaxError)) throw e;
    throw new Error(
      `failed to parse role-claim-key value (${key}): not an RFC 9535 JSONPath starting with '$' ` +
        `(error at position ${jsonPathError.position}) nor the deprecated JSPath syntax (error at position ${e.position})`,
    );
  }
}

function matches(op: DeprecatedFilterOp, value: string, pattern: string): boolean {
  switch (op) {
    case '==':
      return value === pattern;
    case '!=':
      return value !== pattern;
    case '^==':
      return value.startsWith(pattern);
    case '==^':
      return value.endsWith(pattern);
    case '*==':
      return value.includes(pattern);
  }
}

function evaluateDeprecated(steps: readonly DeprecatedStep[], claims: JsonValue): JsonValue | undefined {
  let v: JsonValue | undefined = claims;
  for (const step of steps) {
    if (v === undefined) return undefined;
    if (step.kind === 'key') {
      v = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, step.key)
        ? (v as { readonly [k: string]: JsonValue })[step.key]
        : undefined;
    } else if (step.kind === 'index') {
      v = Array.isArray(v) ? (v as readonly JsonValue[])[step.index] : undefined;
    } else {
      // The first string element that matches; non-strings never match.
      v = Array.isArray(v)
        ? (v as readonly JsonValue[]).find((e) => typeof e === 'string' && matches(step.op, e, step.text))
        : undefined;
    }
  }
  return v;
}

/** The first value the path finds in `claims`: strings as-is, anything else as JSON text; undefined if none. */
export function extractRole(claims: Readonly<Record<string, unknown>>, path: RoleClaimPath): string | undefined {
  const root = claims as JsonValue;
  const found = path.kind === 'jsonpath' ? evaluateJsonPath(path.query, root)[0] : evaluateDeprecated(path.steps, root);
  if (found === undefined) return undefined;
  return typeof found === 'string' ? found : JSON.stringify(found);
}

/** The key as --dump-config prints it (before the config file's `$` → `$$` escaping). */
export function dumpRoleClaimKey(path: RoleClaimPath): string {
  if (path.kind === 'jsonpath') return dumpJsonPath(path.query);
  return path.steps
    .map((s) => {
      if (s.kind === 'key') return '.' + showText(s.key);
      if (s.kind === 'index') return `[${s.index}]`;
      return `[?(@ ${s.op} ${showText(s.text)})]`;
    })
    .join('');
}

/** PostgREST's two warning lines for a deprecated key (log at startup and on every reload); undefined otherwise. */
export function roleClaimKeyWarning(path: RoleClaimPath): readonly string[] | undefined {
  if (!path.deprecated) return undefined;
  const key = dumpRoleClaimKey(path);
  return [
    `WARNING: The config \`jwt-role-claim-key=${key}\` is using the deprecated JSPath syntax.`,
    `Update \`jwt-role-claim-key=${key}\` to the new JSONPath syntax as support for JSPath will be removed in a future release. ` +
      'See the migration guide on how to update: https://github.com/PostgREST/postgrest/blob/main/CHANGELOG.md#migration-to-v16',
  ];
}
