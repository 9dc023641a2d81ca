// A bounded cache with SIEVE eviction and request/hit/eviction counters, shaped like PostgREST's JWT
// cache: failed loads are never stored. Generic and synchronous; it knows nothing about JWTs or time.

/** Counters for metrics (pgrst_jwt_cache_requests_total, _hits_total, _evictions_total) plus the current size. */
export interface CacheStats {
  readonly requests: number;
  readonly hits: number;
  readonly evictions: number;
  readonly size: number;
  readonly maxEntries: number;
}

/** Optional observers, e.g. for PostgREST's debug lines "Looked up a JWT in JWT cache" / "Evicted entry from JWT cache". */
export interface CacheListener {
  readonly lookup?: (hit: boolean) => void;
  readonly evict?: () => void;
}

interface Node<V> {
  readonly key: string;
  readonly value: V;
  visited: boolean;
  prev: Node<V> | Sentinel<V>;
  next: Node<V> | Sentinel<V>;
}

interface Sentinel<V> {
  readonly key: null;
  prev: Node<V> | Sentinel<V>;
  next: Node<V> | Sentinel<V>;
}

/**
 * SIEVE cache. Entries sit in a ring after a sentinel, oldest first. The hand is the link it will look
 * through next (`hand.next`); it walks oldest → newest, clearing `visited` marks, and evicts the first
 * unvisited entry. Because an insertion fills the link just before the sentinel, a hand parked there
 * sees the new entry next; this is how PostgREST's implementation behaves, so we keep it.
 */
export class SieveCache<V> {
  readonly #entries = new Map<string, Node<V>>();
  readonly #sentinel: Sentinel<V>;
  #hand: Node<V> | Sentinel<V>;
  #maxEntries: number;
  readonly #listener: CacheListener;
  #requests = 0;
  #hits = 0;
  #evictions = 0;

  /** `maxEntries` below 1 behaves as 1; callers disable caching by not creating one. */
  constructor(maxEntries: number, listener: CacheListener = {}) {
    const sentinel = { key: null } as Sentinel<V>;
    sentinel.prev = sentinel;
    sentinel.next = sentinel;
    this.#sentinel = sentinel;
    this.#hand = sentinel;
    this.#maxEntries = maxEntries;
    this.#listener = listener;
  }

  /** Returns the cached value (counting a request and, if found, a hit) or loads and stores it; a throwing load stores nothing. */
  getOrLoad(key: string, load: (key: string) => V): V {
    this.#requests++;
    const found = this.#entries.get(key);
    this.#listener.lookup?.(found !== undefined);
    if (found !== undefined) {
      this.#hits++;
      found.visited = true;
      return found.value;
    }
    const value = load(key);
    this.#insert(key, value);
    return value;
  }

  /** Whether `key` is cached; does not count as a request nor mark the entry visited. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Cached keys from oldest to newest (for tests and debugging). */
  keys(): string[] {
    const out: string[] = [];
    for (let n = this.#sentinel.next; n.key !== null; n = n.next) out.push(n.key);
    return out;
  }

  /** Changes the bound; the cache shrinks on the next insertion, as PostgREST's does on reload. */
  setMaxEntries(maxEntries: number): void {
    this.#maxEntries = maxEntries;
  }

  /** Counters since creation. */
  stats(): CacheStats {
    return {
      requests: this.#requests,
      hits: this.#hits,
      evictions: this.#evictions,
      size: this.#entries.size,
      maxEntries: this.#maxEntries,
    };
  }

  #insert(key: string, value: V): void {
    while (this.#entries.size >= Math.max(1, this.#maxEntries)) this.#evictOne();
    const last = this.#sentinel.prev;
    const node: Node<V> = { key, value, visited: false, prev: last, next: this.#sentinel };
    last.next = node;
    this.#sentinel.prev = node;
    this.#entries.set(key, node);
  }

  #evictOne(): void {
    for (;;) {
      let candidate = this.#hand.next;
      if (candidate.key === null) {
        // Skip the sentinel: wrap around to the oldest entry.
        this.#hand = candidate;
        candidate = candidate.next;
        if (candidate.key === null) return;
      }
      if (candidate.visited) {
        candidate.visited = false;
        this.#hand = candidate;
        continue;
      }
      candidate.prev.next = candidate.next;
      candidate.next.prev = candidate.prev;
      this.#hand = candidate.prev;
      this.#entries.delete(candidate.key);
      this.#evictions++;
      this.#listener.evict?.();
      return;
    }
  }
}
