// Reading the server's metrics in tests: the samples of a Prometheus exposition, one sample's value, and a check of how
// much a counter grew while some requests ran.
import assert from 'node:assert/strict';
import type { App } from '../../src/app/app.js';

/** `name{labels}` → value, from an exposition. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/**
 * The value of one sample of the server's metrics, named exactly as exposed (`name` or `name{label="value"}`); when the
 * exposition has no such sample, `absent` if given, else the assertion fails.
 */
export async function metricValue(srv: { readonly app: App }, sample: string, absent?: number): Promise<number> {
  // A map lookup, so the name matches exactly (no pattern: its `{`, `}`, `"` and `.` are plain characters).
  const value = samples(await srv.app.state.metrics.render()).get(sample);
  if (value !== undefined) return value;
  assert.ok(absent !== undefined, `metric sample ${sample} is exposed`);
  return absent;
}

/** Runs `fn` and checks that `sample` grew by exactly `delta` meanwhile; answers what `fn` answered. */
export async function expectMetricDelta<T>(srv: { readonly app: App }, sample: string, delta: number, fn: () => Promise<T>): Promise<T> {
  const before = await metricValue(srv, sample);
  const out = await fn();
  assert.equal((await metricValue(srv, sample)) - before, delta, `growth of ${sample}`);
  return out;
}
