// Per-group results of the reliability suite: every check counts once in `passed/total`; failures keep the request,
// the response and what was expected, grouped by a short key so a thousand alike failures print as one line.

/** One failed check. */
export interface Failure {
  readonly check: string;
  /** Groups alike failures (e.g. `500 PGRSTX00`). */
  readonly key: string;
  readonly detail: string;
}

/** Results of one group. */
export class GroupReport {
  readonly name: string;
  passed = 0;
  total = 0;
  readonly failures: Failure[] = [];
  readonly notes: string[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** Records one check; `detail` (request, response, expectation) is kept only when it failed. */
  check(check: string, ok: boolean, detail: string | (() => string) = '', key = check): boolean {
    this.total++;
    if (ok) this.passed++;
    else this.failures.push({ check, key, detail: typeof detail === 'function' ? detail() : detail });
    return ok;
  }

  /** An informational line (figures such as p99), printed with the group. */
  note(line: string): void {
    this.notes.push(line);
  }

  get failed(): number {
    return this.total - this.passed;
  }

  /** Human-readable summary: the count line, notes, then failures grouped by key (the first few in full). */
  render(maxPerKey = 3): string {
    const lines = [`[${this.name}] ${this.passed}/${this.total} passed`];
    for (const n of this.notes) lines.push(`  · ${n}`);
    const byKey = new Map<string, Failure[]>();
    for (const f of this.failures) {
      const list = byKey.get(f.key) ?? [];
      list.push(f);
      byKey.set(f.key, list);
    }
    for (const [key, list] of byKey) {
      lines.push(`  ✗ ${key} (${list.length}×)`);
      for (const f of list.slice(0, maxPerKey)) {
        lines.push(`      ${f.check}`);
        for (const d of f.detail.split('\n')) if (d) lines.push(`        ${d}`);
      }
      if (list.length > maxPerKey) lines.push(`      … and ${list.length - maxPerKey} more`);
    }
    return lines.join('\n');
  }
}

/** Shortens text for a report line, keeping both ends. */
export function clip(text: string, max = 300): string {
  const shown = JSON.stringify(text).slice(1, -1);
  return shown.length <= max ? shown : `${shown.slice(0, max - 40)}…(${shown.length} chars)…${shown.slice(-30)}`;
}
