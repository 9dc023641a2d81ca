// The hostile corpus: hand-written cases of every family plus seeded random ones, in a fixed order, so a failure
// seen once is seen again on every run with the same seed.
import { createRng } from '../lib/rng.js';
import { bodyCases } from './body.js';
import { headerCases } from './headers.js';
import { queryCases } from './query.js';
import type { Case } from './types.js';

export type { Case, Expect } from './types.js';

/** The default seed; REL_SEED overrides it in reliability/run.ts. */
export const DEFAULT_SEED = 20_160_807;

/** Builds the corpus: every hand-written case, then `randomQueries` query mutations and `randomBodies` body corruptions. */
export function buildCorpus(opts: { seed?: number; randomQueries?: number; randomBodies?: number } = {}): Case[] {
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  return [...queryCases(rng, opts.randomQueries ?? 2000), ...headerCases(), ...bodyCases(rng, opts.randomBodies ?? 400)];
}

/** About `n` cases spread evenly over the corpus (every family keeps some), for the quick smoke run. */
export function sampleCorpus(cases: readonly Case[], n: number): Case[] {
  if (cases.length <= n) return [...cases];
  const step = cases.length / n;
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const c = cases[Math.floor(i * step)];
    if (c) out.push(c);
  }
  return out;
}
