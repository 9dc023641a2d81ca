// Approximate string matching for "Perhaps you meant ..." hints, scoring like the Haskell `fuzzyset`
// package (0.2.x) PostgREST uses: n-gram cosine preselection (sizes 3 then 2), then normalised Levenshtein.
// Pure and synchronous; it knows nothing about tables or functions.
import { isHaskellSpace } from '../text/haskell-space.js';

/** An immutable index of candidate strings. */
export interface FuzzySet {
  /** lower-cased value → the value as given (first one added wins). */
  readonly exact: ReadonlyMap<string, string>;
  /** gram size → items (lower-cased value and gram-vector magnitude), by index. */
  readonly items: ReadonlyMap<number, readonly FuzzyItem[]>;
  /** gram → (item index, count) for every item containing it. */
  readonly matchDict: ReadonlyMap<string, readonly GramInfo[]>;
}

interface FuzzyItem {
  readonly entry: string;
  readonly magnitude: number;
}

interface GramInfo {
  readonly index: number;
  readonly count: number;
}

const GRAM_SIZES = [2, 3] as const;
const DEFAULT_MIN_SCORE = 0.33;
const LEVENSHTEIN_CANDIDATES = 50;

/** Builds the index. As with `fromList` there, the list is consumed from its end, so later duplicates win. */
export function fuzzySetFrom(values: readonly string[]): FuzzySet {
  const exact = new Map<string, string>();
  const items = new Map<number, FuzzyItem[]>(GRAM_SIZES.map((n) => [n, []]));
  const matchDict = new Map<string, GramInfo[]>();
  for (let v = values.length - 1; v >= 0; v--) {
    const value = values[v] ?? '';
    const key = value.toLowerCase();
    if (exact.has(key)) continue;
    for (const size of GRAM_SIZES) {
      const list = items.get(size) ?? [];
      const vector = gramVector(key, size);
      const index = list.length;
      list.push({ entry: key, magnitude: magnitude(vector) });
      for (const [gram, count] of vector) {
        const infos = matchDict.get(gram);
        if (infos === undefined) matchDict.set(gram, [{ index, count }]);
        else infos.push({ index, count });
      }
    }
    exact.set(key, value);
  }
  return { exact, items, matchDict };
}

/** Matches scoring at least `minScore`, best first (score 1 for a case-insensitive exact match). */
export function fuzzyGet(set: FuzzySet, value: string, minScore = DEFAULT_MIN_SCORE): [number, string][] {
  const key = value.toLowerCase();
  const hit = set.exact.get(key);
  if (hit !== undefined) return [[1, hit]];
  for (const size of [3, 2]) {
    const found = matchesOfSize(set, key, minScore, size);
    if (found.length > 0) return found;
  }
  return [];
}

/** The best match scoring at least `minScore`, if any. */
export function fuzzyGetOne(set: FuzzySet, value: string, minScore = DEFAULT_MIN_SCORE): string | undefined {
  return fuzzyGet(set, value, minScore)[0]?.[1];
}

function matchesOfSize(set: FuzzySet, key: string, minScore: number, size: number): [number, string][] {
  const items = set.items.get(size) ?? [];
  const query = gramVector(key, size);
  const queryMagnitude = magnitude(query);
  const dots = new Map<number, number>();
  for (const [gram, count] of query) {
    for (const info of set.matchDict.get(gram) ?? []) {
      if (info.index >= items.length) continue;
      dots.set(info.index, (dots.get(info.index) ?? 0) + info.count * count);
    }
  }
  // ties keep item order (Array.prototype.sort is stable), as the reference's stable sortBy does
  const byCosine = [...dots.entries()]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([index, dot]): [number, string][] => {
      const item = items[index];
      return item === undefined ? [] : [[dot / (queryMagnitude * item.magnitude), item.entry]];
    })
    .sort((a, b) => b[0] - a[0]);
  return byCosine
    .slice(0, LEVENSHTEIN_CANDIDATES)
    .map(([, entry]): [number, string] => [levenshteinSimilarity(key, entry), entry])
    .sort((a, b) => b[0] - a[0])
    .filter(([score]) => score >= minScore)
    .map(([score, entry]): [number, string] => [score, set.exact.get(entry) ?? '']);
}

/** n-gram counts of the normalised value enclosed in '-'. */
export function gramVector(value: string, size: number): Map<string, number> {
  const chars = Array.from(`-${normalize(value)}-`);
  const out = new Map<string, number>();
  for (let i = 0; i + size <= chars.length; i++) {
    const gram = chars.slice(i, i + size).join('');
    out.set(gram, (out.get(gram) ?? 0) + 1);
  }
  return out;
}

/** Lower case, keeping only letters, digits, white space and commas. */
function normalize(value: string): string {
  let out = '';
  for (const ch of value.toLowerCase()) if (isWordChar(ch)) out += ch;
  return out;
}

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

// Haskell's isAlphaNum / isSpace on code points
function isWordChar(ch: string): boolean {
  if (ch === ',') return true;
  return isHaskellSpace(ch) || LETTER_OR_NUMBER.test(ch);
}

function magnitude(vector: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const c of vector.values()) sum += c * c;
  return Math.sqrt(sum);
}

/** 1 − distance / longer length, on code points (1 for two empty strings). */
export function levenshteinSimilarity(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 1;
  return 1 - levenshtein(x, y) / longest;
}

function levenshtein(x: readonly string[], y: readonly string[]): number {
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[y.length] ?? 0;
}
