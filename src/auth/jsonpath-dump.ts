// Prints a parsed JSONPath query in the normalised form PostgREST's --dump-config shows (names in
// single quotes, numbers as Haskell shows them). Pure; the config file's `$$` escaping is the caller's.
import type {
  BasicExpr, Comparable, FunctionArg, JsonPathQuery, JsonPathSegment, JsonPathSelector, OrExpr, SearchCall,
} from './jsonpath-ast.js';
import { isShorthandName } from './jsonpath-parse.js';

/** A number as Haskell's `show` prints a Scientific: `1.0`, `0.5`, `1.0e7`, `5.0e-2`. */
export function showScientific(n: number): string {
  if (n === 0) return '0.0';
  if (n < 0) return '-' + showScientific(-n);
  const [mantissa = '', exp = '0'] = n.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp) + 1; // value = 0.<digits> × 10^e
  if (e < 0 || e > 7) {
    return `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}e${e - 1}`;
  }
  if (e === 0) return `0.${digits}`;
  const whole = digits.slice(0, e).padEnd(e, '0');
  const frac = digits.slice(e);
  return `${whole}.${frac === '' ? '0' : frac}`;
}

function quote(text: string): string {
  let out = "'";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "'" || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (cp < 0x20) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + "'";
}

function literal(value: null | boolean | number | string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  return typeof value === 'number' ? showScientific(value) : String(value);
}

function selector(sel: JsonPathSelector): string {
  switch (sel.kind) {
    case 'name':
      return quote(sel.name);
    case 'index':
      return String(sel.index);
    case 'slice':
      return `${sel.start ?? ''}:${sel.end ?? ''}:${sel.step}`;
    case 'wildcard':
      return '*';
    case 'filter':
      return '?' + orExpr(sel.expr);
  }
}

function segment(seg: JsonPathSegment): string {
  const prefix = seg.descendant ? '..' : '';
  const only = seg.selectors[0];
  if (seg.form === 'wildcard') return prefix + (seg.descendant ? '*' : '.*');
  if (seg.form === 'name' && only?.kind === 'name' && isShorthandName(only.name)) {
    return prefix + (seg.descendant ? '' : '.') + only.name;
  }
  return prefix + '[' + seg.selectors.map(selector).join(',') + ']';
}

function comparable(c: Comparable): string {
  if (c.kind === 'literal') return literal(c.value);
  const steps = c.steps.map((s) =>
    typeof s === 'number' ? `[${s}]` : isShorthandName(s) ? `.${s}` : `[${quote(s)}]`,
  );
  return c.root + steps.join('');
}

function searchCall(call: SearchCall): string {
  return `search(${functionArg(call.args[0])}, ${functionArg(call.args[1])})`;
}

function functionArg(arg: FunctionArg): string {
  switch (arg.kind) {
    case 'literal':
      return literal(arg.value);
    case 'query':
      return dumpJsonPath(arg.query);
    case 'logical':
      return orExpr(arg.expr);
    case 'function':
      return searchCall(arg.call);
  }
}

function basic(e: BasicExpr): string {
  switch (e.kind) {
    case 'paren':
      return (e.negated ? '!(' : '(') + orExpr(e.expr) + ')';
    case 'test':
      return (e.negated ? '!' : '') + (e.test.kind === 'search' ? searchCall(e.test) : dumpJsonPath(e.test));
    case 'comparison':
      return `${comparable(e.left)} ${e.op} ${comparable(e.right)}`;
  }
}

function orExpr(e: OrExpr): string {
  return e.terms.map((and) => and.terms.map(basic).join(' && ')).join(' || ');
}

/** The normalised text of a query; it parses back to the same query. */
export function dumpJsonPath(q: JsonPathQuery): string {
  return q.root + q.segments.map(segment).join('');
}
