// jwt-jwks-url (a postgrest-ts extension): fetches a JWK Set over http(s) and keeps the last good copy, refreshing it
// in the background when older than jwt-jwks-cache-seconds, or early when a token names a key it lacks. A request never
// waits for the network here and no timer is left running; failures keep the previous keys.
import { parseJwkSetText, type VerificationKey } from './keys.js';

/** How to fetch and keep the JWK Set. */
export interface JwksSourceOptions {
  readonly url: string;
  /** Seconds a fetched set is used before the next request triggers a refresh (0: refresh behind every request). */
  readonly cacheSeconds: number;
  /** Called with a one-line reason when a fetch fails (the previous keys stay in use). */
  readonly onError?: ((message: string) => void) | undefined;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch | undefined;
  /** Milliseconds clock, injected for tests. */
  readonly now?: (() => number) | undefined;
}

/** Least time between two early refreshes (unknown kid, failed fetch): a stream of bad tokens cannot flood the URL. */
const RETRY_MS = 5_000;
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1 << 20;

/** A JWK Set fetched from a URL; `generation` changes whenever the keys do (to drop cached verifications). */
export class JwksSource {
  readonly #opts: JwksSourceOptions;
  readonly #now: () => number;
  #keys: readonly VerificationKey[] = [];
  #text: string | undefined;
  #generation = 0;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  readonly #first: Promise<void>;

  constructor(opts: JwksSourceOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#first = this.refresh();
  }

  /** Resolves once the first fetch has finished (successfully or not). */
  ready(): Promise<void> {
    return this.#first;
  }

  /** Bumped each time a fetch brings different keys. */
  get generation(): number {
    return this.#generation;
  }

  /** The current keys (possibly none yet); starts a background refresh when they are older than the cache time. */
  keys(): readonly VerificationKey[] {
    const now = this.#now();
    const stale = now - this.#fetchedAt >= this.#opts.cacheSeconds * 1000;
    // After a failed attempt (attempted later than the last success), wait RETRY_MS before trying again.
    const lastFailed = this.#attemptedAt > this.#fetchedAt;
    if (stale && (!lastFailed || now - this.#attemptedAt >= RETRY_MS)) void this.refresh();
    return this.#keys;
  }

  /** A token could not be verified with the current keys: refresh early, at most once per RETRY_MS. */
  refreshSoon(): void {
    if (this.#now() - this.#attemptedAt >= RETRY_MS) void this.refresh();
  }

  /** Fetches the set now (one fetch at a time); never rejects. */
  refresh(): Promise<void> {
    if (this.#inflight) return this.#inflight;
    this.#attemptedAt = this.#now();
    this.#inflight = this.#load()
      .catch((err: unknown) => {
        this.#opts.onError?.(`Failed to fetch the JWKS from jwt-jwks-url: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  async #load(): Promise<void> {
    const doFetch = this.#opts.fetch ?? fetch;
    const res = await doFetch(this.#opts.url, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    if (Buffer.byteLength(text) > MAX_BYTES) throw new Error(`the response is larger than ${MAX_BYTES} bytes`);
    const keys = parseJwkSetText(text);
    this.#fetchedAt = this.#now();
    if (text === this.#text) return;
    this.#text = text;
    this.#keys = keys;
    this.#generation++;
  }
}
